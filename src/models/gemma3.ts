import { UnsupportedError } from "../errors.js";
import { MAX_WIDTH } from "../formats/gguf-model.js";
import type { Kernels } from "../tensor/kernels.js";
import { toF32 } from "../tensor/rows.js";
import type { Tensor, TensorStore } from "../tensor/tensor.js";
import type { ArchitectureModule } from "./architecture.js";
import { selfAttention, type AttentionShape, type AttentionWeights } from "./attention-block.js";
import { runInChunks, Scratch, type CausalLM, type LogitRows } from "./causal-lm.js";
import { decoderConfigFromGguf, decoderConfigFromHf, DECODER_GGUF_NAMES } from "./decoder-config.js";
import { gatedFfn, type GatedWeights } from "./feed-forward.js";
import type { KvCache } from "./kv-cache.js";
import { ropeInverseFrequencies } from "./rope-frequencies.js";
import type { ModelConfig } from "./types.js";

/**
 * Gemma 3, text only (HF Gemma3ForCausalLM, model_type gemma3_text; GGUF `gemma3`).
 * - embeddings scaled by sqrt(hidden) (rounded to float32, as HF and llama.cpp do); tied head;
 * - every RMSNorm is (1 + w) * x / rms(x) in HF; GGUF stores 1 + w (convert_hf_to_gguf adds 1 to
 *   each *norm.weight), so fixUp adds 1 to the HF weights and both run a plain RMSNorm;
 * - norms before and after attention and feed-forward; per-head q/k norm before RoPE;
 * - GELU-tanh gated feed-forward (hidden_activation gelu_pytorch_tanh);
 * - sliding (local) layers see the last sliding_window positions and use rope_local_base_freq
 *   (GGUF rope.freq_base_swa); global layers full causal attention with rope_theta. HF layer i is
 *   local iff (i + 1) % sliding_window_pattern != 0 (or config layer_types); GGUF
 *   sliding_window_pattern (default 6, as llama.cpp) or a per-layer bool array;
 * - scores q.k / sqrt(query_pre_attn_scalar) (GGUF: 1/sqrt(key_length), as llama.cpp);
 * - logits = cap * tanh(logits / cap) when final_logit_softcapping is set;
 * - rope_scaling "linear" (the 4B+ models) divides the global layers' frequencies by its factor.
 * Tensors (HF ↔ GGUF): input_layernorm ↔ attn_norm, post_attention_layernorm ↔
 * post_attention_norm, pre_feedforward_layernorm ↔ ffn_norm, post_feedforward_layernorm ↔
 * post_ffw_norm, self_attn.q_norm / k_norm ↔ attn_q_norm / attn_k_norm.
 * Legend: n = positions in the chunk, dim = width, hd = head size, ff = inner width, V = vocabulary.
 */
export const gemma3: ArchitectureModule = {
  name: "gemma3",
  hfModelTypes: ["gemma3_text"],
  ggufArchitectures: ["gemma3"],
  configFromHf: (c) => {
    const base = decoderConfigFromHf(c, "gemma3");
    c.oneOf("hidden_activation", ["gelu_pytorch_tanh"], "gelu_pytorch_tanh");
    if (c.has("attn_logit_softcapping"))
      throw new UnsupportedError(`${c.fileName}: attn_logit_softcapping (attention soft-capping) is not supported`);
    const nLayers = base.nLayers;
    let layers: boolean[];
    if (c.has("layer_types")) {
      const types = c.json.layer_types as unknown[];
      if (
        !Array.isArray(types) ||
        types.length !== nLayers ||
        !types.every((t) => t === "sliding_attention" || t === "full_attention")
      )
        c.fail("layer_types", `${nLayers} of "sliding_attention" / "full_attention"`);
      layers = types.map((t) => t === "sliding_attention");
    } else {
      const pattern = c.int("sliding_window_pattern", 6);
      layers = Array.from({ length: nLayers }, (_, i) => (i + 1) % pattern !== 0);
    }
    const config: ModelConfig = {
      ...base,
      contextLength: c.int("max_position_embeddings", 131072),
      headDim: c.int("head_dim", 256),
      tiedEmbeddings: c.bool("tie_word_embeddings", true),
      qkNorm: true,
      queryPreAttnScalar: c.num("query_pre_attn_scalar", 256),
      slidingWindow: {
        size: c.int("sliding_window", 4096),
        layers,
        ropeTheta: c.num("rope_local_base_freq", 10000),
      },
    };
    const cap = c.optionalNum("final_logit_softcapping");
    if (cap !== undefined) config.finalLogitSoftcap = cap;
    return config;
  },
  configFromGguf: (g) => {
    const base = decoderConfigFromGguf(g, "gemma3");
    if (g.has("attn_logit_softcapping"))
      throw new UnsupportedError(`${g.fileName}: ${g.key("attn_logit_softcapping")} (attention soft-capping) is not supported`);
    const pattern = g.get("attention.sliding_window_pattern");
    let layers: boolean[];
    if (Array.isArray(pattern)) {
      if (pattern.length !== base.nLayers || !pattern.every((p) => typeof p === "boolean"))
        g.fail("attention.sliding_window_pattern", `an integer or ${base.nLayers} booleans`);
      layers = pattern as boolean[];
    } else {
      const p = g.int("attention.sliding_window_pattern", MAX_WIDTH, 6);
      layers = Array.from({ length: base.nLayers }, (_, i) => i % p < p - 1);
    }
    // llama.cpp reads no scalar: 1/sqrt(key_length), but hidden/n_head for the 62-layer 27B.
    const scalar = base.nLayers === 62 ? base.hiddenSize / base.nHeads : base.headDim;
    const config: ModelConfig = {
      ...base,
      qkNorm: true,
      queryPreAttnScalar: scalar,
      slidingWindow: {
        size: g.int("attention.sliding_window", 1 << 24),
        layers,
        ropeTheta: g.real("rope.freq_base_swa", 10000),
      },
    };
    // llama.cpp scales the global layers' positions by rope.scaling.factor (linear) only
    if (g.get("rope.scaling.type") === "linear")
      config.ropeScaling = { type: "linear", factor: g.real("rope.scaling.factor", 1) };
    else if (g.has("rope.scaling.type")) g.fail("rope.scaling.type", '"linear" or absent');
    if (g.has("final_logit_softcapping")) config.finalLogitSoftcap = g.real("final_logit_softcapping", 0);
    return config;
  },
  ggufNames: {
    ...DECODER_GGUF_NAMES,
    layer: {
      ...DECODER_GGUF_NAMES.layer,
      post_attention_norm: "post_attention_layernorm",
      ffn_norm: "pre_feedforward_layernorm",
      post_ffw_norm: "post_feedforward_layernorm",
    },
  },
  // HF stores w of (1 + w) * x / rms(x); GGUF already holds 1 + w.
  fixUp: (tensors, _config, source) => {
    if (source !== "huggingface") return;
    for (const [name, t] of tensors) {
      if (!name.endsWith("norm.weight")) continue;
      const w = Float32Array.from(toF32(t), (v) => 1 + v);
      tensors.set(name, { name, dtype: "f32", shape: t.shape, bytes: new Uint8Array(w.buffer) });
    }
  },
  create: (config, store, kernels) => new Gemma3Model(config, store, kernels),
  describe: (config) => {
    const w = config.slidingWindow!;
    const local = w.layers.flatMap((on, i) => (on ? [i] : []));
    const rows: Array<[string, string]> = [
      [
        "sliding window",
        `${w.size} on layers ${local.join(", ") || "none"} (local rope theta ${w.ropeTheta})` +
          (w.size >= config.contextLength ? ", no effect: at least the context" : ""),
      ],
      ["q/k norm", "per-head RMSNorm before RoPE"],
      ["norms", "pre and post attention and feed-forward; (1 + w) in HF"],
      ["activation", "GELU-tanh gated feed-forward"],
      ["soft-cap", config.finalLogitSoftcap ? `final logits ${config.finalLogitSoftcap}` : "none"],
    ];
    return rows;
  },
};

interface Gemma3Layer {
  attnNorm: Float32Array; // (dim,) input_layernorm, 1 + w
  attn: AttentionWeights;
  postAttnNorm: Float32Array; // (dim,)
  preFfnNorm: Float32Array; // (dim,)
  ffn: GatedWeights;
  postFfnNorm: Float32Array; // (dim,)
  local: boolean;
}

class Gemma3Model implements CausalLM {
  private readonly embed: Tensor; // (V, dim), also the head
  private readonly embedScale: number;
  private readonly layers: Gemma3Layer[];
  private readonly finalNorm: Float32Array; // (dim,)
  private readonly invFreqGlobal: Float64Array; // (hd/2,)
  private readonly invFreqLocal: Float64Array; // (hd/2,)
  private readonly shape: AttentionShape;
  private readonly scratch: Scratch;

  constructor(
    readonly config: ModelConfig,
    store: TensorStore,
    readonly kernels: Kernels,
  ) {
    const { vocabSize: V, hiddenSize: dim, nHeads, nKvHeads, headDim: hd, intermediateSize: ff } = config;
    const window = config.slidingWindow!;
    const qDim = nHeads * hd;
    const kvDim = nKvHeads * hd;
    this.scratch = new Scratch(kernels);
    this.embed = store.get("model.embed_tokens.weight", [V, dim]);
    this.embedScale = Math.fround(Math.sqrt(dim));
    const norm = (s: TensorStore, name: string, size = dim) => toF32(s.get(`${name}.weight`, [size]), kernels);
    this.layers = Array.from({ length: config.nLayers }, (_, i) => {
      const s = store.scope(`model.layers.${i}`);
      const local = window.layers[i];
      return {
        attnNorm: norm(s, "input_layernorm"),
        attn: {
          wq: s.get("self_attn.q_proj.weight", [qDim, dim]),
          wk: s.get("self_attn.k_proj.weight", [kvDim, dim]),
          wv: s.get("self_attn.v_proj.weight", [kvDim, dim]),
          qNorm: norm(s, "self_attn.q_norm", hd),
          kNorm: norm(s, "self_attn.k_norm", hd),
          wo: s.get("self_attn.o_proj.weight", [dim, qDim]),
          // a window at least the context is no window
          window: local && window.size < config.contextLength ? window.size : 0,
        },
        postAttnNorm: norm(s, "post_attention_layernorm"),
        preFfnNorm: norm(s, "pre_feedforward_layernorm"),
        ffn: {
          gate: s.get("mlp.gate_proj.weight", [ff, dim]),
          up: s.get("mlp.up_proj.weight", [ff, dim]),
          down: s.get("mlp.down_proj.weight", [dim, ff]),
        },
        postFfnNorm: norm(s, "post_feedforward_layernorm"),
        local,
      };
    });
    this.finalNorm = norm(store, "model.norm");
    this.invFreqGlobal = ropeInverseFrequencies(config);
    this.invFreqLocal = ropeInverseFrequencies({ ...config, ropeScaling: undefined }, undefined, window.ropeTheta);
    this.shape = {
      nHeads,
      nKvHeads,
      headDim: hd,
      rotaryDim: hd,
      eps: config.normEps,
      qScale: Math.sqrt(hd / (config.queryPreAttnScalar ?? hd)),
    };
  }

  forward(cache: KvCache, tokens: ArrayLike<number>, allLogits: boolean, out: Float32Array): void {
    runInChunks(tokens, allLogits, this.config.vocabSize, out, (from, n, rows, chunkOut) =>
      this.forwardChunk(cache, tokens, from, n, rows, chunkOut),
    );
  }

  private forwardChunk(
    cache: KvCache,
    tokens: ArrayLike<number>,
    from: number,
    n: number,
    logits: LogitRows,
    out: Float32Array,
  ): void {
    const k = this.kernels;
    const { hiddenSize: dim, headDim: hd, normEps: eps, vocabSize: V } = this.config;
    const start = cache.length;
    cache.reserve(start + n);
    const sc = this.scratch;
    const x = sc.get("x", n * dim); // residual stream (n, dim)
    const xb = sc.get("xb", n * dim); // normed input (n, dim)
    const proj = sc.get("proj", n * dim); // block output (n, dim)
    const normed = sc.get("normed", n * dim); // block output after its post-norm (n, dim)
    const cosG = sc.get("cosGlobal", (n * hd) / 2);
    const sinG = sc.get("sinGlobal", (n * hd) / 2);
    const cosL = sc.get("cosLocal", (n * hd) / 2);
    const sinL = sc.get("sinLocal", (n * hd) / 2);
    const row = sc.get("row", dim);

    // token embeddings * sqrt(dim); RoPE tables of both bases
    for (let t = 0; t < n; t++) {
      const xt = x.subarray(t * dim, (t + 1) * dim);
      k.decodeRow(xt, this.embed, tokens[from + t]);
      for (let i = 0; i < dim; i++) xt[i] *= this.embedScale;
    }
    k.ropeTables(cosG, sinG, this.invFreqGlobal, start, n);
    k.ropeTables(cosL, sinL, this.invFreqLocal, start, n);

    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      // input norm, attention (local: window and local RoPE), post-attention norm, residual
      k.rmsnorm(xb, x, L.attnNorm, eps, n, dim);
      const cos = L.local ? cosL : cosG;
      const sin = L.local ? sinL : sinG;
      selfAttention(k, sc, cache, l, L.attn, this.shape, xb, n, start, cos, sin, proj);
      k.rmsnorm(normed, proj, L.postAttnNorm, eps, n, dim);
      k.addInPlace(x, normed, n * dim);
      // pre-feed-forward norm, GELU-tanh gated feed-forward, post-feed-forward norm, residual
      k.rmsnorm(xb, x, L.preFfnNorm, eps, n, dim);
      gatedFfn(k, sc, L.ffn, "gelu_tanh", xb, n, proj);
      k.rmsnorm(normed, proj, L.postFfnNorm, eps, n, dim);
      k.addInPlace(x, normed, n * dim);
    }
    cache.length = start + n;
    if (logits === "none") return;

    // final norm, tied head, optional soft-cap, for the rows asked for
    const first = logits === "all" ? 0 : n - 1;
    const rows = n - first;
    k.rmsnorm(xb, x.subarray(first * dim), this.finalNorm, eps, rows, dim);
    k.matmul(out, xb, this.embed, rows, row);
    const cap = this.config.finalLogitSoftcap;
    if (cap !== undefined) for (let i = 0; i < rows * V; i++) out[i] = cap * Math.tanh(out[i] / cap);
  }
}
