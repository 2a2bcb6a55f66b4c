import { InvalidOptionError } from "../../errors.js";
import type { TokenId } from "../../models/types.js";
import type { LogitsProcessor, StepContext } from "../types.js";
import { checkFinite, checkTokenSequence } from "./checks.js";

/** A token sequence and the bias added to its last token when the rest of it ends the sequence. */
export type SequenceBias = readonly [sequence: readonly TokenId[], bias: number];

/**
 * Adds a bias to tokens that would complete given sequences (HF SequenceBiasLogitsProcessor):
 * a one-token sequence is biased at every step; a longer one biases its last token when its other
 * tokens end the current sequence. As in HF, a sequence longer than the current one never applies,
 * and a repeated sequence keeps its last bias.
 */
export function sequenceBias(biases: readonly SequenceBias[], option = "sequenceBias"): LogitsProcessor {
  if (!Array.isArray(biases))
    throw new InvalidOptionError(option, biases, "an array of [token ids, bias] pairs");
  const bySequence = new Map<string, { ids: TokenId[]; bias: number }>();
  for (const pair of biases) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new InvalidOptionError(option, pair, "a [token ids, bias] pair");
    }
    const ids = checkTokenSequence(option, pair[0]);
    const bias = pair[1] === -Infinity ? -Infinity : checkFinite(option, pair[1]);
    bySequence.set(ids.join(","), { ids, bias });
  }
  const entries = [...bySequence.values()];
  return (logits, ctx) => {
    const out = logits.slice();
    for (const { ids, bias } of entries) {
      const last = ids[ids.length - 1];
      if (last < out.length && endsWithPrefix(ctx, ids)) out[last] += bias;
    }
    return out;
  };
}

/** Whether all but the last id of `ids` end ctx.tokens (HF also skips sequences longer than ctx.tokens). */
function endsWithPrefix({ tokens }: StepContext, ids: readonly TokenId[]): boolean {
  if (ids.length === 1) return true;
  if (ids.length > tokens.length) return false;
  const offset = tokens.length - (ids.length - 1);
  for (let j = 0; j < ids.length - 1; j++) if (tokens[offset + j] !== ids[j]) return false;
  return true;
}
