import type { Floats } from "./matmul.js";

/**
 * AdamW (Loshchilov & Hutter 2019, arxiv.org/abs/1711.05101): Adam moments with bias correction and
 * weight decay applied to the weights directly, not through the gradient.
 */
export interface AdamWSettings {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const ADAMW_DEFAULTS: AdamWSettings = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

/**
 * One update of params[from, to) at learning rate lr; `step` counts from 1. m and v are the
 * first and second moment buffers (same layout as params); decay says whether this range decays
 * (matrices do, norm gains do not).
 */
export function adamwUpdate(
  params: Floats,
  grads: Floats,
  m: Floats,
  v: Floats,
  from: number,
  to: number,
  lr: number,
  step: number,
  decay: boolean,
  s: AdamWSettings,
): void {
  const c1 = 1 - s.beta1 ** step;
  const c2 = 1 - s.beta2 ** step;
  const shrink = decay ? 1 - lr * s.weightDecay : 1;
  for (let i = from; i < to; i++) {
    const g = grads[i];
    m[i] = s.beta1 * m[i] + (1 - s.beta1) * g;
    v[i] = s.beta2 * v[i] + (1 - s.beta2) * g * g;
    params[i] = params[i] * shrink - (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + s.eps);
  }
}

/** Scales grads so that their global L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(grads: Floats, maxNorm: number): number {
  let ss = 0;
  for (let i = 0; i < grads.length; i++) ss += grads[i] * grads[i];
  const norm = Math.sqrt(ss);
  if (norm > maxNorm) {
    const k = maxNorm / norm;
    for (let i = 0; i < grads.length; i++) grads[i] *= k;
  }
  return norm;
}
