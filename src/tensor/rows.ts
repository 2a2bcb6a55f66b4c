import { bf16ToF32, f16ToF32 } from "./dtype.js";
import type { Tensor } from "./tensor.js";

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
  }
}

/** A whole (small) tensor as f32: a view for f32, a decoded copy otherwise. For norms and biases. */
export function toF32(t: Tensor): Float32Array {
  if (t.dtype === "f32") return f32View(t);
  const cols = rowLength(t);
  const rows = t.shape.length === 1 ? 1 : t.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) decodeRow(out.subarray(r * cols, (r + 1) * cols), t, r);
  return out;
}
