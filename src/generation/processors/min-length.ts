import type { TokenId } from "../../models/types.js";
import type { LogitsProcessor } from "../types.js";
import { withBanned } from "./ban.js";
import { checkInteger, checkTokenIds } from "./checks.js";

/**
 * Bans every EOS id while the whole sequence, prompt included, is shorter than minLength
 * (HF MinLengthLogitsProcessor). See minNewTokens to count generated tokens only.
 */
export function minLength(minLength: number, eosTokenIds: readonly TokenId[]): LogitsProcessor {
  checkInteger("minLength", minLength, 0);
  const eos = checkTokenIds("eosTokenId", eosTokenIds);
  return (logits, { tokens }) => (tokens.length < minLength ? withBanned(logits, eos) : logits.slice());
}
