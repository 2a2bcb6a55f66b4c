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

/**
 * The operations a model's forward pass is made of. Model files call these and nothing lower, so a
 * faster backend (WebAssembly SIMD, threads) replaces this object without touching model code.
 */
export interface Kernels {
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
}

/** Plain TypeScript kernels: the reference and the fallback. */
export const jsKernels: Kernels = {
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
};
