import { createHash, timingSafeEqual } from "node:crypto";
import type { Hono } from "hono";
import { ApiError } from "./errors.js";

/** Puts the routes under `path` behind bearer(apiKey) when a key is set (undefined or "": open). */
export function requireApiKey(app: Hono, path: string, apiKey: string | undefined): void {
  if (apiKey !== undefined && apiKey !== "") app.use(path, bearer(apiKey));
}

/**
 * Middleware requiring `Authorization: Bearer <apiKey>` (401 with WWW-Authenticate otherwise). The
 * keys are compared as SHA-256 digests in constant time, so neither their length nor a prefix leaks.
 */
export function bearer(apiKey: string) {
  const expected = digest(apiKey);
  return async (c: { req: { header(name: string): string | undefined } }, next: () => Promise<void>) => {
    const match = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "");
    if (match === null || !timingSafeEqual(digest(match[1].trim()), expected)) {
      throw new ApiError(
        401,
        match === null ? "missing API key: send Authorization: Bearer <key>" : "invalid API key",
        null,
        "invalid_api_key",
        { "WWW-Authenticate": "Bearer" },
      );
    }
    await next();
  };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
