import type { TokenId } from "../../models/types.js";
import type { LogitsProcessor, StepContext } from "../types.js";
import { checkFinite } from "./checks.js";

/**
 * OpenAI frequency penalty: logit -= count · penalty, count = how often the token was generated
 * (the prompt does not count, as in OpenAI and vLLM). Negative values encourage repeats.
 */
export function frequencyPenalty(penalty: number): LogitsProcessor {
  checkFinite("frequencyPenalty", penalty);
  return (logits, ctx) => {
    const out = logits.slice();
    for (const [id, count] of generatedCounts(ctx)) if (id < out.length) out[id] -= count * penalty;
    return out;
  };
}

/** How often each token occurs after the prompt. */
export function generatedCounts({ tokens, promptLength }: StepContext): Map<TokenId, number> {
  const counts = new Map<TokenId, number>();
  for (let i = Math.max(0, promptLength); i < tokens.length; i++) {
    counts.set(tokens[i], (counts.get(tokens[i]) ?? 0) + 1);
  }
  return counts;
}
