import assert from "node:assert/strict";
import { test } from "node:test";
import { editDistance, nearestName } from "./nearest-name.js";

test("editDistance counts insertions, deletions, substitutions and adjacent swaps as one edit each", () => {
  assert.equal(editDistance("", ""), 0);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("abc", ""), 3);
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(editDistance("temprature", "temperature"), 1); // insertion
  assert.equal(editDistance("seeed", "seed"), 1); // deletion
  assert.equal(editDistance("top-k", "top-p"), 1); // substitution
  assert.equal(editDistance("tpo-p", "top-p"), 1); // swap
  assert.equal(editDistance("ca", "abc"), 3); // optimal string alignment, not unrestricted Damerau (2)
});

test("nearestName suggests the closest candidate for a typo", () => {
  const flags = ["temperature", "top-k", "top-p", "seed", "max-new-tokens"];
  assert.equal(nearestName("temprature", flags), "temperature");
  assert.equal(nearestName("tpo-p", flags), "top-p");
  assert.equal(nearestName("max-new-token", flags), "max-new-tokens");
  assert.equal(nearestName("sed", flags), "seed");
});

test("nearestName gives nothing when no candidate is a plausible typo", () => {
  const flags = ["temperature", "top-k", "top-p", "seed"];
  assert.equal(nearestName("xyz", flags), undefined);
  assert.equal(nearestName("verbose", flags), undefined);
  assert.equal(nearestName("temperature", []), undefined);
  assert.equal(nearestName("temperature", ["temperature"]), undefined); // exact match is not a typo
});

test("nearestName ignores case and word separators, so wire and camelCase spellings meet", () => {
  const keys = ["topP", "topK", "maxNewTokens", "repetitionPenalty"];
  assert.equal(nearestName("top_p", keys), "topP");
  assert.equal(nearestName("max_new_tokens", keys), "maxNewTokens");
  assert.equal(nearestName("repetition-penality", keys), "repetitionPenalty");
});

test("nearestName breaks ties by raw distance, then by candidate order", () => {
  // "top_k" normalizes to distance 0 from both; "top-k" is the closer raw spelling
  assert.equal(nearestName("top_k", ["topK", "top-k"]), "top-k");
  assert.equal(nearestName("ab", ["ac", "ad"]), "ac");
});
