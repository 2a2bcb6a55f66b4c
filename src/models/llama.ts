import type { HfConfig } from "../formats/hf-config.js";
import type { Kernels } from "../tensor/kernels.js";
import { toF32 } from "../tensor/rows.js";
import type { Tensor, TensorStore } from "../tensor/tensor.js";
import type { ArchitectureModule } from "./architecture.js";
import { decoderConfigFromGguf, decoderConfigFromHf, DECODER_GGUF_NAMES, unpermuteQk } from "./decoder-config.js";
import { runInChunks, Scratch, type CausalLM, type LogitRows } from "./causal-lm.js";
import type { KvCache } from "./kv-cache.js";
import { ropeInverseFrequencies } from "./rope-frequencies.js";
import type { ModelConfig } from "./types.js";

/**
 * Llama (1/2/3, TinyLlama, SmolLM, Mistral without sliding window) and Qwen2 (q/k/v biases):
 * pre-RMSNorm blocks, rotary attention with grouped KV heads, SwiGLU feed-forward.
 * Legend: n = positions in the chunk, dim = hidden size, hd = head size, qDim = nHeads * hd,
 * kvDim = nKvHeads * hd, ff = intermediate size, V = vocabulary.
 * q/k rows are in Hugging Face's rotate_half layout; fixUp converts interleaved checkpoints.
 */

/**
 * Llama: HF model_type llama / mistral, GGUF `llama` without experts (those are mixtral's), llama2.c.
 * Sliding-window attention (Mistral) is not implemented here: the context is capped at the window.
 */
export const llama: ArchitectureModule = {
  name: "llama",
  hfModelTypes: ["llama", "mistral"],
  ggufArchitectures: ["llama"],
  ggufMatches: (g) => !g.has("expert_count") || g.get("expert_count") === 0,
  configFromHf: (c) => llamaConfigFromHf(c, "llama"),
  configFromGguf: (g) => decoderConfigFromGguf(g, "llama"),
  ggufNames: DECODER_GGUF_NAMES,
  // llama.cpp's `llama` and llama2.c store q/k for RoPE on adjacent pairs.
  fixUp: (tensors, config, source, fileName) => {
    if (source !== "huggingface") unpermuteQk(tensors, config, fileName);
  },
  create: (config, store, kernels) => new LlamaModel(config, store, kernels),
};

/** config.json of llama and qwen2: silu only; a sliding window caps the context (not implemented). */
export function llamaConfigFromHf(c: HfConfig, architecture: string): ReturnType<typeof decoderConfigFromHf> {
  const config = decoderConfigFromHf(c, architecture);
  c.oneOf("hidden_act", ["silu"], "silu");
  const window = c.json.sliding_window;
  const windowOn = architecture === "qwen2" ? c.json.use_sliding_window === true : true;
  if (windowOn && typeof window === "number" && window > 0 && window < config.contextLength)
    config.contextLength = window;
  if (architecture === "qwen2") config.attentionBias = true;
  return config;
}

interface LlamaLayer {
  attnNorm: Float32Array; // (dim,)
  wq: Tensor; // (qDim, dim)
  wk: Tensor; // (kvDim, dim)
  wv: Tensor; // (kvDim, dim)
  bq?: Float32Array; // (qDim,) qwen2
  bk?: Float32Array; // (kvDim,)
  bv?: Float32Array; // (kvDim,)
  wo: Tensor; // (dim, qDim)
  ffnNorm: Float32Array; // (dim,)
  wGate: Tensor; // (ff, dim)
  wUp: Tensor; // (ff, dim)
  wDown: Tensor; // (dim, ff)
}

export class LlamaModel implements CausalLM {
  private readonly embed: Tensor; // (V, dim)
  private readonly layers: LlamaLayer[];
  private readonly finalNorm: Float32Array; // (dim,)
  private readonly head: Tensor; // (V, dim)
  private readonly invFreq: Float64Array; // (hd/2,)
  private readonly scratch: Scratch;

  constructor(
    readonly config: ModelConfig,
    store: TensorStore,
    readonly kernels: Kernels,
  ) {
    this.scratch = new Scratch(kernels);
    const { vocabSize: V, hiddenSize: dim, nHeads, nKvHeads, headDim: hd, intermediateSize: ff } = config;
    const qDim = nHeads * hd;
    const kvDim = nKvHeads * hd;
    this.embed = store.get("model.embed_tokens.weight", [V, dim]);
    this.layers = Array.from({ length: config.nLayers }, (_, i) => {
      const s = store.scope(`model.layers.${i}`);
      const bias = (name: string, size: number) =>
        config.attentionBias ? toF32(s.get(name, [size]), kernels) : undefined;
      return {
        attnNorm: toF32(s.get("input_layernorm.weight", [dim]), kernels),
        wq: s.get("self_attn.q_proj.weight", [qDim, dim]),
        wk: s.get("self_attn.k_proj.weight", [kvDim, dim]),
        wv: s.get("self_attn.v_proj.weight", [kvDim, dim]),
        bq: bias("self_attn.q_proj.bias", qDim),
        bk: bias("self_attn.k_proj.bias", kvDim),
        bv: bias("self_attn.v_proj.bias", kvDim),
        wo: s.get("self_attn.o_proj.weight", [dim, qDim]),
        ffnNorm: toF32(s.get("post_attention_layernorm.weight", [dim]), kernels),
        wGate: s.get("mlp.gate_proj.weight", [ff, dim]),
        wUp: s.get("mlp.up_proj.weight", [ff, dim]),
        wDown: s.get("mlp.down_proj.weight", [dim, ff]),
      };
    });
    this.finalNorm = toF32(store.get("model.norm.weight", [dim]), kernels);
    this.head = config.tiedEmbeddings ? this.embed : store.get("lm_head.weight", [V, dim]);
    const factors = store.maybe("rope_freqs.weight", [hd / 2]);
    this.invFreq = ropeInverseFrequencies(config, factors && toF32(factors));
  }

  forward(cache: KvCache, tokens: ArrayLike<number>, allLogits: boolean, out: Float32Array): void {
    runInChunks(tokens, allLogits, this.config.vocabSize, out, (from, n, rows, chunkOut) =>
      this.forwardChunk(cache, tokens, from, n, rows, chunkOut),
    );
  }

  /** Runs tokens[from..from+n) at the cache's next positions. */
  private forwardChunk(
    cache: KvCache,
    tokens: ArrayLike<number>,
    from: number,
    n: number,
    logits: LogitRows,
    out: Float32Array,
  ): void {
    const k = this.kernels;
    const {
      hiddenSize: dim,
      nHeads,
      nKvHeads,
      headDim: hd,
      intermediateSize: ff,
      normEps: eps,
    } = this.config;
    const qDim = nHeads * hd;
    const kvDim = nKvHeads * hd;
    const start = cache.length;
    cache.reserve(start + n);
    const sc = this.scratch;
    const x = sc.get("x", n * dim); // residual stream (n, dim)
    const xb = sc.get("xb", n * dim); // normed input (n, dim)
    const q = sc.get("q", n * qDim); // (n, qDim)
    const kv = sc.get("kv", n * kvDim); // new keys or values (n, kvDim)
    const attOut = sc.get("attOut", n * qDim); // (n, qDim)
    const proj = sc.get("proj", n * dim); // block output before the residual (n, dim)
    const gate = sc.get("gate", n * ff); // (n, ff)
    const up = sc.get("up", n * ff); // (n, ff)
    const att = sc.get("att", start + n); // attention weights of one query (positions,)
    const row = sc.get("row", Math.max(dim, ff, qDim)); // one decoded weight row
    const cos = sc.get("cos", (n * hd) / 2);
    const sin = sc.get("sin", (n * hd) / 2);

    // token embeddings
    for (let t = 0; t < n; t++) k.decodeRow(x.subarray(t * dim, (t + 1) * dim), this.embed, tokens[from + t]);
    k.ropeTables(cos, sin, this.invFreq, start, n);

    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      // attention rmsnorm
      k.rmsnorm(xb, x, L.attnNorm, eps, n, dim);
      // q, k, v projections (+ biases), rotary embedding on q and k, k and v appended to the cache
      k.matmul(q, xb, L.wq, n, row);
      if (L.bq) k.addBias(q, L.bq, n, qDim);
      k.rope(q, cos, sin, n, nHeads, hd);
      k.matmul(kv, xb, L.wk, n, row);
      if (L.bk) k.addBias(kv, L.bk, n, kvDim);
      k.rope(kv, cos, sin, n, nKvHeads, hd);
      cache.setKeys(l, kv.subarray(0, n * kvDim), start);
      k.matmul(kv, xb, L.wv, n, row);
      if (L.bv) k.addBias(kv, L.bv, n, kvDim);
      cache.setValues(l, kv.subarray(0, n * kvDim), start);
      // causal attention over the cache, output projection, residual
      k.attention(attOut, q, cache.keys[l], cache.values[l], att, start, n, nHeads, nKvHeads, hd);
      k.matmul(proj, attOut, L.wo, n, row);
      k.addInPlace(x, proj, n * dim);
      // ffn rmsnorm, SwiGLU: down(silu(gate(x)) * up(x)), residual
      k.rmsnorm(xb, x, L.ffnNorm, eps, n, dim);
      k.matmul(gate, xb, L.wGate, n, row);
      k.matmul(up, xb, L.wUp, n, row);
      k.swiglu(gate, up, n * ff);
      k.matmul(proj, gate, L.wDown, n, row);
      k.addInPlace(x, proj, n * dim);
    }
    cache.length = start + n;
    if (logits === "none") return;

    // final rmsnorm and output head, for the rows asked for
    const first = logits === "all" ? 0 : n - 1;
    const rows = n - first;
    k.rmsnorm(xb, x.subarray(first * dim), this.finalNorm, eps, rows, dim);
    k.matmul(out, xb, this.head, rows, row);
  }
}
