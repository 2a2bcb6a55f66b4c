import { InvalidOptionError } from "../../errors.js";
import type { TokenId } from "../../models/types.js";
import type { LogitsProcessor } from "../types.js";
import { sequenceBias } from "./sequence-bias.js";

/**
 * Bans token sequences (HF NoBadWordsLogitsProcessor, a sequence bias of -Infinity): a one-token
 * entry is banned at every step; for a longer one, its last token is banned when the others end the
 * sequence. Entries that are just one EOS id are dropped, as HF does, so EOS stays reachable.
 */
export function badWords(
  badWordsIds: readonly (readonly TokenId[])[],
  eosTokenIds: readonly TokenId[] = [],
): LogitsProcessor {
  if (!Array.isArray(badWordsIds) || badWordsIds.length === 0) {
    throw new InvalidOptionError("badWordsIds", badWordsIds, "a non-empty array of token id arrays");
  }
  const kept = badWordsIds.filter(
    (ids) => !(Array.isArray(ids) && ids.length === 1 && eosTokenIds.includes(ids[0] as TokenId)),
  );
  return sequenceBias(
    kept.map((ids) => [ids, -Infinity] as const),
    "badWordsIds",
  );
}
