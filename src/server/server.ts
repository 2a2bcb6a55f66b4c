// Listening: the HTTP thread's front (front.ts) on a Node HTTP server, bound to 127.0.0.1 unless told
// otherwise, with the model loaded and run in the engine's worker thread (engine-worker.ts).
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import { isKernelChoice, type Model } from "../load-model.js";
import type { AppOptions } from "./app.js";
import { DEFAULT_MAX_BODY_BYTES } from "./body.js";
import { DEFAULT_REQUEST_TIMEOUT_S, DEFAULT_TIMEOUT_GRACE_MS, EngineClient } from "./engine-client.js";
import type { EngineSpec } from "./engine-protocol.js";
import { createFront, type FrontContext } from "./front.js";
import { DEFAULT_QUEUE_LIMITS } from "./queue.js";

export const DEFAULT_HOST = "127.0.0.1";
/** Addresses only this machine reaches: binding elsewhere without an API key earns a warning. */
export const LOCAL_HOSTS: readonly string[] = ["127.0.0.1", "::1", "localhost"];
export const DEFAULT_PORT = 8080;

export interface ServeOptions extends AppOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Seconds one request may take before it is cut with 504 request_timeout (default 300). */
  requestTimeoutSeconds?: number;
  /** Milliseconds cancelled work may take to end before the engine's worker is restarted (default 2000). */
  timeoutGraceMs?: number;
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
    log,
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
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
    throw error;
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
