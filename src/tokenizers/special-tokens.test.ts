import assert from "node:assert/strict";
import { test } from "node:test";
import { SpecialTokenSplitter } from "./special-tokens.js";

test("special tokens with regex syntax and '-' in them are matched literally", () => {
  // "<-s>" came from a one-bit flip in a tokenizer.bin (the file fuzzer); "-" once made a bad regex
  const contents = ["<-s>", "[a-z]", "a.b", "(x)|y", "\\d/"];
  const splitter = new SpecialTokenSplitter(contents.map((content, id) => ({ id, content, special: true })));
  const text = `q${contents.join("q")}q azb`;
  assert.deepEqual(splitter.split(text, true), [
    { text: "q" },
    { id: 0 },
    { text: "q" },
    { id: 1 },
    { text: "q" },
    { id: 2 },
    { text: "q" },
    { id: 3 },
    { text: "q" },
    { id: 4 },
    { text: "q azb" },
  ]);
});

test("plain text ranges: a special token overlapping one is text, one outside is still matched", () => {
  const splitter = new SpecialTokenSplitter([
    { id: 0, content: "<s>", special: true },
    { id: 1, content: "[note]", special: false }, // an added non-special token: matched everywhere
  ]);
  const text = "<s>a<s>b[note]<s>";
  assert.deepEqual(splitter.split(text, true, [[3, 14]]), [
    { id: 0 },
    { text: "a<s>b" },
    { id: 1 },
    { id: 0 },
  ]);
  // a token straddling the range's edge is not matched either
  assert.deepEqual(splitter.split(text, true, [[5, 6]]), [
    { id: 0 },
    { text: "a<s>b" },
    { id: 1 },
    { id: 0 },
  ]);
  assert.deepEqual(splitter.split(text, true), [
    { id: 0 },
    { text: "a" },
    { id: 0 },
    { text: "b" },
    { id: 1 },
    { id: 0 },
  ]);
});

test("plain text ranges: the search resumes past an astral character without looping", () => {
  const splitter = new SpecialTokenSplitter([{ id: 7, content: "😀<s>", special: true }]);
  assert.deepEqual(splitter.split("😀<s>😀<s>", true, [[0, 2]]), [{ text: "😀<s>" }, { id: 7 }]);
});
