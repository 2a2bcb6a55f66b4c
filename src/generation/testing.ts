/** Helpers for tests of processors and selection (not shipped in the package). */
import assert from "node:assert/strict";
import type { StepContext } from "./types.js";

/** Float32 logits from plain numbers; null stands for -Infinity, as in the golden JSON. */
export function logitsOf(values: ReadonlyArray<number | null>): Float32Array {
  return Float32Array.from(values, (v) => (v === null ? -Infinity : v));
}

/** A context with no tokens at all: the first step of an empty prompt. */
export const noHistory: StepContext = { tokens: [], promptLength: 0 };

/**
 * Asserts element-wise closeness: |a - e| <= tol · max(1, |e|); infinities must match exactly
 * (the -Infinity mask of a processor is exact), NaN never matches. Reports the first mismatch.
 */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number | null>,
  tol = 1e-6,
  message = "",
): void {
  assert.equal(actual.length, expected.length, `${message} length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i] ?? -Infinity;
    const ok = Number.isFinite(e) ? Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)) : a === e;
    if (!ok) {
      assert.fail(
        `${message} [${i}]: got ${a}, expected ${e} (tol ${tol})\n  actual: ${Array.from(actual).join(", ")}`,
      );
    }
  }
}
