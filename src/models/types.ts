/** A token id: an index into the vocabulary, at every stage. */
export type TokenId = number;

export interface ForwardOptions {
  /** Return the logits of every new position, not only the last. */
  allLogits?: boolean;
  /**
   * Where to write the logits: at least as long as the result; returned itself when its length is
   * exactly the result's, else a view of its start.
   */
  out?: Float32Array;
}

/** One sequence and its KV cache. */
export interface Session {
  /** Tokens consumed so far. */
  readonly position: number;
  /**
   * Appends `tokens` to the cache and returns the logits of the last new position `(V,)`,
   * or of every new position `(n * V,)` row-major with `allLogits`.
   * The returned array is the caller's: the session does not reuse it. With `out` the logits are
   * written there instead (a decode loop can reuse one buffer and allocate nothing per token).
   */
  forward(tokens: ArrayLike<number>, options?: ForwardOptions): Float32Array;
  /** An independent copy: diverging from it leaves this session untouched. */
  fork(): Session;
  /** Drops everything after `position` (0 ≤ position ≤ this.position). */
  rewind(position: number): void;
  /** Frees the KV cache; the session cannot be used afterwards. */
  dispose(): void;
}

/** Anything that maps token sequences to next-token logits: a real model or a table in a test. */
export interface LanguageModel {
  readonly vocabSize: number;
  /** Maximum sequence length (prompt + generated); Infinity when unbounded. */
  readonly contextLength?: number;
  newSession(): Session;
}

export type {
  Architecture,
  ExpertsConfig,
  ModelConfig,
  RopeScaling,
  SlidingWindow,
} from "../formats/model-config.js";
