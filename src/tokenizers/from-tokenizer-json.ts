// A tokenizer from Hugging Face tokenizer.json (+ tokenizer_config.json for BOS/EOS, add_bos_token and
// the chat template). model "BPE" with a ByteLevel pre-tokenizer is byte-level BPE (GPT-2, Llama 3,
// Qwen2); BPE with byte_fallback and a "▁" normalizer or Metaspace is SentencePiece-style (Llama 2,
// TinyLlama, Mistral), merged by the file's merge ranks, which is exactly what HF does.
//
// Why not @huggingface/tokenizers: one implementation serves tokenizer.json, GGUF and llama2.c
// tokenizer.bin alike (GGUF "llama" vocabularies and tokenizer.bin have scores but no merges, which HF's
// BPE model can't run), it keeps the package free of native/wasm dependencies, and it exposes what the
// engine needs (token bytes for streaming, token types). The golden vectors check it instead.

import type { TokenId } from "../models/types.js";
import { FormatError, UnsupportedError } from "../errors.js";
import type { Tokenizer } from "./types.js";
import { SentencePieceBpe } from "./sentencepiece-bpe.js";
import { ByteLevelBpe } from "./byte-level-bpe.js";
import { type Pretokenizer, pretokenizerOfPattern, quoted } from "./pretokenizer.js";
import { digitsScanner, gpt2Scanner, inSequence } from "./pretoken-scanners.js";
import { TokenType, byteOfPiece } from "./token-type.js";

type Json = Record<string, unknown>;

/** Real files nest Sequences once or twice and use at most ~5 steps; a hostile file could nest
 * thousands deep (a stack overflow) or list thousands of regexes (each timed at load). */
const MAX_SEQUENCE_DEPTH = 8;
const MAX_STEPS = 32;

/** Names tried for EOS when there is no tokenizer_config.json and no post-processor names one. */
const KNOWN_EOS = ["</s>", "<|endoftext|>", "<|end_of_text|>", "<|eot_id|>", "<|im_end|>"];

/** Builds a tokenizer from parsed tokenizer.json (and tokenizer_config.json) objects. */
export function fromTokenizerJson(json: unknown, config: unknown, fileName: string): Tokenizer {
  const file = asObject(json, fileName, "the file");
  const cfg =
    config === undefined || config === null ? {} : asObject(config, "tokenizer_config.json", "the file");
  const model = asObject(file.model, fileName, "model");
  if (model.type !== "BPE") {
    throw new UnsupportedError(
      `${fileName}: tokenizer model type ${String(model.type)} is not supported (BPE only)`,
    );
  }
  const vocab = asObject(model.vocab, fileName, "model.vocab");
  const pieces: (string | undefined)[] = [];
  const types: number[] = [];
  const setToken = (id: unknown, piece: string, type: number): void => {
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id > 1 << 24) {
      throw new FormatError(
        `${fileName}: token ${JSON.stringify(piece)} has id ${String(id)}, not a valid id`,
      );
    }
    pieces[id] = piece;
    types[id] = type;
  };
  const byteFallback = model.byte_fallback === true;
  for (const [piece, id] of Object.entries(vocab)) {
    setToken(id, piece, byteFallback && byteOfPiece(piece) !== undefined ? TokenType.byte : TokenType.normal);
  }
  const strip = new Map<TokenId, { lstrip: boolean; rstrip: boolean }>();
  for (const added of asArray(file.added_tokens ?? [], fileName, "added_tokens")) {
    const token = asObject(added, fileName, "added_tokens[]");
    if (typeof token.content !== "string")
      throw new FormatError(`${fileName}: an added token has no content`);
    setToken(token.id, token.content, token.special === true ? TokenType.control : TokenType.userDefined);
    strip.set(token.id as number, { lstrip: token.lstrip === true, rstrip: token.rstrip === true });
  }
  if (typeof model.unk_token === "string") {
    const unk = pieces.indexOf(model.unk_token);
    if (unk >= 0) types[unk] = TokenType.unknown;
  }
  for (let id = 0; id < pieces.length; id++) types[id] ??= TokenType.unused;
  const merges = asArray(model.merges ?? [], fileName, "model.merges").map((m, i) => mergeOf(m, i, fileName));
  const idOf = (piece: string | undefined): TokenId | undefined => {
    const id = piece === undefined ? -1 : pieces.indexOf(piece);
    return id >= 0 ? id : undefined;
  };

  // BOS/EOS: tokenizer_config.json first, then the post-processor's template, then well-known names
  const template = templateOf(file.post_processor);
  const bosTokenId = idOf(tokenName(cfg.bos_token) ?? template.bos);
  const eosName =
    tokenName(cfg.eos_token) ?? template.eos ?? KNOWN_EOS.find((name) => idOf(name) !== undefined);
  const eos = idOf(eosName);
  const common = {
    types,
    bosTokenId,
    eosTokenIds: eos === undefined ? [] : [eos],
    addBos: typeof cfg.add_bos_token === "boolean" ? cfg.add_bos_token : template.bos !== undefined,
    addEos: typeof cfg.add_eos_token === "boolean" ? cfg.add_eos_token : template.eos !== undefined,
    chatTemplate: chatTemplateOf(cfg.chat_template),
  };

  const pre = stepsOf(file.pre_tokenizer, "pretokenizers", fileName);
  const norm = stepsOf(file.normalizer, "normalizers", fileName);
  const byteLevel = pre.find((step) => step.type === "ByteLevel");
  if (byteLevel !== undefined) {
    return new ByteLevelBpe({
      ...common,
      pieces,
      merges,
      pretokenizer: bytePretokenizer(pre, fileName),
      ignoreMerges: model.ignore_merges === true,
      addPrefixSpace: byteLevel.add_prefix_space === true,
      normalization: normalizationOf(norm, fileName),
      strip,
      fileName,
    });
  }

  const metaspace = pre.find((step) => step.type === "Metaspace");
  const prepend = norm.some((step) => step.type === "Prepend" && step.prepend === "\u2581");
  if (!byteFallback && metaspace === undefined && !prepend) {
    throw new UnsupportedError(
      `${fileName}: BPE without ByteLevel, Metaspace or byte_fallback is not supported`,
    );
  }
  if (metaspace?.split === true) {
    throw new UnsupportedError(`${fileName}: Metaspace pre-tokenizer with split: true is not supported`);
  }
  const scheme = metaspace?.prepend_scheme ?? (metaspace?.add_prefix_space === false ? "never" : "always");
  return new SentencePieceBpe({
    ...common,
    pieces: pieces.map((p) => p ?? ""),
    merges,
    unkTokenId: idOf(typeof model.unk_token === "string" ? model.unk_token : undefined),
    addDummyPrefix: prepend || (metaspace !== undefined && scheme !== "never"),
    dummyPrefixAfterSpecial: prepend || scheme === "always",
  });
}

function mergeOf(merge: unknown, index: number, fileName: string): [string, string] {
  if (Array.isArray(merge) && merge.length === 2 && merge.every((s) => typeof s === "string")) {
    return [merge[0], merge[1]];
  }
  const space = typeof merge === "string" ? merge.indexOf(" ", 1) : -1;
  if (typeof merge !== "string" || space < 0) {
    throw new FormatError(`${fileName}: model.merges[${index}] is neither "a b" nor ["a", "b"]`);
  }
  return [merge.slice(0, space), merge.slice(space + 1)];
}

/**
 * The word splitter of a ByteLevel pre-tokenizer sequence: each step cuts every piece the steps
 * before it made (HF's Sequence). ByteLevel with use_regex is GPT-2's pattern; a Split (Llama 3,
 * Qwen2, DeepSeek V3, Tekken) is its regex; Digits is \p{N} runs or single digits (SmolLM).
 */
function bytePretokenizer(steps: Json[], fileName: string): Pretokenizer {
  const splitters: Pretokenizer[] = [];
  for (const step of steps) {
    if (step.type === "ByteLevel") {
      if (step.use_regex !== false) splitters.push(gpt2Scanner);
    } else if (step.type === "Split" && step.behavior === "Isolated" && step.invert !== true) {
      const regex = (step.pattern as Json | undefined)?.Regex;
      if (typeof regex !== "string") {
        throw new UnsupportedError(
          `${fileName}: pre-tokenizer Split ${quoted(step.pattern)} is not supported (a Regex pattern only)`,
        );
      }
      splitters.push(pretokenizerOfPattern(regex, fileName));
    } else if (step.type === "Digits") {
      splitters.push(digitsScanner(step.individual_digits === true ? 1 : Infinity));
    } else {
      throw new UnsupportedError(`${fileName}: pre-tokenizer ${quoted(step)} is not supported`);
    }
  }
  // ByteLevel without regex: the whole text is one word
  return splitters.length === 0 ? (text) => (text === "" ? [] : [text]) : inSequence(splitters);
}

function normalizationOf(steps: Json[], fileName: string): "NFC" | "NFKC" | undefined {
  if (steps.length === 0) return undefined;
  if (steps.length === 1 && (steps[0].type === "NFC" || steps[0].type === "NFKC")) return steps[0].type;
  throw new UnsupportedError(
    `${fileName}: normalizer ${JSON.stringify(steps)} is not supported with ByteLevel`,
  );
}

/** Leading/trailing special tokens of a TemplateProcessing `single` template (possibly in a Sequence). */
function templateOf(processor: unknown): { bos?: string; eos?: string } {
  const template = stepsOf(processor, "processors").find((p) => p.type === "TemplateProcessing");
  if (template === undefined || !Array.isArray(template.single)) return {};
  const names = (template.single as Json[]).map((item) => (item.SpecialToken as Json | undefined)?.id);
  const a = names.findIndex((name) => name === undefined);
  const before = names.slice(0, a < 0 ? names.length : a);
  const after = a < 0 ? [] : names.slice(a + 1);
  return { bos: before.find((n) => typeof n === "string"), eos: after.find((n) => typeof n === "string") };
}

/** A normalizer/pre-tokenizer/processor as a flat list of steps (Sequence unrolled). */
function stepsOf(value: unknown, listKey: string, fileName = "tokenizer.json", depth = 0): Json[] {
  if (value === null || typeof value !== "object") return [];
  const step = value as Json;
  if (step.type === "Sequence" && Array.isArray(step[listKey])) {
    if (depth >= MAX_SEQUENCE_DEPTH) {
      throw new FormatError(`${fileName}: ${listKey} Sequences nest deeper than ${MAX_SEQUENCE_DEPTH}`);
    }
    const steps = (step[listKey] as unknown[]).flatMap((s) => stepsOf(s, listKey, fileName, depth + 1));
    if (steps.length > MAX_STEPS) {
      throw new FormatError(`${fileName}: ${listKey} has ${steps.length} steps, more than ${MAX_STEPS}`);
    }
    return steps;
  }
  return [step];
}

/** "<s>" or { content: "<s>" } as in tokenizer_config.json. */
function tokenName(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  const content = value !== null && typeof value === "object" ? (value as Json).content : undefined;
  return typeof content === "string" ? content : undefined;
}

function chatTemplateOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return undefined;
  const named = value as Json[];
  const chosen = named.find((t) => t.name === "default") ?? named[0];
  return typeof chosen?.template === "string" ? chosen.template : undefined;
}

function asObject(value: unknown, fileName: string, what: string): Json {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Json;
  throw new FormatError(`${fileName}: ${what} must be a JSON object`);
}

function asArray(value: unknown, fileName: string, what: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new FormatError(`${fileName}: ${what} must be a JSON array`);
}
