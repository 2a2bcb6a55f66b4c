import { argsortDescending, softmax } from "../distribution.js";
import type { LogitsProcessor } from "../types.js";
import { checkInRange, checkMinKeep } from "./checks.js";

/**
 * Removes tokens less likely than p times the most likely one, keeping the minTokensToKeep most
 * likely (HF MinPLogitsWarper, arxiv.org/abs/2407.01082). HF runs it after temperature; llama.cpp before.
 */
export function minP(p: number, minTokensToKeep = 1): LogitsProcessor {
  checkInRange("minP", p, 0, 1, "[]");
  checkMinKeep(minTokensToKeep);
  return (logits) => {
    const probs = softmax(logits);
    const out = logits.slice();
    let top = 0;
    for (let i = 0; i < probs.length; i++) if (probs[i] > top) top = probs[i];
    const threshold = p * top;
    for (const [rank, id] of argsortDescending(logits).entries()) {
      if (rank >= minTokensToKeep && probs[id] < threshold) out[id] = -Infinity;
    }
    return out;
  };
}
