// A tokenizer from GGUF metadata (github.com/ggml-org/ggml/blob/master/docs/gguf.md, "Tokenizer"):
// tokenizer.ggml.model "llama" is a SentencePiece vocabulary with scores and no merges, "gpt2" a
// byte-level BPE with merges and a pre-tokenizer named by tokenizer.ggml.pre. Defaults for missing
// keys follow llama.cpp's llama-vocab.cpp.

import type { TokenId } from "../models/types.js";
import { FormatError, UnsupportedError } from "../errors.js";
import type { Tokenizer } from "./types.js";
import { SentencePieceBpe } from "./sentencepiece-bpe.js";
import { ByteLevelBpe } from "./byte-level-bpe.js";
import { pretokenizerOfGguf } from "./pretokenizer.js";
import { TokenType } from "./token-type.js";

/** Builds the tokenizer described by a GGUF file's `tokenizer.*` metadata. */
export function fromGguf(metadata: ReadonlyMap<string, unknown>, fileName: string): Tokenizer {
  const meta = new MetadataReader(metadata, fileName);
  const model = meta.string("tokenizer.ggml.model");
  if (model === undefined) throw new FormatError(`${fileName}: no tokenizer.ggml.model key, so no tokenizer`);
  if (model !== "llama" && model !== "gpt2") {
    throw new UnsupportedError(`${fileName}: tokenizer.ggml.model "${model}" is not supported (llama, gpt2)`);
  }
  const pieces = meta.strings("tokenizer.ggml.tokens", true);
  const size = pieces.length;
  const types =
    meta.numbers("tokenizer.ggml.token_type", size) ?? new Array<number>(size).fill(TokenType.normal);
  const eos = meta.id("tokenizer.ggml.eos_token_id", size) ?? (model === "llama" ? 2 : undefined);
  const eosTokenIds = [
    eos,
    meta.id("tokenizer.ggml.eot_token_id", size),
    meta.id("tokenizer.ggml.eom_token_id", size),
  ]
    .filter((id): id is TokenId => id !== undefined)
    .filter((id, i, all) => all.indexOf(id) === i);
  const common = {
    pieces,
    types,
    bosTokenId: meta.id("tokenizer.ggml.bos_token_id", size) ?? (model === "llama" ? 1 : undefined),
    eosTokenIds,
    addEos: meta.boolean("tokenizer.ggml.add_eos_token") ?? false,
    chatTemplate: meta.string("tokenizer.chat_template"),
  };
  if (model === "llama") {
    return new SentencePieceBpe({
      ...common,
      scores: meta.numbers("tokenizer.ggml.scores", size) ?? pieces.map((_, id) => -id),
      unkTokenId: meta.id("tokenizer.ggml.unknown_token_id", size) ?? 0,
      addBos: meta.boolean("tokenizer.ggml.add_bos_token") ?? true,
      addDummyPrefix: meta.boolean("tokenizer.ggml.add_space_prefix") ?? true,
    });
  }
  const { pretokenizer, ignoreMerges } = pretokenizerOfGguf(meta.string("tokenizer.ggml.pre"), fileName);
  const merges = meta.strings("tokenizer.ggml.merges", false).map((line, i): [string, string] => {
    const space = line.indexOf(" ", 1);
    if (space < 0) throw new FormatError(`${fileName}: tokenizer.ggml.merges[${i}] "${line}" is not "a b"`);
    return [line.slice(0, space), line.slice(space + 1)];
  });
  return new ByteLevelBpe({
    ...common,
    merges,
    pretokenizer,
    ignoreMerges,
    addPrefixSpace: false,
    addBos: meta.boolean("tokenizer.ggml.add_bos_token") ?? ignoreMerges, // llama.cpp: true for Llama 3
    fileName,
  });
}

/** Typed access to metadata values, with errors naming the file and key. */
class MetadataReader {
  constructor(
    private readonly metadata: ReadonlyMap<string, unknown>,
    private readonly fileName: string,
  ) {}

  string(key: string): string | undefined {
    const value = this.metadata.get(key);
    if (value === undefined || typeof value === "string") return value;
    return this.fail(key, "a string", value);
  }

  boolean(key: string): boolean | undefined {
    const value = this.metadata.get(key);
    if (value === undefined || typeof value === "boolean") return value;
    return this.fail(key, "a boolean", value);
  }

  strings(key: string, required: boolean): string[] {
    const value = this.metadata.get(key);
    if (value === undefined && !required) return [];
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
    return this.fail(key, "an array of strings", value);
  }

  /** A numeric array of `length` entries (number[], typed array, or bigint entries). */
  numbers(key: string, length: number): ArrayLike<number> | undefined {
    const value = this.metadata.get(key);
    if (value === undefined) return undefined;
    const list =
      ArrayBuffer.isView(value) || Array.isArray(value) ? (value as ArrayLike<unknown>) : undefined;
    if (list === undefined) return this.fail(key, "an array of numbers", value);
    if (list.length !== length) return this.fail(key, `${length} entries (one per token)`, `${list.length}`);
    if (value instanceof Float32Array || value instanceof Int32Array) return value;
    return Array.from(list, (v) => (typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : NaN));
  }

  /** A token id below `size`; number or bigint. */
  id(key: string, size: number): TokenId | undefined {
    const value = this.metadata.get(key);
    if (value === undefined) return undefined;
    const id = typeof value === "bigint" ? Number(value) : value;
    if (typeof id === "number" && Number.isInteger(id) && id >= 0 && id < size) return id;
    // llama.cpp writes -1 / 0xFFFFFFFF for "none"
    if (id === -1 || id === 0xffffffff) return undefined;
    return this.fail(key, `a token id below ${size}`, value);
  }

  private fail(key: string, expected: string, got: unknown): never {
    const shown = typeof got === "string" ? got : Array.isArray(got) ? `an array` : String(got);
    throw new FormatError(`${this.fileName}: metadata ${key} must be ${expected}, got ${shown}`);
  }
}
