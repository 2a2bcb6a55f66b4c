import { f16ToF32, bf16ToF32 } from "./dtype.js";
import { f32View, rowLength, decodeRow } from "./rows.js";
import type { Tensor } from "./tensor.js";

/**
 * out (n, d) = x (n, k) @ W^T, with W (d, k) row-major in its stored dtype. Most of the run time is
 * spent here. Accumulation is in float64 (JS numbers), rounded once per output.
 * One token (decode) uses fused per-dtype dot products where there is one; otherwise each weight
 * row is decoded once into `scratch` and reused for every token.
 */
export function matmul(
  out: Float32Array,
  x: Float32Array,
  w: Tensor,
  n: number,
  scratch: Float32Array,
): void {
  const d = w.shape[0];
  const k = rowLength(w);
  if (n === 1 && w.dtype in FUSED) {
    matvec(out, x, w, d, k);
    return;
  }
  const row = w.dtype === "f32" ? undefined : scratch.subarray(0, k);
  const wf = w.dtype === "f32" ? f32View(w) : undefined;
  for (let j = 0; j < d; j++) {
    let wRow: Float32Array;
    if (wf) wRow = wf.subarray(j * k, j * k + k);
    else {
      decodeRow(row!, w, j);
      wRow = row!;
    }
    for (let t = 0; t < n; t++) {
      const xo = t * k;
      let s = 0;
      for (let i = 0; i < k; i++) s += wRow[i] * x[xo + i];
      out[t * d + j] = s;
    }
  }
}

/**
 * The dtypes with a fused one-token loop below; K-quants (a super-block has too many parts to fuse
 * cheaply in JS) decode their rows as a prefill does.
 */
const FUSED = { f32: true, f16: true, bf16: true, q8_0: true, q4_0: true };

function matvec(out: Float32Array, x: Float32Array, w: Tensor, d: number, k: number): void {
  const b = w.bytes;
  switch (w.dtype) {
    case "f32": {
      const wf = f32View(w);
      for (let j = 0; j < d; j++) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        const o = j * k;
        let i = 0;
        for (; i + 3 < k; i += 4) {
          s0 += wf[o + i] * x[i];
          s1 += wf[o + i + 1] * x[i + 1];
          s2 += wf[o + i + 2] * x[i + 2];
          s3 += wf[o + i + 3] * x[i + 3];
        }
        for (; i < k; i++) s0 += wf[o + i] * x[i];
        out[j] = s0 + s1 + (s2 + s3);
      }
      return;
    }
    case "f16":
    case "bf16": {
      const decode = w.dtype === "f16" ? f16ToF32 : bf16ToF32;
      for (let j = 0; j < d; j++) {
        let s = 0;
        let p = j * k * 2;
        for (let i = 0; i < k; i++, p += 2) s += decode(b[p] | (b[p + 1] << 8)) * x[i];
        out[j] = s;
      }
      return;
    }
    case "q8_0": {
      const rowBytes = (k / 32) * 34;
      for (let j = 0; j < d; j++) {
        let s = 0;
        let p = j * rowBytes;
        for (let i = 0; i < k; i += 32, p += 34) {
          let block = 0;
          for (let q = 0; q < 32; q++) block += ((b[p + 2 + q] << 24) >> 24) * x[i + q];
          s += block * f16ToF32(b[p] | (b[p + 1] << 8));
        }
        out[j] = s;
      }
      return;
    }
    case "q4_0": {
      const rowBytes = (k / 32) * 18;
      for (let j = 0; j < d; j++) {
        let s = 0;
        let p = j * rowBytes;
        for (let i = 0; i < k; i += 32, p += 18) {
          let block = 0;
          for (let q = 0; q < 16; q++) {
            const byte = b[p + 2 + q];
            block += ((byte & 0x0f) - 8) * x[i + q] + ((byte >> 4) - 8) * x[i + q + 16];
          }
          s += block * f16ToF32(b[p] | (b[p + 1] << 8));
        }
        out[j] = s;
      }
      return;
    }
  }
}

/** Reference: out (n, d) = x (n, k) @ W^T by decoding every row; for tests. */
export function matmulReference(out: Float32Array, x: Float32Array, w: Tensor, n: number): void {
  const d = w.shape[0];
  const k = rowLength(w);
  const row = new Float32Array(k);
  for (let j = 0; j < d; j++) {
    decodeRow(row, w, j);
    for (let t = 0; t < n; t++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += row[i] * x[t * k + i];
      out[t * d + j] = s;
    }
  }
}
