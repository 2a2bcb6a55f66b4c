import { MAX_EXPERTS, MAX_WIDTH } from "../formats/gguf-model.js";
import { toF32 } from "../tensor/rows.js";
import type { ArchitectureModule } from "./architecture.js";
import {
  decoderConfigFromGguf,
  decoderConfigFromHf,
  DECODER_GGUF_NAMES,
  unpermuteQk,
  withWindowOnEveryLayer,
} from "./decoder-config.js";
import { splitExperts } from "./moe.js";
import { PreNormDecoder } from "./pre-norm-decoder.js";

/**
 * Mixtral (HF MixtralForCausalLM, model_type mixtral; GGUF `llama` with expert_count > 0): Llama
 * attention and a mixture-of-experts feed-forward: router block_sparse_moe.gate (E, dim) (GGUF
 * ffn_gate_inp), softmax over all E, the top num_experts_per_tok experts mixed by their
 * renormalised probabilities; expert e is down(silu(w1 x) * w3 x) with w2 as down. GGUF stacks
 * the experts (ffn_gate_exps = w1, ffn_up_exps = w3, ffn_down_exps = w2) and, being `llama`, keeps
 * q/k rows for RoPE on adjacent pairs: fixUp cuts the stacks into views and un-permutes q/k.
 * GGUF feed_forward_length / HF intermediate_size is each expert's width.
 */
export const mixtral: ArchitectureModule = {
  name: "mixtral",
  hfModelTypes: ["mixtral"],
  ggufArchitectures: ["llama"],
  ggufMatches: (g) => Number(g.get("expert_count") ?? 0) > 0,
  configFromHf: (c) => {
    const config = decoderConfigFromHf(c, "mixtral");
    c.oneOf("hidden_act", ["silu"], "silu");
    const count = c.int("num_local_experts");
    const used = c.int("num_experts_per_tok", 2);
    if (used > count) c.fail("num_experts_per_tok", `at most num_local_experts ${count}`);
    const window = c.has("sliding_window") ? c.int("sliding_window") : 0;
    const experts = { count, used, intermediateSize: config.intermediateSize, normTopK: true };
    return withWindowOnEveryLayer({ ...config, experts }, window);
  },
  configFromGguf: (g) => {
    const config = decoderConfigFromGguf(g, "mixtral");
    const count = g.int("expert_count", MAX_EXPERTS);
    const used = g.int("expert_used_count", count);
    const window = g.count("attention.sliding_window", MAX_WIDTH * 256, 0);
    const experts = { count, used, intermediateSize: config.intermediateSize, normTopK: true };
    return withWindowOnEveryLayer({ ...config, experts }, window);
  },
  ggufNames: {
    ...DECODER_GGUF_NAMES,
    layer: {
      ...DECODER_GGUF_NAMES.layer,
      ffn_gate_inp: "block_sparse_moe.gate",
      ffn_gate_exps: "block_sparse_moe.experts.w1",
      ffn_up_exps: "block_sparse_moe.experts.w3",
      ffn_down_exps: "block_sparse_moe.experts.w2",
    },
  },
  fixUp: (tensors, config, source, fileName) => {
    if (source === "huggingface") return;
    unpermuteQk(tensors, config, fileName);
    for (let l = 0; l < config.nLayers; l++) {
      const moe = `model.layers.${l}.block_sparse_moe.experts`;
      for (const w of ["w1", "w2", "w3"]) {
        const nameOf = (e: number) => `${moe}.${e}.${w}.weight`;
        splitExperts(tensors, `${moe}.${w}.weight`, nameOf, config.experts!.count, fileName);
      }
    }
  },
  create: (config, store, kernels) => {
    const { hiddenSize: dim, nHeads, nKvHeads, headDim: hd } = config;
    const { count, intermediateSize: ff } = config.experts!;
    return new PreNormDecoder(
      config,
      store,
      kernels,
      Array.from({ length: config.nLayers }, (_, i) => {
        const s = store.scope(`model.layers.${i}`);
        const moe = s.scope("block_sparse_moe");
        return {
          attnNorm: toF32(s.get("input_layernorm.weight", [dim]), kernels),
          attn: {
            wq: s.get("self_attn.q_proj.weight", [nHeads * hd, dim]),
            wk: s.get("self_attn.k_proj.weight", [nKvHeads * hd, dim]),
            wv: s.get("self_attn.v_proj.weight", [nKvHeads * hd, dim]),
            wo: s.get("self_attn.o_proj.weight", [dim, nHeads * hd]),
            window: config.slidingWindow?.size ?? 0,
          },
          ffnNorm: toF32(s.get("post_attention_layernorm.weight", [dim]), kernels),
          ffn: {
            router: moe.get("gate.weight", [count, dim]),
            experts: Array.from({ length: count }, (_, e) => ({
              gate: moe.get(`experts.${e}.w1.weight`, [ff, dim]),
              up: moe.get(`experts.${e}.w3.weight`, [ff, dim]),
              down: moe.get(`experts.${e}.w2.weight`, [dim, ff]),
            })),
          },
        };
      }),
    );
  },
  describe: (config) => describeExperts(config),
};

/** `nextoken info` lines of a mixture-of-experts config (mixtral, qwen3_moe). */
export function describeExperts(config: import("./types.js").ModelConfig): Array<[string, string]> {
  const x = config.experts!;
  const rows: Array<[string, string]> = [
    [
      "experts",
      `${x.count}, ${x.used} per token (width ${x.intermediateSize}${x.normTopK ? ", weights renormalised" : ""})`,
    ],
  ];
  if (config.slidingWindow) rows.push(["sliding window", `${config.slidingWindow.size} on every layer`]);
  return rows;
}
