import { test } from "node:test";
import assert from "node:assert/strict";
import { BYTE_TO_CHAR, ByteLevelBpe, type ByteLevelVocab } from "./byte-level-bpe.js";
import { GPT2_PATTERN, LLAMA3_SOURCE, QWEN2_SOURCE, jsPatternOf, pretokenize } from "./pretokenizer.js";
import { gpt2Scanner } from "./pretoken-scanners.js";
import { TokenType } from "./token-type.js";
import { gpt2FromJson } from "./testing.js";

test("bytes_to_unicode maps space to Ġ, newline to Ċ and keeps printable ASCII", () => {
  assert.equal(BYTE_TO_CHAR[0x20], "Ġ");
  assert.equal(BYTE_TO_CHAR[0x0a], "Ċ");
  assert.equal(BYTE_TO_CHAR[0x41], "A");
  assert.equal(new Set(BYTE_TO_CHAR).size, 256);
});

test("<|endoftext|> in text is the special token 50256, or plain text when not parsing specials", () => {
  const tokenizer = gpt2FromJson();
  const text = "Hello<|endoftext|> world";
  const ids = tokenizer.encode(text);
  assert.deepEqual(ids, [15496, 50256, 995]);
  assert.equal(tokenizer.decode(ids), text);
  assert.equal(tokenizer.decode(ids, { skipSpecialTokens: true }), "Hello world");
  const plain = tokenizer.encode(text, { parseSpecialTokens: false });
  assert.ok(!plain.includes(50256));
  assert.equal(tokenizer.decode(plain), text);
  assert.deepEqual(tokenizer.eosTokenIds, [50256]);
});

test("GPT-2 adds no BOS; empty text and only spaces", () => {
  const tokenizer = gpt2FromJson();
  assert.deepEqual(tokenizer.encode(""), []);
  assert.equal(tokenizer.decode(tokenizer.encode("     ")), "     ");
});

test("a lone surrogate is encoded as U+FFFD without throwing", () => {
  const tokenizer = gpt2FromJson();
  assert.equal(tokenizer.decode(tokenizer.encode("a\uDC00b")), "a\uFFFDb");
});

test("a 100 KB string round-trips, with and without word boundaries", () => {
  const tokenizer = gpt2FromJson();
  const text = "The quick brown fox 🦊 jumps; 大型語言模型 12345\n\n".repeat(2500).slice(0, 100_000);
  assert.equal(tokenizer.decode(tokenizer.encode(text)), text);
  const oneWord = "abcdefghij".repeat(10_000);
  assert.equal(tokenizer.decode(tokenizer.encode(oneWord)), oneWord);
});

test("the Llama 3 and Qwen2 patterns group digits by three and by one", () => {
  const llama3 = new RegExp(jsPatternOf(LLAMA3_SOURCE, "t.json"), "gu");
  assert.deepEqual(pretokenize("1234567 I'M ok\n\n", llama3), ["123", "456", "7", " I", "'M", " ok", "\n\n"]);
  assert.deepEqual(pretokenize("123", new RegExp(jsPatternOf(QWEN2_SOURCE, "t.json"), "gu")), [
    "1",
    "2",
    "3",
  ]);
  assert.deepEqual(pretokenize("Hello  world", new RegExp(GPT2_PATTERN, "gu")), ["Hello", " ", " world"]);
});

test("a (?i:…) group from tokenizer.json becomes a caseless JS pattern", () => {
  const pattern = new RegExp(jsPatternOf(String.raw`(?i:'s|'ll)|\p{L}+`, "t.json"), "gu");
  assert.deepEqual(pretokenize("it'S we'LL", pattern), ["it", "'S", " ", "we", "'LL"]);
});

/** Pieces for every byte, then the given merges' results. */
function tinyByteLevel(merges: [string, string][], extra?: Partial<ByteLevelVocab>): ByteLevelBpe {
  const pieces = [...BYTE_TO_CHAR, ...merges.map(([a, b]) => a + b)];
  return new ByteLevelBpe({
    pieces,
    types: pieces.map(() => TokenType.normal),
    merges,
    pretokenizer: gpt2Scanner,
    ignoreMerges: false,
    addPrefixSpace: false,
    eosTokenIds: [],
    addBos: false,
    addEos: false,
    fileName: "tiny",
    ...extra,
  });
}

test("merges apply lowest rank first", () => {
  // in "abc", "b c" (rank 0) beats "a b" (rank 1)
  const tokenizer = tinyByteLevel([
    ["b", "c"],
    ["a", "b"],
  ]);
  assert.deepEqual(tokenizer.encode("abc"), [0x61, 256]);
});

test("ignoreMerges takes a word that is a vocabulary piece whole (Llama 3)", () => {
  // "abc" is in the vocabulary but no merge sequence reaches it
  const merges: [string, string][] = [["a", "b"]];
  const pieces = [...BYTE_TO_CHAR, "ab", "abc"];
  const base = { pieces, types: pieces.map(() => TokenType.normal), merges };
  assert.deepEqual(tinyByteLevel(merges, base).encode("abc"), [256, 0x63]);
  assert.deepEqual(tinyByteLevel(merges, { ...base, ignoreMerges: true }).encode("abc"), [257]);
});

test("addPrefixSpace puts a space before text that has none", () => {
  const tokenizer = tinyByteLevel([], { addPrefixSpace: true });
  assert.deepEqual(tokenizer.encode("a"), [0x20, 0x61]);
  assert.deepEqual(tokenizer.encode(" a"), [0x20, 0x61]);
});
