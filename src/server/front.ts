// The HTTP thread's app: API key, CORS, /health, bounded bodies parsed and checked against the caps
// (limits.ts), then every route is forwarded to the engine's worker (engine-client.ts), which owns
// the model. Nothing here tokenizes or computes, so /health and signals never wait for the model.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { requireApiKey } from "./auth.js";
import { readJsonObject } from "./body.js";
import { type EngineClient, errorResponse } from "./engine-client.js";
import { toApiError } from "./errors.js";
import { checkRequestLimits } from "./limits.js";
import { originGuard } from "./origin-guard.js";

export interface FrontOptions {
  modelId: string;
  apiKey?: string;
  corsOrigin?: string;
  /** The address bound (--host) and more accepted Host names (see origin-guard.ts). */
  host?: string;
  allowedHosts?: string[];
  maxBodyBytes: number;
  /** Milliseconds a JSON body may take to arrive whole before 408 request_incomplete. */
  bodyTimeoutMs: number;
  log: (line: string) => void;
}

/** What the HTTP thread knows: the model's name and the engine (its queue's load is `engine.load`). */
export interface FrontContext {
  modelId: string;
  engine: EngineClient;
  /** The engine queue's last reported load (as /health shows it). */
  queue: { readonly load: { active: number; waiting: number } };
}

/** POST routes whose JSON body is read here, checked, and forwarded. */
const JSON_ROUTE =
  /^\/(v1\/(chat\/)?completions|api\/(tokenize|logits|sessions|generate|compare)|api\/sessions\/[^/]+\/(append|fork))$/;

export function createFront(
  engine: EngineClient,
  options: FrontOptions,
): { app: Hono; context: FrontContext } {
  const context: FrontContext = {
    modelId: options.modelId,
    engine,
    queue: {
      get load() {
        return engine.load;
      },
    },
  };
  const app = new Hono();
  // Cross-site and DNS-rebinding refusals run here, where the browser's headers arrive.
  app.use("*", originGuard({ boundHost: options.host, ...options }));
  if (options.corsOrigin !== undefined) {
    app.use(
      "*",
      cors({
        origin: options.corsOrigin,
        allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
        allowHeaders: ["Authorization", "Content-Type"],
        maxAge: 600,
      }),
    );
  }
  requireApiKey(app, "/v1/*", options.apiKey);
  requireApiKey(app, "/api/*", options.apiKey);
  app.get("/health", (c) => c.json({ status: "ok", model: context.modelId, ...engine.load }));
  app.all("*", async (c) => {
    const request = c.req.raw;
    let body: string | null = null;
    if (request.method === "POST" && JSON_ROUTE.test(c.req.path)) {
      const parsed = await readJsonObject(request, options.maxBodyBytes, options.bodyTimeoutMs);
      checkRequestLimits(c.req.path, parsed, engine.meta);
      body = JSON.stringify(parsed);
    }
    return engine.forward(request, body, request.signal);
  });
  app.onError((err) => {
    const error = toApiError(err);
    if (error.status >= 500)
      options.log(`nextoken serve: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return errorResponse(error);
  });
  return { app, context };
}
