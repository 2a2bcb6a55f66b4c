// The request fields each /v1 endpoint knows, in one place: those it reads, and the OpenAI fields it
// accepts and ignores because ignoring them cannot change an answer (nothing is stored, there is one
// service tier, no tools run). Any other field is a 400 `unknown_field` naming it and the nearest
// known one, so a misspelt `top_p` or an unsupported `reasoning_effort` is never silently dropped.
// docs/server-fields.md documents these lists; settings-header.test.ts and fields.test.ts hold the
// handlers to them.
import { nearestName } from "../nearest-name.js";
import { ApiError, invalidField } from "./errors.js";
import { type Body, describe, isObject } from "./schema.js";

export type Endpoint = "completions" | "chat";

/** What both endpoints read for decoding (schema.ts samplingRequest). */
const SAMPLING_FIELDS = [
  "temperature",
  "top_p",
  "top_k",
  "min_p",
  "typical_p",
  "repetition_penalty",
  "frequency_penalty",
  "presence_penalty",
  "n",
  "num_beams",
  "length_penalty",
  "seed",
  "stop",
  "logit_bias",
  "sampler_order",
  "logprobs_mode",
  "stream",
  "stream_options",
] as const;

/**
 * The fields each endpoint reads. Some are read only to refuse a value this server cannot honour
 * (`suffix`, `best_of` > 1, `tools`, ...: 400 `unsupported_parameter`).
 */
export const ACCEPTED_FIELDS: Readonly<Record<Endpoint, readonly string[]>> = {
  completions: [
    "model",
    "prompt",
    "max_tokens",
    "echo",
    "logprobs",
    "parse_special_tokens",
    "suffix",
    "best_of",
    ...SAMPLING_FIELDS,
  ],
  chat: [
    "model",
    "messages",
    "max_tokens",
    "max_completion_tokens",
    "logprobs",
    "top_logprobs",
    "tools",
    "functions",
    "tool_choice",
    "function_call",
    "response_format",
    "audio",
    ...SAMPLING_FIELDS,
  ],
};

type Kind = "string" | "boolean" | "object";

/** OpenAI fields accepted, type-checked and ignored, with the type OpenAI gives them. */
export const IGNORED_FIELDS: Readonly<Record<Endpoint, Readonly<Record<string, Kind>>>> = {
  completions: { user: "string" },
  chat: {
    user: "string",
    store: "boolean",
    metadata: "object",
    service_tier: "string",
    parallel_tool_calls: "boolean",
    safety_identifier: "string",
    prompt_cache_key: "string",
  },
};

// Read by the completions handler (special tokens in raw prompts); its type is checked here as well.
const TYPED_ELSEWHERE: Readonly<Record<string, Kind>> = { parse_special_tokens: "boolean" };

/** 400 `unknown_field` for the first field `endpoint` does not know; type-checks the ignored ones. */
export function checkFields(body: Body, endpoint: Endpoint): void {
  const accepted = ACCEPTED_FIELDS[endpoint];
  const ignored = IGNORED_FIELDS[endpoint];
  for (const field of Object.keys(body)) {
    const kind = ignored[field] ?? (accepted.includes(field) ? TYPED_ELSEWHERE[field] : undefined);
    if (kind !== undefined) checkKind(body[field], field, kind);
    else if (!accepted.includes(field)) throw unknownField(field, [...accepted, ...Object.keys(ignored)]);
  }
}

function unknownField(field: string, known: string[]): ApiError {
  const nearest = nearestName(field, known);
  return new ApiError(
    400,
    `${field}: unknown field` +
      (nearest === undefined ? "" : `; did you mean "${nearest}"?`) +
      " (this server's fields are listed in docs/server-fields.md)",
    field,
    "unknown_field",
  );
}

function checkKind(value: unknown, field: string, kind: Kind): void {
  if (value === undefined || value === null) return;
  const ok = kind === "object" ? isObject(value) : typeof value === kind;
  if (!ok) {
    const expected = kind === "object" ? "an object" : kind === "boolean" ? "true or false" : "a string";
    throw invalidField(field, `must be ${expected}, got ${describe(value)}`);
  }
}
