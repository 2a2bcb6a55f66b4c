import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../../errors.js";
import { assertClose, logitsOf } from "../testing.js";
import { beginSuppressTokens } from "./begin-suppress-tokens.js";
import { suppressTokens } from "./suppress-tokens.js";

const logits = logitsOf([1, 2, 3]);

test("suppressTokens bans its ids at every step", () => {
  assertClose(suppressTokens([0, 2])(logits, { tokens: [1, 1, 1], promptLength: 1 }), [null, 2, null]);
});
test("beginSuppressTokens bans its ids at the first generated step only", () => {
  assertClose(beginSuppressTokens([1])(logits, { tokens: [0], promptLength: 1 }), [1, null, 3]);
  assertClose(beginSuppressTokens([1])(logits, { tokens: [0, 2], promptLength: 1 }), [1, 2, 3]);
});
test("suppress processors reject ids that are not token ids", () => {
  assert.throws(() => suppressTokens([-1]), InvalidOptionError);
  assert.throws(() => beginSuppressTokens([0.5]), InvalidOptionError);
});
