import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FormatError } from "../errors.js";
import { fromLlama2c } from "./from-llama2c.js";
import { SHARED } from "./testing.js";

/** tokenizer.bin bytes: max_token_length, then (score, length, bytes) per token. */
function tokenizerBin(maxTokenLength: number, tokens: [number, number, string][]): Uint8Array {
  const parts = [le32(maxTokenLength)];
  for (const [score, length, text] of tokens) {
    const head = new DataView(new ArrayBuffer(8));
    head.setFloat32(0, score, true);
    head.setInt32(4, length, true);
    parts.push(new Uint8Array(head.buffer), new TextEncoder().encode(text));
  }
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

function le32(value: number): Uint8Array {
  const view = new DataView(new ArrayBuffer(4));
  view.setInt32(0, value, true);
  return new Uint8Array(view.buffer);
}

const BASE: [number, number, string][] = [
  [0, 5, "<unk>"],
  [0, 5, "\n<s>\n"],
  [0, 6, "\n</s>\n"],
];

test("the golden 384-entry tokenizer.bin loads", () => {
  const path = join(SHARED, "golden", "models", "llama2c-tokenizer.bin");
  const tokenizer = fromLlama2c(readFileSync(path), path);
  assert.equal(tokenizer.vocabSize, 384);
  assert.equal(tokenizer.tokenToString(1), "<s>");
  assert.equal(tokenizer.tokenToString(13), "<0x0A>");
  assert.equal(tokenizer.tokenToString(259), "▁▁");
  assert.equal(tokenizer.decode(tokenizer.encode("in the", { addSpecialTokens: false })), "in the");
});

test("stories260K tok512.bin encodes 'Once upon a time' as run.c does", () => {
  const path = join(SHARED, "models", "stories260K", "tok512.bin");
  const tokenizer = fromLlama2c(readFileSync(path), path, 512);
  assert.equal(tokenizer.vocabSize, 512);
  assert.deepEqual(tokenizer.encode("Once upon a time"), [1, 403, 407, 261, 378]);
  assert.equal(tokenizer.decode([1, 403, 407, 261, 378], { skipSpecialTokens: true }), "Once upon a time");
});

test("the model's vocab size must be the tokenizer's exactly", () => {
  const bytes = tokenizerBin(6, [...BASE, [-1, 1, "a"]]);
  assert.equal(fromLlama2c(bytes, "t.bin").vocabSize, 4);
  assert.equal(fromLlama2c(bytes, "t.bin", 4).vocabSize, 4);
  assert.throws(
    () => fromLlama2c(bytes, "t.bin", 3),
    (e: unknown) =>
      e instanceof FormatError &&
      e.message ===
        "t.bin: the model's vocabulary has 3 tokens but this tokenizer.bin has 4; they do not belong together",
  );
  assert.throws(
    () => fromLlama2c(new Uint8Array([...bytes, 1, 2, 3]), "t.bin", 4),
    /t\.bin: the model's vocabulary has 4 tokens but this tokenizer\.bin has 3 more bytes after token 3/,
  );
  assert.throws(() => fromLlama2c(bytes, "t.bin", 5), /t\.bin: token 4 score and length at byte \d+/);
});

const malformed: [string, Uint8Array, RegExp][] = [
  ["an empty file", new Uint8Array(0), /t\.bin: max_token_length at byte 0/],
  ["a negative max_token_length", le32(-1), /max_token_length at byte 0: expected 1\.\.\d+, got -1/],
  ["a truncated score", tokenizerBin(8, BASE).subarray(0, 20), /token 1 score and length at byte 17/],
  [
    "a length past the end",
    tokenizerBin(8, [...BASE, [0, 8, "ab"]]),
    /token 3 bytes at byte \d+: expected 8 bytes, 2 left/,
  ],
  ["a negative length", tokenizerBin(8, [[0, -5, ""]]), /token 0 length at byte 8: expected 0\.\.8 .*got -5/],
  [
    "an absurd 2^31 length",
    tokenizerBin(8, [[0, 2 ** 31 - 1, ""]]),
    /token 0 length at byte 8: .*got 2147483647/,
  ],
  [
    "invalid UTF-8",
    tokenizerBin(8, [[0, 1, "\uFFFD"]]).subarray(0, 13),
    /token 0 bytes at byte 12: expected UTF-8 text/,
  ],
  ["too few tokens", tokenizerBin(8, BASE.slice(0, 2)), /expected at least 3 tokens/],
];
for (const [what, bytes, message] of malformed) {
  test(`tokenizer.bin with ${what} is a FormatError naming file, field and byte`, () => {
    assert.throws(
      () => fromLlama2c(bytes, "t.bin"),
      (error: unknown) => {
        assert.ok(error instanceof FormatError);
        assert.match(error.message, /^t\.bin: /);
        assert.match(error.message, message);
        return true;
      },
    );
  });
}

test("an absurd vocab size from the model is refused before reading", () => {
  assert.throws(() => fromLlama2c(tokenizerBin(8, BASE), "t.bin", 2 ** 31), FormatError);
  assert.throws(() => fromLlama2c(tokenizerBin(8, BASE), "t.bin", -3), FormatError);
});
