import assert from "node:assert/strict";
import { test } from "node:test";
import type { Tokenizer } from "../tokenizers/types.js";
import { findStop, heldBackLength, TextStream } from "./stop.js";

/** A tokenizer whose token i stands for pieces[i]; the last id is a special (control) token. */
function bytesOf(pieces: Uint8Array[]): Tokenizer {
  const special = pieces.length;
  return {
    vocabSize: pieces.length + 1,
    eosTokenIds: [special],
    tokenBytes: (id) => (id === special ? new Uint8Array() : pieces[id]),
    tokenToString: (id) => (id === special ? "</s>" : new TextDecoder().decode(pieces[id])),
    isSpecial: (id) => id === special,
    encode: () => [],
    decode: () => "",
  };
}
const enc = new TextEncoder();

test("findStop returns the earliest stop string at or after from", () => {
  assert.equal(findStop("abcabc", ["c", "b"], 0), 1);
  assert.equal(findStop("abcabc", ["c"], 3), 5);
  assert.equal(findStop("abc", ["x"]), -1);
});

test("heldBackLength is the longest suffix that begins a stop string", () => {
  assert.equal(heldBackLength("hello wor", ["world", "o w"]), 3);
  assert.equal(heldBackLength("hello", ["xyz"]), 0);
  assert.equal(heldBackLength("ab", ["ab"]), 0, "a full match is a stop, not a hold");
});

test("TextStream holds back an incomplete UTF-8 character and a possible stop string", () => {
  const pieces = [
    enc.encode("a"),
    Uint8Array.of(0xe2, 0x82),
    Uint8Array.of(0xac),
    enc.encode("<"),
    enc.encode("/s>"),
  ];
  const text = new TextStream(bytesOf(pieces), ["</s>"]);
  assert.deepEqual(text.push(0), { text: "a", stopped: false });
  assert.deepEqual(text.push(1), { text: "", stopped: false });
  assert.deepEqual(text.push(2), { text: "€", stopped: false });
  assert.deepEqual(text.push(3), { text: "", stopped: false });
  assert.deepEqual(text.push(4), { text: "", stopped: true });
  assert.equal(text.text, "a€");
});

test("TextStream.finish flushes what was held back", () => {
  const text = new TextStream(bytesOf([enc.encode("x<"), Uint8Array.of(0xc3)]), ["</s>"]);
  assert.equal(text.push(0).text, "x");
  assert.equal(text.push(1).text, "");
  assert.deepEqual(text.finish(), { text: "<\ufffd", stopped: false });
});

test("special tokens add no text; the prompt primes the decoder", () => {
  const text = new TextStream(bytesOf([enc.encode("a"), enc.encode(" b")]), [], [0]);
  assert.equal(text.push(2).text, "");
  assert.equal(text.push(1).text, " b");
});

test("without a tokenizer every text is empty", () => {
  const text = new TextStream(undefined);
  assert.deepEqual(text.push(3), { text: "", stopped: false });
  assert.equal(text.text, "");
});
