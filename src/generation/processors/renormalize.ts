import { logSoftmax } from "../distribution.js";
import type { LogitsProcessor } from "../types.js";

/**
 * Replaces the logits by log-probabilities (HF LogitNormalization, `renormalizeLogits`), so the
 * processed scores are normalized again after processors that removed or shifted mass.
 */
export function renormalize(): LogitsProcessor {
  return (logits) => logSoftmax(logits);
}
