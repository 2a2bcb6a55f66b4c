import assert from "node:assert/strict";
import { test } from "node:test";
import { distinctN, repetitionRate } from "./metrics.js";

test("distinctN counts distinct n-grams over all n-grams", () => {
  // bigrams of 1 2 1 2 3: (1,2) (2,1) (1,2) (2,3) -> 3 distinct of 4
  assert.equal(distinctN([1, 2, 1, 2, 3], 2), 3 / 4);
  // unigrams: {1, 2, 3} of 5
  assert.equal(distinctN([1, 2, 1, 2, 3], 1), 3 / 5);
  assert.equal(distinctN([7, 7, 7, 7], 1), 1 / 4);
  assert.equal(distinctN([1, 2, 3], 3), 1);
});

test("distinctN is 0 when there is no n-gram at all", () => {
  assert.equal(distinctN([], 1), 0);
  assert.equal(distinctN([1, 2], 3), 0);
});

test("repetitionRate counts the tokens that complete an n-gram seen earlier", () => {
  // a loop: 1 2 3 1 2 3 1 2 3, n = 2: bigrams ending at positions 1..8 are
  // (1,2) (2,3) (3,1) (1,2)r (2,3)r (3,1)r (1,2)r (2,3)r -> 5 repeats of 9 tokens
  assert.equal(repetitionRate([1, 2, 3, 1, 2, 3, 1, 2, 3], 2), 5 / 9);
  // n = 4: 1231 2312 3123 1231r 2312r 3123r -> 3 repeats of 9
  assert.equal(repetitionRate([1, 2, 3, 1, 2, 3, 1, 2, 3], 4), 3 / 9);
  // overlapping occurrences count: 5 5 5 5 with n = 2 -> (5,5) then two repeats
  assert.equal(repetitionRate([5, 5, 5, 5], 2), 2 / 4);
  assert.equal(repetitionRate([1, 2, 3, 4, 5, 6], 1), 0);
});

test("repetitionRate defaults to 4-grams, is 0 on novel or empty text, and near 1 on a long loop", () => {
  assert.equal(repetitionRate([1, 2, 3, 1, 2, 3, 1, 2, 3]), 3 / 9);
  assert.equal(repetitionRate([]), 0);
  assert.equal(repetitionRate([1, 2, 1, 3, 1, 4, 1, 5]), 0);
  const loop = Array.from({ length: 300 }, (_, i) => i % 6);
  assert.ok(repetitionRate(loop) > 0.95);
});

test("repetitionRate equals (1 - distinct-n) · (L - n + 1) / L", () => {
  const tokens = [4, 1, 4, 1, 4, 2, 2, 2, 4, 1, 4];
  for (const n of [1, 2, 3]) {
    const expected = ((1 - distinctN(tokens, n)) * (tokens.length - n + 1)) / tokens.length;
    assert.ok(Math.abs(repetitionRate(tokens, n) - expected) < 1e-12, `n = ${n}`);
  }
});

test("the metrics reject an n-gram length below 1", () => {
  assert.throws(() => distinctN([1], 0), RangeError);
  assert.throws(() => repetitionRate([1], 1.5), RangeError);
});
