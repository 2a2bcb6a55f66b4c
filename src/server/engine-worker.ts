// The engine's thread: loads the model, owns it and every session (the playground's held ones too),
// and answers the requests the HTTP thread forwards with the route handlers of app.ts (tokenizing,
// the context check, generation, logprobs). The HTTP thread stays free for /health, signals, time
// budgets and cancellation; generation yields between steps, so cancel messages are seen in time.
import { parentPort, workerData } from "node:worker_threads";
import { loadModel } from "../load-model.js";
import { createApp } from "./app.js";
import type { FromWorker, ToWorker, WorkerSetup } from "./engine-protocol.js";
import { maxTokenBytes } from "./limits.js";
import type { Model } from "../load-model.js";
import type { Session } from "../models/types.js";

const port = parentPort;
if (port === null) throw new Error("engine-worker.ts runs as a worker thread");
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const setup = workerData as WorkerSetup;

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = await loadModel(setup.spec.source, setup.spec.options);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: "failed", name: e.name, message: e.message, code: (e as { code?: string }).code });
    return;
  }
  const counted = counting(loaded);
  const { app, context } = createApp(counted.model, {
    modelId: setup.modelId,
    maxBodyBytes: setup.maxBodyBytes,
    queue: setup.queue,
    sessions: setup.sessions,
    webRoot: setup.webRoot,
    log: (line) => post({ type: "log", line }),
  });
  const running = new Map<number, { abort: AbortController; cancel?: () => void }>();
  let shown = "";
  const loadTimer = setInterval(() => {
    const load = context.queue.load;
    const now = `${load.active}/${load.waiting}`;
    if (now !== shown) post({ type: "load", ...load });
    shown = now;
  }, 10);
  loadTimer.unref();

  async function answer(message: Extract<ToWorker, { type: "request" }>): Promise<void> {
    const abort = new AbortController();
    const entry: { abort: AbortController; cancel?: () => void } = { abort };
    running.set(message.id, entry);
    try {
      const request = new Request(message.url, {
        method: message.method,
        headers: message.headers,
        body: message.body,
        signal: abort.signal,
      });
      const response = await app.fetch(request);
      post({ type: "head", id: message.id, status: response.status, headers: [...response.headers] });
      if (response.body !== null) {
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        entry.cancel = () => void reader.cancel().catch(() => {});
        if (abort.signal.aborted) entry.cancel();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const bytes = value.slice(); // its own buffer, to transfer
          post({ type: "chunk", id: message.id, bytes }, [bytes.buffer]);
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) post({ type: "log", line: `nextoken engine: ${String(error)}` });
    } finally {
      running.delete(message.id);
      post({ type: "end", id: message.id });
    }
  }

  port!.on("message", (message: ToWorker) => {
    if (message.type === "request") void answer(message);
    else if (message.type === "cancel") {
      const entry = running.get(message.id);
      entry?.abort.abort(new Error("cancelled"));
      entry?.cancel?.();
    } else if (message.type === "stats") post({ type: "stats", ...counted.stats });
  });
  post({
    type: "ready",
    meta: { contextLength: loaded.contextLength, maxTokenBytes: maxTokenBytes(loaded.tokenizer) },
  });
}

/** `model` with its live sessions and the tokens they forwarded counted (the engine's stats). */
function counting(model: Model): { model: Model; stats: { liveSessions: number; forwardedTokens: number } } {
  const stats = { liveSessions: 0, forwardedTokens: 0 };
  const wrap = (session: Session): Session => {
    stats.liveSessions++;
    let disposed = false;
    return {
      get position() {
        return session.position;
      },
      forward: (tokens, options) => {
        stats.forwardedTokens += tokens.length;
        return session.forward(tokens, options);
      },
      fork: () => wrap(session.fork()),
      rewind: (position) => session.rewind(position),
      dispose: () => {
        if (!disposed) stats.liveSessions--;
        disposed = true;
        session.dispose();
      },
    };
  };
  const counted = Object.create(model) as Model;
  Object.defineProperty(counted, "newSession", { value: () => wrap(model.newSession()) });
  return { model: counted, stats };
}

void main();
