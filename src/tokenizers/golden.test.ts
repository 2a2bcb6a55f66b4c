import { test } from "node:test";
import assert from "node:assert/strict";
import { goldenCases, gpt2FromGguf, gpt2FromJson, llama2FromBin, llama2FromGguf } from "./testing.js";
import type { Tokenizer } from "./types.js";

const sources: [string, () => Tokenizer][] = [
  ["tokenizer.json", gpt2FromJson],
  ["gpt2-vocab-only.gguf", gpt2FromGguf],
];
for (const [source, load] of sources) {
  test(`GPT-2 via ${source}: every golden string encodes to its ids and decodes back`, () => {
    const tokenizer = load();
    assert.equal(tokenizer.vocabSize, 50257);
    for (const c of goldenCases("gpt2")) {
      assert.deepEqual(tokenizer.encode(c.text), c.ids, JSON.stringify(c.text));
      assert.equal(tokenizer.decode(c.ids), c.text);
    }
  });
}

const spSources: [string, () => Tokenizer][] = [
  ["tokenizer.bin", llama2FromBin],
  ["llama2-vocab-only.gguf", llama2FromGguf],
];
for (const [source, load] of spSources) {
  test(`Llama 2 via ${source}: golden ids with and without BOS, decode equals sentencepiece's`, () => {
    const tokenizer = load();
    assert.equal(tokenizer.vocabSize, 32000);
    assert.equal(tokenizer.bosTokenId, 1);
    assert.deepEqual(tokenizer.eosTokenIds, [2]);
    for (const c of goldenCases("llama2")) {
      const label = JSON.stringify(c.text);
      assert.deepEqual(tokenizer.encode(c.text, { addSpecialTokens: false }), c.ids, label);
      assert.deepEqual(tokenizer.encode(c.text), c.ids_with_bos, label);
      assert.equal(tokenizer.decode(c.ids), c.sp_decode, label);
    }
  });
}
