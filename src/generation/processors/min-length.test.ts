import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../../errors.js";
import { assertClose, logitsOf } from "../testing.js";
import { minLength } from "./min-length.js";
import { minNewTokens } from "./min-new-tokens.js";

const logits = logitsOf([1, 2, 3]);

test("minLength bans every EOS id while the total length (prompt included) is short", () => {
  assertClose(minLength(3, [0, 2])(logits, { tokens: [1, 1], promptLength: 2 }), [null, 2, null]);
  assertClose(minLength(3, [0, 2])(logits, { tokens: [1, 1, 1], promptLength: 3 }), [1, 2, 3]);
});
test("minNewTokens counts only the generated tokens", () => {
  assertClose(minNewTokens(2, [2])(logits, { tokens: [1, 1, 1], promptLength: 2 }), [1, 2, null]);
  assertClose(minNewTokens(2, [2])(logits, { tokens: [1, 1, 1, 1], promptLength: 2 }), [1, 2, 3]);
});
test("minLength and minNewTokens reject negative or fractional lengths and bad EOS ids", () => {
  assert.throws(() => minLength(-1, [2]), InvalidOptionError);
  assert.throws(() => minNewTokens(1.5, [2]), InvalidOptionError);
  assert.throws(() => minLength(2, [-1]), InvalidOptionError);
});
