import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../../errors.js";
import { assertClose, logitsOf, noHistory } from "../testing.js";
import { minP } from "./min-p.js";

const logits = logitsOf([0.5, 0.3, 0.15, 0.05].map(Math.log));

test("minP removes tokens below p times the top probability", () => {
  // threshold 0.4 * 0.5 = 0.2
  const out = minP(0.4)(logits, noHistory);
  assertClose(out, [logits[0], logits[1], null, null]);
});
test("minP keeps minTokensToKeep", () => {
  assertClose(minP(0.9, 3)(logits, noHistory), [logits[0], logits[1], logits[2], null]);
});
test("minP rejects p outside [0, 1]", () => {
  for (const p of [-0.1, 1.1]) assert.throws(() => minP(p), InvalidOptionError);
});
