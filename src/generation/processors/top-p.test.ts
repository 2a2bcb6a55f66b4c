import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../../errors.js";
import { softmax } from "../distribution.js";
import { assertClose, logitsOf, noHistory } from "../testing.js";
import { topP } from "./top-p.js";

const probs = logitsOf([0.1, 0.2, 0.3, 0.4].map(Math.log));

test("topP keeps the smallest set whose mass reaches p", () => {
  assertClose(softmax(topP(0.6)(probs, noHistory)), [0, 0, 3 / 7, 4 / 7]);
});
test("topP keeps the token that crosses p", () => {
  // 0.4 alone is below 0.5: 0.3 crosses it and is kept
  assertClose(softmax(topP(0.5)(probs, noHistory)), [0, 0, 3 / 7, 4 / 7]);
  assertClose(softmax(topP(0.35)(probs, noHistory)), [0, 0, 0, 1]);
});
test("topP 0 keeps minTokensToKeep, 1 keeps everything", () => {
  assertClose(softmax(topP(0, 2)(probs, noHistory)), [0, 0, 3 / 7, 4 / 7]);
  assertClose(topP(1)(probs, noHistory), probs);
});
test("topP on all-equal logits keeps the lowest ids; -Infinity stays removed", () => {
  assertClose(topP(0.5)(logitsOf([0, 0, 0, 0]), noHistory), [0, 0, null, null]);
  assertClose(topP(0.9)(logitsOf([null, 0, null]), noHistory), [null, 0, null]);
});
test("topP rejects p outside [0, 1]", () => {
  for (const p of [-0.1, 1.5, NaN]) assert.throws(() => topP(p), InvalidOptionError);
  assert.throws(() => topP(0.5, 0), InvalidOptionError);
});
