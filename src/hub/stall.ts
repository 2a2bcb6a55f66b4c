// An inactivity deadline for one HTTP transfer: it aborts the request when no byte has arrived for
// `timeoutMs`, and each chunk that does arrive pushes the deadline back. A server that stops sending
// in the middle of a body (or never answers) would otherwise hang a download until it is killed.

/** Default for `--stall-timeout`: a minute-long silence is a dead transfer, not a slow one. */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/** Why a transfer was aborted: nothing arrived for `timeoutMs`. */
export class StallAbort extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no data for ${timeoutMs / 1000} s`);
  }
}

export class StallTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {
    this.touch();
  }

  /** Aborts when the deadline passes; give it to fetch. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the deadline has passed. */
  get stalled(): boolean {
    return this.controller.signal.aborted;
  }

  /** Bytes arrived: the deadline starts over. */
  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(new StallAbort(this.timeoutMs)), this.timeoutMs);
  }

  /** The transfer is over: no abort will come. */
  clear(): void {
    clearTimeout(this.timer);
  }
}
