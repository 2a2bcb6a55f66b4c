import { TrainRng } from "./rng.js";

/** Helpers for the trainer's tests: seeded float64 data and finite-difference gradient checks. */

/** n standard-normal float64 values times `scale`, from `seed`. */
export function randomF64(n: number, seed: number, scale = 1): Float64Array {
  const rng = TrainRng.fromSeed(seed);
  return Float64Array.from({ length: n }, () => scale * rng.normal());
}

/** Σ c[i] y[i]: a scalar loss whose gradient with respect to y is c. */
export function dotLoss(c: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < c.length; i++) s += c[i] * y[i];
  return s;
}

/**
 * Relative error ‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖) between `analytic` and central
 * differences (h = 1e-6, float64) of loss() with respect to each value of x (perturbed in place and
 * restored). At most `maxChecks` evenly spaced indices are tried, to bound the time.
 */
export function gradientError(
  loss: () => number,
  x: Float64Array,
  analytic: ArrayLike<number>,
  maxChecks = 400,
): number {
  const h = 1e-6;
  const step = Math.max(1, Math.floor(x.length / maxChecks));
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < x.length; i += step) {
    const saved = x[i];
    x[i] = saved + h;
    const up = loss();
    x[i] = saved - h;
    const down = loss();
    x[i] = saved;
    const numeric = (up - down) / (2 * h);
    diff += (analytic[i] - numeric) ** 2;
    norm += analytic[i] ** 2 + numeric ** 2;
  }
  return norm === 0 ? 0 : Math.sqrt(diff) / Math.sqrt(norm);
}
