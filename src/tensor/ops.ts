import { f16ToF32 } from "./dtype.js";

/**
 * Elementwise and per-row kernels over Float32Array. Output first, sizes last; nothing allocates.
 * Sums run in float64 (JS numbers) and are rounded once on store.
 */

/** out (n, dim) = rmsnorm(x (n, dim)) * w: x / sqrt(mean(x²) + eps) * w. */
export function rmsnorm(
  out: Float32Array,
  x: Float32Array,
  w: Float32Array,
  eps: number,
  n: number,
  dim: number,
): void {
  for (let t = 0; t < n; t++) {
    const o = t * dim;
    let ss = 0;
    for (let i = 0; i < dim; i++) ss += x[o + i] * x[o + i];
    const scale = 1 / Math.sqrt(ss / dim + eps);
    for (let i = 0; i < dim; i++) out[o + i] = w[i] * (x[o + i] * scale);
  }
}

/** out (n, dim) = (x - mean) / sqrt(var + eps) * w + b, biased variance, per row. */
export function layernorm(
  out: Float32Array,
  x: Float32Array,
  w: Float32Array,
  b: Float32Array,
  eps: number,
  n: number,
  dim: number,
): void {
  for (let t = 0; t < n; t++) {
    const o = t * dim;
    let mean = 0;
    for (let i = 0; i < dim; i++) mean += x[o + i];
    mean /= dim;
    let variance = 0;
    for (let i = 0; i < dim; i++) variance += (x[o + i] - mean) ** 2;
    const scale = 1 / Math.sqrt(variance / dim + eps);
    for (let i = 0; i < dim; i++) out[o + i] = (x[o + i] - mean) * scale * w[i] + b[i];
  }
}

/** x[0..len) = softmax(x[0..len)) in place, max-subtracted. */
export function softmaxInPlace(x: Float32Array, len: number): void {
  let max = -Infinity;
  for (let i = 0; i < len; i++) if (x[i] > max) max = x[i];
  let sum = 0;
  for (let i = 0; i < len; i++) {
    const e = Math.exp(x[i] - max);
    x[i] = e;
    sum += e;
  }
  for (let i = 0; i < len; i++) x[i] /= sum;
}

/** gate[i] = silu(gate[i]) * up[i] (SwiGLU), over `len` values. */
export function swiglu(gate: Float32Array, up: Float32Array, len: number): void {
  for (let i = 0; i < len; i++) {
    const g = gate[i];
    gate[i] = (g / (1 + Math.exp(-g))) * up[i];
  }
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** x[i] = gelu_new(x[i]), the tanh approximation used by GPT-2. */
export function geluNew(x: Float32Array, len: number): void {
  for (let i = 0; i < len; i++) {
    const v = x[i];
    x[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
  }
}

/** x[i] += y[i] over `len` values (residual connection). */
export function addInPlace(x: Float32Array, y: Float32Array, len: number): void {
  for (let i = 0; i < len; i++) x[i] += y[i];
}

/** x (n, dim) += bias (dim,) per row. */
export function addBias(x: Float32Array, bias: Float32Array, n: number, dim: number): void {
  for (let t = 0; t < n; t++) for (let i = 0; i < dim; i++) x[t * dim + i] += bias[i];
}

/**
 * Rotary embedding in Hugging Face's rotate_half layout: within each head, dimension i pairs with
 * i + headDim/2. x is (n, nHeads * headDim); cos/sin are (n, headDim/2) for the n positions.
 */
export function rope(
  x: Float32Array,
  cos: Float32Array,
  sin: Float32Array,
  n: number,
  nHeads: number,
  headDim: number,
): void {
  const half = headDim / 2;
  const width = nHeads * headDim;
  for (let t = 0; t < n; t++) {
    for (let h = 0; h < nHeads; h++) {
      const o = t * width + h * headDim;
      for (let i = 0; i < half; i++) {
        const c = cos[t * half + i];
        const s = sin[t * half + i];
        const x0 = x[o + i];
        const x1 = x[o + i + half];
        x[o + i] = x0 * c - x1 * s;
        x[o + i + half] = x1 * c + x0 * s;
      }
    }
  }
}

/** cos/sin (n, half) for positions start..start+n-1 from inverse frequencies (half,). */
export function ropeTables(
  cos: Float32Array,
  sin: Float32Array,
  invFreq: Float64Array,
  start: number,
  n: number,
): void {
  const half = invFreq.length;
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < half; i++) {
      const angle = (start + t) * invFreq[i];
      cos[t * half + i] = Math.cos(angle);
      sin[t * half + i] = Math.sin(angle);
    }
  }
}

/** One layer's cached keys or values, (positions, kvDim) row-major: f32, or IEEE f16 bits (half the memory). */
export type KvRows = Float32Array | Uint16Array;

/**
 * Causal multi-head attention with grouped KV heads, for n new queries at positions
 * start..start+n-1 against a cache holding positions 0..start+n-1.
 * q, out: (n, nHeads * hd); kCache, vCache: (positions, nKvHeads * hd), both f32 or both f16
 * (widened as read; finite: the SIMD kernel reads f16 infinities as finite, see KvCache.setKeys);
 * att: scratch (start + n,).
 */
export function attention(
  out: Float32Array,
  q: Float32Array,
  kCache: KvRows,
  vCache: KvRows,
  att: Float32Array,
  start: number,
  n: number,
  nHeads: number,
  nKvHeads: number,
  hd: number,
): void {
  const qDim = nHeads * hd;
  const kvDim = nKvHeads * hd;
  const group = nHeads / nKvHeads;
  const scale = 1 / Math.sqrt(hd);
  for (let t = 0; t < n; t++) {
    const len = start + t + 1;
    for (let h = 0; h < nHeads; h++) {
      const qo = t * qDim + h * hd;
      const ko = Math.floor(h / group) * hd;
      for (let p = 0; p < len; p++) {
        const kp = p * kvDim + ko;
        let s = 0;
        if (kCache instanceof Float32Array) for (let i = 0; i < hd; i++) s += q[qo + i] * kCache[kp + i];
        else for (let i = 0; i < hd; i++) s += q[qo + i] * f16ToF32(kCache[kp + i]);
        att[p] = s * scale;
      }
      softmaxInPlace(att, len);
      for (let i = 0; i < hd; i++) out[qo + i] = 0;
      for (let p = 0; p < len; p++) {
        const a = att[p];
        const vp = p * kvDim + ko;
        if (vCache instanceof Float32Array) for (let i = 0; i < hd; i++) out[qo + i] += a * vCache[vp + i];
        else for (let i = 0; i < hd; i++) out[qo + i] += a * f16ToF32(vCache[vp + i]);
      }
    }
  }
}
