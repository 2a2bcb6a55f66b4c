import type { Kernels } from "../tensor/kernels.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Scratch } from "./causal-lm.js";
import type { KvCache } from "./kv-cache.js";

/**
 * Self-attention of one decoder layer over its KV cache, the pieces architectures differ in made
 * explicit: separate or fused q/k/v projections, per-head q/k RMSNorm, partial rotary, a sliding
 * window. Legend: n = new positions, dim = width, hd = head size, R = rotary dims,
 * qDim = nHeads * hd, kvDim = nKvHeads * hd.
 */

export interface AttentionWeights {
  /** (qDim, dim), (kvDim, dim), (kvDim, dim); or one fused (qDim + 2 kvDim, dim) (phi3 qkv_proj). */
  wq?: Tensor;
  wk?: Tensor;
  wv?: Tensor;
  wqkv?: Tensor;
  /** (qDim,), (kvDim,), (kvDim,) biases (qwen2). */
  bq?: Float32Array;
  bk?: Float32Array;
  bv?: Float32Array;
  /** (hd,) RMSNorm weights shared by every head, applied before RoPE (qwen3, gemma3). */
  qNorm?: Float32Array;
  kNorm?: Float32Array;
  wo: Tensor; // (dim, qDim)
  /** Keys visible to a query: the last `window` positions, its own included; 0 = all. */
  window: number;
}

export interface AttentionShape {
  nHeads: number;
  nKvHeads: number;
  headDim: number;
  /** Leading dims of each head that RoPE rotates (pairs (i, i + R/2)); headDim for full rotary. */
  rotaryDim: number;
  eps: number;
  /**
   * q is multiplied by this before the kernel's 1/sqrt(hd) scaling (1 = none): sqrt(hd / s) gives
   * scores q.k / sqrt(s) (gemma3 query_pre_attn_scalar).
   */
  qScale: number;
}

/**
 * out (n, dim) = o_proj(attention(xb)) for the n positions after the cache's `start`, their keys
 * (after RoPE) and values written to layer `l` of the cache. cos/sin: (n, R/2) for those positions.
 */
export function selfAttention(
  k: Kernels,
  sc: Scratch,
  cache: KvCache,
  l: number,
  W: AttentionWeights,
  s: AttentionShape,
  xb: Float32Array,
  n: number,
  start: number,
  cos: Float32Array,
  sin: Float32Array,
  out: Float32Array,
): void {
  const { nHeads, nKvHeads, headDim: hd, rotaryDim, eps } = s;
  const qDim = nHeads * hd;
  const kvDim = nKvHeads * hd;
  const dim = W.wo.shape[0];
  const q = sc.get("attn.q", n * qDim); // (n, qDim)
  const kk = sc.get("attn.k", n * kvDim); // (n, kvDim)
  const v = sc.get("attn.v", n * kvDim); // (n, kvDim)
  const attOut = sc.get("attn.out", n * qDim); // (n, qDim)
  const att = sc.get("attn.att", start + n); // one query's weights (positions,)
  const row = sc.get("attn.row", Math.max(dim, qDim + 2 * kvDim)); // one decoded weight row
  // q, k, v projections (+ biases)
  if (W.wqkv) {
    const qkv = sc.get("attn.qkv", n * (qDim + 2 * kvDim)); // (n, qDim + 2 kvDim)
    k.matmul(qkv, xb, W.wqkv, n, row);
    const width = qDim + 2 * kvDim;
    for (let t = 0; t < n; t++) {
      const o = t * width;
      for (let i = 0; i < qDim; i++) q[t * qDim + i] = qkv[o + i];
      for (let i = 0; i < kvDim; i++) kk[t * kvDim + i] = qkv[o + qDim + i];
      for (let i = 0; i < kvDim; i++) v[t * kvDim + i] = qkv[o + qDim + kvDim + i];
    }
  } else {
    k.matmul(q, xb, W.wq!, n, row);
    k.matmul(kk, xb, W.wk!, n, row);
    k.matmul(v, xb, W.wv!, n, row);
  }
  if (W.bq) k.addBias(q, W.bq, n, qDim);
  if (W.bk) k.addBias(kk, W.bk, n, kvDim);
  if (W.bv) k.addBias(v, W.bv, n, kvDim);
  // per-head q/k RMSNorm over hd (each head a row)
  if (W.qNorm) k.rmsnorm(q, q, W.qNorm, eps, n * nHeads, hd);
  if (W.kNorm) k.rmsnorm(kk, kk, W.kNorm, eps, n * nKvHeads, hd);
  // rotary embedding on q and k; k and v appended to the cache
  if (rotaryDim === hd) {
    k.rope(q, cos, sin, n, nHeads, hd);
    k.rope(kk, cos, sin, n, nKvHeads, hd);
  } else {
    ropePartial(q, cos, sin, n, nHeads, hd, rotaryDim);
    ropePartial(kk, cos, sin, n, nKvHeads, hd, rotaryDim);
  }
  if (s.qScale !== 1) for (let i = 0; i < n * qDim; i++) q[i] *= s.qScale;
  cache.setKeys(l, kk.subarray(0, n * kvDim), start);
  cache.setValues(l, v.subarray(0, n * kvDim), start);
  // causal attention over the cache (within the window), output projection
  const keys = cache.keys[l];
  const values = cache.values[l];
  if (W.window === 0 || start + n <= W.window) {
    k.attention(attOut, q, keys, values, att, start, n, nHeads, nKvHeads, hd);
  } else {
    // The full cache is kept; each query reads only positions p - window + 1 .. p.
    for (let t = 0; t < n; t++) {
      const p = start + t;
      const first = Math.max(0, p - W.window + 1);
      k.attention(
        attOut.subarray(t * qDim, (t + 1) * qDim),
        q.subarray(t * qDim, (t + 1) * qDim),
        keys.subarray(first * kvDim),
        values.subarray(first * kvDim),
        att,
        p - first,
        1,
        nHeads,
        nKvHeads,
        hd,
      );
    }
  }
  k.matmul(out, attOut, W.wo, n, row);
}

/**
 * RoPE on the first R dims of each head in rotate_half order (pairs (i, i + R/2)); dims R..hd pass
 * through (phi3 partial_rotary_factor). x (n, nHeads * hd), cos/sin (n, R/2).
 */
export function ropePartial(
  x: Float32Array,
  cos: Float32Array,
  sin: Float32Array,
  n: number,
  nHeads: number,
  hd: number,
  rotaryDim: number,
): void {
  const half = rotaryDim / 2;
  for (let t = 0; t < n; t++) {
    for (let h = 0; h < nHeads; h++) {
      const o = (t * nHeads + h) * hd;
      for (let i = 0; i < half; i++) {
        const c = cos[t * half + i];
        const sn = sin[t * half + i];
        const x0 = x[o + i];
        const x1 = x[o + i + half];
        x[o + i] = x0 * c - x1 * sn;
        x[o + i + half] = x1 * c + x0 * sn;
      }
    }
  }
}
