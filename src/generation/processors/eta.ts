import { entropyOfLogits, kthLargest, softmax } from "../distribution.js";
import type { LogitsProcessor } from "../types.js";
import { checkInRange, checkMinKeep } from "./checks.js";

/**
 * Eta sampling (arxiv.org/abs/2210.15191; HF EtaLogitsWarper): like epsilon with an
 * entropy-dependent cutoff η = min(ε, √ε · e^(-H)), H the entropy in nats of softmax(logits).
 */
export function eta(epsilon: number, minTokensToKeep = 1): LogitsProcessor {
  checkInRange("etaCutoff", epsilon, 0, 1, "()");
  checkMinKeep(minTokensToKeep);
  return (logits) => {
    const cutoff = Math.min(epsilon, Math.sqrt(epsilon) * Math.exp(-entropyOfLogits(logits)));
    return removeUnlikely(logits, softmax(logits), cutoff, minTokensToKeep);
  };
}

/** Removes probs < cutoff unless the logit is >= the minTokensToKeep-th largest (shared with epsilon). */
export function removeUnlikely(
  logits: Float32Array,
  probs: Float32Array,
  cutoff: number,
  minTokensToKeep: number,
): Float32Array {
  const kth = kthLargest(logits, Math.min(minTokensToKeep, logits.length));
  const out = logits.slice();
  for (let i = 0; i < out.length; i++) if (probs[i] < cutoff && out[i] < kth) out[i] = -Infinity;
  return out;
}
