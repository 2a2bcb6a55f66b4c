import type { LogitsProcessor } from "../types.js";
import { checkFinite } from "./checks.js";
import { generatedCounts } from "./frequency-penalty.js";

/**
 * OpenAI presence penalty: logit -= penalty for every token generated at least once (the prompt
 * does not count, as in OpenAI and vLLM). Negative values encourage repeats.
 */
export function presencePenalty(penalty: number): LogitsProcessor {
  checkFinite("presencePenalty", penalty);
  return (logits, ctx) => {
    const out = logits.slice();
    for (const id of generatedCounts(ctx).keys()) if (id >= 0 && id < out.length) out[id] -= penalty;
    return out;
  };
}
