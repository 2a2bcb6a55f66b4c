import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../../errors.js";
import { assertClose, logitsOf, noHistory } from "../testing.js";
import { topK } from "./top-k.js";

test("topK keeps the k highest", () => {
  assertClose(topK(2)(logitsOf([1, 4, 3, 2]), noHistory), [null, 4, 3, null]);
});
test("topK keeps every tie with the k-th value", () => {
  assertClose(topK(2)(logitsOf([3, 1, 3, 2, 3]), noHistory), [3, null, 3, null, 3]);
});
test("topK keeps at least minTokensToKeep", () => {
  assertClose(topK(1, 3)(logitsOf([4, 3, 2, 1]), noHistory), [4, 3, 2, null]);
});
test("topK larger than the vocabulary, all-equal logits and -Infinity inputs keep everything", () => {
  assertClose(topK(10)(logitsOf([1, 2]), noHistory), [1, 2]);
  assertClose(topK(1)(logitsOf([0, 0, 0]), noHistory), [0, 0, 0]);
  assertClose(topK(2)(logitsOf([null, 1, null]), noHistory), [null, 1, null]);
});
test("topK rejects k that is not a positive integer and minTokensToKeep < 1", () => {
  for (const k of [0, -1, 1.5, NaN]) assert.throws(() => topK(k), InvalidOptionError);
  assert.throws(() => topK(2, 0), InvalidOptionError);
});
