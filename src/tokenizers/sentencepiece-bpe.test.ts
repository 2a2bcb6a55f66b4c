import { test } from "node:test";
import assert from "node:assert/strict";
import { SentencePieceBpe, type SentencePieceVocab } from "./sentencepiece-bpe.js";
import { TokenType } from "./token-type.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromLlama2c } from "./from-llama2c.js";
import { GOLDEN_TOKENIZERS, llama2FromBin } from "./testing.js";

/** unk, <s>, </s>, bytes 0x00..0xFF, then the given pieces with descending scores. */
function tinyVocab(normal: string[], extra?: Partial<SentencePieceVocab>): SentencePieceBpe {
  const pieces = ["<unk>", "<s>", "</s>"];
  const types: number[] = [TokenType.unknown, TokenType.control, TokenType.control];
  for (let b = 0; b < 256; b++) {
    pieces.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(TokenType.byte);
  }
  for (const piece of normal) {
    pieces.push(piece);
    types.push(piece.startsWith("<") && piece.length > 1 ? TokenType.userDefined : TokenType.normal);
  }
  const scores = pieces.map((_, id) => (id < 259 ? 0 : -id));
  return new SentencePieceBpe({
    pieces,
    types,
    scores,
    bosTokenId: 1,
    eosTokenIds: [2],
    unkTokenId: 0,
    addBos: true,
    addEos: false,
    addDummyPrefix: true,
    ...extra,
  });
}

test("empty text gives [] without BOS and [bos] with it", () => {
  const tokenizer = llama2FromBin();
  assert.deepEqual(tokenizer.encode("", { addSpecialTokens: false }), []);
  assert.deepEqual(tokenizer.encode(""), [1]);
  assert.equal(tokenizer.decode([]), "");
});

test("the highest-scoring merge wins, leftmost on ties", () => {
  // ▁=259 a=260 b=261 ab=262 ▁a=263: "▁ab" -> ▁a scores lower than ab, so ab merges first
  const tokenizer = tinyVocab(["▁", "a", "b", "ab", "▁a"]);
  assert.deepEqual(tokenizer.encode("ab", { addSpecialTokens: false }), [259, 262]);
  assert.deepEqual(tokenizer.encode("aa", { addSpecialTokens: false }), [263, 260]);
});

test("characters missing from the vocabulary fall back to their UTF-8 bytes", () => {
  const tokenizer = tinyVocab(["▁", "a"]);
  // "é" = C3 A9 -> <0xC3>=3+0xC3, <0xA9>=3+0xA9
  assert.deepEqual(tokenizer.encode("é", { addSpecialTokens: false }), [259, 3 + 0xc3, 3 + 0xa9]);
  assert.equal(tokenizer.decode([259, 3 + 0xc3, 3 + 0xa9]), "é");
});

test("without byte pieces, unknown characters become <unk>", () => {
  const tokenizer = new SentencePieceBpe({
    pieces: ["<unk>", "<s>", "</s>", "▁", "a"],
    types: [2, 3, 3, 1, 1],
    scores: [0, 0, 0, -1, -2],
    eosTokenIds: [2],
    unkTokenId: 0,
    addBos: false,
    addEos: false,
    addDummyPrefix: true,
  });
  assert.deepEqual(tokenizer.encode("aé"), [3, 4, 0, 0]);
});

test("user-defined pieces are kept whole and never merged across", () => {
  const tokenizer = tinyVocab(["▁", "a", "<tag>", "a<", "▁a"]);
  const ids = tokenizer.encode("a<tag>a", { addSpecialTokens: false });
  assert.deepEqual(ids, [263, 261, 260]);
  assert.equal(tokenizer.decode(ids), "a<tag>a");
});

test("control tokens in text are parsed by default, plain text with parseSpecialTokens: false", () => {
  const tokenizer = llama2FromBin();
  // "<s>" then "▁Hello" (a dummy prefix after a special token, as llama.cpp does)
  assert.deepEqual(tokenizer.encode("<s>Hello", { addSpecialTokens: false }), [1, 15043]);
  const plain = tokenizer.encode("<s>Hello", { addSpecialTokens: false, parseSpecialTokens: false });
  assert.ok(!plain.includes(1));
  assert.equal(tokenizer.decode(plain), "<s>Hello");
});

test("decode writes control tokens unless skipSpecialTokens, and drops the dummy-prefix space once", () => {
  const tokenizer = llama2FromBin();
  const ids = tokenizer.encode("Hello world"); // [1, 15043, 3186]
  assert.equal(tokenizer.decode(ids), "<s> Hello world");
  assert.equal(tokenizer.decode(ids, { skipSpecialTokens: true }), "Hello world");
  assert.equal(tokenizer.decode([3186, 3186]), "world world");
  assert.ok(tokenizer.isSpecial(1) && tokenizer.isSpecial(2) && !tokenizer.isSpecial(15043));
  assert.deepEqual(tokenizer.tokenBytes(2), new Uint8Array(0));
  assert.equal(tokenizer.tokenToString(15043), "▁Hello");
});

test("only spaces, and a lone surrogate (encoded as U+FFFD, not thrown)", () => {
  const tokenizer = llama2FromBin();
  assert.equal(tokenizer.decode(tokenizer.encode("     "), { skipSpecialTokens: true }), "     ");
  // HF renders <s> and then the dummy-prefix space is no longer at the start, so it stays
  assert.equal(tokenizer.decode(tokenizer.encode("     ")), "<s>      ");
  const ids = tokenizer.encode("a\uD800b", { addSpecialTokens: false });
  assert.equal(tokenizer.decode(ids), "a\uFFFDb");
});

test("a 100 KB string round-trips (the merge queue keeps it fast)", () => {
  const tokenizer = llama2FromBin();
  const text = "Once upon a time, 大型語言模型 😀 there   was\na tokenizer. ".repeat(2000).slice(0, 100_000);
  const ids = tokenizer.encode(text, { addSpecialTokens: false });
  assert.equal(tokenizer.decode(ids), text);
  const noSpaces = "x".repeat(100_000);
  assert.equal(tokenizer.decode(tokenizer.encode(noSpaces, { addSpecialTokens: false })), noSpaces);
});

test("ids outside the vocabulary are rejected", () => {
  const tokenizer = llama2FromBin();
  assert.throws(() => tokenizer.decode([32000]), /token id/);
  assert.throws(() => tokenizer.tokenToString(-1), /token id/);
});

test("the dummy-prefix space is dropped once, even when the first piece is a bare ▁", () => {
  const tokenizer = llama2FromBin();
  const ids = tokenizer.encode(" ting", { addSpecialTokens: false });
  assert.deepEqual(ids.slice(0, 2), [29871, 260]); // "▁", "▁t"
  assert.equal(tokenizer.decode(ids), " ting");
  assert.deepEqual(tokenizer.encode("", { parseSpecialTokens: false }), [1]);
});

const ids = new Map<string, number>(); // piece -> first id, as run.c's sorted vocab lookup

/** llama2.c run.c encode(): rescan for the best-scoring pair after every merge (O(n^2)). */
function naiveEncode(tokenizer: SentencePieceBpe, scores: ArrayLike<number>, text: string): number[] {
  let tokens = Array.from("▁" + text.replaceAll(" ", "▁")).flatMap((c) => {
    const id = ids.get(c);
    return id !== undefined ? [id] : Array.from(new TextEncoder().encode(c), (b) => 3 + b);
  });
  for (;;) {
    let best = -Infinity;
    let at = -1;
    let merged = -1;
    for (let i = 0; i + 1 < tokens.length; i++) {
      const id = ids.get(tokenizer.tokenToString(tokens[i]) + tokenizer.tokenToString(tokens[i + 1]));
      if (id !== undefined && scores[id] > best) [best, at, merged] = [scores[id], i, id];
    }
    if (at < 0) return tokens;
    tokens = [...tokens.slice(0, at), merged, ...tokens.slice(at + 2)];
  }
}

test("the merge queue gives run.c's result on 300 pseudo-random strings", () => {
  const path = join(GOLDEN_TOKENIZERS, "llama2", "tokenizer.bin");
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scores: number[] = [];
  for (let offset = 4; offset < bytes.length; offset += 8 + view.getInt32(offset + 4, true)) {
    scores.push(view.getFloat32(offset, true));
  }
  const tokenizer = fromLlama2c(bytes, path);
  for (let id = tokenizer.vocabSize - 1; id > 258; id--) ids.set(tokenizer.tokenToString(id), id);
  const alphabet = [
    "a",
    "e",
    "t",
    "h",
    "th",
    "the",
    "ing",
    " ",
    "  ",
    "\n",
    "的",
    "😀",
    "é",
    "1",
    ".",
    "'",
    "Ġ",
  ];
  let seed = 1;
  const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 8) % n;
  for (let k = 0; k < 300; k++) {
    const text = Array.from({ length: 1 + random(25) }, () => alphabet[random(alphabet.length)]).join("");
    const ids = tokenizer.encode(text, { addSpecialTokens: false });
    assert.deepEqual(ids, naiveEncode(tokenizer, scores, text), JSON.stringify(text));
    assert.equal(tokenizer.decode(ids), text);
  }
});
