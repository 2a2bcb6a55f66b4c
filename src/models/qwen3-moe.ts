import { UnsupportedError } from "../errors.js";
import { MAX_EXPERTS, MAX_WIDTH } from "../formats/gguf-model.js";
import { toF32 } from "../tensor/rows.js";
import type { ArchitectureModule } from "./architecture.js";
import { decoderConfigFromGguf, DECODER_GGUF_NAMES } from "./decoder-config.js";
import { describeExperts } from "./mixtral.js";
import { splitExperts } from "./moe.js";
import { PreNormDecoder } from "./pre-norm-decoder.js";
import { qwen3Attention, qwen3ConfigFromHf } from "./qwen3.js";

/**
 * Qwen3-MoE (HF Qwen3MoeForCausalLM, model_type qwen3_moe; GGUF `qwen3moe`): qwen3's attention
 * (per-head q/k norm) and a mixture-of-experts feed-forward on every layer: router mlp.gate
 * (E, dim) (GGUF ffn_gate_inp), softmax over all E, the top num_experts_per_tok experts of width
 * moe_intermediate_size (GGUF expert_feed_forward_length); norm_topk_prob renormalises their
 * probabilities (llama.cpp always does: GGUF expert_weights_norm, default true). intermediate_size
 * belongs to dense layers, which this module refuses (mlp_only_layers, decoder_sparse_step > 1).
 * GGUF stacks the experts (ffn_gate_exps, ffn_up_exps, ffn_down_exps): fixUp cuts them into views.
 */
export const qwen3Moe: ArchitectureModule = {
  name: "qwen3_moe",
  hfModelTypes: ["qwen3_moe"],
  ggufArchitectures: ["qwen3moe"],
  configFromHf: (c) => {
    const config = qwen3ConfigFromHf(c, "qwen3_moe");
    const count = c.int("num_experts");
    const used = c.int("num_experts_per_tok");
    if (used > count) c.fail("num_experts_per_tok", `at most num_experts ${count}`);
    if (c.int("decoder_sparse_step", 1) !== 1 || (Array.isArray(c.json.mlp_only_layers) && c.json.mlp_only_layers.length > 0))
      throw new UnsupportedError(
        `${c.fileName}: dense layers in a MoE model (decoder_sparse_step ${JSON.stringify(c.json.decoder_sparse_step)}, mlp_only_layers ${JSON.stringify(c.json.mlp_only_layers)}) are not supported`,
      );
    const experts = {
      count,
      used,
      intermediateSize: c.int("moe_intermediate_size"),
      normTopK: c.bool("norm_topk_prob", false),
    };
    return { ...config, qkNorm: true, experts };
  },
  configFromGguf: (g) => {
    const config = decoderConfigFromGguf(g, "qwen3_moe");
    const count = g.int("expert_count", MAX_EXPERTS);
    const experts = {
      count,
      used: g.int("expert_used_count", count),
      intermediateSize: g.int("expert_feed_forward_length", MAX_WIDTH * 8),
      normTopK: g.bool("expert_weights_norm", true),
    };
    return { ...config, qkNorm: true, experts };
  },
  ggufNames: {
    ...DECODER_GGUF_NAMES,
    layer: {
      ...DECODER_GGUF_NAMES.layer,
      ffn_gate_inp: "mlp.gate",
      ffn_gate_exps: "mlp.experts.gate_proj",
      ffn_up_exps: "mlp.experts.up_proj",
      ffn_down_exps: "mlp.experts.down_proj",
    },
  },
  fixUp: (tensors, config, source, fileName) => {
    if (source === "huggingface") return;
    for (let l = 0; l < config.nLayers; l++) {
      const experts = `model.layers.${l}.mlp.experts`;
      for (const w of ["gate_proj", "up_proj", "down_proj"]) {
        const nameOf = (e: number) => `${experts}.${e}.${w}.weight`;
        splitExperts(tensors, `${experts}.${w}.weight`, nameOf, config.experts!.count, fileName);
      }
    }
  },
  create: (config, store, kernels) => {
    const dim = config.hiddenSize;
    const { count, intermediateSize: ff } = config.experts!;
    return new PreNormDecoder(
      config,
      store,
      kernels,
      Array.from({ length: config.nLayers }, (_, i) => {
        const s = store.scope(`model.layers.${i}`);
        const mlp = s.scope("mlp");
        return {
          attnNorm: toF32(s.get("input_layernorm.weight", [dim]), kernels),
          attn: qwen3Attention(s, config, kernels),
          ffnNorm: toF32(s.get("post_attention_layernorm.weight", [dim]), kernels),
          ffn: {
            router: mlp.get("gate.weight", [count, dim]),
            experts: Array.from({ length: count }, (_, e) => ({
              gate: mlp.get(`experts.${e}.gate_proj.weight`, [ff, dim]),
              up: mlp.get(`experts.${e}.up_proj.weight`, [ff, dim]),
              down: mlp.get(`experts.${e}.down_proj.weight`, [dim, ff]),
            })),
          },
        };
      }),
    );
  },
  describe: (config) => [...describeExperts(config), ["q/k norm", "per-head RMSNorm before RoPE"]],
};
