import { Worker } from "node:worker_threads";
import type { WasmArena } from "./arena.js";
import type { KernelExports } from "./module.js";
import {
  CHUNK,
  FAILED,
  WORKER_CHUNKS,
  CONTROL_INTS,
  DONE,
  GEN,
  NCHUNKS,
  NEXT,
  OP,
  SPIN_MS,
  STOP,
  TOTAL,
  workChunks,
} from "./pool-ops.js";

/**
 * Waiting this long for a worker's chunk, and longer than half the time the caller spent on its own
 * chunks, means the worker's core is busy elsewhere (a free worker finishes about when the caller does).
 */
const STALL_MS = 0.1;
/**
 * The same for a call that found the workers asleep (not hot): waking one takes ~50 µs, which
 * counted as a stall made every decode's first product after a pause (sampling, a new token)
 * switch the pool off for SOLO_MS, so two threads decoded no faster than one.
 */
const WAKE_MS = 1;
/** How long to run alone after a stall before trying the workers again. */
const SOLO_MS = 200;

/**
 * The calling thread plus `threads - 1` workers over one shared memory. A call publishes an
 * operation, every thread claims chunks of rows from a shared counter (so a thread that lost its
 * core to another process just claims fewer), and the caller waits for the last chunk: a short spin,
 * then Atomics.wait. Workers are unref'd: they never keep the process alive.
 */
export class ThreadPool {
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  private gen = 0;
  /** Until this time (performance.now()) calls run on the caller alone: a worker stalled recently. */
  private soloUntil = 0;
  /** When the last shared call returned (performance.now()). */
  private lastEnd = -Infinity;
  /** Resolves when every worker has instantiated the kernels and is waiting for work. */
  readonly ready: Promise<void>;

  constructor(
    private readonly exports: KernelExports,
    arena: WasmArena,
    module: WebAssembly.Module,
    readonly threads: number,
  ) {
    const controlPtr = arena.alloc(CONTROL_INTS * 4);
    this.control = new Int32Array(arena.memory.buffer, controlPtr, CONTROL_INTS);
    this.control.fill(0);
    for (let index = 1; index < threads; index++) {
      const worker = new Worker(new URL("./worker.js", import.meta.url), {
        workerData: { module, memory: arena.memory, controlPtr, index },
      });
      worker.unref();
      this.workers.push(worker);
    }
    this.ready = Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once("message", () => resolve());
            w.once("error", reject);
          }),
      ),
    ).then(() => undefined);
    // nothing need await it: until the workers are up the caller claims every chunk itself, and a
    // worker that fails to start must not end the process as an unhandled rejection
    this.ready.catch(() => {});
  }

  /** Chunks the workers (not the caller) have run so far. */
  get workerChunks(): number {
    return Atomics.load(this.control, WORKER_CHUNKS);
  }

  /** The control block shared with the workers (operation, arguments, scratch fields). */
  get controlBlock(): Int32Array {
    return this.control;
  }

  /**
   * Whether to share the next call. After a call where the caller had to wait for a worker's chunk
   * (STALL_MS: its core was taken by another process, so it ran late), the pool stays off for
   * SOLO_MS: with a busy core, one thread is faster than waiting.
   */
  get available(): boolean {
    return this.soloUntil === 0 || performance.now() >= this.soloUntil;
  }

  /**
   * Whether the workers are most likely still spinning after the last call (they sleep SPIN_MS
   * after it): then a call reaches them in about a microsecond instead of the ~50 µs a wake takes,
   * and much smaller operations are worth sharing.
   */
  get hot(): boolean {
    return performance.now() - this.lastEnd < SPIN_MS * 0.8;
  }

  /** Runs `op` over `total` rows in chunks of `chunk` on every thread; returns when all are done. */
  run(op: number, total: number, chunk: number): void {
    const c = this.control;
    const hot = this.hot;
    const nChunks = Math.ceil(total / chunk);
    const gen = (this.gen = (this.gen + 1) & 0xffff);
    c[OP] = op;
    c[NCHUNKS] = nChunks;
    c[CHUNK] = chunk;
    c[TOTAL] = total;
    Atomics.store(c, FAILED, 0);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, NEXT, gen << 16);
    Atomics.store(c, GEN, gen);
    Atomics.notify(c, GEN);
    const start = performance.now();
    workChunks(this.exports, c, 0, gen);
    let done = Atomics.load(c, DONE);
    if (done === nChunks) this.lastEnd = performance.now();
    else {
      const waitStart = performance.now();
      const until = waitStart + SPIN_MS;
      let spins = 0;
      while ((done = Atomics.load(c, DONE)) !== nChunks) {
        if (++spins % 64 === 0 && performance.now() > until) Atomics.wait(c, DONE, done, 1);
      }
      const now = performance.now();
      const waited = now - waitStart;
      // a sleeping worker takes ~50 µs to wake: only a worker that was spinning, or one later
      // than any wake, has lost its core
      const stall = hot ? STALL_MS : WAKE_MS;
      this.soloUntil = waited > stall && waited > (waitStart - start) / 2 ? now + SOLO_MS : 0;
      this.lastEnd = now;
    }
    // a worker's chunk counts as done even when it trapped: this call's output is then wrong
    if (Atomics.load(c, FAILED) !== 0) throw new Error("a kernel worker thread failed (a WebAssembly trap)");
  }

  /** Stops the workers. */
  dispose(): void {
    Atomics.store(this.control, STOP, 1);
    Atomics.add(this.control, GEN, 1);
    Atomics.notify(this.control, GEN);
    for (const worker of this.workers) void worker.terminate();
    this.workers.length = 0;
  }
}
