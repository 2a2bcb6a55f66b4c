import assert from "node:assert/strict";
import { test } from "node:test";
import { isWhitespaceOnly, oneLineText, visibleText } from "./visible-text.js";

test("visibleText shows spaces, newlines and tabs as glyphs and escapes other control characters", () => {
  assert.equal(visibleText("\n"), "↵");
  assert.equal(visibleText("  "), "··");
  assert.equal(visibleText("\t"), "⇥");
  assert.equal(visibleText(" the\r\n"), "·the\\x0d↵");
  assert.equal(visibleText("\x00\x7f"), "\\x00\\x7f");
  assert.equal(visibleText("LORD."), "LORD.");
});

test("oneLineText keeps spaces but not line breaks", () => {
  assert.equal(oneLineText("the LORD.\nAnd\tthe"), "the LORD.↵And⇥the");
});

test("isWhitespaceOnly is true for a newline, space or tab token and false for empty or worded text", () => {
  assert.deepEqual(["\n", " ", "\t", "\n\n", " \n", "", " a", "a\n", "\u3000"].map(isWhitespaceOnly), [
    true,
    true,
    true,
    true,
    true,
    false,
    false,
    false,
    true,
  ]);
});
