import { softmax } from "../distribution.js";
import type { LogitsProcessor } from "../types.js";
import { checkInRange, checkMinKeep } from "./checks.js";
import { removeUnlikely } from "./eta.js";

/**
 * Epsilon sampling (truncation sampling, arxiv.org/abs/2210.15191; HF EpsilonLogitsWarper):
 * removes tokens with probability below epsilon, except those whose logit is at least the
 * minTokensToKeep-th largest.
 */
export function epsilon(epsilon: number, minTokensToKeep = 1): LogitsProcessor {
  checkInRange("epsilonCutoff", epsilon, 0, 1, "()");
  checkMinKeep(minTokensToKeep);
  return (logits) => removeUnlikely(logits, softmax(logits), epsilon, minTokensToKeep);
}
