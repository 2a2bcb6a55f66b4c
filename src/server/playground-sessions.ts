// Server-held sessions for the playground: a token sequence and its KV cache, so that the page can
// step, append and branch without the prefix being recomputed. Each holds a KV cache, so they are
// bounded in number (the least recently used one is dropped to make room) and dropped when idle.
import type { Session, TokenId } from "../models/types.js";
import { ApiError } from "./errors.js";

export interface SessionLimits {
  /** Sessions held at once; each holds a KV cache of up to contextLength positions. */
  max: number;
  /** A session unused for this long is disposed. */
  idleMs: number;
}

/** Room for a few people branching a few times each, without holding many KV caches. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = { max: 32, idleMs: 10 * 60_000 };

/** One sequence the server keeps for the page. */
export interface HeldSession {
  readonly id: string;
  readonly session: Session;
  /** The tokens the KV cache holds (session.position of them), prompt first. */
  readonly tokens: TokenId[];
  /** Tokens of `tokens` that are the prompt (repetition penalties look at all of them). */
  readonly promptLength: number;
  /** Next-token logits after `tokens`, `(V,)`. */
  logits: Float32Array;
  lastUsedMs: number;
}

/** The held sessions, by id. */
export class SessionStore {
  private readonly held = new Map<string, HeldSession>();
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(
    readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, limits.idleMs));
    this.sweeper.unref(); // never keeps the process alive
  }

  get size(): number {
    return this.held.size;
  }

  /** Takes ownership of `session` (disposed when dropped) and returns its record. */
  add(session: Session, tokens: TokenId[], promptLength: number, logits: Float32Array): HeldSession {
    this.sweep();
    while (this.held.size >= this.limits.max) {
      const oldest = [...this.held.values()].reduce((a, b) => (b.lastUsedMs < a.lastUsedMs ? b : a));
      this.delete(oldest.id);
    }
    const id = `s_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
    const record: HeldSession = { id, session, tokens, promptLength, logits, lastUsedMs: this.now() };
    this.held.set(id, record);
    return record;
  }

  /** The session `id`; 404 when it never existed, expired or was deleted. */
  get(id: string): HeldSession {
    this.sweep();
    const record = this.held.get(id);
    if (record === undefined) {
      const minutes = Math.round(this.limits.idleMs / 60_000);
      throw new ApiError(
        404,
        `session "${id.slice(0, 40)}" does not exist: it expired (sessions are dropped after ${minutes} min idle or when ${this.limits.max} are held) or was deleted; create a new one`,
        "session",
        "session_not_found",
      );
    }
    record.lastUsedMs = this.now();
    return record;
  }

  /** Disposes session `id`; false when there was none. */
  delete(id: string): boolean {
    const record = this.held.get(id);
    if (record === undefined) return false;
    this.held.delete(id);
    record.session.dispose();
    return true;
  }

  /** Disposes every session idle for longer than the limit. */
  sweep(): void {
    const cutoff = this.now() - this.limits.idleMs;
    for (const record of [...this.held.values()]) if (record.lastUsedMs < cutoff) this.delete(record.id);
  }

  /** Disposes every session and stops the sweeper. */
  close(): void {
    clearInterval(this.sweeper);
    for (const id of [...this.held.keys()]) this.delete(id);
  }
}
