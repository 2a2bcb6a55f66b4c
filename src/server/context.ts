// What every route handler shares: the one loaded model, its name, the admission queue.
import type { Model } from "../load-model.js";
import type { ChatTemplate } from "./chat-template.js";
import { ApiError } from "./errors.js";
import type { RequestQueue } from "./queue.js";

export interface ServerContext {
  model: Model;
  /** The name clients pass as `model` (and GET /v1/models lists). */
  modelId: string;
  /** Changes when the engine or the model does (OpenAI's `system_fingerprint`). */
  fingerprint: string;
  queue: RequestQueue;
  chat: ChatTemplate;
  maxBodyBytes: number;
}

/** A random response id with OpenAI's prefix ("cmpl-", "chatcmpl-"). */
export function responseId(prefix: string): string {
  return `${prefix}${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

/** Unix seconds, as OpenAI's `created`. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** 400 when a prompt of `length` tokens does not fit the model's context. */
export function checkPromptFits(ctx: ServerContext, length: number, param: string): void {
  const contextLength = ctx.model.contextLength ?? Infinity;
  if (length > contextLength) {
    throw new ApiError(
      400,
      `the prompt has ${length} tokens, but the model's context length is ${contextLength}`,
      param,
      "context_length_exceeded",
    );
  }
}
