import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../../errors.js";
import { assertClose, logitsOf } from "../testing.js";
import { badWords } from "./bad-words.js";
import { logitBias } from "./logit-bias.js";
import { sequenceBias } from "./sequence-bias.js";

const logits = logitsOf([1, 2, 3, 4, 5]);

test("badWords bans one-token entries always and a sequence's last token after its prefix", () => {
  const ban = badWords([[3], [1, 2]]);
  assertClose(ban(logits, { tokens: [0, 1], promptLength: 2 }), [1, 2, null, null, 5]);
  assertClose(ban(logits, { tokens: [0, 0], promptLength: 2 }), [1, 2, 3, null, 5]);
});
test("badWords drops entries that are a single EOS id", () => {
  assertClose(badWords([[4], [3]], [4])(logits, { tokens: [0], promptLength: 1 }), [1, 2, 3, null, 5]);
});
test("badWords rejects empty lists and non-ids", () => {
  assert.throws(() => badWords([]), InvalidOptionError);
  assert.throws(() => badWords([[]]), InvalidOptionError);
  assert.throws(() => badWords([[1, -2]]), InvalidOptionError);
});
test("sequenceBias biases one-token sequences always and longer ones after their prefix", () => {
  const bias = sequenceBias([
    [[4], 1.5],
    [[0, 2], -1],
  ]);
  assertClose(bias(logits, { tokens: [3, 0], promptLength: 2 }), [1, 2, 2, 4, 6.5]);
  assertClose(bias(logits, { tokens: [3, 1], promptLength: 2 }), [1, 2, 3, 4, 6.5]);
});
test("sequenceBias, as HF, skips a sequence longer than the current one", () => {
  assertClose(sequenceBias([[[0, 2], -1]])(logits, { tokens: [0], promptLength: 1 }), [1, 2, 3, 4, 5]);
});
test("sequenceBias rejects malformed pairs", () => {
  assert.throws(() => sequenceBias([[[], 1]]), InvalidOptionError);
  assert.throws(() => sequenceBias([[[1], NaN]]), InvalidOptionError);
});
test("logitBias adds its bias to the given ids", () => {
  assertClose(logitBias({ 1: 2, 3: -100 })(logits, { tokens: [], promptLength: 0 }), [1, 4, 3, -96, 5]);
});
test("logitBias rejects keys that are not token ids and non-finite biases", () => {
  for (const key of ["a", "-1", "1.5"]) assert.throws(() => logitBias({ [key]: 1 }), InvalidOptionError);
  assert.throws(() => logitBias({ 1: NaN }), InvalidOptionError);
});
