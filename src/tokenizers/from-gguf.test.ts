import { test } from "node:test";
import assert from "node:assert/strict";
import { FormatError, UnsupportedError } from "../errors.js";
import { fromGguf } from "./from-gguf.js";
import { BYTE_TO_CHAR } from "./byte-level-bpe.js";

function llamaMetadata(): Map<string, unknown> {
  return new Map<string, unknown>([
    ["tokenizer.ggml.model", "llama"],
    ["tokenizer.ggml.tokens", ["<unk>", "<s>", "</s>", "▁", "a", "▁a"]],
    ["tokenizer.ggml.scores", new Float32Array([0, 0, 0, -1, -2, -3])],
    ["tokenizer.ggml.token_type", new Int32Array([2, 3, 3, 1, 1, 1])],
    ["tokenizer.ggml.bos_token_id", 1n],
    ["tokenizer.ggml.eos_token_id", 2n],
    ["tokenizer.ggml.unknown_token_id", 0],
    ["tokenizer.chat_template", "{{ bos_token }}"],
  ]);
}

test("a llama vocabulary with bigint ids and typed arrays", () => {
  const tokenizer = fromGguf(llamaMetadata(), "m.gguf");
  assert.deepEqual(tokenizer.encode("a a"), [1, 5, 5]);
  assert.equal(tokenizer.bosTokenId, 1);
  assert.deepEqual(tokenizer.eosTokenIds, [2]);
  assert.equal(tokenizer.chatTemplate, "{{ bos_token }}");
});

test("add_bos_token false, and an eot id joins the EOS list", () => {
  const metadata = llamaMetadata();
  metadata.set("tokenizer.ggml.add_bos_token", false);
  metadata.set("tokenizer.ggml.eot_token_id", 5);
  const tokenizer = fromGguf(metadata, "m.gguf");
  assert.deepEqual(tokenizer.encode("a"), [5]);
  assert.deepEqual(tokenizer.eosTokenIds, [2, 5]);
});

test("a gpt2 vocabulary with a llama-bpe pre-tokenizer merges and adds BOS", () => {
  const tokens = [...BYTE_TO_CHAR, "ab", "<|begin_of_text|>"];
  const metadata = new Map<string, unknown>([
    ["tokenizer.ggml.model", "gpt2"],
    ["tokenizer.ggml.pre", "llama-bpe"],
    ["tokenizer.ggml.tokens", tokens],
    ["tokenizer.ggml.token_type", tokens.map((_, id) => (id === 257 ? 3 : 1))],
    ["tokenizer.ggml.merges", ["a b"]],
    ["tokenizer.ggml.bos_token_id", 257],
  ]);
  const tokenizer = fromGguf(metadata, "m.gguf");
  assert.deepEqual(tokenizer.encode("ab"), [257, 256]);
  assert.deepEqual(tokenizer.encode("<|begin_of_text|>ab", { addSpecialTokens: false }), [257, 256]);
});

test("unknown models and pre-tokenizers are UnsupportedError naming the file", () => {
  const metadata = llamaMetadata();
  metadata.set("tokenizer.ggml.model", "bert");
  assert.throws(
    () => fromGguf(metadata, "m.gguf"),
    (e: unknown) => e instanceof UnsupportedError && /m\.gguf.*bert/.test(e.message),
  );
  metadata.set("tokenizer.ggml.model", "gpt2");
  metadata.set("tokenizer.ggml.pre", "mystery");
  assert.throws(() => fromGguf(metadata, "m.gguf"), /tokenizer\.ggml\.pre "mystery"/);
});

test("malformed metadata is a FormatError naming the key", () => {
  const missing = llamaMetadata();
  missing.delete("tokenizer.ggml.tokens");
  assert.throws(
    () => fromGguf(missing, "m.gguf"),
    (e: unknown) => e instanceof FormatError && /tokenizer\.ggml\.tokens/.test(e.message),
  );
  const short = llamaMetadata();
  short.set("tokenizer.ggml.scores", [0, 1]);
  assert.throws(() => fromGguf(short, "m.gguf"), /tokenizer\.ggml\.scores must be 6 entries/);
  const badId = llamaMetadata();
  badId.set("tokenizer.ggml.bos_token_id", 99);
  assert.throws(() => fromGguf(badId, "m.gguf"), /bos_token_id must be a token id below 6/);
  assert.throws(() => fromGguf(new Map(), "m.gguf"), /no tokenizer\.ggml\.model/);
});

test("tekken, deepseek-v3 and smollm pre-tokenizers cut digits as their patterns say", () => {
  const tokens = [...BYTE_TO_CHAR, "12", "23"];
  const encode = (pre: string): number[] => {
    const metadata = new Map<string, unknown>([
      ["tokenizer.ggml.model", "gpt2"],
      ["tokenizer.ggml.pre", pre],
      ["tokenizer.ggml.tokens", tokens],
      ["tokenizer.ggml.token_type", tokens.map(() => 1)],
      ["tokenizer.ggml.merges", ["1 2", "2 3"]],
    ]);
    return fromGguf(metadata, "m.gguf").encode("1234");
  };
  assert.deepEqual(encode("gpt-2"), [256, 0x33, 0x34]); // one word "1234": 1 2 merges first
  assert.deepEqual(encode("deepseek-v3"), [256, 0x33, 0x34]); // "123", "4"
  assert.deepEqual(encode("tekken"), [0x31, 0x32, 0x33, 0x34]); // one digit per word
  assert.deepEqual(encode("smollm"), [0x31, 0x32, 0x33, 0x34]);
});
