import { test } from "node:test";
import assert from "node:assert/strict";
import { FormatError, UnsupportedError } from "../errors.js";
import { fromTokenizerJson } from "./from-tokenizer-json.js";
import { BYTE_TO_CHAR } from "./byte-level-bpe.js";
import { pretokenizerOfPattern } from "./pretokenizer.js";
import { probePattern, probeStrings } from "./regex-probe.js";

/** A byte-level tokenizer.json whose pre-tokenizer is the given Split regexes, then ByteLevel. */
function withSplits(...regexes: string[]): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((c, b) => (vocab[c] = b));
  vocab["34"] = 256;
  const splits = regexes.map((Regex) => ({
    type: "Split",
    pattern: { Regex },
    behavior: "Isolated",
    invert: false,
  }));
  return {
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [...splits, { type: "ByteLevel", add_prefix_space: false, use_regex: false }],
    },
    model: { type: "BPE", vocab, merges: [["3", "4"]] },
  };
}

test("a catastrophic-backtracking Split regex is refused at load, quickly, naming file and pattern", () => {
  const started = performance.now();
  assert.throws(
    () => fromTokenizerJson(withSplits("(a+)+$"), undefined, "evil/tokenizer.json"),
    (e: unknown) =>
      e instanceof UnsupportedError &&
      e.message.includes("evil/tokenizer.json") &&
      e.message.includes(JSON.stringify("(a+)+$")) &&
      /catastrophic backtracking/.test(e.message),
  );
  const ms = performance.now() - started;
  // the same regex on one probe string ("a" × 4096 + "b") would run for longer than the universe
  assert.ok(ms < 5000, `refused after ${ms.toFixed(0)} ms`);
});

test("nested-quantifier patterns of other shapes are refused too", () => {
  for (const evil of [String.raw`(\p{L}|\p{Ll})+!`, String.raw`(\s*\s*)*x`, String.raw`(x+x+)+y`]) {
    assert.equal(probePattern(evil).fast, false, evil);
  }
});

test("an unknown but linear Split regex passes the probe and is used", () => {
  const tokenizer = fromTokenizerJson(withSplits(String.raw`\p{N}{1,2}`), undefined, "t.json");
  // "12345" -> "12", "34", "5" (the 3 4 merge applies); "2345" -> "23", "45" (it can't)
  assert.deepEqual(tokenizer.encode("12345"), [0x31, 0x32, 256, 0x35]);
  assert.deepEqual(tokenizer.encode("2345"), [0x32, 0x33, 0x34, 0x35]);
  assert.equal(probePattern(String.raw`\p{N}{1,2}`).fast, true);
});

test("the probes include long runs of the pattern's own characters followed by a breaker", () => {
  const probes = probeStrings("(q+)+$");
  assert.ok(probes.includes("q".repeat(4096) + "!"));
  assert.ok(probes.every((p) => [...p].length <= 4097));
});

test("a Split regex JS cannot compile is UnsupportedError naming it", () => {
  assert.throws(
    () => pretokenizerOfPattern("(?<=a", "bad/tokenizer.json"),
    (e: unknown) => e instanceof UnsupportedError && e.message.includes("bad/tokenizer.json"),
  );
});

test("a huge pattern is quoted in the error only in part", () => {
  const huge = "(" + "a".repeat(100_000);
  assert.throws(
    () => pretokenizerOfPattern(huge, "big/tokenizer.json"),
    (e: unknown) =>
      e instanceof UnsupportedError && e.message.length < 500 && /100003 characters/.test(e.message),
  );
});

test("deeply nested or overlong pre-tokenizer Sequences are FormatErrors, not a stack overflow", () => {
  let nested: unknown = { type: "ByteLevel" };
  for (let i = 0; i < 100_000; i++) nested = { type: "Sequence", pretokenizers: [nested] };
  const deep = { ...withSplits(), pre_tokenizer: nested };
  assert.throws(
    () => fromTokenizerJson(deep, undefined, "deep/tokenizer.json"),
    (e: unknown) =>
      e instanceof FormatError &&
      /deep\/tokenizer\.json: pretokenizers Sequences nest deeper/.test(e.message),
  );
  const many = withSplits(...Array.from({ length: 40 }, () => String.raw`\p{N}`));
  assert.throws(
    () => fromTokenizerJson(many, undefined, "many.json"),
    /many\.json: pretokenizers has 41 steps/,
  );
});

test("DeepSeek V3's three Splits run in sequence on the scanners", () => {
  const json = withSplits(
    String.raw`\p{N}{1,3}`,
    "[一-龥぀-ゟ゠-ヿ]+",
    String.raw`[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_` +
      "`" +
      String.raw`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
  );
  const tokenizer = fromTokenizerJson(json, undefined, "deepseek/tokenizer.json");
  // "1234" -> "123", "4": the 3 4 merge can't cross the cut; "34" alone merges
  assert.deepEqual(tokenizer.encode("1234"), [0x31, 0x32, 0x33, 0x34]);
  assert.deepEqual(tokenizer.encode("34"), [256]);
  const text = "1234 日本語 x.y";
  assert.equal(tokenizer.decode(tokenizer.encode(text)), text);
});

test("a Digits pre-tokenizer (SmolLM) isolates each digit before ByteLevel's regex", () => {
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((c, b) => (vocab[c] = b));
  vocab["12"] = 256;
  vocab["a1"] = 257;
  const json = (individual: boolean): Record<string, unknown> => ({
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        { type: "Digits", individual_digits: individual },
        { type: "ByteLevel", add_prefix_space: false, use_regex: true },
      ],
    },
    model: { type: "BPE", vocab, merges: [["1", "2"]] },
  });
  assert.deepEqual(fromTokenizerJson(json(true), undefined, "t.json").encode("12"), [0x31, 0x32]);
  assert.deepEqual(fromTokenizerJson(json(false), undefined, "t.json").encode("12"), [256]);
});
