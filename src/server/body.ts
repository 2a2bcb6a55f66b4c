// Request bodies: read up to a byte limit (the rest is never buffered) within a time limit (a client
// trickling bytes cannot hold a connection open), decoded as strict UTF-8, parsed as one JSON object.
// Each failure is a 4xx that says what was wrong.
import { ApiError } from "./errors.js";

/** Default limit on a request body: room for a long prompt, not for a memory attack. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Default time for a whole body to arrive (--body-timeout-ms): 4 MiB at ~140 KB/s, not a trickle. */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;

/**
 * Reads `request`'s body as a JSON object; 413 past `maxBytes`, 400 for bad UTF-8 or JSON, and 408
 * `request_incomplete` (answered with `Connection: close`) when it has not fully arrived `timeoutMs`
 * after reading began, or when the client went away mid-body.
 */
export async function readJsonObject(
  request: Request,
  maxBytes: number,
  timeoutMs?: number,
): Promise<Record<string, unknown>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const bytes = await readLimited(request, maxBytes, timeoutMs);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, "the request body is not valid UTF-8", null, "invalid_encoding");
  }
  if (text.trim() === "")
    throw new ApiError(400, "the request body is empty; send a JSON object", null, "invalid_json");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ApiError(
      400,
      `the request body is not valid JSON (${(cause as Error).message})`,
      null,
      "invalid_json",
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ApiError(400, "the request body must be a JSON object", null, "invalid_json");
  }
  return value as Record<string, unknown>;
}

async function readLimited(request: Request, maxBytes: number, timeoutMs?: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  // One timer for the whole body; each read races it. A read left pending when the timer wins is
  // given a catch, so its later rejection (the socket closes) is never an unhandled one.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired =
    timeoutMs === undefined
      ? undefined
      : new Promise<"expired">((resolve) => {
          timer = setTimeout(() => resolve("expired"), timeoutMs);
        });
  try {
    for (;;) {
      const read = reader.read();
      read.catch(() => {});
      let result: Awaited<typeof read> | "expired";
      try {
        result = await (expired === undefined ? read : Promise.race([read, expired]));
      } catch {
        throw incomplete("the client closed the connection before the request body was complete");
      }
      if (result === "expired") {
        throw incomplete(`the request body did not fully arrive within ${timeoutMs} ms`);
      }
      if (result.done) break;
      length += result.value.byteLength;
      if (length > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(result.value);
    }
  } finally {
    clearTimeout(timer);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** 408: the body did not arrive whole; the connection is closed after this answer. */
function incomplete(message: string): ApiError {
  return new ApiError(408, message, null, "request_incomplete", { Connection: "close" });
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, `the request body is larger than ${maxBytes} bytes`, null, "request_too_large");
}
