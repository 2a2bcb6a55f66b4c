// Opening a tokenizer from disk: a tokenizer.json (or its directory, with tokenizer_config.json beside
// it), a .gguf file (vocab-only or a whole model), or llama2.c's tokenizer.bin (any other file).

import { readFile, stat } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import { FormatError, UnsupportedError } from "../errors.js";
import { parseGguf } from "../formats/gguf.js";
import { readFilePrefix, readWholeFile } from "../formats/read-file.js";
import type { Tokenizer } from "./types.js";
import { fromTokenizerJson } from "./from-tokenizer-json.js";
import { fromLlama2c } from "./from-llama2c.js";
import { fromGguf } from "./from-gguf.js";

/** GGUF metadata comes first in the file; this much holds it for real vocabularies (Llama 3: ~10 MB). */
const GGUF_HEADER_BYTES = 64 << 20;

/** Loads the tokenizer at `source`: a tokenizer.json file or directory, a .gguf, or a llama2.c tokenizer.bin. */
export async function loadTokenizer(source: string): Promise<Tokenizer> {
  const info = await stat(source).catch((cause: unknown) => {
    throw new FormatError(`${source}: cannot open (${(cause as Error).message})`, { cause });
  });
  if (info.isDirectory()) {
    const path = join(source, "tokenizer.json");
    if (await isFile(path)) return loadTokenizerJson(path);
    const only = (await isFile(join(source, "tokenizer.model")))
      ? " (only tokenizer.model, which is not supported)"
      : "";
    throw new FormatError(`${source}: the directory has no tokenizer.json${only}`);
  }
  const extension = extname(source).toLowerCase();
  if (extension === ".json") return loadTokenizerJson(source);
  if (extension === ".gguf") return loadGgufTokenizer(source, info.size);
  if (extension === ".model") {
    throw new UnsupportedError(
      `${source}: SentencePiece .model files are not supported; use tokenizer.json or GGUF`,
    );
  }
  return fromLlama2c(await readWholeFile(source), source);
}

/**
 * Throws when `tokenizer` can produce ids the model has no embedding for. A model may have more rows
 * than the tokenizer has tokens (vocabularies are often padded to a multiple of 64), never fewer.
 */
export function checkTokenizerMatchesModel(
  tokenizer: Tokenizer,
  modelVocabSize: number,
  fileName: string,
): void {
  if (tokenizer.vocabSize > modelVocabSize) {
    throw new FormatError(
      `${fileName}: the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary has only ` +
        `${modelVocabSize}; they do not belong together`,
    );
  }
}

async function loadTokenizerJson(path: string): Promise<Tokenizer> {
  const json = await readJson(path);
  const configPath = join(dirname(path), "tokenizer_config.json");
  const config = (await isFile(configPath)) ? await readJson(configPath) : undefined;
  return fromTokenizerJson(json, config, path);
}

async function loadGgufTokenizer(path: string, fileSize: number): Promise<Tokenizer> {
  if (fileSize > GGUF_HEADER_BYTES) {
    const { bytes } = await readFilePrefix(path, GGUF_HEADER_BYTES);
    try {
      return fromGguf(parseGguf(bytes, path, fileSize).metadata, path);
    } catch {
      // metadata longer than the prefix: fall through and read it all
    }
  }
  return fromGguf(parseGguf(await readWholeFile(path), path).metadata, path);
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, "utf8").catch((cause: unknown) => {
    throw new FormatError(`${path}: cannot open (${(cause as Error).message})`, { cause });
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new FormatError(`${path}: not valid JSON (${(cause as Error).message})`, { cause });
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
