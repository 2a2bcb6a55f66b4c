import type { LogitsProcessor } from "../types.js";
import { checkInteger } from "./checks.js";

/**
 * Bans every token that would complete an n-gram already present in the sequence, prompt
 * included (HF NoRepeatNGramLogitsProcessor): the last n - 1 tokens are matched against every
 * earlier window. Nothing is banned before the sequence holds n tokens; n = 1 bans every seen token.
 */
export function noRepeatNgram(n: number): LogitsProcessor {
  checkInteger("noRepeatNgramSize", n, 1);
  return (logits, { tokens }) => {
    const out = logits.slice();
    const prefixStart = tokens.length - (n - 1);
    for (let start = 0; start + n <= tokens.length; start++) {
      let matches = true;
      for (let j = 0; j < n - 1 && matches; j++) matches = tokens[start + j] === tokens[prefixStart + j];
      const banned = tokens[start + n - 1];
      if (matches && banned >= 0 && banned < out.length) out[banned] = -Infinity;
    }
    return out;
  };
}
