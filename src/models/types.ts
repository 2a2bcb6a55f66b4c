/** A token id: an index into the vocabulary, at every stage. */
export type TokenId = number;

/** One sequence and its KV cache. */
export interface Session {
  /** Tokens consumed so far. */
  readonly position: number;
  /**
   * Appends `tokens` to the cache and returns the logits of the last new position `(V,)`,
   * or of every new position `(n * V,)` row-major with `allLogits`.
   * The returned array is the caller's: the session does not reuse it.
   */
  forward(tokens: ArrayLike<number>, options?: { allLogits?: boolean }): Float32Array;
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

/** Supported architectures; `qwen2` is `llama` with q/k/v biases. */
export type Architecture = "llama" | "qwen2" | "gpt2";

/** Hyper-parameters of a decoder-only Transformer, in one vocabulary for every format. */
export interface ModelConfig {
  architecture: Architecture;
  vocabSize: number;
  /** Maximum positions (HF max_position_embeddings / n_positions, GGUF context_length, llama2.c seq_len). */
  contextLength: number;
  /** Residual width (HF hidden_size / n_embd). */
  hiddenSize: number;
  /** Feed-forward width (HF intermediate_size; GPT-2 n_inner or 4 * n_embd). */
  intermediateSize: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  /** RMSNorm or LayerNorm epsilon. */
  normEps: number;
  ropeTheta: number;
  /** Llama 3 style rope_scaling, when present. */
  ropeScaling?: RopeScaling;
  /** The output head shares the token embedding. */
  tiedEmbeddings: boolean;
  /** q/k/v projections carry biases (qwen2). */
  attentionBias: boolean;
}

/** HF `rope_scaling` with rope_type "llama3". */
export interface RopeScaling {
  type: "llama3";
  factor: number;
  lowFreqFactor: number;
  highFreqFactor: number;
  originalMaxPositionEmbeddings: number;
}
