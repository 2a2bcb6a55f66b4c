import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DEEPSEEK_CJK_SOURCE,
  DEEPSEEK_DIGITS_SOURCE,
  DEEPSEEK_SOURCE,
  GPT2_PATTERN,
  LLAMA3_SOURCE,
  QWEN2_SOURCE,
  TEKKEN_SOURCE,
  jsPatternOf,
  knownScanner,
  pretokenize,
} from "./pretokenizer.js";
import { GOLDEN_TOKENIZERS, goldenCases } from "./testing.js";
import type { Pretokenizer } from "./pretoken-scanners.js";

const KNOWN: [string, string][] = [
  ["GPT-2", GPT2_PATTERN],
  ["Llama 3", LLAMA3_SOURCE],
  ["Qwen2/Qwen3", QWEN2_SOURCE],
  ["Mistral Tekken", TEKKEN_SOURCE],
  ["DeepSeek V3 digits", DEEPSEEK_DIGITS_SOURCE],
  ["DeepSeek V3 CJK", DEEPSEEK_CJK_SOURCE],
  ["DeepSeek V3 words", DEEPSEEK_SOURCE],
];

/** Code points chosen to sit on every boundary the patterns draw (one or more per category). */
const ALPHABET = [
  ..."aZsStTmMdDlLrReEvV", // ASCII letters, the contraction letters in both cases
  ..."0179", // digits
  ..." \t\n\r\v\f", // ASCII whitespace
  ..."'!.,/-_$+<`~\"()[]\\", // ASCII punctuation and symbols, the apostrophe, Tekken's slash
  ..."éßΣσǅʰ中カ가ﬁ", // Ll Lu Lt Lm Lo letters, CJK, kana, hangul
  "\u0301", // combining acute (Mn)
  "\u0903", // Devanagari visarga (Mc)
  ..."٣Ⅷ½", // Nd Nl No numbers
  "\u00a0\u2028\u3000\ufeff\u0085\u200b", // Unicode spaces, and two that \s does not match
  "😀", // astral symbol
  "𝐀", // astral Lu
  "𝟎", // astral Nd
  "\ud800", // lone high surrogate
  "\udc00", // lone low surrogate
  "©§¶", // So, Po, Po
];

/** Small seeded generator (xorshift32) so a failure prints a reproducible case. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function randomStrings(count: number, seed: number): string[] {
  const next = rng(seed);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const length = 1 + Math.floor(next() * 24);
    let text = "";
    for (let i = 0; i < length; i++) {
      // runs of one character are where greedy quantifiers give back, so repeat some
      const c = ALPHABET[Math.floor(next() * ALPHABET.length)];
      text += next() < 0.2 ? c.repeat(1 + Math.floor(next() * 4)) : c;
    }
    out.push(text);
  }
  return out;
}

/** Every BMP code point (surrogates alone, as lone surrogates), in a shuffled order, then in order. */
function allCodePoints(): string {
  const cps = Array.from({ length: 0x10000 }, (_, i) => i);
  const next = rng(7);
  for (let i = cps.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [cps[i], cps[j]] = [cps[j], cps[i]];
  }
  // interleave with letters and spaces so each code point is seen next to other classes too
  return (
    cps.map((cp) => String.fromCharCode(cp)).join("") +
    cps.map((cp) => ` ${String.fromCharCode(cp)}a`).join("")
  );
}

const corpora: [string, string[]][] = [
  ["the GPT-2 golden strings", goldenCases("gpt2").map((c) => c.text)],
  ["the Llama 2 golden strings", goldenCases("llama2").map((c) => c.text)],
  ["20,000 random strings", randomStrings(20_000, 1)],
  ["every BMP code point", [allCodePoints()]],
  ["the GPT-2 vocabulary's pieces", [Object.keys(gpt2Vocab()).join(" ")]],
];

function gpt2Vocab(): Record<string, number> {
  const json = JSON.parse(readFileSync(join(GOLDEN_TOKENIZERS, "gpt2", "tokenizer.json"), "utf8")) as {
    model: { vocab: Record<string, number> };
  };
  return json.model.vocab;
}

for (const [name, source] of KNOWN) {
  test(`the ${name} scanner cuts exactly where the regex does`, () => {
    const scanner = knownScanner(source) as Pretokenizer;
    assert.ok(scanner !== undefined, "the pattern is recognised");
    const regex = new RegExp(jsPatternOf(source, "test"), "gu");
    for (const [corpus, texts] of corpora) {
      for (const text of texts) {
        const expected = pretokenize(text, regex);
        const actual = scanner(text);
        if (actual.length !== expected.length || actual.some((piece, i) => piece !== expected[i])) {
          assert.deepEqual(actual, expected, `${corpus}: ${JSON.stringify(text.slice(0, 200))}`);
        }
      }
    }
  });
}

test("files that write \\r and \\n as the characters themselves are recognised too", () => {
  const literal = LLAMA3_SOURCE.replace(/\\r/g, "\r").replace(/\\n/g, "\n");
  assert.equal(knownScanner(literal), knownScanner(LLAMA3_SOURCE));
  assert.equal(knownScanner(LLAMA3_SOURCE + "|x"), undefined);
});

test("scanners give the documented pieces", () => {
  const scan = (source: string, text: string): string[] => (knownScanner(source) as Pretokenizer)(text);
  assert.deepEqual(scan(LLAMA3_SOURCE, "1234567 I'M ok\n\n"), ["123", "456", "7", " I", "'M", " ok", "\n\n"]);
  assert.deepEqual(scan(QWEN2_SOURCE, "123"), ["1", "2", "3"]);
  assert.deepEqual(scan(GPT2_PATTERN, "Hello  world"), ["Hello", " ", " world"]);
  assert.deepEqual(scan(TEKKEN_SOURCE, "HelloWORLD a/b//\n"), ["Hello", "WORLD", " a", "/b", "//\n"]);
  assert.deepEqual(scan(DEEPSEEK_SOURCE, "x.y (hi)"), ["x", ".y", " (", "hi", ")"]);
});
