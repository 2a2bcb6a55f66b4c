import type { KernelExports } from "./module.js";

/**
 * The control block shared by the main thread and the kernel workers (Int32 slots in wasm memory)
 * and the operations a worker can run on a range of rows. Used by thread-pool.ts, worker.ts and
 * wasm-kernels.ts.
 *
 * Protocol (a spin-then-wait barrier, as measured best here): the caller writes OP and ARGS, zeroes DONE, publishes
 * NEXT = generation << 16, then stores GEN = generation and notifies. Every thread claims chunk
 * indices by compare-and-swap on NEXT; a claim only succeeds while NEXT still carries the
 * generation the thread woke for, so a thread that wakes late can never run a stale chunk.
 */
// GEN and the arguments (read by every thread), NEXT (claimed by every thread) and DONE (counted
// by every thread) lie in cache lines of their own (the block is 64-byte aligned), so a claim does
// not evict the line the other thread is spinning on.
export const GEN = 0;
export const NEXT = 32;
export const DONE = 48;
export const OP = 3;
export const NCHUNKS = 4;
export const CHUNK = 5;
export const TOTAL = 6;
export const STOP = 7;
/** Per-thread scratch: base address and bytes per thread. */
export const SCRATCH = 8;
export const STRIDE = 9;
/** Chunks run by workers (not the caller) since the pool started: shows the workers take part. */
export const WORKER_CHUNKS = 49;
/** Set when a worker's chunk threw: the caller reports it instead of waiting forever. */
export const FAILED = 11;
export const ARGS = 16;
export const CONTROL_INTS = 64;

export const OP_MATMUL = 0;
export const OP_MATMUL_Q = 1;
export const OP_ATTENTION = 2;
/** OP_ATTENTION over an f16 KV cache (same arguments). */
export const OP_ATTENTION_F16 = 3;
export const OP_MATMUL_K = 4;

/** Spin this long for new work or for stragglers before sleeping in Atomics.wait. */
export const SPIN_MS = 0.05;

/** Runs rows/items r0..r1 of the current operation as thread `index`. */
export function runChunk(e: KernelExports, c: Int32Array, index: number, r0: number, r1: number): void {
  const a = ARGS;
  const scratch = c[SCRATCH] + index * c[STRIDE];
  switch (c[OP]) {
    case OP_MATMUL:
      e.matmul(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6], r0, r1, scratch);
      return;
    case OP_MATMUL_Q:
      e.matmul_q(
        c[a],
        c[a + 1],
        c[a + 2],
        c[a + 3],
        c[a + 4],
        c[a + 5],
        c[a + 6],
        c[a + 7],
        r0,
        r1,
        c[a + 8],
        scratch,
      );
      return;
    case OP_MATMUL_K:
      e.matmul_k(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6], c[a + 7], r0, r1, scratch);
      return;
    case OP_ATTENTION:
    case OP_ATTENTION_F16: {
      // wasm exports do not use `this` (typed `this: void`)
      const attention = c[OP] === OP_ATTENTION ? e.attention : e.attention_f16;
      attention(c[a], c[a + 1], c[a + 2], c[a + 3], scratch, c[a + 4], c[a + 5], c[a + 6], c[a + 7], r0, r1);
      return;
    }
  }
}

/** Claims and runs chunks of generation `gen` until none are left. */
export function workChunks(e: KernelExports, c: Int32Array, index: number, gen: number): void {
  const tag = (gen & 0xffff) << 16;
  const nChunks = c[NCHUNKS];
  const chunk = c[CHUNK];
  const total = c[TOTAL];
  for (;;) {
    const word = Atomics.load(c, NEXT);
    if ((word & ~0xffff) !== tag) return;
    const i = word & 0xffff;
    if (i >= nChunks) return;
    if (Atomics.compareExchange(c, NEXT, word, word + 1) !== word) continue;
    const r0 = i * chunk;
    if (index === 0) runChunk(e, c, index, r0, Math.min(total, r0 + chunk));
    else {
      try {
        runChunk(e, c, index, r0, Math.min(total, r0 + chunk));
      } catch {
        Atomics.store(c, FAILED, 1);
      }
      Atomics.add(c, WORKER_CHUNKS, 1);
    }
    if (Atomics.add(c, DONE, 1) + 1 === nChunks) Atomics.notify(c, DONE);
  }
}
