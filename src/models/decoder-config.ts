import { FormatError } from "../errors.js";
import { MAX_CONTEXT, MAX_LAYERS, MAX_VOCAB, MAX_WIDTH, type GgufConfig, type GgufNames } from "../formats/gguf-model.js";
import type { HfConfig } from "../formats/hf-config.js";
import { interleavedToHalfBias, interleavedToHalfRows } from "../formats/rope-layout.js";
import type { Tensor } from "../tensor/tensor.js";
import type { ModelConfig } from "./types.js";

/**
 * The fields every Llama-shaped decoder shares (llama, qwen2/3, phi3, mixtral, gemma3), read from
 * config.json or GGUF metadata. Architecture modules start from these and add their own keys.
 */

/** config.json: vocab_size, hidden_size, heads, head_dim, rms_norm_eps, rope_theta, rope_scaling… */
export function decoderConfigFromHf(c: HfConfig, architecture: string): ModelConfig {
  const hiddenSize = c.int("hidden_size");
  const nHeads = c.int("num_attention_heads");
  const nKvHeads = c.int("num_key_value_heads", nHeads);
  if (nHeads % nKvHeads !== 0) {
    throw new FormatError(
      `${c.fileName}: num_attention_heads ${nHeads} is not a multiple of num_key_value_heads ${nKvHeads}`,
    );
  }
  const headDim = c.has("head_dim")
    ? c.int("head_dim")
    : c.divide("hidden_size", hiddenSize, "num_attention_heads", nHeads);
  return {
    architecture,
    vocabSize: c.int("vocab_size"),
    contextLength: c.int("max_position_embeddings", 2048),
    hiddenSize,
    intermediateSize: c.int("intermediate_size"),
    nLayers: c.int("num_hidden_layers"),
    nHeads,
    nKvHeads,
    headDim,
    normEps: c.num("rms_norm_eps", 1e-6),
    ropeTheta: c.num("rope_theta", 10000),
    ropeScaling: c.ropeScaling(),
    tiedEmbeddings: c.json.tie_word_embeddings === true,
    attentionBias: c.json.attention_bias === true,
  };
}

/** GGUF `<arch>.embedding_length`, `attention.head_count[_kv]`, `attention.key_length`, `rope.freq_base`… */
export function decoderConfigFromGguf(g: GgufConfig, architecture: string): ModelConfig {
  const embedding = g.tensor("token_embd.weight");
  const hiddenSize = g.int("embedding_length", MAX_WIDTH);
  const nHeads = g.int("attention.head_count", hiddenSize);
  const nKvHeads = g.int("attention.head_count_kv", nHeads, nHeads);
  if (nHeads % nKvHeads !== 0) g.fail("attention.head_count_kv", `a divisor of head_count ${nHeads}`);
  if (!g.has("attention.key_length") && hiddenSize % nHeads !== 0)
    g.fail("attention.head_count", `a divisor of embedding_length ${hiddenSize}`);
  const headDim = g.int("attention.key_length", MAX_WIDTH, hiddenSize / nHeads);
  if (headDim % 2 !== 0) g.fail("attention.key_length", "even (RoPE rotates pairs)");
  return {
    architecture,
    vocabSize: g.int("vocab_size", MAX_VOCAB, embedding.shape[0]),
    contextLength: g.int("context_length", MAX_CONTEXT),
    hiddenSize,
    intermediateSize: g.int("feed_forward_length", MAX_WIDTH * 8),
    nLayers: g.int("block_count", MAX_LAYERS),
    nHeads,
    nKvHeads,
    headDim,
    normEps: g.real("attention.layer_norm_rms_epsilon", 1e-5),
    ropeTheta: g.real("rope.freq_base", 10000),
    tiedEmbeddings: !g.tensors.has("output.weight"),
    attentionBias: g.tensors.has("blk.0.attn_q.bias"),
  };
}

/** llama.cpp's names of a Llama-shaped decoder's tensors → Hugging Face's. */
export const DECODER_GGUF_NAMES: GgufNames = {
  layerPrefix: "model.layers.",
  global: { token_embd: "model.embed_tokens", output_norm: "model.norm", output: "lm_head" },
  layer: {
    attn_norm: "input_layernorm",
    attn_q: "self_attn.q_proj",
    attn_k: "self_attn.k_proj",
    attn_v: "self_attn.v_proj",
    attn_output: "self_attn.o_proj",
    attn_q_norm: "self_attn.q_norm",
    attn_k_norm: "self_attn.k_norm",
    ffn_norm: "post_attention_layernorm",
    ffn_gate: "mlp.gate_proj",
    ffn_up: "mlp.up_proj",
    ffn_down: "mlp.down_proj",
  },
};

/**
 * llama.cpp's `llama` architecture and llama2.c store q/k rows for RoPE on adjacent pairs; the
 * engine's RoPE is Hugging Face's rotate_half, so their rows are put back (see rope-layout.ts).
 */
export function unpermuteQk(tensors: Map<string, Tensor>, config: ModelConfig, fileName: string): void {
  for (let l = 0; l < config.nLayers; l++) {
    for (const [proj, heads] of [
      ["q_proj", config.nHeads],
      ["k_proj", config.nKvHeads],
    ] as const) {
      const name = `model.layers.${l}.self_attn.${proj}`;
      const weight = tensors.get(`${name}.weight`);
      if (!weight) throw new FormatError(`${fileName}: missing tensor for "${name}.weight"`);
      if (weight.shape[0] !== heads * config.headDim) {
        throw new FormatError(
          `${fileName}: "${name}.weight" has ${weight.shape[0]} rows, expected ${heads * config.headDim}`,
        );
      }
      interleavedToHalfRows(weight, heads);
      const bias = tensors.get(`${name}.bias`);
      if (bias) interleavedToHalfBias(bias, heads);
    }
  }
}

/** `config` with a sliding window of `window` positions on every layer; none when 0 or at least the context. */
export function withWindowOnEveryLayer(config: ModelConfig, window: number): ModelConfig {
  if (!(window > 0 && window < config.contextLength)) return config;
  const layers = Array.from({ length: config.nLayers }, () => true);
  return { ...config, slidingWindow: { size: window, layers, ropeTheta: config.ropeTheta } };
}
