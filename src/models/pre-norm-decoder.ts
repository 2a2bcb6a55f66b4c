import type { Kernels } from "../tensor/kernels.js";
import { toF32 } from "../tensor/rows.js";
import type { Tensor, TensorStore } from "../tensor/tensor.js";
import { selfAttention, type AttentionShape, type AttentionWeights } from "./attention-block.js";
import { runInChunks, Scratch, type CausalLM, type LogitRows } from "./causal-lm.js";
import { gatedFfn, type GatedWeights } from "./feed-forward.js";
import type { KvCache } from "./kv-cache.js";
import { MoeBuffers, moeFfn, type MoeWeights, type RoutingObserver } from "./moe.js";
import { ropeInverseFrequencies } from "./rope-frequencies.js";
import type { ModelConfig } from "./types.js";

/**
 * The Llama-shaped decoder that qwen3, phi3, mixtral and qwen3_moe share; their modules map their
 * tensors onto these layers. Per layer: x += attn(rmsnorm(x)); x += ffn(rmsnorm(x)), the ffn dense
 * (SwiGLU) or a mixture of experts; then rmsnorm and the head.
 * Legend: n = positions in the chunk, dim = width, V = vocabulary.
 */

export interface DecoderLayer {
  attnNorm: Float32Array; // (dim,)
  attn: AttentionWeights;
  ffnNorm: Float32Array; // (dim,)
  ffn: GatedWeights | MoeWeights;
}

export class PreNormDecoder implements CausalLM {
  /** Sees every token's expert choice (MoE layers), for tests and inspection. */
  observeRouting: RoutingObserver | undefined;
  private readonly embed: Tensor; // (V, dim)
  private readonly finalNorm: Float32Array; // (dim,)
  private readonly head: Tensor; // (V, dim)
  private readonly invFreq: Float64Array; // (R/2,)
  private readonly shape: AttentionShape;
  private readonly moe: MoeBuffers | undefined;
  private readonly scratch: Scratch;

  constructor(
    readonly config: ModelConfig,
    store: TensorStore,
    readonly kernels: Kernels,
    private readonly layers: DecoderLayer[],
  ) {
    const { vocabSize: V, hiddenSize: dim, headDim: hd } = config;
    this.scratch = new Scratch(kernels);
    this.embed = store.get("model.embed_tokens.weight", [V, dim]);
    this.finalNorm = toF32(store.get("model.norm.weight", [dim]), kernels);
    this.head = config.tiedEmbeddings ? this.embed : store.get("lm_head.weight", [V, dim]);
    const rotaryDim = config.rotaryDim ?? hd;
    this.invFreq = ropeInverseFrequencies(config, undefined, config.ropeTheta, rotaryDim);
    this.shape = {
      nHeads: config.nHeads,
      nKvHeads: config.nKvHeads,
      headDim: hd,
      rotaryDim,
      eps: config.normEps,
      qScale: 1,
    };
    this.moe = config.experts && new MoeBuffers(config.experts);
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
    const { hiddenSize: dim, normEps: eps } = this.config;
    const start = cache.length;
    cache.reserve(start + n);
    const sc = this.scratch;
    const x = sc.get("x", n * dim); // residual stream (n, dim)
    const xb = sc.get("xb", n * dim); // normed input (n, dim)
    const proj = sc.get("proj", n * dim); // block output before the residual (n, dim)
    const half = this.shape.rotaryDim / 2;
    const cos = sc.get("cos", n * half);
    const sin = sc.get("sin", n * half);
    const row = sc.get("row", dim);

    // token embeddings, RoPE tables for these positions
    for (let t = 0; t < n; t++) k.decodeRow(x.subarray(t * dim, (t + 1) * dim), this.embed, tokens[from + t]);
    k.ropeTables(cos, sin, this.invFreq, start, n);

    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      // attention rmsnorm, attention (writes the cache), residual
      k.rmsnorm(xb, x, L.attnNorm, eps, n, dim);
      selfAttention(k, sc, cache, l, L.attn, this.shape, xb, n, start, cos, sin, proj);
      k.addInPlace(x, proj, n * dim);
      // ffn rmsnorm, SwiGLU or mixture of experts, residual
      k.rmsnorm(xb, x, L.ffnNorm, eps, n, dim);
      if ("router" in L.ffn) moeFfn(k, sc, L.ffn, this.moe!, xb, n, proj, l, start, this.observeRouting);
      else gatedFfn(k, sc, L.ffn, "silu", xb, n, proj);
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
