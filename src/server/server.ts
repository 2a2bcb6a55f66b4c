// Listening: the HTTP thread's front (front.ts) on a Node HTTP server, bound to 127.0.0.1 unless told
// otherwise, with the model loaded and run in the engine's worker thread (engine-worker.ts).
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import { isKernelChoice, type Model } from "../load-model.js";
import type { AppOptions } from "./app.js";
import { InvalidOptionError } from "../errors.js";
import { DEFAULT_BODY_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES } from "./body.js";
import { DEFAULT_REQUEST_TIMEOUT_S, DEFAULT_TIMEOUT_GRACE_MS, EngineClient } from "./engine-client.js";
import type { EngineSpec } from "./engine-protocol.js";
import { createFront, type FrontContext } from "./front.js";
import { listenError } from "./listen-error.js";
import { DEFAULT_QUEUE_LIMITS } from "./queue.js";

export const DEFAULT_HOST = "127.0.0.1";
/** Addresses only this machine reaches: binding elsewhere without an API key earns a warning. */
export const LOCAL_HOSTS: readonly string[] = ["127.0.0.1", "::1", "localhost"];
export const DEFAULT_PORT = 8080;
/** The whole request head (request line and headers) must arrive within this (--headers-timeout-ms). */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** Connections held at once (--max-connections); past it a new one is closed as it arrives. */
export const DEFAULT_MAX_CONNECTIONS = 256;

export interface ServeOptions extends AppOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Seconds one request may take before it is cut with 504 request_timeout (default 300). */
  requestTimeoutSeconds?: number;
  /** Milliseconds cancelled work may take to end before the engine's worker is restarted (default 2000). */
  timeoutGraceMs?: number;
  /** Milliseconds for the request line and headers to arrive, else 408 and close (default 10000). */
  headersTimeoutMs?: number;
  /** Milliseconds for a JSON body to arrive whole, else 408 request_incomplete and close (default 30000). */
  bodyTimeoutMs?: number;
  /** Connections open at once; more are closed at once (default 256). */
  maxConnections?: number;
}

/** The slow-client limits of `options`, each a positive integer (a typed error naming the option). */
function connectionLimitsOf(options: ServeOptions): {
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  maxConnections: number;
} {
  const positive = (name: keyof ServeOptions, fallback: number): number => {
    const value = options[name] ?? fallback;
    // setTimeout's limit: past 2^31 - 1 ms it fires at once
    if (!(typeof value === "number" && Number.isSafeInteger(value) && value >= 1 && value <= 2 ** 31 - 1))
      throw new InvalidOptionError(name, value, "an integer from 1 to 2147483647");
    return value;
  };
  return {
    headersTimeoutMs: positive("headersTimeoutMs", DEFAULT_HEADERS_TIMEOUT_MS),
    bodyTimeoutMs: positive("bodyTimeoutMs", DEFAULT_BODY_TIMEOUT_MS),
    maxConnections: positive("maxConnections", DEFAULT_MAX_CONNECTIONS),
  };
}

/**
 * Node's http server options for these limits. Node checks `headersTimeout` and `requestTimeout`
 * only every `connectionsCheckingInterval` (30 s by default, which would let a 300 ms timeout run
 * 30 s), so the check runs at a quarter of the headers timeout, at most once a second. The body's own
 * timer (body.ts) answers 408 in JSON; `requestTimeout` is the backstop for bodies no route reads,
 * set past headers + body time so it never pre-empts that answer.
 */
export function httpServerOptionsOf(limits: { headersTimeoutMs: number; bodyTimeoutMs: number }): {
  headersTimeout: number;
  requestTimeout: number;
  connectionsCheckingInterval: number;
} {
  const { headersTimeoutMs, bodyTimeoutMs } = limits;
  return {
    headersTimeout: headersTimeoutMs,
    requestTimeout: headersTimeoutMs + bodyTimeoutMs + Math.max(1000, headersTimeoutMs),
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
  };
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080 (the OpenAI base URL is this + "/v1"). */
  url: string;
  context: FrontContext;
  close(): Promise<void>;
}

/**
 * What the engine's worker loads for `model`: a loaded Model is loaded again there, from its source
 * with its KV cache type, kernels, threads and chat template (a llama2.c model needs
 * `{ source, options: { tokenizer } }`).
 */
export function engineSpecOf(model: Model | EngineSpec): EngineSpec {
  if (!("newSession" in model)) return model;
  const kernels = model.kernels.name;
  const chatTemplate = model.tokenizer.chatTemplate;
  return {
    source: model.info.source,
    options: {
      kvCacheType: model.kvCacheType,
      threads: model.kernels.threads,
      ...(isKernelChoice(kernels) ? { kernels } : {}),
      // the file's own template, or the one given to loadModel: the worker renders chats with it
      ...(chatTemplate !== undefined && chatTemplate.trim() !== "" ? { chatTemplate } : {}),
    },
  };
}

/** Serves the model over the OpenAI API (and the playground) until close(). */
export async function startServer(model: Model | EngineSpec, options: ServeOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const limits = connectionLimitsOf(options); // before the engine starts: a bad value costs no load
  const engine = await EngineClient.start({
    setup: {
      spec: engineSpecOf(model),
      modelId: options.modelId,
      maxBodyBytes,
      queue: { ...DEFAULT_QUEUE_LIMITS, ...options.queue },
      sessions: options.sessions,
      webRoot: options.webRoot,
    },
    requestTimeoutMs: 1000 * (options.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_S),
    graceMs: options.timeoutGraceMs ?? DEFAULT_TIMEOUT_GRACE_MS,
    log,
  });
  const { app, context } = createFront(engine, {
    modelId: options.modelId,
    apiKey: options.apiKey,
    corsOrigin: options.corsOrigin,
    host: options.host,
    allowedHosts: options.allowedHosts,
    maxBodyBytes,
    bodyTimeoutMs: limits.bodyTimeoutMs,
    log,
  });
  const server = createAdaptorServer({
    fetch: app.fetch,
    serverOptions: httpServerOptionsOf(limits),
  }) as Server;
  server.maxConnections = limits.maxConnections; // Node closes each connection past it as it arrives
  const host = options.host ?? DEFAULT_HOST;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? DEFAULT_PORT, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await engine.close();
    throw listenError(error, options.port ?? DEFAULT_PORT, host);
  }
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    context,
    close: async () => {
      const closed = new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      });
      const stopped = engine.close(); // answers what is running with 503 first
      server.closeAllConnections();
      await Promise.all([closed, stopped]);
    },
  };
}
