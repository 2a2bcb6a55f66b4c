import { kthLargest } from "../distribution.js";
import type { LogitsProcessor } from "../types.js";
import { checkInteger, checkMinKeep } from "./checks.js";

/**
 * Keeps the k = max(topK, minTokensToKeep) highest logits (HF TopKLogitsWarper). Removes only
 * logits strictly below the k-th largest, so every tie with the k-th value survives (more than k
 * tokens can remain; llama.cpp truncates to exactly k instead). k larger than V keeps everything.
 */
export function topK(k: number, minTokensToKeep = 1): LogitsProcessor {
  checkInteger("topK", k, 1);
  checkMinKeep(minTokensToKeep);
  const keep = Math.max(k, minTokensToKeep);
  return (logits) => {
    const out = logits.slice();
    if (keep >= logits.length) return out;
    const kth = kthLargest(logits, keep);
    for (let i = 0; i < out.length; i++) if (out[i] < kth) out[i] = -Infinity;
    return out;
  };
}
