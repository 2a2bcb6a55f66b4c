import { transpose, type Floats, type Matmul } from "./matmul.js";

/** A bias-free linear layer y = x Wᵀ, W (out, in) row-major as in PyTorch and safetensors. */

/** y (n, out) = x (n, in) @ W (out, in)ᵀ. */
export function linearForward(
  mm: Matmul,
  y: Floats,
  x: Floats,
  w: Floats,
  n: number,
  inDim: number,
  outDim: number,
) {
  mm.abt(y, x, w, n, outDim, inDim);
}

/** Transpose buffers for linearBackward, each at least as large as the largest operand it holds. */
export interface LinearScratch {
  /** Wᵀ (in, out). */
  wT: Floats;
  /** dyᵀ (out, n). */
  dyT: Floats;
  /** xᵀ (in, n). */
  xT: Floats;
}

/**
 * dx (n, in) = dy (n, out) @ W and dW (out, in) = dyᵀ @ x. dW is written, not accumulated: every
 * weight is used once per step (the tied head/embedding adds its second part afterwards).
 */
export function linearBackward(
  mm: Matmul,
  dx: Floats,
  dw: Floats,
  dy: Floats,
  x: Floats,
  w: Floats,
  n: number,
  inDim: number,
  outDim: number,
  s: LinearScratch,
): void {
  transpose(s.wT, w, outDim, inDim);
  mm.abt(dx, dy, s.wT, n, inDim, outDim);
  transpose(s.dyT, dy, n, outDim);
  transpose(s.xT, x, n, inDim);
  mm.abt(dw, s.dyT, s.xT, outDim, inDim, n);
}
