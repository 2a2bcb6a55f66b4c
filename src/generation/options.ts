/**
 * Generation options: defaults, validation (once, before anything runs) and generation_config.json.
 *
 * Effective options, in order of precedence: the caller's options, then the model's defaults
 * (its generation_config.json or GGUF metadata), then Hugging Face GenerationConfig's defaults
 * (doSample false, temperature 1, topK 50, topP 1, typicalP 1, numBeams 1, lengthPenalty 1,
 * earlyStopping false, numReturnSequences 1, repetitionPenalty 1) except maxNewTokens, which is 256
 * (HF's max_length = 20 counts the prompt and surprises everyone). Two departures from HF:
 * `temperature: 0` means greedy (doSample false), as in OpenAI, llama.cpp and vLLM; and a model's
 * max_length is ignored, since it is usually that leftover 20 (the caller's maxLength is honoured).
 * As in HF, sampling options do nothing unless doSample is true, and sampling with no topK
 * applies topK 50.
 */
import { InvalidOptionError } from "../errors.js";
import type { TokenId } from "../models/types.js";
import { checkOptionKeys, type KeyRecord } from "../option-keys.js";
import {
  checkFinite,
  checkInRange,
  checkInteger,
  checkTokenId,
  checkTokenIds,
  checkTokenSequence,
} from "./processors/checks.js";
import { parseLogitBias } from "./processors/logit-bias.js";
import { MIN_TEMPERATURE, TEMPERATURE_RANGE } from "./processors/temperature.js";
import { PROCESSOR_NAMES } from "./processor-names.js";
import type { GenerationOptions, ProcessorName } from "./types.js";

/** Every GenerationOptions key (the compiler keeps this list and the interface in step). */
export const GENERATION_OPTION_KEYS: KeyRecord<GenerationOptions> = {
  maxNewTokens: true,
  maxLength: true,
  minNewTokens: true,
  minLength: true,
  doSample: true,
  temperature: true,
  topK: true,
  topP: true,
  minP: true,
  typicalP: true,
  epsilonCutoff: true,
  etaCutoff: true,
  repetitionPenalty: true,
  noRepeatNgramSize: true,
  numBeams: true,
  lengthPenalty: true,
  earlyStopping: true,
  numReturnSequences: true,
  eosTokenId: true,
  padTokenId: true,
  bosTokenId: true,
  badWordsIds: true,
  suppressTokens: true,
  beginSuppressTokens: true,
  sequenceBias: true,
  renormalizeLogits: true,
  minTokensToKeep: true,
  seed: true,
  stop: true,
  frequencyPenalty: true,
  presencePenalty: true,
  logitBias: true,
  signal: true,
  maxTime: true,
  trace: true,
  samplerOrder: true,
};

/** New tokens generated when neither maxNewTokens nor maxLength is given. */
export const DEFAULT_MAX_NEW_TOKENS = 256;

/** Options after defaults and validation: what generation actually uses. */
export interface ResolvedOptions extends GenerationOptions {
  /** The budget of new tokens, unless maxLength replaces it (see newTokenBudget). */
  maxNewTokens: number;
  /** Total length bound, set only when the caller gave maxLength without maxNewTokens. */
  maxLength: number | undefined;
  minNewTokens: number;
  minLength: number;
  doSample: boolean;
  temperature: number;
  /** 0 = no top-k filter. */
  topK: number;
  topP: number;
  /** 0 = no min-p filter. */
  minP: number;
  typicalP: number;
  epsilonCutoff: number;
  etaCutoff: number;
  repetitionPenalty: number;
  /** 0 = off. */
  noRepeatNgramSize: number;
  numBeams: number;
  lengthPenalty: number;
  earlyStopping: boolean | "never";
  numReturnSequences: number;
  /** eosTokenId as a list ([] when neither the caller nor the model gave one). */
  eosTokenIds: TokenId[];
  badWordsIds: number[][];
  suppressTokens: number[];
  beginSuppressTokens: number[];
  sequenceBias: Array<[number[], number]>;
  renormalizeLogits: boolean;
  stop: string[];
  frequencyPenalty: number;
  presencePenalty: number;
  logitBias: Record<number, number>;
  samplerOrder: "hf" | "llama.cpp" | ProcessorName[];
}

const HF_DEFAULTS = {
  minNewTokens: 0,
  minLength: 0,
  doSample: false,
  temperature: 1,
  topK: 50,
  topP: 1,
  minP: 0,
  typicalP: 1,
  epsilonCutoff: 0,
  etaCutoff: 0,
  repetitionPenalty: 1,
  noRepeatNgramSize: 0,
  numBeams: 1,
  lengthPenalty: 1,
  earlyStopping: false,
  numReturnSequences: 1,
  renormalizeLogits: false,
  frequencyPenalty: 0,
  presencePenalty: 0,
} as const;

/**
 * Merges the caller's options over the model's defaults and HF's, and validates the result. A key
 * that is not a GenerationOptions key throws UnknownOptionError.
 */
export function resolveOptions(
  user: GenerationOptions,
  modelDefaults: GenerationOptions = {},
): ResolvedOptions {
  if (typeof user !== "object" || user === null) throw new InvalidOptionError("options", user, "an object");
  checkOptionKeys(user, GENERATION_OPTION_KEYS, "generation options");
  const model = definedOnly(modelDefaults);
  delete model.maxLength; // see the file comment
  const given = definedOnly(user);
  const merged: GenerationOptions = { ...model, ...given };
  const temperature = merged.temperature ?? HF_DEFAULTS.temperature;
  const resolved: ResolvedOptions = {
    ...merged,
    ...pickDefaults(merged),
    maxNewTokens: merged.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS,
    maxLength: given.maxNewTokens === undefined ? given.maxLength : undefined,
    doSample: temperature === 0 ? false : (merged.doSample ?? false),
    eosTokenIds: eosList(merged.eosTokenId),
    badWordsIds: merged.badWordsIds ?? [],
    suppressTokens: merged.suppressTokens ?? [],
    beginSuppressTokens: merged.beginSuppressTokens ?? [],
    sequenceBias: merged.sequenceBias ?? [],
    stop: merged.stop === undefined ? [] : typeof merged.stop === "string" ? [merged.stop] : merged.stop,
    logitBias: merged.logitBias ?? {},
    samplerOrder: merged.samplerOrder ?? "hf",
  };
  validate(resolved, merged);
  return resolved;
}

/** New tokens allowed after a prompt of promptLength tokens. */
export function newTokenBudget(options: ResolvedOptions, promptLength: number): number {
  if (options.maxLength === undefined) return options.maxNewTokens;
  return Math.max(0, options.maxLength - promptLength);
}

function pickDefaults(merged: GenerationOptions) {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(HF_DEFAULTS))
    out[key] = merged[key as keyof GenerationOptions] ?? value;
  return out as { -readonly [K in keyof typeof HF_DEFAULTS]: ResolvedOptions[K] };
}

function definedOnly(options: GenerationOptions): GenerationOptions {
  const out: GenerationOptions = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  );
  return out;
}

/** generation_config's eos_token_id (one id or a list) as a list. */
export function eosList(eos: number | number[] | undefined): TokenId[] {
  if (eos === undefined) return [];
  return Array.isArray(eos) ? eos : [eos];
}

function validate(o: ResolvedOptions, merged: GenerationOptions): void {
  checkInteger("maxNewTokens", o.maxNewTokens, 1);
  if (o.maxLength !== undefined) checkInteger("maxLength", o.maxLength, 1);
  checkInteger("minNewTokens", o.minNewTokens, 0);
  checkInteger("minLength", o.minLength, 0);
  checkBoolean("doSample", merged.doSample);
  const t = checkFinite("temperature", o.temperature);
  if (t !== 0 && !(t >= MIN_TEMPERATURE)) {
    throw new InvalidOptionError("temperature", o.temperature, TEMPERATURE_RANGE);
  }
  checkInteger("topK", o.topK, 0);
  checkInRange("topP", o.topP, 0, 1, "[]");
  checkInRange("minP", o.minP, 0, 1, "[]");
  checkInRange("typicalP", o.typicalP, 0, 1, "(]");
  checkInRange("epsilonCutoff", o.epsilonCutoff, 0, 1, "[)");
  checkInRange("etaCutoff", o.etaCutoff, 0, 1, "[)");
  if (!(checkFinite("repetitionPenalty", o.repetitionPenalty) > 0)) {
    throw new InvalidOptionError("repetitionPenalty", o.repetitionPenalty, "a number > 0");
  }
  checkInteger("noRepeatNgramSize", o.noRepeatNgramSize, 0);
  checkInteger("numBeams", o.numBeams, 1);
  checkFinite("lengthPenalty", o.lengthPenalty);
  if (o.earlyStopping !== true && o.earlyStopping !== false && o.earlyStopping !== "never") {
    throw new InvalidOptionError("earlyStopping", o.earlyStopping, 'true, false or "never"');
  }
  checkInteger("numReturnSequences", o.numReturnSequences, 1);
  if (o.numBeams > 1 && o.numReturnSequences > o.numBeams) {
    throw new InvalidOptionError(
      "numReturnSequences",
      o.numReturnSequences,
      `at most numBeams (${o.numBeams})`,
    );
  }
  if (o.numBeams === 1 && !o.doSample && o.numReturnSequences > 1) {
    throw new InvalidOptionError(
      "numReturnSequences",
      o.numReturnSequences,
      "1 with greedy decoding (set doSample or numBeams to get several sequences)",
    );
  }
  if (merged.eosTokenId !== undefined) {
    if (Array.isArray(merged.eosTokenId)) checkTokenIds("eosTokenId", merged.eosTokenId);
    else checkTokenId("eosTokenId", merged.eosTokenId);
  }
  if (o.padTokenId !== undefined) checkTokenId("padTokenId", o.padTokenId);
  if (o.bosTokenId !== undefined) checkTokenId("bosTokenId", o.bosTokenId);
  if (!Array.isArray(o.badWordsIds))
    throw new InvalidOptionError("badWordsIds", o.badWordsIds, "an array of token id arrays");
  for (const ids of o.badWordsIds) checkTokenSequence("badWordsIds", ids);
  checkTokenIds("suppressTokens", o.suppressTokens);
  checkTokenIds("beginSuppressTokens", o.beginSuppressTokens);
  if (!Array.isArray(o.sequenceBias)) {
    throw new InvalidOptionError("sequenceBias", o.sequenceBias, "an array of [token ids, bias] pairs");
  }
  for (const pair of o.sequenceBias) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new InvalidOptionError("sequenceBias", pair, "a [token ids, bias] pair");
    }
    checkTokenSequence("sequenceBias", pair[0]);
    checkFinite("sequenceBias", pair[1]);
  }
  checkBoolean("renormalizeLogits", o.renormalizeLogits);
  if (o.minTokensToKeep !== undefined) checkInteger("minTokensToKeep", o.minTokensToKeep, 1);
  if (o.seed !== undefined && (typeof o.seed !== "number" || !Number.isSafeInteger(o.seed))) {
    throw new InvalidOptionError("seed", o.seed, "a safe integer");
  }
  if (merged.stop !== undefined) {
    const stops: unknown[] = Array.isArray(merged.stop) ? merged.stop : [merged.stop];
    if (stops.some((s) => typeof s !== "string" || s === "")) {
      throw new InvalidOptionError("stop", merged.stop, "a non-empty string or an array of them");
    }
  }
  checkFinite("frequencyPenalty", o.frequencyPenalty);
  checkFinite("presencePenalty", o.presencePenalty);
  parseLogitBias(o.logitBias);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new InvalidOptionError("signal", o.signal, "an AbortSignal");
  }
  if (o.maxTime !== undefined && !(checkFinite("maxTime", o.maxTime) > 0)) {
    throw new InvalidOptionError("maxTime", o.maxTime, "a number of seconds > 0");
  }
  if (o.trace !== undefined && typeof o.trace !== "boolean") checkInteger("trace", o.trace, 1);
  checkSamplerOrder(o.samplerOrder);
}

function checkBoolean(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean")
    throw new InvalidOptionError(option, value, "true or false");
}

function checkSamplerOrder(order: unknown): void {
  if (order === "hf" || order === "llama.cpp") return;
  const expected = `"hf", "llama.cpp" or an array of distinct processor names (${PROCESSOR_NAMES.join(", ")})`;
  if (!Array.isArray(order)) throw new InvalidOptionError("samplerOrder", order, expected);
  for (const name of order) {
    if (!PROCESSOR_NAMES.includes(name as ProcessorName))
      throw new InvalidOptionError("samplerOrder", name, expected);
  }
  if (new Set(order).size !== order.length) throw new InvalidOptionError("samplerOrder", order, expected);
}

/**
 * Maps a generation_config.json object (snake_case, as transformers writes it) to options.
 * Unknown keys and null values are ignored; known keys of the wrong type throw, naming the file's key.
 */
export function fromGenerationConfigJson(json: Record<string, unknown>): GenerationOptions {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const field = CONFIG_KEYS[key];
    if (field === undefined || value === null || value === undefined) continue;
    const [name, kind] = field;
    options[name] = convert(key, value, kind);
  }
  return options;
}

type ConfigKind = "number" | "boolean" | "ids" | "idOrIds" | "idLists" | "earlyStopping" | "sequenceBias";

// generation_config.json key -> [GenerationOptions field, JSON shape]
const CONFIG_KEYS: Record<string, [keyof GenerationOptions, ConfigKind]> = {
  max_new_tokens: ["maxNewTokens", "number"],
  max_length: ["maxLength", "number"],
  min_new_tokens: ["minNewTokens", "number"],
  min_length: ["minLength", "number"],
  do_sample: ["doSample", "boolean"],
  temperature: ["temperature", "number"],
  top_k: ["topK", "number"],
  top_p: ["topP", "number"],
  min_p: ["minP", "number"],
  typical_p: ["typicalP", "number"],
  epsilon_cutoff: ["epsilonCutoff", "number"],
  eta_cutoff: ["etaCutoff", "number"],
  repetition_penalty: ["repetitionPenalty", "number"],
  no_repeat_ngram_size: ["noRepeatNgramSize", "number"],
  num_beams: ["numBeams", "number"],
  length_penalty: ["lengthPenalty", "number"],
  early_stopping: ["earlyStopping", "earlyStopping"],
  num_return_sequences: ["numReturnSequences", "number"],
  eos_token_id: ["eosTokenId", "idOrIds"],
  pad_token_id: ["padTokenId", "number"],
  bos_token_id: ["bosTokenId", "number"],
  bad_words_ids: ["badWordsIds", "idLists"],
  suppress_tokens: ["suppressTokens", "ids"],
  begin_suppress_tokens: ["beginSuppressTokens", "ids"],
  sequence_bias: ["sequenceBias", "sequenceBias"],
  renormalize_logits: ["renormalizeLogits", "boolean"],
  max_time: ["maxTime", "number"],
};

function convert(key: string, value: unknown, kind: ConfigKind): unknown {
  const isIds = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "number");
  switch (kind) {
    case "number":
      if (typeof value !== "number") throw new InvalidOptionError(key, value, "a number");
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw new InvalidOptionError(key, value, "true or false");
      return value;
    case "ids":
      if (!isIds(value)) throw new InvalidOptionError(key, value, "an array of token ids");
      return value;
    case "idOrIds":
      if (typeof value !== "number" && !isIds(value)) {
        throw new InvalidOptionError(key, value, "a token id or an array of them");
      }
      return value;
    case "idLists":
      if (!Array.isArray(value) || !value.every(isIds)) {
        throw new InvalidOptionError(key, value, "an array of token id arrays");
      }
      return value;
    case "earlyStopping":
      if (typeof value !== "boolean" && value !== "never") {
        throw new InvalidOptionError(key, value, 'true, false or "never"');
      }
      return value;
    case "sequenceBias":
      // transformers serializes {tuple(ids): bias} as [[ids, bias], ...]; accept {"1,2": bias} too
      if (Array.isArray(value)) return value;
      if (typeof value === "object") {
        return Object.entries(value as Record<string, unknown>).map(([ids, bias]) => [
          ids.split(",").map((id) => Number(id.replace(/[()\s]/g, ""))),
          bias,
        ]);
      }
      throw new InvalidOptionError(key, value, "an array of [token ids, bias] pairs");
  }
}
