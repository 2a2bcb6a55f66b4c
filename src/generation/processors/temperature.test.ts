import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../../errors.js";
import { assertClose, logitsOf, noHistory } from "../testing.js";
import { temperature } from "./temperature.js";

test("temperature divides the logits and keeps -Infinity", () => {
  assertClose(temperature(2)(logitsOf([1, 2, -4, null]), noHistory), [0.5, 1, -2, null]);
});
test("temperature leaves its input untouched", () => {
  const logits = logitsOf([1, 2]);
  temperature(0.5)(logits, noHistory);
  assertClose(logits, [1, 2]);
});
test("temperature rejects 0, negative and non-finite values", () => {
  for (const t of [0, -1, NaN, Infinity]) assert.throws(() => temperature(t), InvalidOptionError);
});
