import assert from "node:assert/strict";
import { test } from "node:test";
import { fromTokenizerJson } from "../tokenizers/from-tokenizer-json.js";
import { tokenizerJson, trainByteLevelBpe } from "./bpe-trainer.js";

const text = "In the beginning God created the heaven and the earth. And the earth was without form.\n";

test("a trained byte-level BPE loads through the engine's tokenizer.json reader and round-trips", () => {
  const bpe = trainByteLevelBpe([text.repeat(3)], 290, ["<|endoftext|>"]);
  assert.equal(bpe.pieces.length, 290);
  const tokenizer = fromTokenizerJson(tokenizerJson(bpe), { eos_token: "<|endoftext|>" }, "tokenizer.json");
  assert.equal(tokenizer.vocabSize, 290);
  assert.deepEqual(tokenizer.eosTokenIds, [289]);
  for (const sample of [text, "Änd thé ëarth 🌍\twas", ""]) {
    const ids = tokenizer.encode(sample);
    assert.equal(tokenizer.decode(ids), sample);
  }
  // merges compress: the frequent words are one token each
  assert.ok(tokenizer.encode(text).length < text.length / 2);
  assert.equal(tokenizer.encode(" the").length, 1);
});

test("training is deterministic and stops early when no pair repeats", () => {
  const a = trainByteLevelBpe(["abab cdcd"], 400, []);
  const b = trainByteLevelBpe(["abab cdcd"], 400, []);
  assert.deepEqual(a, b);
  assert.ok(a.pieces.length < 400);
});
