/**
 * Distributions over a vocabulary `(V,)` as Float32Array logits or probabilities.
 * Sums run in float64 and results are stored as float32; -Infinity logits get probability 0.
 * Functions ending in `Into` write into `out` (same length as the input) and allocate nothing.
 */
import type { TokenId } from "../models/types.js";

/** out = softmax(logits). Subtracts the max for stability; all -Infinity gives all zeros. */
export function softmaxInto(out: Float32Array, logits: Float32Array): void {
  const max = maxOf(logits);
  if (max === -Infinity) {
    out.fill(0);
    return;
  }
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  for (let i = 0; i < logits.length; i++) out[i] = Math.exp(logits[i] - max) / sum;
}

/** Probabilities of the logits; every -Infinity logit gets 0. */
export function softmax(logits: Float32Array): Float32Array {
  const out = new Float32Array(logits.length);
  softmaxInto(out, logits);
  return out;
}

/** out = log_softmax(logits) = logits - logsumexp(logits); all -Infinity stays all -Infinity. */
export function logSoftmaxInto(out: Float32Array, logits: Float32Array): void {
  const lse = logSumExp(logits);
  if (lse === -Infinity) {
    out.fill(-Infinity);
    return;
  }
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - lse;
}

/** Log-probabilities of the logits (what HF's LogitNormalization and beam search use). */
export function logSoftmax(logits: Float32Array): Float32Array {
  const out = new Float32Array(logits.length);
  logSoftmaxInto(out, logits);
  return out;
}

/**
 * log Σ exp(logits), -Infinity when every logit is -Infinity. A range [offset, offset + length)
 * picks one row of a (n, V) matrix (the trainer's cross-entropy) without a view per row.
 */
export function logSumExp(
  logits: Float32Array | Float64Array,
  offset = 0,
  length = logits.length - offset,
): number {
  const end = offset + length;
  const max = maxOf(logits, offset, end);
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = offset; i < end; i++) sum += Math.exp(logits[i] - max);
  return max + Math.log(sum);
}

/** Shannon entropy -Σ p ln p in nats of probabilities summing to 1, with 0 · ln 0 = 0. */
export function entropy(probs: Float32Array): number {
  let h = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] > 0) h -= probs[i] * Math.log(probs[i]);
  return h;
}

/** Entropy in nats of softmax(logits), computed from log-probabilities (no 0 · ln 0 trouble). */
export function entropyOfLogits(logits: Float32Array): number {
  const lse = logSumExp(logits);
  if (lse === -Infinity) return 0;
  let h = 0;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i] === -Infinity) continue;
    const logp = logits[i] - lse;
    h -= Math.exp(logp) * logp;
  }
  return h;
}

/** Index of the largest value; the first one on ties (as torch.argmax and llama.cpp), 0 if all are NaN. */
export function argmax(values: ArrayLike<number>): TokenId {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if (values[i] > values[best] || Number.isNaN(values[best])) best = i;
  return best;
}

/** Every id, largest value first; equal values keep ascending id order (a stable sort). */
export function argsortDescending(values: ArrayLike<number>): TokenId[] {
  const ids = Array.from({ length: values.length }, (_, i) => i);
  return ids.sort((a, b) => compareDescending(values, a, b));
}

/**
 * Ids of the n largest values, largest first, ties broken by ascending id; n is clipped to the length.
 * O(V · n) insertion into a small sorted list: the hot path asks for n ≈ 10 of V ≈ 32 000.
 */
export function topN(values: ArrayLike<number>, n: number): TokenId[] {
  const count = Math.max(0, Math.min(Math.floor(n), values.length));
  if (count === 0) return [];
  if (count * 16 > values.length) return argsortDescending(values).slice(0, count);
  const top: TokenId[] = [];
  for (let id = 0; id < values.length; id++) {
    if (top.length === count && compareDescending(values, id, top[count - 1]) >= 0) continue;
    let at = top.length === count ? count - 1 : top.length;
    while (at > 0 && compareDescending(values, id, top[at - 1]) < 0) {
      top[at] = top[at - 1];
      at--;
    }
    top[at] = id;
  }
  return top;
}

/** The k-th largest of `values` (1 ≤ k ≤ length), without sorting them all. */
export function kthLargest(values: ArrayLike<number>, k: number): number {
  return values[topN(values, k)[k - 1]];
}

function compareDescending(values: ArrayLike<number>, a: TokenId, b: TokenId): number {
  const va = values[a];
  const vb = values[b];
  if (va > vb) return -1;
  if (va < vb) return 1;
  return a - b;
}

function maxOf(values: Float32Array | Float64Array, from = 0, to = values.length): number {
  let max = -Infinity;
  for (let i = from; i < to; i++) if (values[i] > max) max = values[i];
  return max;
}
