// POST /v1/completions: a prompt (text or token ids, one or several) → `n` continuations each, with
// legacy logprobs (`logprobs`: how many alternatives, 0–20) and `echo` (the prompt, its tokens scored
// too; with `max_tokens: 0` nothing is generated, which scores a text).
import type { TokenId } from "../models/types.js";
import { checkPromptFits, nowSeconds, responseId, type ServerContext } from "./context.js";
import { invalidField } from "./errors.js";
import { checkFields } from "./fields.js";
import { joinLegacy, legacyLogprobs, type LegacyLogprobs, scoreTokens } from "./logprobs.js";
import { type Choice, runStreaming, runToEnd, type RunRequest } from "./run.js";
import {
  type Body,
  boolean,
  checkBeamLogprobs,
  checkModel,
  integer,
  MAX_TOP_LOGPROBS,
  rejectUnsupported,
  samplingRequest,
} from "./schema.js";
import { LIMITS } from "./limits.js";
import { sseResponse } from "./sse.js";

/** New tokens when a request gives no max_tokens (OpenAI's default for this endpoint). */
export const DEFAULT_MAX_TOKENS = 16;

/** Most prompts in one request (limits.ts). */
export const MAX_PROMPTS = LIMITS.prompts;

interface Prompt {
  tokens: TokenId[];
  text: string;
}

/** Answers a completions request (validated first; 503 when the queue is full). */
export async function completions(ctx: ServerContext, body: Body, signal: AbortSignal): Promise<Response> {
  checkModel(body, ctx.modelId);
  checkFields(body, "completions");
  rejectUnsupported(body, ["suffix", "best_of"]);
  const echo = boolean(body, "echo") ?? false;
  const topN = integer(body, "logprobs", 0, MAX_TOP_LOGPROBS);
  const scoreOnly = body.max_tokens === 0;
  if (scoreOnly && !echo)
    throw invalidField("max_tokens", "may be 0 only with echo: true (to score the prompt)");
  const sampling = samplingRequest(
    { ...body, ...(scoreOnly ? { max_tokens: 1 } : {}) },
    ctx.model,
    "max_tokens",
    DEFAULT_MAX_TOKENS,
  );
  checkBeamLogprobs(sampling, topN, "logprobs");
  // llama.cpp's and HF's default: "<s>" or "<|endoftext|>" written in a raw prompt is that token
  const parseSpecialTokens = boolean(body, "parse_special_tokens") ?? true;
  const encoders = parsePrompts(ctx, body.prompt, parseSpecialTokens); // checked now, tokenized once queued
  const n = sampling.options.numReturnSequences ?? 1;

  const release = await ctx.queue.acquire(signal);
  let prompts: Prompt[];
  try {
    prompts = encoders.map((encode) => encode());
  } catch (error) {
    release();
    throw error;
  }
  const stopper = new AbortController();
  const runSignal = AbortSignal.any([signal, stopper.signal]);
  const logprobs = topN === undefined ? undefined : { topN, mode: sampling.logprobsMode };
  const requestOf = (prompt: Prompt): RunRequest => ({
    model: ctx.model,
    prompt: prompt.tokens,
    options: sampling.options,
    logprobs,
    signal: runSignal,
  });
  const id = responseId("cmpl-");
  const created = nowSeconds();
  const envelope = {
    id,
    object: "text_completion",
    created,
    model: ctx.modelId,
    system_fingerprint: ctx.fingerprint,
  };
  const echoed = (prompt: Prompt): LegacyLogprobs | null =>
    topN === undefined
      ? null
      : legacyLogprobs(ctx.model.tokenizer, scoreTokens(ctx.model, prompt.tokens, topN));

  if (!sampling.stream) {
    try {
      const choices = [];
      let completionTokens = 0;
      for (const [p, prompt] of prompts.entries()) {
        const generated: Choice[] = scoreOnly
          ? Array.from({ length: n }, (_, index) => ({
              index,
              tokens: [],
              text: "",
              finishReason: "length",
              scored: [],
            }))
          : await runToEnd(requestOf(prompt));
        const head = echo ? echoed(prompt) : null;
        for (const choice of generated) {
          completionTokens += choice.tokens.length;
          const offset = echo ? prompt.text.length : 0;
          const tail = topN === undefined ? null : legacyLogprobs(ctx.model.tokenizer, choice.scored, offset);
          choices.push({
            index: p * n + choice.index,
            text: (echo ? prompt.text : "") + choice.text,
            logprobs: head && tail ? joinLegacy(head, tail) : tail,
            finish_reason: choice.finishReason,
          });
        }
      }
      const promptTokens = prompts.reduce((sum, p) => sum + p.tokens.length, 0);
      return Response.json(
        {
          ...envelope,
          choices,
          usage: {
            prompt_tokens: promptTokens,
            completion_tokens: completionTokens,
            total_tokens: promptTokens + completionTokens,
          },
        },
        { headers: sampling.headers },
      );
    } finally {
      release();
    }
  }

  async function* chunks() {
    let promptTokens = 0;
    let completionTokens = 0;
    const chunk = (index: number, text: string, lp: LegacyLogprobs | null, finish: string | null) => ({
      ...envelope,
      choices: [{ index, text, logprobs: lp, finish_reason: finish }],
      ...(sampling.includeUsage ? { usage: null } : {}),
    });
    for (const [p, prompt] of prompts.entries()) {
      promptTokens += prompt.tokens.length;
      const offsets = new Array<number>(n).fill(echo ? prompt.text.length : 0);
      if (echo) for (let i = 0; i < n; i++) yield chunk(p * n + i, prompt.text, echoed(prompt), null);
      const open = new Set(Array.from({ length: n }, (_, i) => i));
      if (!scoreOnly) {
        for await (const delta of runStreaming(requestOf(prompt))) {
          completionTokens += delta.tokenCount;
          const lp =
            topN === undefined
              ? null
              : legacyLogprobs(ctx.model.tokenizer, delta.scored, offsets[delta.index]);
          offsets[delta.index] += delta.text.length;
          if (delta.finishReason !== undefined) open.delete(delta.index);
          yield chunk(p * n + delta.index, delta.text, lp, delta.finishReason ?? null);
        }
      }
      for (const index of open) yield chunk(p * n + index, "", null, "length");
    }
    if (sampling.includeUsage) {
      yield {
        ...envelope,
        choices: [],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      };
    }
  }
  return sseResponse(chunks(), () => stopper.abort(), release, sampling.headers);
}

/**
 * `prompt`: a string, an array of strings, an array of token ids, or an array of those. Its shape and
 * ids are checked at once; each returned function does the tokenizer's work (encoding, decoding ids)
 * and the context check, in the request's queue slot.
 */
function parsePrompts(ctx: ServerContext, value: unknown, parseSpecialTokens: boolean): Array<() => Prompt> {
  const { tokenizer, vocabSize } = ctx.model;
  const fromText = (text: string) => (): Prompt => {
    const tokens = tokenizer.encode(text, { addSpecialTokens: true, parseSpecialTokens });
    if (tokens.length === 0 && tokenizer.bosTokenId !== undefined) tokens.push(tokenizer.bosTokenId);
    if (tokens.length === 0) throw invalidField("prompt", "must not be empty (the model has no BOS token)");
    return checkLength({ tokens, text });
  };
  const fromIds = (ids: unknown[], param: string): (() => Prompt) => {
    for (const id of ids) {
      if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= vocabSize) {
        throw invalidField(param, `token ids must be integers in [0, ${vocabSize})`);
      }
    }
    if (ids.length === 0) throw invalidField(param, "must hold at least one token id");
    const tokens = ids as TokenId[];
    return () => checkLength({ tokens, text: tokenizer.decode(tokens) });
  };
  const checkLength = (prompt: Prompt): Prompt => {
    checkPromptFits(ctx, prompt.tokens.length, "prompt");
    return prompt;
  };
  const expected =
    "must be a string, an array of strings, an array of token ids, or an array of token id arrays";
  if (typeof value === "string") return [fromText(value)];
  if (!Array.isArray(value) || value.length === 0) throw invalidField("prompt", expected);
  if (value.every((v) => typeof v === "number")) return [fromIds(value, "prompt")];
  if (value.length > MAX_PROMPTS) throw invalidField("prompt", `at most ${MAX_PROMPTS} prompts per request`);
  return value.map((item: unknown, i) => {
    if (typeof item === "string") return fromText(item);
    if (Array.isArray(item)) return fromIds(item, `prompt[${i}]`);
    throw invalidField("prompt", expected);
  });
}
