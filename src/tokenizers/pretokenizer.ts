// Pre-tokenizer regexes of byte-level BPE tokenizers: text is cut into words with one of these before
// any merging, so merges never cross a word boundary. Sources: OpenAI gpt-2 encoder.py, Meta llama3
// tokenizer.py, Qwen2's tokenizer.json, and llama.cpp's llama-vocab.cpp (LLAMA_VOCAB_PRE_TYPE_*).

import { UnsupportedError } from "../errors.js";

export const GPT2_PATTERN = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;

// The originals start with (?i:'s|'t|...), an inline flag group Node 20's RegExp lacks; spelled out.
const CONTRACTIONS = String.raw`'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]`;

export const LLAMA3_PATTERN = String.raw`(?:${CONTRACTIONS})|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

export const QWEN2_PATTERN = String.raw`(?:${CONTRACTIONS})|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

/** The pre-tokenizer of a GGUF `tokenizer.ggml.pre` value. */
export function pretokenizerOfGguf(
  pre: string | undefined,
  fileName: string,
): { pattern: string; ignoreMerges: boolean } {
  switch (pre) {
    case undefined: // files converted before llama.cpp wrote the key were GPT-2 style
    case "gpt-2":
    case "gpt2":
      return { pattern: GPT2_PATTERN, ignoreMerges: false };
    case "llama3":
    case "llama-v3":
    case "llama-bpe":
      return { pattern: LLAMA3_PATTERN, ignoreMerges: true };
    case "qwen2":
    case "deepseek-r1-qwen":
      return { pattern: QWEN2_PATTERN, ignoreMerges: false };
    default:
      throw new UnsupportedError(
        `${fileName}: tokenizer.ggml.pre "${pre}" is not supported (supported: gpt-2, llama-bpe, qwen2)`,
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
    throw new UnsupportedError(
      `${fileName}: pre-tokenizer regex ${JSON.stringify(source)} is not supported`,
      {
        cause,
      },
    );
  }
  return pattern;
}

/** Cuts text into pre-tokens: every regex match, plus any unmatched stretch between matches. */
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
