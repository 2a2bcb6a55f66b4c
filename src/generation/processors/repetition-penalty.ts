import type { LogitsProcessor } from "../types.js";
import { checkFinite } from "./checks.js";
import { InvalidOptionError } from "../../errors.js";

/**
 * CTRL's repetition penalty (arxiv.org/abs/1909.05858, HF RepetitionPenaltyLogitsProcessor): for
 * each distinct token of the whole sequence, prompt included, a negative logit is multiplied by the
 * penalty and any other divided by it, once however often the token occurs. > 1 discourages
 * repeats, < 1 encourages them. Computed in float32 like torch.
 */
export function repetitionPenalty(penalty: number): LogitsProcessor {
  if (!(checkFinite("repetitionPenalty", penalty) > 0)) {
    throw new InvalidOptionError("repetitionPenalty", penalty, "a number > 0");
  }
  const p32 = Math.fround(penalty);
  return (logits, ctx) => {
    const out = logits.slice();
    for (const id of new Set(ctx.tokens)) {
      if (id < 0 || id >= out.length) continue;
      const x = logits[id];
      out[id] = x < 0 ? x * p32 : x / p32;
    }
    return out;
  };
}
