/**
 * The training matmul: out (m, n) = a (m, k) @ b (n, k)^T, every operand row-major, so both inner
 * reads are contiguous. Forward (y = x W^T), input gradients (dx = dy (W^T)^T) and weight gradients
 * (dW = dy^T (x^T)^T) are all this one product once an operand is transposed (O(size), cheap next to
 * the O(m n k) product).
 *
 * Each output is one float64 sum over p = 0..k-1 in order, rounded once on store: the same value as
 * a naive loop and as the engine's matmul, whatever the blocking or the split across threads. That
 * keeps training bit-for-bit reproducible with any thread count.
 */

/** Float32 in training; float64 in gradient checks (the same code runs on both). */
export type Floats = Float32Array | Float64Array;

/** Columns of out per cache block: 64 rows of b (k ≤ 1024 floats each) stay in L2 while a streams. */
const N_BLOCK = 64;

/** out rows [rowFrom, rowTo) of a (m, k) @ b (n, k)^T. 4×4 register blocks, ~4 GFLOP/s per core in V8. */
export function matmulABt(
  out: Floats,
  a: Floats,
  b: Floats,
  m: number,
  n: number,
  k: number,
  rowFrom = 0,
  rowTo = m,
): void {
  for (let j0 = 0; j0 < n; j0 += N_BLOCK) {
    const j1 = Math.min(n, j0 + N_BLOCK);
    const jEnd = j0 + ((j1 - j0) & ~3);
    let i = rowFrom;
    for (; i + 3 < rowTo; i += 4) {
      const a0 = i * k;
      const a1 = a0 + k;
      const a2 = a1 + k;
      const a3 = a2 + k;
      for (let j = j0; j < jEnd; j += 4) {
        const b0 = j * k;
        const b1 = b0 + k;
        const b2 = b1 + k;
        const b3 = b2 + k;
        let s00 = 0,
          s01 = 0,
          s02 = 0,
          s03 = 0,
          s10 = 0,
          s11 = 0,
          s12 = 0,
          s13 = 0;
        let s20 = 0,
          s21 = 0,
          s22 = 0,
          s23 = 0,
          s30 = 0,
          s31 = 0,
          s32 = 0,
          s33 = 0;
        for (let p = 0; p < k; p++) {
          const y0 = b[b0 + p];
          const y1 = b[b1 + p];
          const y2 = b[b2 + p];
          const y3 = b[b3 + p];
          let x = a[a0 + p];
          s00 += x * y0;
          s01 += x * y1;
          s02 += x * y2;
          s03 += x * y3;
          x = a[a1 + p];
          s10 += x * y0;
          s11 += x * y1;
          s12 += x * y2;
          s13 += x * y3;
          x = a[a2 + p];
          s20 += x * y0;
          s21 += x * y1;
          s22 += x * y2;
          s23 += x * y3;
          x = a[a3 + p];
          s30 += x * y0;
          s31 += x * y1;
          s32 += x * y2;
          s33 += x * y3;
        }
        let o = i * n + j;
        out[o] = s00;
        out[o + 1] = s01;
        out[o + 2] = s02;
        out[o + 3] = s03;
        o += n;
        out[o] = s10;
        out[o + 1] = s11;
        out[o + 2] = s12;
        out[o + 3] = s13;
        o += n;
        out[o] = s20;
        out[o + 1] = s21;
        out[o + 2] = s22;
        out[o + 3] = s23;
        o += n;
        out[o] = s30;
        out[o + 1] = s31;
        out[o + 2] = s32;
        out[o + 3] = s33;
      }
      for (let r = i; r < i + 4; r++) dotRange(out, a, b, n, k, r, jEnd, j1);
    }
    for (; i < rowTo; i++) dotRange(out, a, b, n, k, i, j0, j1);
  }
}

/** out[i, j] for j in [jFrom, jTo): the plain loop for block edges. */
function dotRange(
  out: Floats,
  a: Floats,
  b: Floats,
  n: number,
  k: number,
  i: number,
  jFrom: number,
  jTo: number,
) {
  const ao = i * k;
  for (let j = jFrom; j < jTo; j++) {
    const bo = j * k;
    let s = 0;
    for (let p = 0; p < k; p++) s += a[ao + p] * b[bo + p];
    out[i * n + j] = s;
  }
}

/** out (cols, rows) = x (rows, cols)^T. */
export function transpose(out: Floats, x: Floats, rows: number, cols: number): void {
  const B = 32; // tile edge: both sides of a tile stay in L1
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = x[r * cols + c];
    }
  }
}

/** Multiplies matrices; a worker pool implements the same interface across threads. */
export interface Matmul {
  /** out (m, n) = a (m, k) @ b (n, k)^T. */
  abt(out: Floats, a: Floats, b: Floats, m: number, n: number, k: number): void;
}

/** The single-threaded Matmul. */
export const serialMatmul: Matmul = {
  abt: (out, a, b, m, n, k) => matmulABt(out, a, b, m, n, k),
};
