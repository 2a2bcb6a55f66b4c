import { logSumExp } from "../generation/distribution.js";
import type { Floats } from "./matmul.js";

/**
 * Next-token cross-entropy under teacher forcing: row t of logits (n, V) predicts targets[t], the
 * true next token, whatever the model would have generated.
 */

/**
 * Returns the summed loss Σ_t (logsumexp(logits[t]) - logits[t][targets[t]]) in nats and writes
 * dlogits = (softmax(logits) - onehot(targets)) * gradScale (gradScale = 1/n for a mean).
 * dlogits may be logits itself (the gradient overwrites it in place).
 */
export function crossEntropy(
  dlogits: Floats,
  logits: Floats,
  targets: ArrayLike<number>,
  n: number,
  V: number,
  gradScale: number,
): number {
  let loss = 0;
  for (let t = 0; t < n; t++) {
    const o = t * V;
    const logZ = logSumExp(logits, o, V);
    const target = targets[t];
    loss += logZ - logits[o + target];
    for (let i = 0; i < V; i++) dlogits[o + i] = Math.exp(logits[o + i] - logZ) * gradScale;
    dlogits[o + target] -= gradScale;
  }
  return loss;
}

/** The summed loss only (validation): no gradient, logits untouched. */
export function crossEntropyLoss(logits: Floats, targets: ArrayLike<number>, n: number, V: number): number {
  let loss = 0;
  for (let t = 0; t < n; t++) {
    loss += logSumExp(logits, t * V, V) - logits[t * V + targets[t]];
  }
  return loss;
}
