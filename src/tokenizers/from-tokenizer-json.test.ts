import { test } from "node:test";
import assert from "node:assert/strict";
import { UnsupportedError } from "../errors.js";
import { fromTokenizerJson } from "./from-tokenizer-json.js";
import { BYTE_TO_CHAR } from "./byte-level-bpe.js";

/** A Llama-2-style tokenizer.json: byte_fallback BPE, Prepend/Replace normalizer, <s> template. */
function llamaStyle(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const vocab: Record<string, number> = { "<unk>": 0, "<s>": 1, "</s>": 2 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`] = 3 + b;
  ["▁", "a", "b", "ab", "▁a", "▁ab"].forEach((piece, i) => (vocab[piece] = 259 + i));
  return {
    added_tokens: [
      { id: 0, content: "<unk>", special: true },
      { id: 1, content: "<s>", special: true },
      { id: 2, content: "</s>", special: true },
    ],
    normalizer: {
      type: "Sequence",
      normalizers: [
        { type: "Prepend", prepend: "▁" },
        { type: "Replace", pattern: { String: " " }, content: "▁" },
      ],
    },
    pre_tokenizer: null,
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
    },
    model: { type: "BPE", byte_fallback: true, unk_token: "<unk>", vocab, merges: ["a b", "▁ ab", "▁ a"] },
    ...extra,
  };
}

test("a byte_fallback BPE tokenizer.json is SentencePiece-style and merges by rank", () => {
  const tokenizer = fromTokenizerJson(llamaStyle(), undefined, "tokenizer.json");
  // "▁ab": a+b (rank 0) first, then ▁+ab (rank 1); the ▁+a merge (rank 2) never gets its turn
  assert.deepEqual(tokenizer.encode("ab"), [1, 264]);
  assert.deepEqual(tokenizer.encode("a é", { addSpecialTokens: false }), [263, 259, 3 + 0xc3, 3 + 0xa9]);
  assert.equal(tokenizer.decode([1, 264, 259, 3 + 0xc3, 3 + 0xa9], { skipSpecialTokens: true }), "ab é");
  assert.equal(tokenizer.bosTokenId, 1);
  assert.deepEqual(tokenizer.eosTokenIds, [2]);
});

test("tokenizer_config.json sets add_bos_token, eos and the chat template", () => {
  const config = { add_bos_token: false, eos_token: { content: "</s>" }, chat_template: "{{ messages }}" };
  const tokenizer = fromTokenizerJson(llamaStyle(), config, "tokenizer.json");
  assert.deepEqual(tokenizer.encode("ab"), [264]);
  assert.equal(tokenizer.chatTemplate, "{{ messages }}");
});

test("a Split + ByteLevel pre-tokenizer uses the file's regex (Llama 3 style)", () => {
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((c, b) => (vocab[c] = b));
  vocab["12"] = 256;
  const json = {
    added_tokens: [{ id: 257, content: "<|begin_of_text|>", special: true }],
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        {
          type: "Split",
          pattern: { Regex: String.raw`\p{N}{1,3}|(?i:'s)` },
          behavior: "Isolated",
          invert: false,
        },
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "<|begin_of_text|>" } }, { Sequence: { id: "A" } }],
    },
    model: { type: "BPE", vocab, merges: [["1", "2"]], ignore_merges: true },
  };
  const tokenizer = fromTokenizerJson(json, undefined, "tokenizer.json");
  // "1212" -> "121", "2": 12 + 1, then 2
  assert.deepEqual(tokenizer.encode("1212"), [257, 256, 0x31, 0x32]);
  assert.equal(tokenizer.decode([257, 256], { skipSpecialTokens: true }), "12");
  assert.equal(tokenizer.vocabSize, 258);
});

for (const type of ["WordPiece", "Unigram", "WordLevel"]) {
  test(`a ${type} model is UnsupportedError naming the file and the type`, () => {
    const json = { model: { type, vocab: {} } };
    assert.throws(
      () => fromTokenizerJson(json, undefined, "dir/tokenizer.json"),
      (e: unknown) =>
        e instanceof UnsupportedError && /dir\/tokenizer\.json/.test(e.message) && e.message.includes(type),
    );
  });
}

test("an unsupported pre-tokenizer is refused rather than tokenized wrongly", () => {
  const json = llamaStyle({ pre_tokenizer: { type: "Metaspace", replacement: "▁", split: true } });
  assert.throws(() => fromTokenizerJson(json, undefined, "tokenizer.json"), UnsupportedError);
});
