import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../../errors.js";
import { assertClose, logitsOf } from "../testing.js";
import { frequencyPenalty } from "./frequency-penalty.js";
import { presencePenalty } from "./presence-penalty.js";

// the prompt is [2]; generated: 0, 0, 1
const ctx = { tokens: [2, 0, 0, 1], promptLength: 1 };

test("frequencyPenalty subtracts count * penalty over generated tokens only", () => {
  assertClose(frequencyPenalty(0.5)(logitsOf([1, 1, 1]), ctx), [0, 0.5, 1]);
});
test("presencePenalty subtracts the penalty once per generated token", () => {
  assertClose(presencePenalty(0.5)(logitsOf([1, 1, 1]), ctx), [0.5, 0.5, 1]);
});
test("frequency and presence penalties reject non-finite values", () => {
  assert.throws(() => frequencyPenalty(NaN), InvalidOptionError);
  assert.throws(() => presencePenalty(Infinity), InvalidOptionError);
});
