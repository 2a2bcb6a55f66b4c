import { entropyOfLogits, logSoftmax, softmax } from "../distribution.js";
import type { LogitsProcessor } from "../types.js";
import { checkInRange, checkMinKeep } from "./checks.js";

/**
 * Locally typical sampling (arxiv.org/abs/2202.00666, HF TypicalLogitsWarper): ranks tokens by
 * |-ln p - H| (distance of their surprisal from the entropy), keeps them in that order until the
 * kept mass reaches `mass` (the crossing token included, and every token tied with it), plus the
 * first minTokensToKeep of that order.
 */
export function typicalP(mass: number, minTokensToKeep = 1): LogitsProcessor {
  checkInRange("typicalP", mass, 0, 1, "()");
  checkMinKeep(minTokensToKeep);
  return (logits) => {
    const logProbs = logSoftmax(logits);
    const probs = softmax(logits);
    const h = entropyOfLogits(logits);
    const shift = new Float64Array(logits.length);
    for (let i = 0; i < shift.length; i++) shift[i] = Math.abs(-logProbs[i] - h); // Infinity when removed
    const order = Array.from({ length: shift.length }, (_, i) => i).sort(
      (a, b) => shift[a] - shift[b] || a - b,
    );
    let lastIndex = 0; // HF: last_ind = count(cumprob < mass), clipped to V - 1
    let cumulative = 0;
    for (const id of order) {
      cumulative += probs[id];
      if (cumulative < mass) lastIndex++;
    }
    const limit = shift[order[Math.min(lastIndex, order.length - 1)]];
    const out = logits.slice();
    for (const [rank, id] of order.entries()) {
      if (rank >= minTokensToKeep && shift[id] > limit) out[id] = -Infinity;
    }
    return out;
  };
}
