import type { TokenId } from "../../models/types.js";
import type { LogitsProcessor } from "../types.js";
import { withBanned } from "./ban.js";
import { checkTokenIds } from "./checks.js";

/** Bans the given ids at every step (HF SuppressTokensLogitsProcessor). */
export function suppressTokens(ids: readonly TokenId[]): LogitsProcessor {
  const banned = checkTokenIds("suppressTokens", ids);
  return (logits) => withBanned(logits, banned);
}
