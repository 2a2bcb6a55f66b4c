import type { Tensor } from "../tensor/tensor.js";
import { DTYPE_LAYOUT } from "../tensor/dtype.js";

/**
 * GGUF (`llama` architecture) and llama2.c store each head's q/k rows for RoPE on adjacent pairs
 * (2i, 2i+1); Hugging Face stores them for rotate_half (i, i + headDim/2). The engine has one
 * RoPE, Hugging Face's, so interleaved checkpoints are un-permuted here, in place: row 2i of a head
 * becomes row i and row 2i+1 becomes row i + headDim/2 (llama.cpp convert_hf_to_gguf.py inverted).
 * Whole rows move, so quantized blocks (which run along a row) stay intact.
 */
export function interleavedToHalfRows(t: Tensor, nHeads: number): void {
  const rows = t.shape[0];
  const headDim = rows / nHeads;
  const rowBytes = t.bytes.byteLength / rows;
  const head = new Uint8Array(headDim * rowBytes);
  for (let h = 0; h < nHeads; h++) {
    const base = h * headDim * rowBytes;
    head.set(t.bytes.subarray(base, base + headDim * rowBytes));
    for (let i = 0; i < headDim / 2; i++) {
      t.bytes.set(head.subarray(2 * i * rowBytes, (2 * i + 1) * rowBytes), base + i * rowBytes);
      t.bytes.set(
        head.subarray((2 * i + 1) * rowBytes, (2 * i + 2) * rowBytes),
        base + (i + headDim / 2) * rowBytes,
      );
    }
  }
}

/** The same permutation for a bias vector (nHeads * headDim,) stored as f32. */
export function interleavedToHalfBias(t: Tensor, nHeads: number): void {
  interleavedToHalfRows({ ...t, shape: [t.shape[0], 1] }, nHeads);
}

/**
 * Hugging Face GPT-2 Conv1D weights are [in, out] (applied as x @ W); the engine's matmul wants
 * [out, in]. Transposed in place through one temporary copy of the tensor.
 */
export function transposeInPlace(t: Tensor): Tensor {
  const [rows, cols] = t.shape;
  const elem = DTYPE_LAYOUT[t.dtype].blockBytes;
  const copy = t.bytes.slice();
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const from = (r * cols + c) * elem;
      const to = (c * rows + r) * elem;
      for (let b = 0; b < elem; b++) t.bytes[to + b] = copy[from + b];
    }
  }
  return { ...t, shape: [cols, rows] };
}
