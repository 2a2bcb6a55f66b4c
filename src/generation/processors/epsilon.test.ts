import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../../errors.js";
import { assertClose, logitsOf, noHistory } from "../testing.js";
import { epsilon } from "./epsilon.js";

const logits = logitsOf([0.5, 0.3, 0.15, 0.05].map(Math.log));

test("epsilon removes tokens with probability below epsilon", () => {
  assertClose(epsilon(0.1)(logits, noHistory), [logits[0], logits[1], logits[2], null]);
});
test("epsilon keeps the minTokensToKeep highest even when all are below", () => {
  assertClose(epsilon(0.9, 2)(logits, noHistory), [logits[0], logits[1], null, null]);
});
test("epsilon rejects values outside (0, 1)", () => {
  for (const e of [0, 1, -0.5]) assert.throws(() => epsilon(e), InvalidOptionError);
});
