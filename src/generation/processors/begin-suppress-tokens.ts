import type { TokenId } from "../../models/types.js";
import type { LogitsProcessor } from "../types.js";
import { withBanned } from "./ban.js";
import { checkTokenIds } from "./checks.js";

/**
 * Bans the given ids at the first generated step only, when the sequence is exactly the prompt
 * (HF SuppressTokensAtBeginLogitsProcessor; e.g. Whisper's leading blank).
 */
export function beginSuppressTokens(ids: readonly TokenId[]): LogitsProcessor {
  const banned = checkTokenIds("beginSuppressTokens", ids);
  return (logits, { tokens, promptLength }) =>
    tokens.length === promptLength ? withBanned(logits, banned) : logits.slice();
}
