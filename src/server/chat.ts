// POST /v1/chat/completions: messages rendered through the model's chat template, then generation as
// for completions; logprobs in the chat shape (`logprobs: true`, `top_logprobs` 0–20, with bytes).
import type { TokenId } from "../models/types.js";
import { parseMessages } from "./chat-template.js";
import { checkPromptFits, nowSeconds, responseId, type ServerContext } from "./context.js";
import { invalidField } from "./errors.js";
import { checkFields } from "./fields.js";
import { chatLogprob, type ChatTokenLogprob, type ScoredToken } from "./logprobs.js";
import { runStreaming, runToEnd, type RunRequest } from "./run.js";
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
import { sseResponse } from "./sse.js";

/** Answers a chat completions request (validated first; 503 when the queue is full). */
export async function chatCompletions(
  ctx: ServerContext,
  body: Body,
  signal: AbortSignal,
): Promise<Response> {
  checkModel(body, ctx.modelId);
  checkFields(body, "chat");
  rejectUnsupported(body, ["tools", "functions", "tool_choice", "function_call", "response_format", "audio"]);
  const messages = parseMessages(body.messages);
  const wantLogprobs = boolean(body, "logprobs") ?? false;
  const topN = integer(body, "top_logprobs", 0, MAX_TOP_LOGPROBS);
  if (topN !== undefined && !wantLogprobs) throw invalidField("top_logprobs", "requires logprobs: true");
  const maxField = body.max_completion_tokens !== undefined ? "max_completion_tokens" : "max_tokens";
  const sampling = samplingRequest(body, ctx.model, maxField);
  checkBeamLogprobs(sampling, topN, "top_logprobs");

  const release = await ctx.queue.acquire(signal);
  let prompt: TokenId[];
  try {
    prompt = ctx.chat.encode(messages); // the template and the tokenizer run in the queue slot
    checkPromptFits(ctx, prompt.length, "messages");
  } catch (error) {
    release();
    throw error;
  }
  const stopper = new AbortController();
  const request: RunRequest = {
    model: ctx.model,
    prompt,
    options: sampling.options,
    logprobs: wantLogprobs ? { topN: topN ?? 0, mode: sampling.logprobsMode } : undefined,
    signal: AbortSignal.any([signal, stopper.signal]),
  };
  const envelope = {
    id: responseId("chatcmpl-"),
    created: nowSeconds(),
    model: ctx.modelId,
    system_fingerprint: ctx.fingerprint,
  };
  const logprobsOf = (scored: ScoredToken[]): { content: ChatTokenLogprob[]; refusal: null } | null =>
    wantLogprobs ? { content: scored.map((s) => chatLogprob(ctx.model.tokenizer, s)), refusal: null } : null;

  if (!sampling.stream) {
    try {
      const choices = await runToEnd(request);
      const completionTokens = choices.reduce((sum, c) => sum + c.tokens.length, 0);
      return Response.json(
        {
          ...envelope,
          object: "chat.completion",
          choices: choices.map((c) => ({
            index: c.index,
            message: { role: "assistant", content: c.text, refusal: null },
            logprobs: logprobsOf(c.scored),
            finish_reason: c.finishReason,
          })),
          usage: usage(prompt.length, completionTokens),
        },
        { headers: sampling.headers },
      );
    } finally {
      release();
    }
  }

  const n = sampling.options.numReturnSequences ?? 1;
  async function* chunks() {
    const chunk = (index: number, delta: object, scored: ScoredToken[] | null, finish: string | null) => ({
      ...envelope,
      object: "chat.completion.chunk",
      choices: [
        { index, delta, logprobs: scored === null ? null : logprobsOf(scored), finish_reason: finish },
      ],
      ...(sampling.includeUsage ? { usage: null } : {}),
    });
    for (let i = 0; i < n; i++) yield chunk(i, { role: "assistant", content: "", refusal: null }, null, null);
    const open = new Set(Array.from({ length: n }, (_, i) => i));
    let completionTokens = 0;
    for await (const delta of runStreaming(request)) {
      completionTokens += delta.tokenCount;
      if (delta.text !== "" || delta.scored.length > 0) {
        yield chunk(delta.index, { content: delta.text }, delta.scored, null);
      }
      if (delta.finishReason !== undefined) {
        open.delete(delta.index);
        yield chunk(delta.index, {}, null, delta.finishReason);
      }
    }
    for (const index of open) yield chunk(index, {}, null, "length");
    if (sampling.includeUsage) {
      yield {
        ...envelope,
        object: "chat.completion.chunk",
        choices: [],
        usage: usage(prompt.length, completionTokens),
      };
    }
  }
  return sseResponse(chunks(), () => stopper.abort(), release, sampling.headers);
}

function usage(promptTokens: number, completionTokens: number) {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}
