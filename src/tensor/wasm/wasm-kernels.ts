import type { DType } from "../dtype.js";
import type { Kernels } from "../kernels.js";
import { ropeTables, addBias, addInPlace, type KvRows } from "../ops.js";
import { decodeRow, rowLength } from "../rows.js";
import type { Tensor } from "../tensor.js";
import type { WasmArena } from "./arena.js";
import { instantiateKernels, type KernelExports, type LoadedKernels } from "./module.js";
import {
  ARGS,
  CONTROL_INTS,
  OP,
  OP_ATTENTION,
  OP_ATTENTION_F16,
  OP_MATMUL,
  OP_MATMUL_K,
  OP_MATMUL_Q,
  runChunk,
  SCRATCH,
  STRIDE,
} from "./pool-ops.js";
import { ThreadPool } from "./thread-pool.js";

/** dtype ids of kernels.wat. */
export const DTYPE_IDS: Readonly<Record<DType, number>> = {
  f32: 0,
  f16: 1,
  bf16: 2,
  q8_0: 3,
  q4_0: 4,
  q4_k: 5,
  q5_k: 6,
  q6_k: 7,
};

/** Below this many multiply-adds (~15 µs of work) an operation runs on the calling thread alone: waking a sleeping worker takes ~50 µs. */
const PARALLEL_MIN_WORK = 1 << 18;
/** The same while the workers are still spinning after the last shared call (ThreadPool.hot). */
const HOT_PARALLEL_MIN_WORK = 1 << 15;
/**
 * A prompt's products write each row's outputs token by token, a row apart: chunks of 16 rows (a
 * cache line of f32 outputs) keep two threads from writing the same lines. With the 1-row chunks
 * that CHUNK_MAX_WORK gives a prompt, two threads ran a 128-token Q4_0 product (2048 x 768) in
 * 4.5-5.3 ms against 7.1 on one; in 16-row chunks, 3.5 (a one-off timing, README "Performance").
 */
const ROWS_PER_LINE = 16;
/** Chunks per thread: small enough to balance when another process holds a core. */
const CHUNKS_PER_THREAD = 8;
/**
 * Most multiply-adds in one chunk (~5-10 µs): the caller waits at most about one chunk for a
 * worker that started late, and a slow chunk is not mistaken for a worker whose core is taken.
 * A prompt's chunks are rounded up to ROWS_PER_LINE rows and may take longer (up to ~1 ms on
 * TinyLlama-sized rows); the stall rule still compares the wait with the caller's own work.
 */
const CHUNK_MAX_WORK = 1 << 16;

export interface WasmKernelOptions {
  /** Threads sharing the row loops, the caller included (1 = no workers). */
  threads: number;
  /**
   * Q8_0/Q4_0 products on activations quantized to 8 bits per 32-block, and Q4_K/Q5_K/Q6_K on
   * activations quantized per 256 (llama.cpp's Q8_K), as llama.cpp does: faster, but only within
   * ~0.04 log-prob of the exact path.
   */
  quantizeActivations: boolean;
  /** Multiply-adds below which an operation stays on the calling thread (tests set 0). */
  minParallelWork?: number;
}

/**
 * Kernels over an arena's WebAssembly memory. Arrays from alloc() and tensors loaded into the
 * arena are used in place; anything else is copied into a staging buffer per call (correct, slower),
 * and weights outside the arena are copied in once. Embedding rows, RoPE tables, residual adds and
 * biases stay in TypeScript, on the same buffers.
 */
export class WasmKernels implements Kernels {
  /** "wasm-relaxed-simd" or "wasm-simd128": the build of kernels.wat in use. */
  readonly name: string;
  readonly threads: number;
  private readonly e: KernelExports;
  private readonly pool: ThreadPool | undefined;
  private readonly control: Int32Array;
  /** The control block's argument slots (a view made once: the hot path allocates nothing). */
  private readonly args: Int32Array;
  private readonly copies = new WeakMap<Uint8Array, number>();
  private readonly staging: Array<{ ptr: number; bytes: number }> = [];
  private q8 = { ptr: 0, bytes: 0 };
  private readonly quantize: boolean;
  private readonly minParallelWork: number;
  private readonly hotMinParallelWork: number;

  constructor(
    readonly arena: WasmArena,
    kernels: LoadedKernels,
    options: WasmKernelOptions,
  ) {
    const { module, build } = kernels;
    this.name = `wasm-${build}`;
    this.e = instantiateKernels(module, arena.memory);
    this.threads = options.threads;
    this.quantize = options.quantizeActivations;
    this.minParallelWork = options.minParallelWork ?? PARALLEL_MIN_WORK;
    this.hotMinParallelWork = Math.min(this.minParallelWork, HOT_PARALLEL_MIN_WORK);
    this.pool = options.threads > 1 ? new ThreadPool(this.e, arena, module, options.threads) : undefined;
    this.control = this.pool
      ? this.pool.controlBlock
      : new Int32Array(arena.memory.buffer, arena.alloc(CONTROL_INTS * 4), CONTROL_INTS).fill(0);
    this.args = this.control.subarray(ARGS);
  }

  alloc(length: number): Float32Array {
    return this.arena.allocF32(length);
  }

  free(buffer: Float32Array): void {
    if (this.arena.owns(buffer)) this.arena.free(buffer.byteOffset);
  }

  dispose(): void {
    this.pool?.dispose();
  }

  /** Resolves when the worker threads are up (immediately with one thread). */
  async ready(): Promise<void> {
    await this.pool?.ready;
  }

  /** Chunks of work the worker threads have run (0 with one thread). */
  get workerChunks(): number {
    return this.pool?.workerChunks ?? 0;
  }

  matmul = (out: Float32Array, x: Float32Array, w: Tensor, n: number, _scratch: Float32Array): void => {
    const d = w.shape[0];
    const k = rowLength(w);
    const t = DTYPE_IDS[w.dtype];
    const wp = this.weightPtr(w);
    const xp = this.input(x, n * k, 0);
    const op = this.outputPtr(out, n * d, 1);
    if (w.dtype === "q8_0" || w.dtype === "q4_0") {
      const two = this.quantize ? 0 : 1;
      const blocks = (n * k) / 32;
      // 64 (exact: 128) bytes of quants per block, then f32 scales; q4_0's fast path rewrites them
      // as quads of 4 blocks, 288 bytes each, per token (kernels.wat order_q4)
      const fastQ4 = !two && w.dtype === "q4_0";
      const quads = Math.ceil(k / 128);
      const xq = this.q8Buffer(blocks * (two ? 136 : 68) + (fastQ4 ? n * quads * 288 + 64 : 0));
      const xs = xq + blocks * (two ? 128 : 64);
      this.e.quantize_x(xp, xq, xs, n * k, two);
      const ordered = Math.ceil((xs + blocks * 4) / 64) * 64; // its vector loads aligned
      if (fastQ4) this.e.order_q4(xq, xs, ordered, k / 32, n);
      // a q4_0 prefill's unpacked row and its scales (68 bytes per block, whole quads), and the 32
      // bytes the row loops store to
      this.threadScratch((fastQ4 && n > 1 ? quads * 4 * 68 : 0) + 32);
      this.setArgs(t, wp, fastQ4 ? ordered : xq, xs, op, n, d, k, two);
      this.run(OP_MATMUL_Q, d, n * d * k, n > 1 ? ROWS_PER_LINE : 1);
    } else if (this.quantize && t >= DTYPE_IDS.q4_k) {
      const blocks = (n * k) / 256;
      // per 256 values: 512 bytes of i16 quants, then 64 bytes of scale and sums (kernels.wat)
      const xq = this.q8Buffer(blocks * 576);
      const xs = xq + blocks * 512;
      this.e.quantize_k(xp, xq, xs, n * k);
      this.threadScratch(k * 4); // a prefill's unpacked row: 1024 bytes per 256 values
      this.setArgs(t, wp, xq, xs, op, n, d, k);
      this.run(OP_MATMUL_K, d, n * d * k, n > 1 ? ROWS_PER_LINE : 1);
    } else {
      if (t >= DTYPE_IDS.q4_k) this.threadScratch(k * 4);
      this.setArgs(t, wp, xp, op, n, d, k, 0);
      this.run(OP_MATMUL, d, n * d * k, n > 1 ? ROWS_PER_LINE : 1);
    }
    this.copyBack(out, op, n * d);
  };

  attention = (
    out: Float32Array,
    q: Float32Array,
    kCache: KvRows,
    vCache: KvRows,
    _att: Float32Array,
    start: number,
    n: number,
    nHeads: number,
    nKvHeads: number,
    hd: number,
  ): void => {
    const positions = start + n;
    const kvLength = positions * nKvHeads * hd;
    const a = this.args;
    let op = OP_ATTENTION;
    if (kCache instanceof Float32Array && vCache instanceof Float32Array) {
      a[2] = this.input(kCache, kvLength, 2);
      a[3] = this.input(vCache, kvLength, 3);
    } else if (kCache instanceof Uint16Array && vCache instanceof Uint16Array) {
      a[2] = this.inputHalves(kCache, kvLength, 2);
      a[3] = this.inputHalves(vCache, kvLength, 3);
      op = OP_ATTENTION_F16;
    } else throw new TypeError("attention: keys and values must both be f32 or both f16");
    a[0] = this.outputPtr(out, n * nHeads * hd, 0);
    a[1] = this.input(q, n * nHeads * hd, 1);
    a[4] = start;
    a[5] = nHeads;
    a[6] = nKvHeads;
    a[7] = hd;
    this.threadScratch(positions * 4);
    this.run(op, n * nHeads, n * nHeads * positions * hd * 2);
    this.copyBack(out, a[0], n * nHeads * hd);
  };

  rmsnorm = (
    out: Float32Array,
    x: Float32Array,
    w: Float32Array,
    eps: number,
    n: number,
    dim: number,
  ): void => {
    const op = this.outputPtr(out, n * dim, 0);
    this.e.rmsnorm(op, this.input(x, n * dim, 1), this.input(w, dim, 2), eps, n, dim);
    this.copyBack(out, op, n * dim);
  };

  softmaxInPlace = (x: Float32Array, len: number): void => {
    const p = this.input(x, len, 0);
    this.e.softmax(p, len);
    this.copyBack(x, p, len);
  };

  swiglu = (gate: Float32Array, up: Float32Array, len: number): void => {
    const g = this.input(gate, len, 0);
    this.e.swiglu(g, this.input(up, len, 1), len);
    this.copyBack(gate, g, len);
  };

  layernorm = (
    out: Float32Array,
    x: Float32Array,
    w: Float32Array,
    b: Float32Array,
    eps: number,
    n: number,
    dim: number,
  ): void => {
    const op = this.outputPtr(out, n * dim, 0);
    this.e.layernorm(
      op,
      this.input(x, n * dim, 1),
      this.input(w, dim, 2),
      this.input(b, dim, 3),
      eps,
      n,
      dim,
    );
    this.copyBack(out, op, n * dim);
  };

  geluNew = (x: Float32Array, len: number): void => {
    const p = this.input(x, len, 0);
    this.e.gelu_new(p, len);
    this.copyBack(x, p, len);
  };

  rope = (
    x: Float32Array,
    cos: Float32Array,
    sin: Float32Array,
    n: number,
    nHeads: number,
    headDim: number,
  ): void => {
    const p = this.input(x, n * nHeads * headDim, 0);
    const half = headDim / 2;
    this.e.rope(p, this.input(cos, n * half, 1), this.input(sin, n * half, 2), n, nHeads, headDim);
    this.copyBack(x, p, n * nHeads * headDim);
  };

  decodeRow = decodeRow;
  ropeTables = ropeTables;
  addInPlace = addInPlace;
  addBias = addBias;

  /** The next operation's integer arguments, in order (no allocation: a rest parameter would). */
  private setArgs(
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    a4: number,
    a5: number,
    a6: number,
    a7: number,
    a8 = 0,
  ): void {
    const a = this.args;
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
    a[4] = a4;
    a[5] = a5;
    a[6] = a6;
    a[7] = a7;
    a[8] = a8;
  }

  /** Runs `op` over `total` rows: on every thread when the work is worth a dispatch. */
  /**
   * Runs `op` over `total` rows (or items) on the pool when it pays, in chunks that are a multiple
   * of `align`.
   */
  private run(op: number, total: number, work: number, align = 1): void {
    const pool = this.pool;
    if (
      pool &&
      total > 1 &&
      (work >= this.minParallelWork || (work >= this.hotMinParallelWork && pool.hot)) &&
      pool.available
    ) {
      const byWork = Math.floor((total * CHUNK_MAX_WORK) / work);
      const chunk = Math.max(1, Math.min(Math.ceil(total / (this.threads * CHUNKS_PER_THREAD)), byWork));
      pool.run(op, total, Math.ceil(chunk / align) * align);
    } else {
      this.control[OP] = op;
      runChunk(this.e, this.control, 0, 0, total);
    }
  }

  /** Makes every thread's scratch at least `bytes` long. */
  private threadScratch(bytes: number): void {
    const c = this.control;
    if (c[STRIDE] >= bytes) return;
    if (c[SCRATCH]) this.arena.free(c[SCRATCH]);
    const stride = Math.ceil((bytes * 1.5) / 64) * 64;
    c[SCRATCH] = this.arena.alloc(stride * this.threads);
    c[STRIDE] = stride;
  }

  /** The quantized-activation buffer, at least `bytes` long. */
  private q8Buffer(bytes: number): number {
    if (this.q8.bytes < bytes) {
      if (this.q8.ptr) this.arena.free(this.q8.ptr);
      this.q8 = { ptr: this.arena.alloc(bytes * 2), bytes: bytes * 2 };
    }
    return this.q8.ptr;
  }

  private weightPtr(w: Tensor): number {
    if (this.arena.owns(w.bytes)) return w.bytes.byteOffset;
    let ptr = this.copies.get(w.bytes);
    if (ptr === undefined) {
      ptr = this.arena.alloc(w.bytes.byteLength);
      this.arena.bytes(ptr, w.bytes.byteLength).set(w.bytes);
      this.copies.set(w.bytes, ptr);
    }
    return ptr;
  }

  /** Address of `x`'s first `length` floats: in place, or copied into staging slot `slot`. */
  private input(x: Float32Array, length: number, slot: number): number {
    if (this.arena.owns(x)) return x.byteOffset;
    const ptr = this.stagingPtr(slot, length * 4);
    this.arena.f32(ptr, length).set(x.subarray(0, length));
    return ptr;
  }

  /** Address of `x`'s first `length` f16 values: in place, or copied into staging slot `slot`. */
  private inputHalves(x: Uint16Array, length: number, slot: number): number {
    if (this.arena.owns(x)) return x.byteOffset;
    const ptr = this.stagingPtr(slot, length * 2);
    new Uint16Array(this.arena.memory.buffer, ptr, length).set(x.subarray(0, length));
    return ptr;
  }

  /** Address to write `length` floats of `out` to: in place, or a staging slot copied back by copyBack. */
  private outputPtr(out: Float32Array, length: number, slot: number): number {
    return this.arena.owns(out) ? out.byteOffset : this.stagingPtr(slot, length * 4);
  }

  private copyBack(out: Float32Array, ptr: number, length: number): void {
    if (!this.arena.owns(out)) out.set(this.arena.f32(ptr, length));
  }

  private stagingPtr(slot: number, bytes: number): number {
    const s = this.staging[slot];
    if (s && s.bytes >= bytes) return s.ptr;
    if (s) this.arena.free(s.ptr);
    const ptr = this.arena.alloc(bytes);
    this.staging[slot] = { ptr, bytes };
    return ptr;
  }
}
