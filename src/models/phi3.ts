import { MAX_WIDTH } from "../formats/gguf-model.js";
import { toF32 } from "../tensor/rows.js";
import type { ArchitectureModule } from "./architecture.js";
import {
  decoderConfigFromGguf,
  decoderConfigFromHf,
  DECODER_GGUF_NAMES,
  withWindowOnEveryLayer,
} from "./decoder-config.js";
import { PreNormDecoder } from "./pre-norm-decoder.js";
import type { ModelConfig } from "./types.js";

/**
 * Phi-3 (HF Phi3ForCausalLM, model_type phi3; GGUF `phi3`): Llama with fused projections and
 * partial rotary. self_attn.qkv_proj (qDim + 2 kvDim, dim) holds q, k, v rows in that order
 * (GGUF attn_qkv, the same matrix); mlp.gate_up_proj (2 ff, dim) holds gate then up rows (GGUF
 * stores it as ffn_up, with no ffn_gate). RoPE turns the first R = int(hd * partial_rotary_factor)
 * dims of each head (GGUF rope.dimension_count), rotate_half pairs (i, i + R/2), theta^(-2i/R).
 * A sliding_window shorter than the context applies to every layer (HF semantics; GGUF 0 = none).
 */
export const phi3: ArchitectureModule = {
  name: "phi3",
  hfModelTypes: ["phi3"],
  ggufArchitectures: ["phi3"],
  configFromHf: (c) => {
    const config = decoderConfigFromHf(c, "phi3");
    c.oneOf("hidden_act", ["silu"], "silu");
    const factor = c.num("partial_rotary_factor", 1);
    if (factor > 1) c.fail("partial_rotary_factor", "a number in (0, 1]");
    const rotaryDim = Math.floor(config.headDim * factor);
    if (rotaryDim % 2 !== 0 || rotaryDim === 0)
      c.fail("partial_rotary_factor", `a factor giving an even, non-zero share of head_dim ${config.headDim}`);
    const window = c.has("sliding_window") ? c.int("sliding_window") : 0;
    return withParts(config, rotaryDim, window);
  },
  configFromGguf: (g) => {
    const config = decoderConfigFromGguf(g, "phi3");
    const rotaryDim = g.int("rope.dimension_count", config.headDim, config.headDim);
    if (rotaryDim % 2 !== 0) g.fail("rope.dimension_count", `even, at most key_length ${config.headDim}`);
    if (g.count("attention.sliding_window", MAX_WIDTH * 256, 0) > 0) {
      // llama.cpp reads the key but runs Phi-3 without a window; the engine follows HF.
      return withParts(config, rotaryDim, g.int("attention.sliding_window", MAX_WIDTH * 256));
    }
    return withParts(config, rotaryDim, 0);
  },
  ggufNames: {
    ...DECODER_GGUF_NAMES,
    layer: { ...DECODER_GGUF_NAMES.layer, attn_qkv: "self_attn.qkv_proj", ffn_up: "mlp.gate_up_proj" },
  },
  create: (config, store, kernels) => {
    const { hiddenSize: dim, intermediateSize: ff, nHeads, nKvHeads, headDim: hd } = config;
    const qkvRows = (nHeads + 2 * nKvHeads) * hd;
    return new PreNormDecoder(
      config,
      store,
      kernels,
      Array.from({ length: config.nLayers }, (_, i) => {
        const s = store.scope(`model.layers.${i}`);
        return {
          attnNorm: toF32(s.get("input_layernorm.weight", [dim]), kernels),
          attn: {
            wqkv: s.get("self_attn.qkv_proj.weight", [qkvRows, dim]),
            wo: s.get("self_attn.o_proj.weight", [dim, nHeads * hd]),
            window: config.slidingWindow?.size ?? 0,
          },
          ffnNorm: toF32(s.get("post_attention_layernorm.weight", [dim]), kernels),
          ffn: {
            gateUp: s.get("mlp.gate_up_proj.weight", [2 * ff, dim]),
            down: s.get("mlp.down_proj.weight", [dim, ff]),
          },
        };
      }),
    );
  },
  describe: (config) => [
    ["rotary dims", `${config.rotaryDim ?? config.headDim} of ${config.headDim} per head`],
    ["fused", "qkv_proj, gate_up_proj"],
    ...(config.slidingWindow ? [["sliding window", `${config.slidingWindow.size} on every layer`] as [string, string]] : []),
  ],
};

function withParts(config: ModelConfig, rotaryDim: number, window: number): ModelConfig {
  return withWindowOnEveryLayer({ ...config, rotaryDim }, window);
}
