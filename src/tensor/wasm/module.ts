import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";

/**
 * The compiled kernels (kernels.wat, built to kernels.wasm and kernels-relaxed.wasm beside this
 * file by scripts/build-wasm.mjs) and their exports.
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
  order_q4(xq: number, xs: number, dst: number, blocksPerToken: number, n: number): void;
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

/**
 * The two builds of kernels.wat (scripts/build-wasm.mjs): "relaxed-simd" uses one relaxed SIMD
 * instruction (i16x8.relaxed_dot_i8x16_i7x16_s) for Q4_0 products (1.2-1.3x faster decoding,
 * 1.4-1.5x prompts); "simd128" uses SIMD128 alone. Both give the same bits.
 */
export type KernelBuild = "relaxed-simd" | "simd128";

export interface LoadedKernels {
  readonly module: WebAssembly.Module;
  readonly build: KernelBuild;
}

const FILES: Record<KernelBuild, string> = {
  "relaxed-simd": "./kernels-relaxed.wasm",
  simd128: "./kernels.wasm",
};
const cache = new Map<KernelBuild, LoadedKernels | null>();

/**
 * A build of the kernels, or undefined when it was not built or this runtime cannot run it; the
 * relaxed SIMD build only where it also passes a self-test against the SIMD128 one. Without
 * `build`: relaxed SIMD where it runs, else SIMD128. Node 20's V8 (11.3) has relaxed SIMD behind
 * --experimental-wasm-relaxed-simd, which is turned on here for it; V8 11.4+ (Node 21+) has it on
 * by default. Loaded once per process, synchronously (~30 KB each).
 */
export function kernelModule(build?: KernelBuild): LoadedKernels | undefined {
  if (build !== "simd128") {
    const relaxed = load("relaxed-simd");
    if (relaxed || build) return relaxed;
  }
  return load("simd128");
}

function load(build: KernelBuild): LoadedKernels | undefined {
  if (!cache.has(build)) {
    let loaded: LoadedKernels | null = null;
    try {
      const bytes = readFileSync(new URL(FILES[build], import.meta.url));
      if (build === "relaxed-simd" && !WebAssembly.validate(bytes)) enableRelaxedSimd();
      if (WebAssembly.validate(bytes)) loaded = { module: new WebAssembly.Module(bytes), build };
      if (loaded && build === "relaxed-simd") {
        const plain = load("simd128");
        if (!plain || !sameQ4Products(loaded.module, plain.module)) loaded = null;
      }
    } catch {
      loaded = null;
    }
    cache.set(build, loaded);
  }
  return cache.get(build) ?? undefined;
}

/** Turns on V8's relaxed SIMD where it is still behind a flag (V8 < 11.4); harmless elsewhere. */
function enableRelaxedSimd(): void {
  setFlagsFromString("--experimental-wasm-relaxed-simd");
}

/**
 * Whether two builds give the same q4_0 products (bits), one token and a two-token prompt, on rows
 * of extreme values (every nibble 15, every nibble 0, activations of one sign: the largest sums
 * the kernels' 16-bit lanes hold) and random ones: relaxed SIMD's results may differ by platform
 * outside the range our kernels keep to, and a runtime's implementation could be wrong; this
 * catches both before any model uses it. It runs in V8's baseline compiler; the tests run it
 * under the optimizing one too (`--no-liftoff`).
 */
function sameQ4Products(a: WebAssembly.Module, b: WebAssembly.Module): boolean {
  const results = [a, b].map((module) => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const e = instantiateKernels(module, memory);
    const rows = 6;
    const k = 160; // 5 blocks: a full quad and a partial one
    const n = 3; // a pair of tokens (the prompt path) and one alone
    const blocks = k / 32;
    const w = 1024;
    const bytes = new Uint8Array(memory.buffer);
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < rows * blocks * 18; i++) {
      const row = Math.floor(i / (blocks * 18));
      bytes[w + i] = row === 0 ? 0xff : row === 1 ? 0 : next() * 256;
    }
    for (let b = 0; b < rows * blocks; b++) {
      bytes[w + b * 18] = 0;
      bytes[w + b * 18 + 1] = 0x3c; // d_w = 1
    }
    const x = 8192;
    const xs = new Float32Array(memory.buffer, x, n * k);
    for (let i = 0; i < n * k; i++) xs[i] = i < k ? 1 : i < 2 * k ? -1 : next() * 2 - 1;
    const xq = 12288;
    const xsc = xq + n * blocks * 64;
    const ordered = 16384;
    const out = 24576;
    e.quantize_x(x, xq, xsc, n * k, 0);
    e.order_q4(xq, xsc, ordered, blocks, n);
    e.matmul_q(4, w, ordered, xsc, out, n, rows, k, 0, rows, 0, 32768);
    return Array.from(new Uint32Array(memory.buffer, out, n * rows));
  });
  return results[0].every((bits, i) => bits === results[1][i]);
}

/** An instance of the kernels over `memory`. */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
