// Admission control. Generation runs on the one JavaScript thread, so "concurrent" requests take
// turns: at most `slots` generate at once, interleaved step by step (each yields to the event loop
// between decoding steps), and at most `waiting` more wait their turn in arrival order. Past that a
// request is refused at once with 503 and Retry-After instead of piling up memory and latency.
import { ApiError } from "./errors.js";

export interface QueueLimits {
  /** Requests generating at once (each holds a KV cache). */
  slots: number;
  /** Requests waiting for a slot before new ones are refused. */
  waiting: number;
  /** Seconds a refused client is told to wait (Retry-After). */
  retryAfterSeconds: number;
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = { slots: 4, waiting: 64, retryAfterSeconds: 1 };

/** A FIFO of waiting requests in front of a fixed number of generation slots. */
export class RequestQueue {
  private active = 0;
  private readonly queue: Array<{ grant: () => void }> = [];

  constructor(readonly limits: QueueLimits = DEFAULT_QUEUE_LIMITS) {}

  /** Requests generating now and waiting now. */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.queue.length };
  }

  /**
   * Waits for a slot and returns the function that frees it (call it exactly once). Throws a 503 when
   * the queue is full, and gives up (rejecting with the signal's reason) if `signal` aborts first.
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.limits.slots && this.queue.length === 0) {
      this.active++;
      return this.releaser();
    }
    if (this.queue.length >= this.limits.waiting) {
      throw new ApiError(
        503,
        `the server is busy (${this.active} requests generating, ${this.queue.length} waiting); retry later`,
        null,
        "server_overloaded",
        { "Retry-After": String(this.limits.retryAfterSeconds) },
      );
    }
    await new Promise<void>((resolve, reject) => {
      const entry = { grant: resolve };
      this.queue.push(entry);
      signal?.addEventListener(
        "abort",
        () => {
          const at = this.queue.indexOf(entry);
          if (at >= 0) {
            this.queue.splice(at, 1);
            reject(new Error("the client went away while waiting"));
          }
        },
        { once: true },
      );
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next)
        next.grant(); // the slot passes straight to the next waiter
      else this.active--;
    };
  }
}
