// OpenAI request fields → GenerationOptions, mapped once here at the edge. Every field is checked for
// type and range with a 400 that names it; the engine's own validation (resolveOptions) then runs
// before the request is queued, and its errors are reported under the request's field names.
//
// Defaults: a field the request leaves out takes the model's generation config (as vLLM does; the
// built-in model's temperature is 0.8, its top_k 40), else the engine's default (temperature 1).
// Two departures, after OpenAI: a request samples unless it says `temperature: 0`, whatever the
// model's do_sample says, and no top-k applies unless the request (extension `top_k`) or the model's
// generation config asks for one. Beam search (`num_beams` > 1) samples only when the request gives
// a temperature above 0. What applied, and from where, is returned in the X-Nextoken-Settings header
// (docs/server-fields.md).
import { MIN_TEMPERATURE } from "../generation/processors/temperature.js";
import { compactSettings, resolveSettings, snakeCase } from "../generation/settings.js";
import type { GenerationOptions, ProcessorName } from "../generation/types.js";
import type { Model } from "../load-model.js";
import { ApiError, invalidField, toApiError } from "./errors.js";
import { LIMITS, overLimit } from "./limits.js";

export type Body = Record<string, unknown>;

// The caps live in limits.ts (shared by /v1 and /api); these names are kept for their importers.
/** Most choices (`n`) and beams one request may ask for. */
export const MAX_CHOICES = LIMITS.choices;
/** Most stop strings, and their longest length in characters. */
export const MAX_STOPS = LIMITS.stops;
export const MAX_STOP_CHARS = LIMITS.stopChars;
/** OpenAI's bound on `top_logprobs` (and on legacy `logprobs` here). */
export const MAX_TOP_LOGPROBS = LIMITS.topLogprobs;

/** Which distribution reported log-probabilities come from (DESIGN.md §4). */
export type LogprobsMode = "raw" | "processed";

/** The response header carrying the settings that applied (compactSettings' JSON). */
export const SETTINGS_HEADER = "X-Nextoken-Settings";

/** What both endpoints share: the generation options and how to report them. */
export interface SamplingRequest {
  /** What generate() runs with: the request's fields, the server's defaults, the seed. */
  options: GenerationOptions;
  /** The X-Nextoken-Settings header: the knobs that applied, by request field name, and their sources. */
  headers: Record<string, string>;
  logprobsMode: LogprobsMode;
  stream: boolean;
  includeUsage: boolean;
}

// GenerationOptions field → the request field it comes from, for error messages.
const PARAMS: Record<string, string> = {
  maxNewTokens: "max_tokens",
  maxLength: "max_tokens",
  temperature: "temperature",
  topK: "top_k",
  topP: "top_p",
  minP: "min_p",
  typicalP: "typical_p",
  repetitionPenalty: "repetition_penalty",
  numBeams: "num_beams",
  lengthPenalty: "length_penalty",
  numReturnSequences: "n",
  seed: "seed",
  stop: "stop",
  frequencyPenalty: "frequency_penalty",
  presencePenalty: "presence_penalty",
  logitBias: "logit_bias",
  samplerOrder: "sampler_order",
  doSample: "temperature",
};

/** The request field an engine option came from. */
export function paramOf(option: string): string {
  return PARAMS[option] ?? option;
}

/** Checks `model` names the served model: 400 when missing, 404 when it is another one. */
export function checkModel(body: Body, modelId: string): void {
  const model = body.model;
  if (model === undefined) throw invalidField("model", `required; this server serves "${modelId}"`);
  if (typeof model !== "string") throw invalidField("model", `must be a string, got ${typeName(model)}`);
  if (model !== modelId) {
    throw new ApiError(
      404,
      `The model "${clip(model)}" does not exist; this server serves "${modelId}"`,
      "model",
      "model_not_found",
    );
  }
}

/**
 * Reads the sampling fields both endpoints accept and validates them with the engine's rules.
 * `defaultMaxTokens`, when given, replaces the model's max_new_tokens for a request without one
 * (the completions endpoint's 16, as OpenAI's).
 */
export function samplingRequest(
  body: Body,
  model: Model,
  maxTokensField: string,
  defaultMaxTokens?: number,
): SamplingRequest {
  const maxTokens = integer(body, maxTokensField, 1, LIMITS.maxTokens);
  const temperature = number(body, "temperature", 0, 2);
  if (temperature !== undefined && temperature !== 0 && temperature < MIN_TEMPERATURE) {
    // logits / temperature would overflow float32 (see MIN_TEMPERATURE)
    throw invalidField("temperature", `must be 0 or in [${MIN_TEMPERATURE}, 2], got ${temperature}`);
  }
  const numBeams = integer(body, "num_beams", 1, LIMITS.beams);
  const topK = integer(body, "top_k", -1, Number.MAX_SAFE_INTEGER);
  const doSample = (numBeams ?? 1) > 1 ? temperature !== undefined && temperature > 0 : temperature !== 0;
  const explicit: GenerationOptions = {
    maxNewTokens: maxTokens,
    temperature,
    doSample: temperature === undefined ? undefined : doSample,
    topK: topK === undefined ? undefined : Math.max(0, topK),
    topP: number(body, "top_p", 0, 1),
    minP: number(body, "min_p", 0, 1),
    typicalP: number(body, "typical_p", 0, 1, true),
    repetitionPenalty: number(body, "repetition_penalty", 0, 100, true),
    frequencyPenalty: number(body, "frequency_penalty", -2, 2),
    presencePenalty: number(body, "presence_penalty", -2, 2),
    numReturnSequences: integer(body, "n", 1, MAX_CHOICES),
    numBeams,
    lengthPenalty: number(body, "length_penalty", -100, 100),
    seed: integer(body, "seed", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    stop: stops(body),
    logitBias: logitBias(body, model.vocabSize),
    samplerOrder: samplerOrder(body),
  };
  const stream = boolean(body, "stream") ?? false;
  const streamOptions = body.stream_options;
  let includeUsage = false;
  if (streamOptions !== undefined && streamOptions !== null) {
    if (!stream) throw invalidField("stream_options", "is only allowed with stream: true");
    if (!isObject(streamOptions)) throw invalidField("stream_options", "must be an object");
    includeUsage = boolean(streamOptions, "include_usage", "stream_options.include_usage") ?? false;
  }
  const mode = body.logprobs_mode ?? "raw";
  if (mode !== "raw" && mode !== "processed") {
    throw invalidField("logprobs_mode", `must be "raw" or "processed", got ${describe(mode)}`);
  }
  let resolved;
  try {
    resolved = resolveSettings(explicit, model.generationConfig, {
      explicitSource: "request",
      overrides: { doSample, maxNewTokens: defaultMaxTokens },
      fallbacks: { topK: 0 },
    });
  } catch (error) {
    throw toApiError(error, paramOf);
  }
  const fieldOf = (knob: string) =>
    knob === "maxNewTokens" ? maxTokensField : knob === "numReturnSequences" ? "n" : snakeCase(knob);
  const headers = { [SETTINGS_HEADER]: compactSettings(resolved.settings, fieldOf) };
  return { options: resolved.options, headers, logprobsMode: mode, stream, includeUsage };
}

/** Beam search keeps no per-step trace, so it can report raw alternatives (rescored) but not processed ones. */
export function checkBeamLogprobs(sampling: SamplingRequest, topN: number | undefined, param: string): void {
  if ((sampling.options.numBeams ?? 1) > 1 && sampling.logprobsMode === "processed" && (topN ?? 0) > 0) {
    throw invalidField(
      param,
      'processed alternatives are not available with num_beams > 1; use logprobs_mode "raw"',
    );
  }
}

/** Rejects fields that would change the answer in ways this server does not support. */
export function rejectUnsupported(body: Body, fields: string[]): void {
  for (const field of fields) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (field === "best_of" && value === 1) continue;
    if (field === "response_format" && isObject(value) && value.type === "text") continue;
    throw new ApiError(400, `${field} is not supported by this server`, field, "unsupported_parameter");
  }
}

export function integer(body: Body, name: string, min: number, max: number): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw invalidField(name, `must be an integer, got ${describe(value)}`);
  }
  if (value < min || value > max) throw invalidField(name, `must be in [${min}, ${max}], got ${value}`);
  return value;
}

export function number(
  body: Body,
  name: string,
  min: number,
  max: number,
  exclusiveMin = false,
): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw invalidField(name, `must be a number, got ${describe(value)}`);
  }
  if (value < min || value > max || (exclusiveMin && value === min)) {
    throw invalidField(name, `must be in ${exclusiveMin ? "(" : "["}${min}, ${max}], got ${value}`);
  }
  return value;
}

export function boolean(body: Body, name: string, param = name): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalidField(param, `must be true or false, got ${describe(value)}`);
  return value;
}

export function optionalString(body: Body, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidField(name, `must be a string, got ${describe(value)}`);
  return value;
}

export function isObject(value: unknown): value is Body {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short, safe rendering of a client's value for a message. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(clip(value));
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "object" ? "an object" : typeof value;
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? "an array" : value === null ? "null" : typeof value;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function stops(body: Body): string[] | undefined {
  const value = body.stop;
  if (value === undefined || value === null) return undefined;
  const list: unknown[] = typeof value === "string" ? [value] : Array.isArray(value) ? value : [value];
  if (list.length > MAX_STOPS) throw invalidField("stop", `at most ${MAX_STOPS} strings`);
  for (const stop of list) {
    if (typeof stop !== "string" || stop === "" || stop.length > MAX_STOP_CHARS) {
      throw invalidField(
        "stop",
        `must be a non-empty string (at most ${MAX_STOP_CHARS} characters) or an array of them`,
      );
    }
  }
  return list as string[];
}

function logitBias(body: Body, vocabSize: number): Record<number, number> | undefined {
  const value = body.logit_bias;
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidField("logit_bias", "must be an object { token id: bias }");
  const entries = Object.keys(value).length;
  if (entries > LIMITS.logitBiasEntries)
    throw overLimit("logit_bias", entries, LIMITS.logitBiasEntries, " entries");
  const out: Record<number, number> = {};
  for (const [key, bias] of Object.entries(value)) {
    const id = Number(key);
    if (!/^(0|[1-9][0-9]*)$/.test(key) || id >= vocabSize) {
      throw invalidField("logit_bias", `keys must be token ids in [0, ${vocabSize}), got ${describe(key)}`);
    }
    if (typeof bias !== "number" || !(bias >= -100 && bias <= 100)) {
      throw invalidField(
        "logit_bias",
        `biases must be numbers in [-100, 100], got ${describe(bias)} for ${key}`,
      );
    }
    out[id] = bias;
  }
  return out;
}

function samplerOrder(body: Body): GenerationOptions["samplerOrder"] {
  const value = body.sampler_order;
  if (value === undefined || value === null) return undefined;
  if (value === "hf" || value === "llama.cpp") return value;
  if (Array.isArray(value)) return value as ProcessorName[]; // names are checked by resolveOptions
  throw invalidField("sampler_order", `must be "hf", "llama.cpp" or an array of processor names`);
}
