import type { TokenId } from "../../models/types.js";

/** A copy of logits with the given ids set to -Infinity; ids outside the vocabulary are ignored. */
export function withBanned(logits: Float32Array, ids: readonly TokenId[]): Float32Array {
  const out = logits.slice();
  for (const id of ids) if (id >= 0 && id < out.length) out[id] = -Infinity;
  return out;
}
