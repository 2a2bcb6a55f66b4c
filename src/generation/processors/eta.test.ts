import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../../errors.js";
import { assertClose, logitsOf, noHistory } from "../testing.js";
import { eta } from "./eta.js";

const probs = [0.5, 0.3, 0.15, 0.05];
const logits = logitsOf(probs.map(Math.log));

test("eta cuts at min(eps, sqrt(eps) * exp(-H))", () => {
  const h = -probs.reduce((s, p) => s + p * Math.log(p), 0); // 1.142 nats
  const cutoff = Math.min(0.2, Math.sqrt(0.2) * Math.exp(-h)); // 0.1427: 0.05 goes, 0.15 stays
  assert.ok(cutoff > 0.05 && cutoff < 0.15);
  assertClose(eta(0.2)(logits, noHistory), [logits[0], logits[1], logits[2], null]);
});
test("eta keeps a uniform distribution whole", () => {
  assertClose(eta(0.2)(logitsOf([0, 0, 0, 0]), noHistory), [0, 0, 0, 0]);
});
test("eta rejects values outside (0, 1)", () => {
  for (const e of [0, 1]) assert.throws(() => eta(e), InvalidOptionError);
});
