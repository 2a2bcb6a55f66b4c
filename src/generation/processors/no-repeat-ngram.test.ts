import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../../errors.js";
import { assertClose, logitsOf } from "../testing.js";
import { noRepeatNgram } from "./no-repeat-ngram.js";

const zeros = logitsOf([0, 0, 0, 0]);

test("noRepeatNgram bans the token that would repeat a bigram", () => {
  assertClose(noRepeatNgram(2)(zeros, { tokens: [1, 2, 1], promptLength: 1 }), [0, 0, null, 0]);
});
test("noRepeatNgram bans nothing before the sequence holds n tokens; n = 1 bans every seen token", () => {
  assertClose(noRepeatNgram(3)(zeros, { tokens: [1, 1], promptLength: 2 }), [0, 0, 0, 0]);
  assertClose(noRepeatNgram(1)(zeros, { tokens: [3, 1], promptLength: 2 }), [0, null, 0, null]);
});
test("noRepeatNgram rejects sizes that are not positive integers", () => {
  for (const n of [0, 2.5]) assert.throws(() => noRepeatNgram(n), InvalidOptionError);
});
