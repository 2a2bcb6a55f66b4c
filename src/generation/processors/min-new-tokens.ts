import type { TokenId } from "../../models/types.js";
import type { LogitsProcessor } from "../types.js";
import { withBanned } from "./ban.js";
import { checkInteger, checkTokenIds } from "./checks.js";

/**
 * Bans every EOS id until minNewTokens tokens have been generated after the prompt
 * (HF MinNewTokensLengthLogitsProcessor, with ctx.promptLength as prompt_length_to_skip).
 */
export function minNewTokens(minNewTokens: number, eosTokenIds: readonly TokenId[]): LogitsProcessor {
  checkInteger("minNewTokens", minNewTokens, 0);
  const eos = checkTokenIds("eosTokenId", eosTokenIds);
  return (logits, { tokens, promptLength }) =>
    tokens.length - promptLength < minNewTokens ? withBanned(logits, eos) : logits.slice();
}
