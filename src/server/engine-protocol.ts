// The messages between the HTTP thread (engine-client.ts) and the engine's worker (engine-worker.ts).
// A request travels as its method, URL, headers and body bytes; its response comes back as a head,
// body chunks (SSE events as they are generated) and an end.
import type { LoadModelOptions } from "../load-model.js";
import type { SessionLimits } from "./playground-sessions.js";
import type { QueueLimits } from "./queue.js";

/** What the worker loads: a path loadModel() accepts, and its options. */
export interface EngineSpec {
  source: string;
  options?: LoadModelOptions;
}

/** The worker's settings (workerData). */
export interface WorkerSetup {
  spec: EngineSpec;
  modelId: string;
  maxBodyBytes: number;
  queue: QueueLimits;
  sessions?: SessionLimits;
  webRoot?: string;
}

/** Counters of the engine's model, for tests and reports. */
export interface EngineStats {
  /** Sessions (KV caches) alive now. */
  liveSessions: number;
  /** Tokens all sessions have forwarded so far. */
  forwardedTokens: number;
}

/** What the HTTP thread learns of the model once the worker has loaded it. */
export interface EngineMeta {
  contextLength?: number;
  maxTokenBytes: number;
}

export type ToWorker =
  | {
      type: "request";
      id: number;
      method: string;
      url: string;
      headers: Array<[string, string]>;
      body: ArrayBuffer | null;
    }
  | { type: "cancel"; id: number }
  | { type: "stats" };

export type FromWorker =
  | { type: "ready"; meta: EngineMeta }
  | { type: "failed"; name: string; message: string; code?: string }
  | { type: "head"; id: number; status: number; headers: Array<[string, string]> }
  | { type: "chunk"; id: number; bytes: Uint8Array }
  | { type: "end"; id: number }
  | { type: "load"; active: number; waiting: number }
  | { type: "stats"; liveSessions: number; forwardedTokens: number }
  | { type: "log"; line: string };
