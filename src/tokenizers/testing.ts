// Test helpers: paths and loaders for the shared golden tokenizer data (read in place, never copied).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseGguf } from "../formats/gguf.js";
import { fromGguf } from "./from-gguf.js";
import { fromLlama2c } from "./from-llama2c.js";
import { fromTokenizerJson } from "./from-tokenizer-json.js";
import type { Tokenizer } from "./types.js";
import { sharedPath } from "../testing/shared.js";

/** ../shared from the repository root, where tests run. */
export const SHARED = sharedPath();
export const GOLDEN_TOKENIZERS = join(SHARED, "golden", "tokenizers");

export interface GoldenCase {
  text: string;
  ids: number[];
  ids_with_bos?: number[];
  sp_decode?: string;
}

export function goldenCases(name: "gpt2" | "llama2"): GoldenCase[] {
  const file = join(GOLDEN_TOKENIZERS, name, "encodings.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { cases: GoldenCase[] }).cases;
}

const cache = new Map<string, Tokenizer>();

function cached(key: string, load: () => Tokenizer): Tokenizer {
  let tokenizer = cache.get(key);
  if (tokenizer === undefined) cache.set(key, (tokenizer = load()));
  return tokenizer;
}

export function gpt2FromJson(): Tokenizer {
  return cached("gpt2-json", () => {
    const path = join(GOLDEN_TOKENIZERS, "gpt2", "tokenizer.json");
    return fromTokenizerJson(JSON.parse(readFileSync(path, "utf8")), undefined, path);
  });
}

export function gpt2FromGguf(): Tokenizer {
  return cached("gpt2-gguf", () => ggufTokenizer(join(GOLDEN_TOKENIZERS, "gpt2", "gpt2-vocab-only.gguf")));
}

export function llama2FromBin(): Tokenizer {
  return cached("llama2-bin", () => {
    const path = join(GOLDEN_TOKENIZERS, "llama2", "tokenizer.bin");
    return fromLlama2c(readFileSync(path), path, 32000);
  });
}

export function llama2FromGguf(): Tokenizer {
  return cached("llama2-gguf", () =>
    ggufTokenizer(join(GOLDEN_TOKENIZERS, "llama2", "llama2-vocab-only.gguf")),
  );
}

function ggufTokenizer(path: string): Tokenizer {
  return fromGguf(parseGguf(readFileSync(path), path).metadata, path);
}
