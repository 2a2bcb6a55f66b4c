/** The model description every format is mapped to; models read only this and a TensorStore. */

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
