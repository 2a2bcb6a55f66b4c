import assert from "node:assert/strict";
import { test } from "node:test";
import { argmax } from "./distribution.js";
import { sampleFrom } from "./select.js";
import { logitsOf } from "./testing.js";

test("sampleFrom walks the cumulative distribution with the coin", () => {
  const probs = logitsOf([0.25, 0.5, 0, 0.25]);
  assert.equal(sampleFrom(probs, 0), 0);
  assert.equal(sampleFrom(probs, 0.2499), 0);
  assert.equal(sampleFrom(probs, 0.25), 1);
  assert.equal(sampleFrom(probs, 0.75), 3);
});
test("sampleFrom never returns a zero-probability token when rounding leaves the sum under the coin", () => {
  assert.equal(sampleFrom(logitsOf([0.3, 0.6999, 0]), 0.99999), 1);
  assert.throws(() => sampleFrom(logitsOf([0, 0]), 0.5), RangeError);
});
test("argmax returns the first of equal maxima", () => {
  assert.equal(argmax(logitsOf([1, 3, 3, null])), 1);
  assert.equal(argmax(logitsOf([null, null])), 0);
});
