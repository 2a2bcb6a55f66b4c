// Reading playground request bodies (/api/...): the prompt as text or token ids, generation options
// under the library's own camelCase names, and bounded integers. Every problem is a 400 naming the
// field, so the page can show it as it is.
import { resolveOptions } from "../generation/options.js";
import type { GenerationOptions } from "../generation/types.js";
import type { TokenId } from "../models/types.js";
import { checkPromptFits, type ServerContext } from "./context.js";
import { ApiError, invalidField, toApiError } from "./errors.js";
import { LIMITS } from "./limits.js";

export type Body = Record<string, unknown>;

/** Generation options a playground request may set (`signal` and `trace` are the server's). */
const OPTION_NAMES: ReadonlySet<string> = new Set<keyof GenerationOptions>([
  "maxNewTokens",
  "minNewTokens",
  "doSample",
  "temperature",
  "topK",
  "topP",
  "minP",
  "typicalP",
  "epsilonCutoff",
  "etaCutoff",
  "repetitionPenalty",
  "noRepeatNgramSize",
  "frequencyPenalty",
  "presencePenalty",
  "numBeams",
  "lengthPenalty",
  "earlyStopping",
  "numReturnSequences",
  "seed",
  "stop",
  "samplerOrder",
  "logitBias",
  "suppressTokens",
  "badWordsIds",
]);

/** Most new tokens one playground request generates (the context length bounds it too). */
export const MAX_PLAYGROUND_TOKENS = LIMITS.playgroundTokens;
/** Most beams (and returned sequences): the tree view stays readable. */
export const MAX_PLAYGROUND_BEAMS = LIMITS.beams;

/** 404 when the body names a model this server does not serve (the field is optional). */
export function checkModelField(ctx: ServerContext, model: unknown): void {
  if (model === undefined || model === ctx.modelId) return;
  throw new ApiError(
    404,
    `model ${JSON.stringify(model).slice(0, 100)} is not served here; this server serves "${ctx.modelId}"`,
    "model",
    "model_not_found",
  );
}

/**
 * The prompt's token ids: `tokens` (ids) or `prompt` (text, encoded with special tokens as generate()
 * does, so an empty text is just BOS). 400 when neither, when empty, or when longer than the context.
 */
export function promptTokens(ctx: ServerContext, body: Body): TokenId[] {
  let ids: TokenId[];
  if (body.tokens !== undefined) ids = tokenIds(ctx, body.tokens, "tokens");
  else if (typeof body.prompt === "string") {
    ids = ctx.model.tokenizer.encode(body.prompt, { addSpecialTokens: true });
    const bos = ctx.model.tokenizer.bosTokenId;
    if (ids.length === 0 && bos !== undefined) ids = [bos];
  } else if (body.prompt !== undefined) throw invalidField("prompt", "must be a string");
  else throw invalidField("prompt", "required: send the prompt as text (prompt) or token ids (tokens)");
  if (ids.length === 0) throw invalidField("prompt", "encodes to no tokens and the model has no BOS token");
  checkPromptFits(ctx, ids.length, body.tokens !== undefined ? "tokens" : "prompt");
  return ids;
}

/** A non-empty array of token ids of this model's vocabulary. */
export function tokenIds(ctx: ServerContext, value: unknown, field: string): TokenId[] {
  const V = ctx.model.vocabSize;
  if (!Array.isArray(value) || value.length === 0)
    throw invalidField(field, "must be a non-empty array of token ids");
  for (const id of value) {
    if (!Number.isSafeInteger(id) || (id as number) < 0 || (id as number) >= V) {
      throw invalidField(field, `token ids must be integers in [0, ${V}), got ${JSON.stringify(id)}`);
    }
  }
  return value as TokenId[];
}

/** An integer field in [min, max], or `fallback` when absent. */
export function integerField(body: Body, field: string, min: number, max: number, fallback: number): number {
  const value = body[field];
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw invalidField(field, `must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  }
  return value as number;
}

export function stringField(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") throw invalidField(field, "required: a non-empty string");
  return value;
}

export function booleanField(body: Body, field: string, fallback: boolean): boolean {
  const value = body[field];
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw invalidField(field, "must be true or false");
  return value;
}

/**
 * `options`: GenerationOptions fields by their library names, validated with the engine's rules
 * (over the model's defaults) and reported as `options.<name>` on error.
 */
export function generationOptions(ctx: ServerContext, body: Body): GenerationOptions {
  const raw = body.options ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw invalidField("options", "must be an object");
  for (const key of Object.keys(raw)) {
    if (!OPTION_NAMES.has(key)) {
      throw invalidField(
        `options.${key}`,
        `not an option the playground accepts (${[...OPTION_NAMES].join(", ")})`,
      );
    }
  }
  const options = raw as GenerationOptions;
  try {
    const resolved = resolveOptions(options, ctx.model.generationConfig);
    if (resolved.maxNewTokens > MAX_PLAYGROUND_TOKENS) {
      throw invalidField("options.maxNewTokens", `must be at most ${MAX_PLAYGROUND_TOKENS}`);
    }
    if (resolved.numBeams > MAX_PLAYGROUND_BEAMS || resolved.numReturnSequences > MAX_PLAYGROUND_BEAMS) {
      throw invalidField(
        "options.numBeams",
        `numBeams and numReturnSequences must be at most ${MAX_PLAYGROUND_BEAMS}`,
      );
    }
  } catch (error) {
    throw toApiError(error, (option) => `options.${option}`);
  }
  return options;
}

/** Logits as base64 of little-endian float32 (every platform Node runs on is little-endian). */
export function encodeLogits(logits: Float32Array): string {
  return Buffer.from(logits.buffer, logits.byteOffset, logits.byteLength).toString("base64");
}
