import type { Kernels } from "../tensor/kernels.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Scratch } from "./causal-lm.js";

/**
 * Gated feed-forward blocks: out (n, dim) = down(act(gate xb) * up xb). Legend: n = positions,
 * dim = width, ff = inner width.
 */

export interface GatedWeights {
  /** (ff, dim) each; or one fused (2 ff, dim) whose first ff rows are gate (phi3 gate_up_proj). */
  gate?: Tensor;
  up?: Tensor;
  gateUp?: Tensor;
  down: Tensor; // (dim, ff)
}

/** SiLU (SwiGLU, Llama) or tanh-approximated GELU (GeGLU, gemma's gelu_pytorch_tanh). */
export type GateActivation = "silu" | "gelu_tanh";

export function gatedFfn(
  k: Kernels,
  sc: Scratch,
  W: GatedWeights,
  act: GateActivation,
  xb: Float32Array,
  n: number,
  out: Float32Array,
): void {
  const ff = W.down.shape[1];
  const dim = W.down.shape[0];
  const gate = sc.get("ffn.gate", n * ff); // (n, ff)
  const up = sc.get("ffn.up", n * ff); // (n, ff)
  const row = sc.get("ffn.row", Math.max(dim, 2 * ff));
  // gate and up projections (a fused one split by rows)
  if (W.gateUp) {
    const both = sc.get("ffn.gateUp", n * 2 * ff); // (n, 2 ff)
    k.matmul(both, xb, W.gateUp, n, row);
    for (let t = 0; t < n; t++) {
      for (let i = 0; i < ff; i++) gate[t * ff + i] = both[2 * t * ff + i];
      for (let i = 0; i < ff; i++) up[t * ff + i] = both[(2 * t + 1) * ff + i];
    }
  } else {
    k.matmul(gate, xb, W.gate!, n, row);
    k.matmul(up, xb, W.up!, n, row);
  }
  // act(gate) * up, then the down projection
  if (act === "silu") k.swiglu(gate, up, n * ff);
  else {
    k.geluNew(gate, n * ff);
    for (let i = 0; i < n * ff; i++) gate[i] *= up[i];
  }
  k.matmul(out, gate, W.down, n, row);
}
