/** The model description every format is mapped to; models read only this and a TensorStore. */

/**
 * An architecture key of models/registry.ts ("llama", "qwen2", "gpt2", "qwen3", "qwen3_moe",
 * "gemma3", "phi3", "mixtral"); the registry refuses any other.
 */
export type Architecture = string;

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
  /** Leading dims of each head that RoPE rotates, when fewer than headDim (phi3 partial_rotary_factor). */
  rotaryDim?: number;
  /** Per-head RMSNorm on q and k before RoPE (qwen3, gemma3). */
  qkNorm?: boolean;
  /** Mixture-of-experts feed-forward (mixtral, qwen3_moe). */
  experts?: ExpertsConfig;
  /** Sliding-window attention on some layers (gemma3); absent when no window is shorter than the context. */
  slidingWindow?: SlidingWindow;
  /** Attention scores are q.k / sqrt(this) (gemma3 query_pre_attn_scalar); headDim when absent. */
  queryPreAttnScalar?: number;
  /** logits = cap * tanh(logits / cap) (Gemma 2 style final_logit_softcapping). */
  finalLogitSoftcap?: number;
}

/** A mixture-of-experts feed-forward: a router picks `used` of `count` experts per token. */
export interface ExpertsConfig {
  count: number;
  /** Experts run per token (HF num_experts_per_tok, GGUF expert_used_count). */
  used: number;
  /** Each expert's feed-forward width. */
  intermediateSize: number;
  /** Renormalise the chosen experts' router probabilities to sum 1 (qwen3_moe norm_topk_prob). */
  normTopK: boolean;
}

/** Layers that attend only to the last `size` positions (their own included), with their own RoPE base. */
export interface SlidingWindow {
  size: number;
  /** layers[i]: layer i is a sliding (local) layer. */
  layers: boolean[];
  /** RoPE base of the sliding layers. */
  ropeTheta: number;
}

/** HF `rope_scaling` with rope_type "llama3", or "linear" (positions divided by `factor`). */
export type RopeScaling =
  | {
      type: "llama3";
      factor: number;
      lowFreqFactor: number;
      highFreqFactor: number;
      originalMaxPositionEmbeddings: number;
    }
  | { type: "linear"; factor: number };
