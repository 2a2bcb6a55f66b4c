import type { Floats } from "./matmul.js";

/**
 * Rotary position embedding (Su et al. 2021, arxiv.org/abs/2104.09864) in Hugging Face's rotate_half
 * layout, as src/models/llama.ts runs it: in each head, dimension i pairs with i + hd/2 and the pair
 * turns by the angle pos * invFreq[i]. Rows here are strided (q and k sit inside a fused qkv row).
 * Legend: B sequences of T positions, row = b * T + t, half = hd / 2.
 */

/**
 * Rotates the first `nHeads` heads of width hd of each row (row stride `stride`)
 * by the position angles; direction -1 applies the inverse rotation, which is the backward pass
 * (a rotation's Jacobian is the rotation itself, so the gradient turns back by the same angle).
 * cos/sin are (T, half) tables for positions 0..T-1 (the engine's ropeTables).
 */
export function rotate(
  x: Floats,
  cos: Float32Array,
  sin: Float32Array,
  rows: number,
  T: number,
  stride: number,
  nHeads: number,
  hd: number,
  direction: 1 | -1,
): void {
  const half = hd / 2;
  for (let row = 0; row < rows; row++) {
    const t = row % T;
    for (let h = 0; h < nHeads; h++) {
      const o = row * stride + h * hd;
      for (let i = 0; i < half; i++) {
        const c = cos[t * half + i];
        const s = direction * sin[t * half + i];
        const x0 = x[o + i];
        const x1 = x[o + i + half];
        x[o + i] = x0 * c - x1 * s;
        x[o + i + half] = x1 * c + x0 * s;
      }
    }
  }
}
