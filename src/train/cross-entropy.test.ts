import assert from "node:assert/strict";
import { test } from "node:test";
import { crossEntropy, crossEntropyLoss } from "./cross-entropy.js";
import { gradientError, randomF64 } from "./testing.js";

test("cross-entropy gradient matches finite differences (float64)", () => {
  const [n, V] = [3, 7];
  const targets = [2, 6, 0];
  const logits = randomF64(n * V, 1, 3);
  const grad = new Float64Array(n * V);
  crossEntropy(grad, logits, targets, n, V, 1 / n);
  const error = gradientError(() => crossEntropyLoss(logits, targets, n, V) / n, logits, grad);
  assert.ok(error < 1e-6, `relative error ${error}`);
});

test("cross-entropy of uniform logits is ln V per token", () => {
  const V = 8;
  const loss = crossEntropyLoss(new Float64Array(2 * V), [3, 5], 2, V);
  assert.ok(Math.abs(loss - 2 * Math.log(V)) < 1e-12);
});
