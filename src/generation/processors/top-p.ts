import { argsortDescending, softmax } from "../distribution.js";
import type { LogitsProcessor } from "../types.js";
import { checkInRange, checkMinKeep } from "./checks.js";

/**
 * Nucleus filter: keeps the most likely tokens until their mass reaches p, the token that crosses
 * p included (arxiv.org/abs/1904.09751). As HF TopPLogitsWarper: sort ascending, accumulate
 * probabilities, remove tokens whose cumulative probability is <= 1 - p, always keep the
 * minTokensToKeep most likely. p = 1 keeps every token of non-zero probability; p = 0 keeps minTokensToKeep.
 */
export function topP(p: number, minTokensToKeep = 1): LogitsProcessor {
  checkInRange("topP", p, 0, 1, "[]");
  checkMinKeep(minTokensToKeep);
  return (logits) => {
    const probs = softmax(logits);
    const out = logits.slice();
    const order = argsortDescending(logits); // reversed, ascending with equal logits by descending id
    let cumulative = 0;
    for (let rank = order.length - 1; rank >= 0; rank--) {
      const id = order[rank];
      cumulative += probs[id];
      if (cumulative <= 1 - p && rank >= minTokensToKeep) out[id] = -Infinity;
    }
    return out;
  };
}
