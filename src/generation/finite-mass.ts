// The guard every strategy runs on a step's scores before it chooses from them: a distribution with
// no finite mass (every score -Infinity, or any NaN, or a +Infinity) has no softmax, so greedy would
// repeat token 0, sampling would find nothing to draw and beam search would keep nothing. It is
// reported as NoFiniteMassError naming the step and the cause instead.
import { NoFiniteMassError, type NoFiniteMassCause, type ScoresSource } from "../errors.js";

/**
 * Why `scores` (or its range [from, to)) has no finite mass, or undefined when it has some.
 * NaN is reported first, then +Infinity, then "every score is -Infinity". One pass, no allocation.
 */
export function noFiniteMassCause(
  scores: ArrayLike<number>,
  from = 0,
  to = scores.length,
): NoFiniteMassCause | undefined {
  let finite = false;
  let positiveInfinity = false;
  for (let i = from; i < to; i++) {
    const s = scores[i];
    if (s !== s) return "nan";
    if (s === Infinity) positiveInfinity = true;
    else if (s !== -Infinity) finite = true;
  }
  if (positiveInfinity) return "infinity";
  return finite ? undefined : "all_suppressed";
}

/** Throws NoFiniteMassError when `scores` has no finite mass; `step` is 0-based among new tokens. */
export function requireFiniteMass(
  scores: ArrayLike<number>,
  step: number,
  source: ScoresSource,
  strategy: string,
): void {
  const cause = noFiniteMassCause(scores);
  if (cause !== undefined) throw new NoFiniteMassError(strategy, step, source, cause);
}
