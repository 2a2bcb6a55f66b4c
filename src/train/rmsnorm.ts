import type { Floats } from "./matmul.js";

/**
 * RMSNorm (Zhang & Sennrich 2019, arxiv.org/abs/1910.07467) as Llama uses it:
 * y = w * (x / sqrt(mean(x²) + eps)), per row. Legend: n = rows, dim = row width, r = 1/rms.
 */

/** out (n, dim) = rmsnorm(x) * w; keeps r (n,) for the backward pass. Same arithmetic as the engine's. */
export function rmsnormForward(
  out: Floats,
  r: Float64Array,
  x: Floats,
  w: Floats,
  eps: number,
  n: number,
  dim: number,
): void {
  for (let t = 0; t < n; t++) {
    const o = t * dim;
    let ss = 0;
    for (let i = 0; i < dim; i++) ss += x[o + i] * x[o + i];
    const scale = 1 / Math.sqrt(ss / dim + eps);
    r[t] = scale;
    for (let i = 0; i < dim; i++) out[o + i] = w[i] * (x[o + i] * scale);
  }
}

/**
 * dx (n, dim) = ∂L/∂x and dw (dim,) += ∂L/∂w from dy. With g = dy * w:
 * dx = r g - x r³ (g·x) / dim, dw += dy * x * r.
 */
export function rmsnormBackward(
  dx: Floats,
  dw: Floats,
  dy: Floats,
  x: Floats,
  w: Floats,
  r: Float64Array,
  n: number,
  dim: number,
): void {
  for (let t = 0; t < n; t++) {
    const o = t * dim;
    const rt = r[t];
    let dot = 0;
    for (let i = 0; i < dim; i++) {
      dot += dy[o + i] * w[i] * x[o + i];
      dw[i] += dy[o + i] * x[o + i] * rt;
    }
    const c = (rt * rt * rt * dot) / dim;
    for (let i = 0; i < dim; i++) dx[o + i] = rt * dy[o + i] * w[i] - x[o + i] * c;
  }
}
