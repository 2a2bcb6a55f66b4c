// The routes, API key, CORS, bounded bodies, OpenAI-style errors. Handlers live in completions.ts and
// chat.ts; this file only wires requests to them. The server runs this app in the engine's worker
// (engine-worker.ts), behind the HTTP thread's front (front.ts); tests may also call it directly.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { Model } from "../load-model.js";
import { requireApiKey } from "./auth.js";
import { DEFAULT_MAX_BODY_BYTES, readJsonObject } from "./body.js";
import { chatCompletions } from "./chat.js";
import { ChatTemplate } from "./chat-template.js";
import { completions } from "./completions.js";
import { nowSeconds, type ServerContext } from "./context.js";
import { ApiError, toApiError } from "./errors.js";
import { DEFAULT_QUEUE_LIMITS, type QueueLimits, RequestQueue } from "./queue.js";
import { paramOf, SETTINGS_HEADER } from "./schema.js";
import { registerPlayground } from "./playground-api.js";
import type { SessionLimits } from "./playground-sessions.js";

export interface AppOptions {
  /** The name clients pass as `model`. */
  modelId: string;
  /** When set, every /v1 request needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** The one origin browsers may call from (CORS); none when unset. */
  corsOrigin?: string;
  /** The address bound (--host): decides which Host headers are accepted (see origin-guard.ts). */
  host?: string;
  /** More Host names accepted (--allowed-hosts); "*" accepts any. */
  allowedHosts?: string[];
  maxBodyBytes?: number;
  queue?: Partial<QueueLimits>;
  /** Where unexpected errors are reported (default: stderr). */
  log?: (line: string) => void;
  /** The playground's held sessions. */
  sessions?: SessionLimits;
  /** Where the playground page's files live (default: web/dist of the package). */
  webRoot?: string;
}

/** The app and the state it shares with handlers (the queue's load is visible there). */
export function createApp(model: Model, options: AppOptions): { app: Hono; context: ServerContext } {
  const context: ServerContext = {
    model,
    modelId: options.modelId,
    fingerprint: fingerprintOf(model),
    queue: new RequestQueue({ ...DEFAULT_QUEUE_LIMITS, ...options.queue }),
    chat: new ChatTemplate(model.tokenizer, options.modelId),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  };
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const app = new Hono();

  if (options.corsOrigin !== undefined) {
    app.use(
      "*",
      cors({
        origin: options.corsOrigin,
        allowMethods: ["GET", "POST", "OPTIONS"],
        allowHeaders: ["Authorization", "Content-Type"],
        exposeHeaders: [SETTINGS_HEADER],
        maxAge: 600,
      }),
    );
  }
  requireApiKey(app, "/v1/*", options.apiKey);

  app.get("/health", (c) => c.json({ status: "ok", model: context.modelId, ...context.queue.load }));
  const modelEntry = { id: context.modelId, object: "model", created: nowSeconds(), owned_by: "nextoken" };
  app.get("/v1/models", (c) => c.json({ object: "list", data: [modelEntry] }));
  app.get("/v1/models/:id{.+}", (c) => {
    if (c.req.param("id") !== context.modelId) {
      throw new ApiError(404, `The model "${c.req.param("id")}" does not exist`, "model", "model_not_found");
    }
    return c.json(modelEntry);
  });
  app.post("/v1/completions", async (c) =>
    completions(context, await readJsonObject(c.req.raw, context.maxBodyBytes), c.req.raw.signal),
  );
  app.post("/v1/chat/completions", async (c) =>
    chatCompletions(context, await readJsonObject(c.req.raw, context.maxBodyBytes), c.req.raw.signal),
  );
  registerPlayground(app, context, {
    apiKey: options.apiKey,
    sessions: options.sessions,
    webRoot: options.webRoot,
  }); // the page at / and its /api
  const routes = ["/health", "/v1/models", "/v1/completions", "/v1/chat/completions"];
  app.notFound((c) => {
    const known = routes.includes(c.req.path) || c.req.path.startsWith("/v1/models/");
    const error = known
      ? new ApiError(405, `${c.req.method} is not allowed on ${c.req.path}`, null, "method_not_allowed")
      : new ApiError(404, `no route ${c.req.method} ${c.req.path}`, null, "not_found");
    return errorResponse(error);
  });
  app.onError((err) => {
    const error = toApiError(err, paramOf);
    if (error.status >= 500)
      log(`nextoken serve: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return errorResponse(error);
  });
  return { app, context };
}

function errorResponse(error: ApiError): Response {
  return Response.json(error.body(), { status: error.status, headers: error.headers });
}

function fingerprintOf(model: Model): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  const hash = createHash("sha256")
    .update(`${pkg.version}\n${model.info.source}\n${model.info.fileBytes}\n${model.info.parameters}`)
    .digest("hex");
  return `fp_${hash.slice(0, 10)}`;
}
