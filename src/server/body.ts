// Request bodies: read up to a byte limit (the rest is never buffered), decoded as strict UTF-8, parsed
// as one JSON object. Each failure is a 4xx that says what was wrong.
import { ApiError } from "./errors.js";

/** Default limit on a request body: room for a long prompt, not for a memory attack. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Reads `request`'s body as a JSON object; 413 past `maxBytes`, 400 for bad UTF-8 or JSON. */
export async function readJsonObject(request: Request, maxBytes: number): Promise<Record<string, unknown>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const bytes = await readLimited(request, maxBytes);
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

async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, `the request body is larger than ${maxBytes} bytes`, null, "request_too_large");
}
