import { UnsupportedError } from "../errors.js";
import type { HfConfig } from "../formats/hf-config.js";
import type { Kernels } from "../tensor/kernels.js";
import { toF32 } from "../tensor/rows.js";
import type { TensorStore } from "../tensor/tensor.js";
import type { ArchitectureModule } from "./architecture.js";
import type { AttentionWeights } from "./attention-block.js";
import { decoderConfigFromGguf, decoderConfigFromHf, DECODER_GGUF_NAMES } from "./decoder-config.js";
import { PreNormDecoder } from "./pre-norm-decoder.js";
import type { ModelConfig } from "./types.js";

/**
 * Qwen3 (HF Qwen3ForCausalLM, model_type qwen3; GGUF `qwen3`): Llama with a per-head RMSNorm on q
 * and k (weights (hd,) shared by the heads) after the projections and before RoPE, rotate_half
 * RoPE in both formats (no row permutation), and a head_dim of its own (nHeads * hd may differ
 * from the width). Tensors: self_attn.q_norm / k_norm ↔ GGUF attn_q_norm / attn_k_norm.
 */
export const qwen3: ArchitectureModule = {
  name: "qwen3",
  hfModelTypes: ["qwen3"],
  ggufArchitectures: ["qwen3"],
  configFromHf: (c) => ({ ...qwen3ConfigFromHf(c, "qwen3"), qkNorm: true }),
  configFromGguf: (g) => ({ ...decoderConfigFromGguf(g, "qwen3"), qkNorm: true }),
  ggufNames: DECODER_GGUF_NAMES,
  create: (config, store, kernels) =>
    new PreNormDecoder(
      config,
      store,
      kernels,
      Array.from({ length: config.nLayers }, (_, i) => {
        const s = store.scope(`model.layers.${i}`);
        const { hiddenSize: dim, intermediateSize: ff } = config;
        return {
          attnNorm: toF32(s.get("input_layernorm.weight", [dim]), kernels),
          attn: qwen3Attention(s, config, kernels),
          ffnNorm: toF32(s.get("post_attention_layernorm.weight", [dim]), kernels),
          ffn: {
            gate: s.get("mlp.gate_proj.weight", [ff, dim]),
            up: s.get("mlp.up_proj.weight", [ff, dim]),
            down: s.get("mlp.down_proj.weight", [dim, ff]),
          },
        };
      }),
    ),
  describe: () => [["q/k norm", "per-head RMSNorm before RoPE"]],
};

/** config.json fields of qwen3 and qwen3_moe: silu; a sliding window (use_sliding_window) is not implemented. */
export function qwen3ConfigFromHf(c: HfConfig, architecture: string): ModelConfig {
  const config = decoderConfigFromHf(c, architecture);
  c.oneOf("hidden_act", ["silu"], "silu");
  if (c.json.use_sliding_window === true)
    throw new UnsupportedError(`${c.fileName}: use_sliding_window true is not supported for ${architecture}`);
  return config;
}

/** self_attn of qwen3 and qwen3_moe: q/k/v/o projections and the per-head q_norm / k_norm. */
export function qwen3Attention(s: TensorStore, config: ModelConfig, kernels: Kernels): AttentionWeights {
  const { hiddenSize: dim, nHeads, nKvHeads, headDim: hd } = config;
  const bias = (name: string, size: number) =>
    config.attentionBias ? toF32(s.get(name, [size]), kernels) : undefined;
  return {
    wq: s.get("self_attn.q_proj.weight", [nHeads * hd, dim]),
    wk: s.get("self_attn.k_proj.weight", [nKvHeads * hd, dim]),
    wv: s.get("self_attn.v_proj.weight", [nKvHeads * hd, dim]),
    bq: bias("self_attn.q_proj.bias", nHeads * hd),
    bk: bias("self_attn.k_proj.bias", nKvHeads * hd),
    bv: bias("self_attn.v_proj.bias", nKvHeads * hd),
    qNorm: toF32(s.get("self_attn.q_norm.weight", [hd]), kernels),
    kNorm: toF32(s.get("self_attn.k_norm.weight", [hd]), kernels),
    wo: s.get("self_attn.o_proj.weight", [dim, nHeads * hd]),
    window: 0,
  };
}
