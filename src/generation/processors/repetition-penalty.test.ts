import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../../errors.js";
import { assertClose, logitsOf } from "../testing.js";
import { repetitionPenalty } from "./repetition-penalty.js";

test("repetitionPenalty divides positive, multiplies negative, once per distinct token, prompt included", () => {
  const ctx = { tokens: [0, 1, 2, 0, 0, 4], promptLength: 3 };
  assertClose(repetitionPenalty(2)(logitsOf([2, -2, 0, 1, null]), ctx), [1, -4, 0, 1, null]);
});
test("repetitionPenalty below 1 rewards repeats", () => {
  assertClose(repetitionPenalty(0.5)(logitsOf([2, -2]), { tokens: [0, 1], promptLength: 2 }), [4, -1]);
});
test("repetitionPenalty rejects values <= 0", () => {
  for (const p of [0, -1, NaN]) assert.throws(() => repetitionPenalty(p), InvalidOptionError);
});
