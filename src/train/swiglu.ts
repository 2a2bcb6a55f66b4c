import type { Floats } from "./matmul.js";

/**
 * SwiGLU feed-forward activation (Shazeer 2020, arxiv.org/abs/2002.05202): h = silu(gate) * up.
 * gate and up come from one fused projection: row t of gu (n, 2ff) is [gate (ff) | up (ff)].
 */

/** h (n, ff) = silu(gate) * up, written as the engine's swiglu kernel writes it. */
export function swigluForward(h: Floats, gu: Floats, n: number, ff: number): void {
  for (let t = 0; t < n; t++) {
    const o = t * 2 * ff;
    for (let i = 0; i < ff; i++) {
      const g = gu[o + i];
      h[t * ff + i] = (g / (1 + Math.exp(-g))) * gu[o + ff + i];
    }
  }
}

/** dgu (n, 2ff) from dh (n, ff): d gate = dh * up * s (1 + g (1 - s)), d up = dh * g s, s = sigmoid(g). */
export function swigluBackward(dgu: Floats, dh: Floats, gu: Floats, n: number, ff: number): void {
  for (let t = 0; t < n; t++) {
    const o = t * 2 * ff;
    for (let i = 0; i < ff; i++) {
      const g = gu[o + i];
      const u = gu[o + ff + i];
      const s = 1 / (1 + Math.exp(-g));
      const d = dh[t * ff + i];
      dgu[o + i] = d * u * s * (1 + g * (1 - s));
      dgu[o + ff + i] = d * g * s;
    }
  }
}
