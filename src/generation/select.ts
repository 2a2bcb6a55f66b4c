/** Choosing the next token from processed logits: greedily or by a seeded draw. */
import type { TokenId } from "../models/types.js";

/**
 * Draws an id from probs (summing to 1) by inverse CDF with coin in [0, 1) from the seeded rng.
 * When rounding leaves the total just under the coin, the last id of non-zero probability is
 * returned, so a removed token is never drawn.
 */
export function sampleFrom(probs: Float32Array, coin: number): TokenId {
  let cdf = 0;
  let lastPossible = -1;
  for (let id = 0; id < probs.length; id++) {
    if (!(probs[id] > 0)) continue;
    cdf += probs[id];
    if (coin < cdf) return id;
    lastPossible = id;
  }
  if (lastPossible < 0) throw new RangeError("sampleFrom: every probability is 0");
  return lastPossible;
}
