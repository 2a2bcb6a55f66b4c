/**
 * Learning rate at a step: linear warm-up from 0 to peak over warmupSteps, then a half cosine down to
 * minLr at totalSteps (Loshchilov & Hutter 2017, arxiv.org/abs/1608.03983, without restarts).
 * `step` counts from 1.
 */
export function learningRate(
  step: number,
  peak: number,
  minLr: number,
  warmupSteps: number,
  totalSteps: number,
): number {
  if (step <= warmupSteps) return (peak * step) / warmupSteps;
  if (step >= totalSteps) return minLr;
  const progress = (step - warmupSteps) / (totalSteps - warmupSteps);
  return minLr + 0.5 * (peak - minLr) * (1 + Math.cos(Math.PI * progress));
}
