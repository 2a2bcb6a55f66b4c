// OpenAI-style errors: every failure a client can cause becomes { error: { message, type, param, code } }
// with the matching 4xx status; anything else is a 500 whose details stay in the server's log.
import { ContextOverflowError, InvalidOptionError, LlmError, NoFiniteMassError } from "../errors.js";

/** The JSON body OpenAI's API (and its SDKs) use for errors. */
export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An error with the HTTP status and OpenAI error fields it is answered with. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  get type(): string {
    if (this.status === 401) return "authentication_error";
    if (this.status === 404) return "not_found_error";
    if (this.status === 503) return "server_overloaded";
    return this.status >= 500 ? "server_error" : "invalid_request_error";
  }

  body(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A 400 naming the request field at fault. */
export function invalidField(param: string, message: string): ApiError {
  return new ApiError(400, `${param}: ${message}`, param, "invalid_value");
}

/**
 * Turns anything thrown while answering into an ApiError. Library errors caused by the request's
 * values become 400s, naming the request field (`paramOf` maps GenerationOptions names back to it).
 */
export function toApiError(error: unknown, paramOf: (option: string) => string = (o) => o): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof InvalidOptionError) {
    const param = paramOf(error.option.replace(/\[.*$/, ""));
    const message = error.message.startsWith(error.option)
      ? param + error.message.slice(error.option.length)
      : error.message;
    return new ApiError(400, message, param, "invalid_value");
  }
  if (error instanceof ContextOverflowError) {
    return new ApiError(400, error.message, paramOf("prompt"), "context_length_exceeded");
  }
  if (error instanceof NoFiniteMassError) {
    // the request's processors removed every token (400); or the model itself gave NaN/Inf logits (500)
    return new ApiError(error.source === "processors" ? 400 : 500, error.message, null, error.code);
  }
  if (error instanceof LlmError) return new ApiError(400, error.message, null, error.code);
  return new ApiError(500, "internal error while generating (see the server log)", null, "internal_error");
}
