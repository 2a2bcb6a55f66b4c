/**
 * Text metrics over token ids, for `nextoken compare`. Pure functions; both look only at the tokens
 * they are given (compare passes the generated tokens, not the prompt).
 */
import type { TokenId } from "../models/types.js";

/** The n-gram length repetitionRate uses by default: seq-rep-4 of Welleck et al. (arxiv.org/abs/1908.04319). */
export const REPETITION_NGRAM = 4;

/**
 * distinct-n (Li et al., arxiv.org/abs/1510.03055): distinct n-grams / n-grams in `tokens`, in
 * (0, 1]; 1 means no n-gram occurs twice. 0 when there are fewer than n tokens (no n-grams at all).
 */
export function distinctN(tokens: readonly TokenId[], n: number): number {
  checkN(n);
  const total = tokens.length - n + 1;
  if (total <= 0) return 0;
  const seen = new Set<string>();
  for (let end = n; end <= tokens.length; end++) seen.add(key(tokens, end - n, end));
  return seen.size / total;
}

/**
 * Repetition rate: the fraction of tokens that complete an n-gram which already occurred earlier in
 * `tokens` (earlier occurrences may overlap). The first n - 1 tokens complete no n-gram and never
 * count as repeats; 0 for an empty list. A degenerate loop ("a b c a b c ...") drives it towards 1,
 * novel text keeps it near 0. It is (1 − distinct-n) · (L − n + 1) / L for L tokens: the repeats,
 * counted per token rather than per n-gram, so lists of different lengths compare fairly.
 */
export function repetitionRate(tokens: readonly TokenId[], n = REPETITION_NGRAM): number {
  checkN(n);
  if (tokens.length === 0) return 0;
  const seen = new Set<string>();
  let repeats = 0;
  for (let end = n; end <= tokens.length; end++) {
    const gram = key(tokens, end - n, end);
    if (seen.has(gram)) repeats++;
    else seen.add(gram);
  }
  return repeats / tokens.length;
}

function key(tokens: readonly TokenId[], start: number, end: number): string {
  return tokens.slice(start, end).join(",");
}

function checkN(n: number): void {
  if (!(Number.isInteger(n) && n >= 1))
    throw new RangeError(`n-gram length must be an integer >= 1, got ${n}`);
}
