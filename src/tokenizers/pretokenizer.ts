// Pre-tokenizers of byte-level BPE tokenizers: text is cut into words before any merging, so merges
// never cross a word boundary. The files name a regex; the ones real tokenizers use run on the
// linear-time scanners of pretoken-scanners.ts, any other is timed by regex-probe.ts first. Sources:
// OpenAI gpt-2 encoder.py, Meta llama3 tokenizer.py, the Qwen2, Mistral Nemo (Tekken), DeepSeek V3
// and SmolLM tokenizer.json files, and llama.cpp's llama-vocab.cpp (LLAMA_VOCAB_PRE_TYPE_*).

import { UnsupportedError } from "../errors.js";
import {
  type Pretokenizer,
  cjkScanner,
  deepseekScanner,
  digitsScanner,
  gpt2Scanner,
  inSequence,
  llama3Scanner,
  tekkenScanner,
} from "./pretoken-scanners.js";
import { probePattern } from "./regex-probe.js";

export type { Pretokenizer } from "./pretoken-scanners.js";

// The patterns as tokenizer.json spells them (Rust `regex` syntax).
const CASELESS_CONTRACTIONS = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)`;
const LLAMA3_TAIL = String.raw`| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
export const GPT2_PATTERN = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;
export const LLAMA3_SOURCE = String.raw`${CASELESS_CONTRACTIONS}|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}${LLAMA3_TAIL}`;
export const QWEN2_SOURCE = String.raw`${CASELESS_CONTRACTIONS}|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}${LLAMA3_TAIL}`;
const UPPERISH = String.raw`[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`;
const LOWERISH = String.raw`[\p{Ll}\p{Lm}\p{Lo}\p{M}]`;
export const TEKKEN_SOURCE =
  String.raw`[^\r\n\p{L}\p{N}]?${UPPERISH}*${LOWERISH}+|[^\r\n\p{L}\p{N}]?${UPPERISH}+${LOWERISH}*|\p{N}` +
  String.raw`| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
export const DEEPSEEK_DIGITS_SOURCE = String.raw`\p{N}{1,3}`;
export const DEEPSEEK_CJK_SOURCE = "[一-龥぀-ゟ゠-ヿ]+";
export const DEEPSEEK_SOURCE =
  String.raw`[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_` +
  "`" +
  String.raw`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

/** Known patterns and their scanners. */
const SCANNERS = new Map<string, Pretokenizer>([
  [GPT2_PATTERN, gpt2Scanner],
  [LLAMA3_SOURCE, llama3Scanner(3)],
  [QWEN2_SOURCE, llama3Scanner(1)],
  [TEKKEN_SOURCE, tekkenScanner],
  [DEEPSEEK_DIGITS_SOURCE, digitsScanner(3)],
  [DEEPSEEK_CJK_SOURCE, cjkScanner],
  [DEEPSEEK_SOURCE, deepseekScanner],
]);

/** The scanner of a known pattern; files may spell \r and \n as the characters themselves. */
export function knownScanner(source: string): Pretokenizer | undefined {
  return SCANNERS.get(source.replace(/\r/g, "\\r").replace(/\n/g, "\\n"));
}

/**
 * A Split pre-tokenizer's regex: a known pattern's scanner, or the regex itself once it has passed
 * the time probe. A pattern JS can't compile, or one that is slow, is UnsupportedError naming both.
 */
export function pretokenizerOfPattern(source: string, fileName: string): Pretokenizer {
  const known = knownScanner(source);
  if (known !== undefined) return known;
  const pattern = jsPatternOf(source, fileName);
  const probe = probePattern(pattern);
  if (!probe.fast) {
    throw new UnsupportedError(
      `${fileName}: pre-tokenizer regex ${quoted(source)} is refused: ${probe.reason}`,
    );
  }
  const regex = new RegExp(pattern, "gu");
  return (text) => pretokenize(text, regex);
}

/** The pre-tokenizer of a GGUF `tokenizer.ggml.pre` value. */
export function pretokenizerOfGguf(
  pre: string | undefined,
  fileName: string,
): { pretokenizer: Pretokenizer; ignoreMerges: boolean } {
  switch (pre) {
    case undefined: // files converted before llama.cpp wrote the key were GPT-2 style
    case "gpt-2":
    case "gpt2":
      return { pretokenizer: gpt2Scanner, ignoreMerges: false };
    case "llama3":
    case "llama-v3":
    case "llama-bpe":
      return { pretokenizer: llama3Scanner(3), ignoreMerges: true };
    case "qwen2":
    case "deepseek-r1-qwen":
      return { pretokenizer: llama3Scanner(1), ignoreMerges: false };
    case "tekken":
      return { pretokenizer: tekkenScanner, ignoreMerges: false };
    case "deepseek-v3":
      return {
        pretokenizer: inSequence([digitsScanner(3), cjkScanner, deepseekScanner]),
        ignoreMerges: false,
      };
    case "smollm":
      return { pretokenizer: inSequence([digitsScanner(1), gpt2Scanner]), ignoreMerges: false };
    default:
      throw new UnsupportedError(
        `${fileName}: tokenizer.ggml.pre "${pre}" is not supported ` +
          "(supported: gpt-2, llama-bpe, qwen2, tekken, deepseek-v3, smollm)",
      );
  }
}

/**
 * A tokenizer.json Split regex (Rust `regex` syntax) as a JS pattern: `(?i:…)` groups of plain
 * characters become character classes; anything else JS can't compile is UnsupportedError.
 */
export function jsPatternOf(source: string, fileName: string): string {
  const pattern = source.replace(/\(\?i:([^()[\]\\]*)\)/g, (_, body: string) => {
    const caseless = body.replace(/\p{L}/gu, (c) =>
      c.toLowerCase() === c.toUpperCase() ? c : `[${c.toLowerCase()}${c.toUpperCase()}]`,
    );
    return `(?:${caseless})`;
  });
  try {
    new RegExp(pattern, "gu");
  } catch (cause) {
    throw new UnsupportedError(`${fileName}: pre-tokenizer regex ${quoted(source)} is not supported`, {
      cause,
    });
  }
  return pattern;
}

/** A file's value as JSON for an error message, cut at `max` characters so messages stay small. */
export function quoted(value: unknown, max = 300): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length <= max ? json : `${json.slice(0, max)}… (${json.length} characters)`;
}

/** Cuts text into pre-tokens with a regex: every match, plus any unmatched stretch between matches. */
export function pretokenize(text: string, pattern: RegExp): string[] {
  const out: string[] = [];
  let start = 0;
  for (const m of text.matchAll(pattern)) {
    const index = m.index ?? 0;
    if (m[0] === "") continue;
    if (index > start) out.push(text.slice(start, index));
    out.push(m[0]);
    start = index + m[0].length;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}
