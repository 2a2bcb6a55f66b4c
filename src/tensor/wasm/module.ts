import { readFileSync } from "node:fs";

/**
 * The compiled kernels (kernels.wat, built to kernels.wasm beside this file by
 * scripts/build-wasm.mjs) and their exports. Loaded once per process, synchronously (~30 KB).
 */

export interface KernelExports {
  matmul(
    t: number,
    w: number,
    x: number,
    out: number,
    n: number,
    d: number,
    k: number,
    r0: number,
    r1: number,
    scratch: number,
  ): void;
  matmul_q(
    t: number,
    w: number,
    xq: number,
    xs: number,
    out: number,
    n: number,
    d: number,
    k: number,
    r0: number,
    r1: number,
    two: number,
    scratch: number,
  ): void;
  matmul_k(
    t: number,
    w: number,
    xq: number,
    xs: number,
    out: number,
    n: number,
    d: number,
    k: number,
    r0: number,
    r1: number,
    scratch: number,
  ): void;
  quantize_x(x: number, xq: number, xs: number, count: number, two: number): void;
  quantize_k(x: number, xq: number, xs: number, count: number): void;
  order_q4(xq: number, xc: number, blocks: number): void;
  dequant_row(t: number, w: number, y: number, k: number): void;
  rmsnorm(out: number, x: number, w: number, eps: number, n: number, dim: number): void;
  softmax(x: number, len: number): void;
  swiglu(gate: number, up: number, len: number): void;
  layernorm(out: number, x: number, w: number, b: number, eps: number, n: number, dim: number): void;
  gelu_new(x: number, len: number): void;
  rope(x: number, cos: number, sin: number, n: number, nHeads: number, hd: number): void;
  attention(
    this: void,
    out: number,
    q: number,
    kc: number,
    vc: number,
    att: number,
    start: number,
    nHeads: number,
    nKvHeads: number,
    hd: number,
    i0: number,
    i1: number,
  ): void;
  /** attention over a KV cache of f16 bits; the bits of attention on the cache widened to f32. */
  attention_f16: KernelExports["attention"];
}

let cached: WebAssembly.Module | null | undefined;

/** The compiled module, or undefined when it was not built or this runtime lacks SIMD128. */
export function kernelModule(): WebAssembly.Module | undefined {
  if (cached === undefined) {
    try {
      const bytes = readFileSync(new URL("./kernels.wasm", import.meta.url));
      cached = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}

/** An instance of the kernels over `memory`. */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
