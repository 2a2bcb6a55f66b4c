import assert from "node:assert/strict";
import { test } from "node:test";
import { tokenizerJson, trainByteLevelBpe } from "./bpe-trainer.js";
import { fromTokenizerJson } from "../tokenizers/from-tokenizer-json.js";
import { buildDataset, corpusText, validationWindows } from "./data.js";
import { CorpusError } from "./errors.js";
import type { Tokenizer } from "../tokenizers/types.js";

const bytes = (s: string) => new TextEncoder().encode(s);

test("corpusText accepts UTF-8 text and refuses empty, non-UTF-8 and binary files", () => {
  assert.equal(corpusText(bytes("héllo\n"), "a.txt"), "héllo\n");
  assert.throws(() => corpusText(bytes(""), "a.txt"), CorpusError);
  assert.throws(() => corpusText(bytes(" \n\n"), "a.txt"), CorpusError);
  assert.throws(() => corpusText(Uint8Array.of(0xc3, 0x28), "a.txt"), /not UTF-8/);
  assert.throws(() => corpusText(bytes("ab\0cd"), "a.txt"), /NUL/);
  assert.throws(() => corpusText(bytes("\x01\x02\x03abcdefgh"), "a.txt"), /control codes/);
});

test("the split holds out blocks from all through the stream, and validation windows cover it once", () => {
  const text = Array.from({ length: 3000 }, (_, i) => `line ${i % 97}`).join("\n");
  const tokenizer = fromTokenizerJson(
    tokenizerJson(trainByteLevelBpe([text], 300, ["<|endoftext|>"])),
    { eos_token: "<|endoftext|>" },
    "t.json",
  );
  const T = 8;
  const { train, val } = buildDataset([text], tokenizer, T);
  const total = tokenizer.encode(text).length + 1;
  assert.equal(train.length + val.length, total);
  assert.ok(val.length > total / 25 && val.length < total / 15, `${val.length} of ${total}`);
  const windows = validationWindows(val, T);
  assert.equal(windows.length, Math.floor((val.length - 1) / T));
  assert.deepEqual(validationWindows(val, T, 3).length, 3);
  assert.throws(() => buildDataset(["tiny"], tokenizer, T), CorpusError);
});

test("a long context splits a long stream in order, without overflowing the stack", () => {
  // token i of the text is i, so each part must be one exact range of the stream
  const T = 20000;
  const block = 16 * (T + 1);
  const length = 2 * block + 50000;
  const tokenizer = {
    encode: () => Array.from({ length }, (_, i) => i),
    eosTokenIds: [-1],
  } as unknown as Tokenizer;
  const { train, val } = buildDataset(["text"], tokenizer, T);
  const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);
  assert.deepEqual(train, range(0, 2 * block));
  assert.deepEqual(val, Int32Array.from([...range(2 * block, length), -1]));
});
