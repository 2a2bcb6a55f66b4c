import { ropeInverseFrequencies } from "../models/rope-frequencies.js";
import type { ModelConfig } from "../models/types.js";
import { ropeTables } from "../tensor/ops.js";
import { attentionBackward, attentionForward } from "./attention.js";
import { crossEntropy, crossEntropyLoss } from "./cross-entropy.js";
import { embedBackward, embedForward } from "./embedding.js";
import { linearBackward, linearForward, type LinearScratch } from "./linear.js";
import type { Floats, Matmul } from "./matmul.js";
import { rmsnormBackward, rmsnormForward } from "./rmsnorm.js";
import { rotate } from "./rope.js";
import type { TrainRng } from "./rng.js";
import { swigluBackward, swigluForward } from "./swiglu.js";
import { elementCount } from "../tensor/tensor.js";

/**
 * The trained architecture, with its forward and backward passes: Llama-style (the engine's
 * src/models/llama.ts runs the result unchanged) — pre-RMSNorm blocks, rotate_half RoPE attention,
 * SwiGLU feed-forward, output head tied to the token embedding, no biases.
 * Legend: B sequences of T positions, N = B*T rows, dim = width, H heads of hd, ff = feed-forward
 * width, V = vocabulary. q/k/v are one fused projection (rows q | k | v) and gate/up another
 * (rows gate | up); export slices them into the Hugging Face tensors.
 */

export interface TrainConfig {
  vocabSize: number;
  /** Residual width (HF hidden_size). */
  dim: number;
  nLayers: number;
  nHeads: number;
  /** Feed-forward width (HF intermediate_size). */
  ff: number;
  /** Longest sequence trained on (HF max_position_embeddings). */
  contextLength: number;
  normEps: number;
  ropeTheta: number;
}

/** One parameter tensor inside the flat parameter vector. */
export interface ParamTensor {
  /** Hugging Face name (the fused qkv / gate-up entries are split on export). */
  name: string;
  offset: number;
  shape: number[];
  /** Weight decay applies (matrices), or not (norm gains). */
  decay: boolean;
}

/** The flat parameter vector's layout, embedding first. */
export function paramLayout(c: TrainConfig): { tensors: ParamTensor[]; count: number } {
  const tensors: ParamTensor[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], decay: boolean) => {
    tensors.push({ name, offset, shape, decay });
    offset += elementCount(shape);
  };
  add("model.embed_tokens.weight", [c.vocabSize, c.dim], true);
  for (let l = 0; l < c.nLayers; l++) {
    const p = `model.layers.${l}`;
    add(`${p}.input_layernorm.weight`, [c.dim], false);
    add(`${p}.self_attn.qkv_proj.weight`, [3 * c.dim, c.dim], true);
    add(`${p}.self_attn.o_proj.weight`, [c.dim, c.dim], true);
    add(`${p}.post_attention_layernorm.weight`, [c.dim], false);
    add(`${p}.mlp.gate_up_proj.weight`, [2 * c.ff, c.dim], true);
    add(`${p}.mlp.down_proj.weight`, [c.dim, c.ff], true);
  }
  add("model.norm.weight", [c.dim], false);
  return { tensors, count: offset };
}

/** The engine's ModelConfig of a trained model (what config.json describes). */
export function engineConfig(c: TrainConfig): ModelConfig {
  return {
    architecture: "llama",
    vocabSize: c.vocabSize,
    contextLength: c.contextLength,
    hiddenSize: c.dim,
    intermediateSize: c.ff,
    nLayers: c.nLayers,
    nHeads: c.nHeads,
    nKvHeads: c.nHeads,
    headDim: c.dim / c.nHeads,
    normEps: c.normEps,
    ropeTheta: c.ropeTheta,
    tiedEmbeddings: true,
    attentionBias: false,
  };
}

/**
 * GPT-2's initialisation: weights N(0, 0.02), the two projections into the residual stream scaled by
 * 1/sqrt(2 nLayers) so the stream's variance does not grow with depth; norm gains 1.
 */
export function initParams(params: Floats, c: TrainConfig, rng: TrainRng): void {
  const residualStd = 0.02 / Math.sqrt(2 * c.nLayers);
  for (const t of paramLayout(c).tensors) {
    const size = elementCount(t.shape);
    const std = /o_proj|down_proj/.test(t.name) ? residualStd : 0.02;
    for (let i = t.offset; i < t.offset + size; i++) params[i] = t.decay ? std * rng.normal() : 1;
  }
}

interface LayerParams {
  attnNorm: Floats; // (dim,)
  wqkv: Floats; // (3 dim, dim)
  wo: Floats; // (dim, dim)
  ffnNorm: Floats; // (dim,)
  wgu: Floats; // (2 ff, dim)
  wDown: Floats; // (dim, ff)
}

interface LayerActivations {
  xIn: Floats; // (N, dim) residual stream entering the block
  r1: Float64Array; // (N,) 1/rms of xIn
  xb1: Floats; // (N, dim) normed xIn
  qkv: Floats; // (N, 3 dim) q and k rotated
  probs: Floats; // (B, H, T, T) attention probabilities
  att: Floats; // (N, dim) attention output before o_proj
  xMid: Floats; // (N, dim) residual stream after attention
  r2: Float64Array; // (N,)
  xb2: Floats; // (N, dim)
  gu: Floats; // (N, 2 ff) gate | up
  h: Floats; // (N, ff) swiglu output
}

/** Floats of one TrainModel's memory, in the order the constructor carves them. */
function memoryPlan(c: TrainConfig, B: number, T: number): [string, number][] {
  const N = B * T;
  const { count } = paramLayout(c);
  const plan: [string, number][] = [
    ["params", count],
    ["grads", count],
  ];
  for (let l = 0; l < c.nLayers; l++) {
    const sizes: [string, number][] = [
      ["xIn", N * c.dim],
      ["xb1", N * c.dim],
      ["qkv", N * 3 * c.dim],
      ["probs", B * c.nHeads * T * T],
      ["att", N * c.dim],
      ["xMid", N * c.dim],
      ["xb2", N * c.dim],
      ["gu", N * 2 * c.ff],
      ["h", N * c.ff],
    ];
    for (const [name, size] of sizes) plan.push([`${l}.${name}`, size]);
  }
  const widest = Math.max(c.vocabSize, 3 * c.dim, 2 * c.ff);
  plan.push(
    ["xOut", N * c.dim],
    ["xf", N * c.dim],
    ["logits", N * c.vocabSize],
    ["proj", N * c.dim],
    ["dx", N * c.dim],
    ["dxb", N * c.dim],
    ["dtmp", N * c.dim],
    ["dqkv", N * 3 * c.dim],
    ["datt", N * c.dim],
    ["dgu", N * 2 * c.ff],
    ["dh", N * c.ff],
    ["wT", widest * Math.max(c.dim, c.ff)],
    ["dyT", N * widest],
    ["xT", N * Math.max(c.dim, c.ff)],
  );
  return plan;
}

/**
 * A Llama-style model being trained on batches of B sequences of T tokens. All memory is allocated
 * once (one block, so worker threads can share it); a step allocates nothing.
 */
export class TrainModel {
  /** All parameters, flat (paramLayout). */
  readonly params: Floats;
  /** ∂loss/∂params after lossAndGrad, same layout. */
  readonly grads: Floats;
  /** Logits (B*T, V) of the last forward pass. */
  readonly logits: Floats;
  private readonly a: Record<string, Floats> = {};
  private readonly layers: LayerParams[] = [];
  private readonly layerGrads: LayerParams[] = [];
  private readonly acts: LayerActivations[] = [];
  private readonly rF: Float64Array;
  private readonly dp: Float64Array;
  private readonly cos: Float32Array;
  private readonly sin: Float32Array;
  private readonly scratch: LinearScratch;
  private tokens: ArrayLike<number> = [];
  private rows = 0;

  /** Floats of memory a model of this shape needs (pass a block this large to the constructor). */
  static memoryFloats(c: TrainConfig, B: number, T: number): number {
    return memoryPlan(c, B, T).reduce((sum, [, size]) => sum + size, 0);
  }

  constructor(
    readonly config: TrainConfig,
    readonly B: number,
    readonly T: number,
    memory: Floats,
    private readonly mm: Matmul,
  ) {
    if (T > config.contextLength)
      throw new RangeError(`T ${T} exceeds the context length ${config.contextLength}`);
    let offset = 0;
    for (const [name, size] of memoryPlan(config, B, T)) {
      this.a[name] = memory.subarray(offset, offset + size);
      offset += size;
    }
    if (offset > memory.length)
      throw new RangeError(`memory holds ${memory.length} floats, ${offset} needed`);
    this.params = this.a.params;
    this.grads = this.a.grads;
    this.logits = this.a.logits;
    const view = (flat: Floats, t: ParamTensor) => flat.subarray(t.offset, t.offset + elementCount(t.shape));
    const { tensors } = paramLayout(config);
    const perLayer = (flat: Floats, l: number): LayerParams => {
      const [attnNorm, wqkv, wo, ffnNorm, wgu, wDown] = tensors
        .slice(1 + 6 * l, 7 + 6 * l)
        .map((t) => view(flat, t));
      return { attnNorm, wqkv, wo, ffnNorm, wgu, wDown };
    };
    const N = B * T;
    for (let l = 0; l < config.nLayers; l++) {
      this.layers.push(perLayer(this.params, l));
      this.layerGrads.push(perLayer(this.grads, l));
      const g = (name: string) => this.a[`${l}.${name}`];
      this.acts.push({
        xIn: g("xIn"),
        r1: new Float64Array(N),
        xb1: g("xb1"),
        qkv: g("qkv"),
        probs: g("probs"),
        att: g("att"),
        xMid: g("xMid"),
        r2: new Float64Array(N),
        xb2: g("xb2"),
        gu: g("gu"),
        h: g("h"),
      });
    }
    this.rF = new Float64Array(N);
    this.dp = new Float64Array(T);
    const half = config.dim / config.nHeads / 2;
    this.cos = new Float32Array(T * half);
    this.sin = new Float32Array(T * half);
    ropeTables(this.cos, this.sin, ropeInverseFrequencies(engineConfig(config)), 0, T);
    this.scratch = { wT: this.a.wT, dyT: this.a.dyT, xT: this.a.xT };
  }

  private get embed(): Floats {
    return this.params.subarray(0, this.config.vocabSize * this.config.dim);
  }

  private get finalNorm(): Floats {
    return this.params.subarray(this.params.length - this.config.dim);
  }

  /**
   * Runs `tokens` (b * T ids, b ≤ B sequences one after another) and leaves their logits in
   * this.logits (b*T, V). Keeps every activation the backward pass needs.
   */
  forward(tokens: ArrayLike<number>): Floats {
    const { dim, nHeads: H, ff, normEps: eps, vocabSize: V } = this.config;
    const { T, mm } = this;
    const N = tokens.length;
    const b = N / T;
    if (!Number.isInteger(b) || b < 1 || b > this.B)
      throw new RangeError(`${N} tokens are not 1..${this.B} rows of ${T}`);
    this.tokens = tokens;
    this.rows = N;
    const hd = dim / H;
    const proj = this.a.proj;
    // token embeddings
    embedForward(this.acts.length > 0 ? this.acts[0].xIn : this.a.xOut, this.embed, tokens, N, dim);
    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      const A = this.acts[l];
      const xNext = l + 1 < this.layers.length ? this.acts[l + 1].xIn : this.a.xOut;
      // attention rmsnorm
      rmsnormForward(A.xb1, A.r1, A.xIn, L.attnNorm, eps, N, dim);
      // fused q, k, v projection; rotary embedding on q and k
      linearForward(mm, A.qkv, A.xb1, L.wqkv, N, dim, 3 * dim);
      rotate(A.qkv, this.cos, this.sin, N, T, 3 * dim, 2 * H, hd, 1);
      // causal attention, output projection, residual
      attentionForward(A.att, A.probs, A.qkv, b, T, H, hd);
      linearForward(mm, proj, A.att, L.wo, N, dim, dim);
      for (let i = 0; i < N * dim; i++) A.xMid[i] = A.xIn[i] + proj[i];
      // ffn rmsnorm, SwiGLU: down(silu(gate(x)) * up(x)), residual
      rmsnormForward(A.xb2, A.r2, A.xMid, L.ffnNorm, eps, N, dim);
      linearForward(mm, A.gu, A.xb2, L.wgu, N, dim, 2 * ff);
      swigluForward(A.h, A.gu, N, ff);
      linearForward(mm, proj, A.h, L.wDown, N, ff, dim);
      for (let i = 0; i < N * dim; i++) xNext[i] = A.xMid[i] + proj[i];
    }
    // final rmsnorm and the tied output head
    rmsnormForward(this.a.xf, this.rF, this.a.xOut, this.finalNorm, eps, N, dim);
    linearForward(mm, this.logits, this.a.xf, this.embed, N, dim, V);
    return this.logits.subarray(0, N * V);
  }

  /** Summed next-token loss in nats of `tokens` predicting `targets` (validation: no gradient). */
  loss(tokens: ArrayLike<number>, targets: ArrayLike<number>): number {
    this.forward(tokens);
    return crossEntropyLoss(this.logits, targets, tokens.length, this.config.vocabSize);
  }

  /** Mean next-token loss in nats, with its gradient in this.grads. */
  lossAndGrad(tokens: ArrayLike<number>, targets: ArrayLike<number>): number {
    this.forward(tokens);
    const N = tokens.length;
    const loss = crossEntropy(this.logits, this.logits, targets, N, this.config.vocabSize, 1 / N);
    this.backward();
    return loss / N;
  }

  /** Gradients of the last forward pass, from dlogits left in this.logits. */
  private backward(): void {
    const { dim, nHeads: H, ff, vocabSize: V } = this.config;
    const { T, mm, scratch: s, a } = this;
    const N = this.rows;
    const b = N / T;
    const hd = dim / H;
    const { dx, dxb, dtmp, dqkv, datt, dgu, dh } = a;
    this.grads.fill(0);
    const gEmbed = this.grads.subarray(0, V * dim);
    const gFinal = this.grads.subarray(this.grads.length - dim);
    // output head (tied): dxf = dlogits @ E, dE = dlogitsᵀ @ xf; final rmsnorm
    linearBackward(mm, dxb, gEmbed, this.logits, a.xf, this.embed, N, dim, V, s);
    rmsnormBackward(dx, gFinal, dxb, a.xOut, this.finalNorm, this.rF, N, dim);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const L = this.layers[l];
      const G = this.layerGrads[l];
      const A = this.acts[l];
      // SwiGLU feed-forward, back to the residual stream after attention
      linearBackward(mm, dh, G.wDown, dx, A.h, L.wDown, N, ff, dim, s);
      swigluBackward(dgu, dh, A.gu, N, ff);
      linearBackward(mm, dxb, G.wgu, dgu, A.xb2, L.wgu, N, dim, 2 * ff, s);
      rmsnormBackward(dtmp, G.ffnNorm, dxb, A.xMid, L.ffnNorm, A.r2, N, dim);
      for (let i = 0; i < N * dim; i++) dx[i] += dtmp[i];
      // attention, back to the block's input
      linearBackward(mm, datt, G.wo, dx, A.att, L.wo, N, dim, dim, s);
      attentionBackward(dqkv, datt, A.probs, A.qkv, this.dp, b, T, H, hd);
      rotate(dqkv, this.cos, this.sin, N, T, 3 * dim, 2 * H, hd, -1);
      linearBackward(mm, dxb, G.wqkv, dqkv, A.xb1, L.wqkv, N, dim, 3 * dim, s);
      rmsnormBackward(dtmp, G.attnNorm, dxb, A.xIn, L.attnNorm, A.r1, N, dim);
      for (let i = 0; i < N * dim; i++) dx[i] += dtmp[i];
    }
    // token embeddings (adds to the head's part of the tied matrix)
    embedBackward(gEmbed, dx, this.tokens, N, dim);
  }
}
