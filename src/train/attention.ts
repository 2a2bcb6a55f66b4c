import type { Floats } from "./matmul.js";

/**
 * Causal multi-head self-attention (Vaswani et al. 2017, arxiv.org/abs/1706.03762) over a fused qkv:
 * row = b * T + t of qkv (B*T, 3*dim) is [q (dim) | k (dim) | v (dim)], q and k already rotated.
 * Position t attends to positions 0..t of its own sequence: the causal mask is the loop bound.
 * Legend: B sequences, T positions, H heads of width hd, dim = H * hd, P = softmax probabilities.
 */

/** out (B*T, dim) = softmax(q kᵀ / sqrt(hd)) v per head; keeps P (B, H, T, T) for the backward pass. */
export function attentionForward(
  out: Floats,
  probs: Floats,
  qkv: Floats,
  B: number,
  T: number,
  H: number,
  hd: number,
): void {
  const dim = H * hd;
  const stride = 3 * dim;
  const scale = 1 / Math.sqrt(hd);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const pBase = (b * H + h) * T * T;
      for (let t = 0; t < T; t++) {
        const qo = (b * T + t) * stride + h * hd;
        const po = pBase + t * T;
        // scores against positions 0..t, then softmax (max-subtracted), as the engine's attention
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          const ko = (b * T + s) * stride + dim + h * hd;
          let dot = 0;
          for (let i = 0; i < hd; i++) dot += qkv[qo + i] * qkv[ko + i];
          probs[po + s] = dot * scale;
          if (probs[po + s] > max) max = probs[po + s];
        }
        let sum = 0;
        for (let s = 0; s <= t; s++) {
          const e = Math.exp(probs[po + s] - max);
          probs[po + s] = e;
          sum += e;
        }
        for (let s = 0; s <= t; s++) probs[po + s] /= sum;
        // weighted sum of values
        const oo = (b * T + t) * dim + h * hd;
        for (let i = 0; i < hd; i++) out[oo + i] = 0;
        for (let s = 0; s <= t; s++) {
          const p = probs[po + s];
          const vo = (b * T + s) * stride + 2 * dim + h * hd;
          for (let i = 0; i < hd; i++) out[oo + i] += p * qkv[vo + i];
        }
      }
    }
  }
}

/**
 * dqkv (B*T, 3*dim) from dout (B*T, dim). With dP = dO vᵀ and dS = P ∘ (dP - rowsum(P ∘ dP)):
 * dq = dS k / sqrt(hd), dk = dSᵀ q / sqrt(hd), dv = Pᵀ dO. `dp` is scratch (T,).
 */
export function attentionBackward(
  dqkv: Floats,
  dout: Floats,
  probs: Floats,
  qkv: Floats,
  dp: Float64Array,
  B: number,
  T: number,
  H: number,
  hd: number,
): void {
  const dim = H * hd;
  const stride = 3 * dim;
  const scale = 1 / Math.sqrt(hd);
  dqkv.fill(0, 0, B * T * stride);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const pBase = (b * H + h) * T * T;
      for (let t = 0; t < T; t++) {
        const po = pBase + t * T;
        const row = (b * T + t) * stride + h * hd;
        const oo = (b * T + t) * dim + h * hd;
        // dP[s] = dO[t] · v[s]; rowDot = Σ P dP
        let rowDot = 0;
        for (let s = 0; s <= t; s++) {
          const vo = (b * T + s) * stride + 2 * dim + h * hd;
          let dot = 0;
          for (let i = 0; i < hd; i++) dot += dout[oo + i] * qkv[vo + i];
          dp[s] = dot;
          rowDot += probs[po + s] * dot;
        }
        for (let s = 0; s <= t; s++) {
          const p = probs[po + s];
          const ds = p * (dp[s] - rowDot) * scale;
          const ko = (b * T + s) * stride + dim + h * hd;
          const vo = ko + dim;
          for (let i = 0; i < hd; i++) {
            dqkv[row + i] += ds * qkv[ko + i];
            dqkv[ko + i] += ds * qkv[row + i];
            dqkv[vo + i] += p * dout[oo + i];
          }
        }
      }
    }
  }
}
