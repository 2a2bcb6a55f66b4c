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
