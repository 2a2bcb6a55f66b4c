import { matmul } from "./matmul.js";
import {
  addBias,
  addInPlace,
  attention,
  geluNew,
  layernorm,
  rmsnorm,
  rope,
  ropeTables,
  softmaxInPlace,
  swiglu,
} from "./ops.js";
import { decodeRow } from "./rows.js";

/** Where activations and KV caches live: buffers the kernels can work on in place. */
export interface BufferAllocator {
  /** A zeroed buffer of `length` floats. */
  alloc(length: number): Float32Array;
  /** Gives back a buffer from alloc(); it must not be used afterwards. */
  free(buffer: Float32Array): void;
}

/**
 * The operations a model's forward pass is made of. Model files call these and nothing lower, so a
 * faster backend (WebAssembly SIMD, threads) replaces this object without touching model code.
 */
export interface Kernels extends BufferAllocator {
  /** "js", "wasm-relaxed-simd" or "wasm-simd128", for reports. */
  readonly name: string;
  /** Threads sharing the products. */
  readonly threads: number;
  matmul: typeof matmul;
  decodeRow: typeof decodeRow;
  rmsnorm: typeof rmsnorm;
  layernorm: typeof layernorm;
  softmaxInPlace: typeof softmaxInPlace;
  rope: typeof rope;
  ropeTables: typeof ropeTables;
  swiglu: typeof swiglu;
  geluNew: typeof geluNew;
  attention: typeof attention;
  addInPlace: typeof addInPlace;
  addBias: typeof addBias;
  /** Stops worker threads, if any. */
  dispose(): void;
}

/** Plain TypeScript kernels: the reference and the fallback. */
export const jsKernels: Kernels = {
  name: "js",
  threads: 1,
  alloc: (length) => new Float32Array(length),
  free: () => {},
  matmul,
  decodeRow,
  rmsnorm,
  layernorm,
  softmaxInPlace,
  rope,
  ropeTables,
  swiglu,
  geluNew,
  attention,
  addInPlace,
  addBias,
  dispose: () => {},
};
