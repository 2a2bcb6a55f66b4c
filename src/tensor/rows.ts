import { bf16ToF32, DTYPE_LAYOUT, f16ToF32 } from "./dtype.js";
import type { BufferAllocator } from "./kernels.js";
import { elementCount, type Tensor } from "./tensor.js";

/**
 * Reading weights in their stored dtype. Quantized rows are decoded on the fly, never wholesale:
 * a Q4_0 model stays 4.5 bits per weight in memory.
 */

/** Row width (last dimension) of a tensor. */
export function rowLength(t: Tensor): number {
  return t.shape[t.shape.length - 1];
}

const f32Views = new WeakMap<Tensor, Float32Array>();

/** The tensor's values as a Float32Array view (f32 tensors, 4-byte aligned by the loader). */
export function f32View(t: Tensor): Float32Array {
  let view = f32Views.get(t);
  if (!view) {
    view = new Float32Array(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength / 4);
    f32Views.set(t, view);
  }
  return view;
}

/** out[0..cols) = row `row` of `t`, decoded to f32. */
export function decodeRow(out: Float32Array, t: Tensor, row: number): void {
  const cols = rowLength(t);
  const b = t.bytes;
  switch (t.dtype) {
    case "f32": {
      out.set(f32View(t).subarray(row * cols, row * cols + cols));
      return;
    }
    case "f16": {
      let p = row * cols * 2;
      for (let i = 0; i < cols; i++, p += 2) out[i] = f16ToF32(b[p] | (b[p + 1] << 8));
      return;
    }
    case "bf16": {
      let p = row * cols * 2;
      for (let i = 0; i < cols; i++, p += 2) out[i] = bf16ToF32(b[p] | (b[p + 1] << 8));
      return;
    }
    case "q8_0": {
      let p = row * (cols / 32) * 34;
      for (let i = 0; i < cols; i += 32, p += 34) {
        const d = f16ToF32(b[p] | (b[p + 1] << 8));
        for (let j = 0; j < 32; j++) out[i + j] = ((b[p + 2 + j] << 24) >> 24) * d;
      }
      return;
    }
    case "q4_0": {
      let p = row * (cols / 32) * 18;
      for (let i = 0; i < cols; i += 32, p += 18) {
        const d = f16ToF32(b[p] | (b[p + 1] << 8));
        for (let j = 0; j < 16; j++) {
          const byte = b[p + 2 + j];
          out[i + j] = ((byte & 0x0f) - 8) * d;
          out[i + j + 16] = ((byte >> 4) - 8) * d;
        }
      }
      return;
    }
    case "q4_k":
    case "q5_k":
    case "q6_k": {
      const { blockBytes } = DTYPE_LAYOUT[t.dtype];
      const decode = t.dtype === "q6_k" ? decodeQ6K : decodeQ45K;
      let p = row * (cols / 256) * blockBytes;
      for (let i = 0; i < cols; i += 256, p += blockBytes) decode(out, i, b, p, t.dtype === "q5_k");
      return;
    }
  }
}

/**
 * One Q4_K (144 bytes: f16 d, f16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of nibbles) or
 * Q5_K (176 bytes: the same with 32 bytes of fifth bits before the nibbles) super-block of 256
 * values into out[o..o+256), as ggml's dequantize_row_q4_K / q5_K: 4 groups of 64 values, the
 * low nibbles of 32 bytes with sub-block scale 2j, their high nibbles with scale 2j+1.
 */
function decodeQ45K(out: Float32Array, o: number, b: Uint8Array, p: number, five: boolean): void {
  const d = f16ToF32(b[p] | (b[p + 1] << 8));
  const dmin = f16ToF32(b[p + 2] | (b[p + 3] << 8));
  const scales = p + 4;
  const qh = p + 16;
  let q = p + (five ? 48 : 16);
  for (let j = 0; j < 8; j += 2, q += 32) {
    const d1 = d * scaleK4(b, scales, j);
    const m1 = dmin * minK4(b, scales, j);
    const d2 = d * scaleK4(b, scales, j + 1);
    const m2 = dmin * minK4(b, scales, j + 1);
    for (let l = 0; l < 32; l++) {
      const high1 = five && b[qh + l] & (1 << j) ? 16 : 0;
      const high2 = five && b[qh + l] & (2 << j) ? 16 : 0;
      out[o + j * 32 + l] = Math.fround(d1) * ((b[q + l] & 0x0f) + high1) - Math.fround(m1);
      out[o + j * 32 + 32 + l] = Math.fround(d2) * ((b[q + l] >> 4) + high2) - Math.fround(m2);
    }
  }
}

/** ggml get_scale_min_k4: the 6-bit scale of sub-block j from 12 packed bytes. */
function scaleK4(b: Uint8Array, s: number, j: number): number {
  return j < 4 ? b[s + j] & 63 : (b[s + j + 4] & 0x0f) | ((b[s + j - 4] >> 6) << 4);
}

/** ggml get_scale_min_k4: the 6-bit min of sub-block j. */
function minK4(b: Uint8Array, s: number, j: number): number {
  return j < 4 ? b[s + j + 4] & 63 : (b[s + j + 4] >> 4) | ((b[s + j] >> 6) << 4);
}

/**
 * One Q6_K super-block (210 bytes: 128 bytes of low nibbles, 64 of 2-bit highs, 16 int8 scales,
 * f16 d) into out[o..o+256), as ggml's dequantize_row_q6_K: two halves of 128 values, each value
 * a 6-bit number minus 32 times d times the int8 scale of its 16-value sub-block.
 */
function decodeQ6K(out: Float32Array, o: number, b: Uint8Array, p: number): void {
  const d = f16ToF32(b[p + 208] | (b[p + 209] << 8));
  for (let half = 0; half < 2; half++) {
    const ql = p + half * 64;
    const qh = p + 128 + half * 32;
    const sc = p + 192 + half * 8;
    const y = o + half * 128;
    for (let l = 0; l < 32; l++) {
      const is = sc + (l >> 4);
      const h = b[qh + l];
      const q1 = ((b[ql + l] & 0x0f) | ((h & 3) << 4)) - 32;
      const q2 = ((b[ql + l + 32] & 0x0f) | (((h >> 2) & 3) << 4)) - 32;
      const q3 = ((b[ql + l] >> 4) | (((h >> 4) & 3) << 4)) - 32;
      const q4 = ((b[ql + l + 32] >> 4) | ((h >> 6) << 4)) - 32;
      out[y + l] = Math.fround(d * ((b[is] << 24) >> 24)) * q1;
      out[y + l + 32] = Math.fround(d * ((b[is + 2] << 24) >> 24)) * q2;
      out[y + l + 64] = Math.fround(d * ((b[is + 4] << 24) >> 24)) * q3;
      out[y + l + 96] = Math.fround(d * ((b[is + 6] << 24) >> 24)) * q4;
    }
  }
}

/**
 * A whole (small) tensor as f32: a view for f32, a decoded copy otherwise (from `into`: the kernels'
 * own memory, so the wasm kernels read it in place rather than copy it in on every call). For norms
 * and biases.
 */
export function toF32(t: Tensor, into?: BufferAllocator): Float32Array {
  if (t.dtype === "f32") return f32View(t);
  const cols = rowLength(t);
  const rows = elementCount(t.shape.slice(0, -1));
  const out = into ? into.alloc(rows * cols) : new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) decodeRow(out.subarray(r * cols, (r + 1) * cols), t, r);
  return out;
}
