// Every size a request can name, capped in one place for /v1 and /api. The HTTP thread checks these
// on the parsed body before anything is queued or tokenized (checkRequestLimits); the handlers' own
// range checks use the same constants. Over a cap → 400 naming the field, the value and the cap.
import { parseStrategies } from "../inspect/compare.js";
import { ApiError } from "./errors.js";

export const LIMITS = {
  /** Choices (`n`, `numReturnSequences`) one request may ask for. */
  choices: 16,
  /** Beams (`num_beams`, `numBeams`, compare's `beam:N`). */
  beams: 16,
  /** New tokens per choice on /v1 (`max_tokens`, `max_completion_tokens`); the context bounds it too. */
  maxTokens: 8192,
  /** New tokens per run in the playground (/api/generate). */
  playgroundTokens: 1024,
  /** /api/compare: strategies, samples per sampling strategy, new tokens per sample. */
  compareStrategies: 12,
  compareSamples: 5,
  compareTokens: 512,
  /** Entries of `logit_bias` / `logitBias`. */
  logitBiasEntries: 1024,
  /** Stop strings, and the longest one in characters. */
  stops: 16,
  stopChars: 1000,
  /** Prompts in one /v1/completions request. */
  prompts: 16,
  /** Messages in one chat request. */
  messages: 4096,
  /** UTF-8 bytes of all prompt text in one request (prompts, or message contents), before tokenizing. */
  promptBytes: 1024 * 1024,
  /** Token ids in `suppressTokens`, `badWordsIds` (all lists together). */
  tokenLists: 4096,
  /** Alternatives per token (`logprobs`, `top_logprobs`). */
  topLogprobs: 20,
  /** Candidates per token in /api/generate. */
  playgroundTop: 50,
} as const;

/** What the cheap prompt-size check needs to know of the model. */
export interface PromptBound {
  contextLength?: number;
  /**
   * Bytes of prompt text one token can stand for, at most: UTF-8 bytes of the longest token text (its
   * bytes or its name, for special tokens written in the text) times PROMPT_BYTES_SLACK (room for
   * normalizers that shrink the text). A prompt of more than contextLength × this cannot fit.
   */
  maxTokenBytes: number;
}

/** 400: `field` is `value`, over `cap`. */
export function overLimit(field: string, value: number, cap: number, what = ""): ApiError {
  return new ApiError(
    400,
    `${field}: ${value}${what} is over the limit: at most ${cap}${what}`,
    field,
    "limit_exceeded",
  );
}

type Body = Record<string, unknown>;

function capNumber(body: Body, field: string, cap: number, prefix = ""): void {
  const value = body[field];
  if (typeof value === "number" && value > cap) throw overLimit(prefix + field, value, cap);
}

function capEntries(body: Body, field: string, cap: number, prefix = ""): void {
  const value = body[field];
  if (typeof value === "object" && value !== null) {
    const count = Array.isArray(value) ? value.length : Object.keys(value).length;
    if (count > cap) throw overLimit(prefix + field, count, cap, " entries");
  }
}

function capStops(body: Body, field: string, prefix = ""): void {
  const value = body[field];
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
  if (list.length > LIMITS.stops) throw overLimit(prefix + field, list.length, LIMITS.stops, " strings");
  for (const stop of list) {
    if (typeof stop === "string" && stop.length > LIMITS.stopChars) {
      throw overLimit(prefix + field, stop.length, LIMITS.stopChars, " characters");
    }
  }
}

function capTokenLists(body: Body, prefix: string): void {
  let count = 0;
  for (const field of ["suppressTokens", "badWordsIds"]) {
    const value = body[field];
    if (!Array.isArray(value)) continue;
    for (const item of value) count += Array.isArray(item) ? item.length : 1;
  }
  if (count > LIMITS.tokenLists) {
    throw overLimit(`${prefix}suppressTokens/badWordsIds`, count, LIMITS.tokenLists, " token ids");
  }
}

const encoder = new TextEncoder();

/** Bytes of `text` as UTF-8, counted without encoding (an upper bound for lone surrogates). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) bytes += c >= 0x800 ? 2 : 1; // surrogate pairs: 2 + 2 = 4 bytes
  }
  return bytes;
}

/**
 * The prompt text's size, before it is tokenized: at most LIMITS.promptBytes, and no more than
 * could possibly fit the context (every token but the special ones covers at least one byte of the
 * text and at most `maxTokenBytes`).
 */
export function checkPromptBytes(field: string, bytes: number, bound: PromptBound): void {
  if (bytes > LIMITS.promptBytes) throw overLimit(field, bytes, LIMITS.promptBytes, " bytes");
  const context = bound.contextLength;
  if (context !== undefined && bytes > context * bound.maxTokenBytes) {
    throw new ApiError(
      400,
      `${field}: ${bytes} bytes of text cannot fit the model's context length of ${context} tokens (its tokens stand for at most ${bound.maxTokenBytes / PROMPT_BYTES_SLACK} bytes each; more than ${context * bound.maxTokenBytes} bytes are refused before tokenizing)`,
      field,
      "context_length_exceeded",
    );
  }
}

function checkTokenArray(field: string, value: unknown, bound: PromptBound): void {
  const context = bound.contextLength;
  if (Array.isArray(value) && context !== undefined && value.length > context) {
    throw new ApiError(
      400,
      `${field}: the prompt has ${value.length} tokens, but the model's context length is ${context}`,
      field,
      "context_length_exceeded",
    );
  }
}

function checkCompletionPrompt(value: unknown, bound: PromptBound): void {
  if (typeof value === "string") return checkPromptBytes("prompt", utf8Length(value), bound);
  if (!Array.isArray(value)) return;
  if (value.every((v) => typeof v === "number")) return checkTokenArray("prompt", value, bound);
  if (value.length > LIMITS.prompts) throw overLimit("prompt", value.length, LIMITS.prompts, " prompts");
  let bytes = 0;
  for (const [i, item] of value.entries()) {
    if (typeof item === "string") bytes += utf8Length(item);
    else checkTokenArray(`prompt[${i}]`, item, bound);
  }
  checkPromptBytes("prompt", bytes, { ...bound, contextLength: undefined }); // per prompt: the worker
  for (const item of value) if (typeof item === "string") checkPromptBytes("prompt", utf8Length(item), bound);
}

function checkMessages(value: unknown, bound: PromptBound): void {
  if (!Array.isArray(value)) return;
  if (value.length > LIMITS.messages) throw overLimit("messages", value.length, LIMITS.messages, " messages");
  let bytes = 0;
  for (const message of value) {
    if (typeof message !== "object" || message === null) continue;
    const content = (message as Body).content;
    if (typeof content === "string") bytes += utf8Length(content);
    else if (Array.isArray(content)) {
      for (const part of content) {
        const text = typeof part === "object" && part !== null ? (part as Body).text : undefined;
        if (typeof text === "string") bytes += utf8Length(text);
      }
    }
  }
  checkPromptBytes("messages", bytes, bound);
}

/** The caps shared by the OpenAI sampling fields of /v1/completions and /v1/chat/completions. */
function checkOpenAi(body: Body): void {
  capNumber(body, "n", LIMITS.choices);
  capNumber(body, "num_beams", LIMITS.beams);
  capNumber(body, "max_tokens", LIMITS.maxTokens);
  capNumber(body, "max_completion_tokens", LIMITS.maxTokens);
  capNumber(body, "logprobs", LIMITS.topLogprobs);
  capNumber(body, "top_logprobs", LIMITS.topLogprobs);
  capEntries(body, "logit_bias", LIMITS.logitBiasEntries);
  capStops(body, "stop");
}

/** The caps on a playground `options` object (library names). */
function checkPlaygroundOptions(body: Body): void {
  const options = body.options;
  if (typeof options !== "object" || options === null || Array.isArray(options)) return;
  const o = options as Body;
  capNumber(o, "maxNewTokens", LIMITS.playgroundTokens, "options.");
  capNumber(o, "numBeams", LIMITS.beams, "options.");
  capNumber(o, "numReturnSequences", LIMITS.choices, "options.");
  capEntries(o, "logitBias", LIMITS.logitBiasEntries, "options.");
  capStops(o, "stop", "options.");
  capTokenLists(o, "options.");
}

function checkPlaygroundPrompt(body: Body, bound: PromptBound): void {
  if (typeof body.prompt === "string") checkPromptBytes("prompt", utf8Length(body.prompt), bound);
  checkTokenArray("tokens", body.tokens, bound);
}

function checkCompare(body: Body, bound: PromptBound): void {
  if (typeof body.prompt === "string") checkPromptBytes("prompt", utf8Length(body.prompt), bound);
  capNumber(body, "samples", LIMITS.compareSamples);
  capNumber(body, "maxNewTokens", LIMITS.compareTokens);
  if (typeof body.strategies !== "string") return;
  // at most compareStrategies specs; each is tiny, so parse only what could be within the cap
  const count = body.strategies.split(";").length;
  if (count > LIMITS.compareStrategies) {
    throw overLimit("strategies", count, LIMITS.compareStrategies, " strategies");
  }
  let strategies;
  try {
    strategies = parseStrategies(body.strategies);
  } catch {
    return; // the handler reports what is wrong with the spec
  }
  for (const strategy of strategies) {
    const beams = strategy.options.numBeams ?? 1;
    if (beams > LIMITS.beams) {
      throw new ApiError(
        400,
        `strategies: "${strategy.spec.slice(0, 80)}" asks for ${beams} beams, over the limit: at most ${LIMITS.beams} beams`,
        "strategies",
        "limit_exceeded",
      );
    }
  }
}

/**
 * Checks the sizes `body` names for the route `path` (POST): cheap, no tokenizer, no model. The
 * route's handler validates everything else.
 */
export function checkRequestLimits(path: string, body: Body, bound: PromptBound): void {
  switch (path) {
    case "/v1/completions":
      checkOpenAi(body);
      return checkCompletionPrompt(body.prompt, bound);
    case "/v1/chat/completions":
      checkOpenAi(body);
      return checkMessages(body.messages, bound);
    case "/api/generate":
      checkPlaygroundOptions(body);
      capNumber(body, "top", LIMITS.playgroundTop);
      return checkPlaygroundPrompt(body, bound);
    case "/api/compare":
      return checkCompare(body, bound);
    case "/api/tokenize":
      // tokenize reports the count against the context, so only the byte cap applies
      if (typeof body.text === "string") {
        checkPromptBytes("text", utf8Length(body.text), { ...bound, contextLength: undefined });
      }
      return;
    case "/api/logits":
    case "/api/sessions":
      return checkPlaygroundPrompt(body, bound);
    default:
      if (/^\/api\/sessions\/[^/]+\/(append|fork)$/.test(path)) checkTokenArray("tokens", body.tokens, bound);
  }
}

/** How much a normalizer is assumed to shrink text at most (see PromptBound.maxTokenBytes). */
export const PROMPT_BYTES_SLACK = 4;

/** PromptBound.maxTokenBytes of a tokenizer: one pass over the vocabulary, made once at load. */
export function maxTokenBytes(tokenizer: {
  vocabSize: number;
  tokenBytes(id: number): Uint8Array;
  tokenToString(id: number): string;
}): number {
  let longest = 1;
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    const n = Math.max(tokenizer.tokenBytes(id).length, encoder.encode(tokenizer.tokenToString(id)).length);
    if (n > longest) longest = n;
  }
  return longest * PROMPT_BYTES_SLACK;
}
