import assert from "node:assert/strict";
import { test } from "node:test";
import {
  argmax,
  argsortDescending,
  entropy,
  entropyOfLogits,
  logSoftmax,
  logSoftmaxInto,
  logSumExp,
  softmax,
  softmaxInto,
  topN,
} from "./distribution.js";
import { assertClose, logitsOf } from "./testing.js";

test("softmax is stable for large logits and gives -Infinity probability 0", () => {
  assertClose(softmax(logitsOf([1000, 1000, null])), [0.5, 0.5, 0]);
  assertClose(softmax(logitsOf([0, Math.log(3)])), [0.25, 0.75]);
});
test("softmax of all -Infinity is all zeros; logSoftmax stays -Infinity", () => {
  assertClose(softmax(logitsOf([null, null])), [0, 0]);
  assertClose(logSoftmax(logitsOf([null, null])), [null, null]);
  assert.equal(logSumExp(logitsOf([null])), -Infinity);
});
test("logSumExp of a range is that of the row alone, in float32 or float64", () => {
  const rows = Float64Array.of(50, 1000, 0, Math.log(3), 7);
  assert.equal(logSumExp(rows, 2, 2), Math.log(4));
  assert.equal(logSumExp(Float32Array.from(rows), 2, 2), logSumExp(Float32Array.from(rows).subarray(2, 4)));
  assert.equal(logSumExp(Float32Array.of(0, 0)), Math.log(2));
});
test("logSoftmax = log(softmax) and the Into variants write in place", () => {
  const logits = logitsOf([1, 2, 3, null]);
  assertClose(logSoftmax(logits), Array.from(softmax(logits), Math.log));
  const out = new Float32Array(4);
  softmaxInto(out, logits);
  assertClose(out, softmax(logits));
  logSoftmaxInto(out, logits);
  assertClose(out, logSoftmax(logits));
});
test("entropy in nats with 0 log 0 = 0", () => {
  assertClose([entropy(logitsOf([0.5, 0.5, 0]))], [Math.log(2)]);
  assertClose([entropyOfLogits(logitsOf([0, 0, 0, 0, null]))], [Math.log(4)]);
  assert.equal(entropy(logitsOf([1, 0])), 0);
  assert.equal(entropyOfLogits(logitsOf([null, null])), 0);
});
test("argmax takes the first maximum", () => assert.equal(argmax([1, 5, 5]), 1));
test("argsortDescending is stable by id; topN agrees with it", () => {
  const values = logitsOf([1, 3, null, 3, 2, 1]);
  assert.deepEqual(argsortDescending(values), [1, 3, 4, 0, 5, 2]);
  assert.deepEqual(topN(values, 3), [1, 3, 4]);
  assert.deepEqual(topN(values, 0), []);
  assert.deepEqual(topN(values, 99), [1, 3, 4, 0, 5, 2]);
  const big = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i * 7) * 3);
  big[10] = big[20] = 5;
  assert.deepEqual(topN(big, 5), argsortDescending(big).slice(0, 5));
});
