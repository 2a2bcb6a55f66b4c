// The HTTP thread's side of the engine: starts the worker (engine-worker.ts), forwards requests to it
// and turns its messages back into Responses, streaming body chunks as they come. Every forwarded
// request has a time budget: past it the client gets 504 `request_timeout` (or, once a stream has
// begun, an SSE error event) at once, the worker is told to cancel, and if the work has not ended
// `graceMs` later (a forward pass cannot be interrupted) the worker is terminated and a fresh one
// loads the model; what else it was running gets 503 `engine_restarted`.
import { Worker } from "node:worker_threads";
import type { EngineMeta, EngineStats, FromWorker, ToWorker, WorkerSetup } from "./engine-protocol.js";
import { LlmError } from "../errors.js";
import { ApiError } from "./errors.js";

export interface EngineClientOptions {
  setup: WorkerSetup;
  /** A request's time budget in milliseconds. */
  requestTimeoutMs: number;
  /** How long cancelled work may take to end before the worker is restarted (0: restart at once). */
  graceMs: number;
  log: (line: string) => void;
}

/** Seconds a request may take by default (--request-timeout). */
export const DEFAULT_REQUEST_TIMEOUT_S = 300;
export const DEFAULT_TIMEOUT_GRACE_MS = 2000;

interface Job {
  id: number;
  resolve: (response: Response) => void;
  controller?: ReadableStreamDefaultController<Uint8Array>;
  sse: boolean;
  /** The client has its answer (or is gone): later messages are dropped. */
  closed: boolean;
  timer?: ReturnType<typeof setTimeout>;
  grace?: ReturnType<typeof setTimeout>;
}

const encoder = new TextEncoder();

export class EngineClient {
  meta!: EngineMeta;
  /** Requests generating and waiting in the worker's queue (its last report). */
  load = { active: 0, waiting: 0 };
  private worker!: Worker;
  private ready!: Promise<void>;
  private jobs = new Map<number, Job>();
  private nextId = 1;
  private closing = false;
  private statsWaiters: Array<(stats: EngineStats) => void> = [];
  restarts = 0;

  private constructor(private readonly options: EngineClientOptions) {}

  /** Starts the worker and waits until its model is loaded (rejects with the load's error). */
  static async start(options: EngineClientOptions): Promise<EngineClient> {
    const client = new EngineClient(options);
    client.spawn();
    await client.ready;
    return client;
  }

  private spawn(): void {
    const worker = new Worker(new URL("./engine-worker.js", import.meta.url), {
      workerData: this.options.setup,
    });
    this.worker = worker;
    let loaded = false;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on("message", (message: FromWorker) => {
        if (message.type === "ready") {
          this.meta = message.meta;
          loaded = true;
          resolve();
        } else if (message.type === "failed") {
          // the load's error as the library's own type, so the CLI reports it in one line
          const error =
            message.code === undefined
              ? new Error(message.message)
              : new LlmError(message.code, message.message);
          error.name = message.name;
          reject(error);
        } else this.onMessage(message);
      });
      worker.on("error", (error) => {
        reject(error);
        this.options.log(`nextoken serve: the engine failed: ${error.stack ?? error.message}`);
      });
      worker.on("exit", (code) => {
        reject(new Error(`the engine's worker exited (code ${code}) before its model loaded`));
        // a worker that stops after loading is replaced; one that could not load is not retried
        if (loaded && this.worker === worker && !this.closing) this.restart("the engine's worker stopped");
      });
    });
    this.ready.catch(() => {}); // seen by start() or by the next forward()
  }

  /** Terminates the worker, answers what it was running with 503, and starts a fresh one. */
  private restart(why: string): void {
    const old = this.worker;
    this.restarts++;
    for (const job of this.jobs.values()) {
      this.fail(job, new ApiError(503, `${why}; the engine was restarted, retry`, null, "engine_restarted"));
    }
    this.jobs.clear();
    this.load = { active: 0, waiting: 0 };
    this.spawn();
    void old.terminate();
  }

  private onMessage(message: FromWorker): void {
    if (message.type === "load") this.load = { active: message.active, waiting: message.waiting };
    else if (message.type === "log") this.options.log(message.line);
    else if (message.type === "stats") this.statsWaiters.shift()?.(message);
    else if (message.type !== "ready" && message.type !== "failed") {
      const job = this.jobs.get(message.id);
      if (job === undefined) return;
      if (message.type === "end") {
        this.jobs.delete(job.id);
        clearTimeout(job.timer);
        clearTimeout(job.grace);
        if (!job.closed) {
          job.closed = true;
          if (job.controller === undefined) job.resolve(errorResponse(internalError()));
          else job.controller.close();
        }
      } else if (job.closed) return;
      else if (message.type === "head") {
        const headers = new Headers(message.headers);
        job.sse = (headers.get("content-type") ?? "").startsWith("text/event-stream");
        const body = new ReadableStream<Uint8Array>({
          start: (controller) => void (job.controller = controller),
          cancel: () => this.cancel(job),
        });
        job.resolve(new Response(body, { status: message.status, headers }));
      } else if (message.type === "chunk") job.controller?.enqueue(message.bytes);
    }
  }

  /** Sends `request` (its body already read: `body`) to the engine; resolves with its response. */
  async forward(request: Request, body: string | null, signal: AbortSignal): Promise<Response> {
    try {
      await this.ready;
    } catch (error) {
      throw new ApiError(
        503,
        `the engine is not available: ${(error as Error).message}`,
        null,
        "engine_failed",
      );
    }
    const id = this.nextId++;
    const headers: Array<[string, string]> = [];
    for (const [name, value] of request.headers) {
      if (!["host", "connection", "content-length", "transfer-encoding", "keep-alive"].includes(name)) {
        headers.push([name, value]);
      }
    }
    const bytes = body === null ? null : encoder.encode(body);
    return new Promise<Response>((resolve) => {
      const job: Job = { id, resolve, sse: false, closed: false };
      this.jobs.set(id, job);
      job.timer = setTimeout(() => this.timeout(job), this.options.requestTimeoutMs);
      signal.addEventListener("abort", () => this.cancel(job), { once: true });
      const message: ToWorker = {
        type: "request",
        id,
        method: request.method,
        url: request.url,
        headers,
        body: bytes === null ? null : bytes.buffer,
      };
      this.worker.postMessage(message, bytes === null ? [] : [bytes.buffer]);
    });
  }

  /** The client went away: the worker stops the work (it then frees the slot and the sessions). */
  private cancel(job: Job): void {
    if (!this.jobs.has(job.id)) return;
    job.closed = true;
    clearTimeout(job.timer);
    this.worker.postMessage({ type: "cancel", id: job.id } satisfies ToWorker);
  }

  private timeout(job: Job): void {
    const seconds = this.options.requestTimeoutMs / 1000;
    this.fail(
      job,
      new ApiError(
        504,
        `the request ran past its time budget of ${seconds} s (--request-timeout) and was stopped`,
        null,
        "request_timeout",
      ),
    );
    if (this.options.graceMs === 0) return this.restart("a request ran past its time budget");
    this.worker.postMessage({ type: "cancel", id: job.id } satisfies ToWorker);
    job.grace = setTimeout(() => {
      if (this.jobs.get(job.id) === job) this.restart("a request past its time budget did not stop");
    }, this.options.graceMs);
  }

  /** Answers `job` with `error`: a JSON error before the head, an SSE error event after it. */
  private fail(job: Job, error: ApiError): void {
    if (job.closed) return;
    job.closed = true;
    clearTimeout(job.timer);
    if (job.controller === undefined) job.resolve(errorResponse(error));
    else if (job.sse) {
      job.controller.enqueue(encoder.encode(`data: ${JSON.stringify(error.body())}\n\ndata: [DONE]\n\n`));
      job.controller.close();
    } else job.controller.close(); // a JSON body comes whole, with its head: nothing was cut
  }

  /** The engine's counters (sessions alive, tokens forwarded): for tests and reports. */
  async stats(): Promise<EngineStats> {
    await this.ready;
    return new Promise((resolve) => {
      this.statsWaiters.push(resolve);
      this.worker.postMessage({ type: "stats" } satisfies ToWorker);
    });
  }

  /** Stops the worker at once, whatever it is computing. */
  async close(): Promise<void> {
    this.closing = true;
    for (const job of this.jobs.values()) {
      this.fail(job, new ApiError(503, "the server is shutting down", null, "server_shutting_down"));
    }
    this.jobs.clear();
    await this.worker.terminate();
  }
}

function internalError(): ApiError {
  return new ApiError(500, "internal error while answering (see the server log)", null, "internal_error");
}

export function errorResponse(error: ApiError): Response {
  return Response.json(error.body(), { status: error.status, headers: error.headers });
}
