import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../../errors.js";
import { assertClose, logitsOf, noHistory } from "../testing.js";
import { typicalP } from "./typical-p.js";

// probs 0.7, 0.2, 0.1: H = 0.8018 nats, |surprisal - H| = 0.445, 0.808, 1.501 (already in that order)
const logits = logitsOf([0.7, 0.2, 0.1].map(Math.log));

test("typicalP keeps the most typical tokens until their mass reaches p, crossing token included", () => {
  assertClose(typicalP(0.5)(logits, noHistory), [logits[0], null, null]);
  assertClose(typicalP(0.8)(logits, noHistory), [logits[0], logits[1], null]);
});
test("typicalP keeps minTokensToKeep and every equally typical token", () => {
  assertClose(typicalP(0.1, 2)(logits, noHistory), [logits[0], logits[1], null]);
  assertClose(typicalP(0.1)(logitsOf([1, 1, 1, null]), noHistory), [1, 1, 1, null]);
});
test("typicalP rejects mass outside (0, 1)", () => {
  for (const p of [0, 1, 1.5]) assert.throws(() => typicalP(p), InvalidOptionError);
});
