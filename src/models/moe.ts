import { FormatError } from "../errors.js";
import type { Kernels } from "../tensor/kernels.js";
import type { Tensor } from "../tensor/tensor.js";
import { MAX_CHUNK, type Scratch } from "./causal-lm.js";
import { gatedFfn, type GatedWeights } from "./feed-forward.js";
import type { ExpertsConfig } from "./types.js";

/**
 * Mixture-of-experts feed-forward (Mixtral, Qwen3-MoE): a router scores every expert, softmax over
 * all of them, the top k run on the token and their outputs are mixed by those probabilities
 * (renormalised to sum 1 when normTopK). Only chosen experts are multiplied: a chunk's tokens are
 * grouped by expert and each chosen expert runs once on its tokens.
 * Legend: n = positions, dim = width, E = experts, ff = an expert's inner width.
 */

export interface MoeWeights {
  router: Tensor; // (E, dim)
  experts: GatedWeights[]; // E SwiGLU experts of (ff, dim) / (dim, ff)
}

/** Called for each token's choice in each layer (tests compare it with the reference routing). */
export type RoutingObserver = (
  layer: number,
  position: number,
  experts: ArrayLike<number>,
  weights: ArrayLike<number>,
) => void;

/** Per-model routing buffers, sized once for the largest chunk. */
export class MoeBuffers {
  /** chosen[t * k + j]: token t's j-th expert, highest probability first. */
  readonly chosen: Int32Array;
  readonly weights: Float32Array;
  /** Rows of the tokens routed to one expert, and their mixing weights. */
  readonly rows: Int32Array;
  readonly rowWeights: Float32Array;
  readonly probs: Float64Array;

  constructor(readonly config: ExpertsConfig) {
    this.chosen = new Int32Array(MAX_CHUNK * config.used);
    this.weights = new Float32Array(MAX_CHUNK * config.used);
    this.rows = new Int32Array(MAX_CHUNK);
    this.rowWeights = new Float32Array(MAX_CHUNK);
    this.probs = new Float64Array(config.count);
  }
}

/** out (n, dim) = sum over each token's chosen experts of weight * expert(xb). */
export function moeFfn(
  k: Kernels,
  sc: Scratch,
  W: MoeWeights,
  B: MoeBuffers,
  xb: Float32Array,
  n: number,
  out: Float32Array,
  layer: number,
  start: number,
  observe?: RoutingObserver,
): void {
  const { count: E, used: topK, normTopK } = B.config;
  const dim = W.router.shape[1];
  const logits = sc.get("moe.logits", n * E); // (n, E)
  const xe = sc.get("moe.x", n * dim); // the tokens of one expert (count, dim)
  const ye = sc.get("moe.y", n * dim);
  const row = sc.get("moe.row", dim);
  // router: logits, softmax over all experts, top k, mixing weights
  k.matmul(logits, xb, W.router, n, row);
  for (let t = 0; t < n; t++) route(logits, t, E, topK, normTopK, B);
  if (observe) {
    for (let t = 0; t < n; t++)
      observe(
        layer,
        start + t,
        B.chosen.subarray(t * topK, (t + 1) * topK),
        B.weights.subarray(t * topK, (t + 1) * topK),
      );
  }
  // each chosen expert once, on its tokens; outputs mixed into out
  out.fill(0, 0, n * dim);
  for (let e = 0; e < E; e++) {
    let count = 0;
    for (let t = 0; t < n; t++) {
      for (let j = 0; j < topK; j++) {
        if (B.chosen[t * topK + j] !== e) continue;
        B.rows[count] = t;
        B.rowWeights[count] = B.weights[t * topK + j];
        for (let i = 0; i < dim; i++) xe[count * dim + i] = xb[t * dim + i];
        count++;
      }
    }
    if (count === 0) continue;
    gatedFfn(k, sc, W.experts[e], "silu", xe, count, ye);
    for (let r = 0; r < count; r++) {
      const o = B.rows[r] * dim;
      const w = B.rowWeights[r];
      for (let i = 0; i < dim; i++) out[o + i] += w * ye[r * dim + i];
    }
  }
}

/** Token t's top-k experts by softmax probability (ties: the lower index) and their weights. */
function route(logits: Float32Array, t: number, E: number, topK: number, normTopK: boolean, B: MoeBuffers): void {
  const p = B.probs;
  let max = -Infinity;
  for (let e = 0; e < E; e++) max = Math.max(max, logits[t * E + e]);
  let sum = 0;
  for (let e = 0; e < E; e++) {
    p[e] = Math.exp(logits[t * E + e] - max);
    sum += p[e];
  }
  let chosenSum = 0;
  for (let j = 0; j < topK; j++) {
    let best = -1;
    for (let e = 0; e < E; e++) if (p[e] >= 0 && (best < 0 || p[e] > p[best])) best = e;
    B.chosen[t * topK + j] = best;
    B.weights[t * topK + j] = p[best] / sum;
    chosenSum += p[best] / sum;
    p[best] = -1; // taken
  }
  if (normTopK) for (let j = 0; j < topK; j++) B.weights[t * topK + j] /= chosenSum;
}

/**
 * GGUF stacks a layer's experts in one tensor, numpy [E, rows, cols] (dims [cols, rows, E]): it
 * is replaced by E tensors [rows, cols] named by `nameOf(e)`, each a view of its slice of the
 * same bytes (quantized blocks run along a row, so whole rows are whole blocks): nothing is copied.
 */
export function splitExperts(
  tensors: Map<string, Tensor>,
  stacked: string,
  nameOf: (e: number) => string,
  count: number,
  fileName: string,
): void {
  const t = tensors.get(stacked);
  if (!t) return; // per-expert tensors already (HF), or missing: the model names what it lacks
  if (t.shape.length !== 3 || t.shape[0] !== count) {
    throw new FormatError(
      `${fileName}: tensor "${stacked}" has shape [${t.shape.join(", ")}], expected [${count}, rows, cols] (${count} experts)`,
    );
  }
  const bytes = t.bytes.byteLength / count;
  tensors.delete(stacked);
  for (let e = 0; e < count; e++) {
    const name = nameOf(e);
    tensors.set(name, { name, dtype: t.dtype, shape: t.shape.slice(1), bytes: t.bytes.subarray(e * bytes, (e + 1) * bytes) });
  }
}
