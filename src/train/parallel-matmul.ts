import { Worker } from "node:worker_threads";
import { matmulABt, type Floats, type Matmul } from "./matmul.js";

/**
 * matmulABt split across threads: the caller and threads-1 workers claim chunks of output rows from a
 * shared counter until none are left, so a core slowed by other work simply takes fewer chunks. Each
 * output is still one sum in the same order, so results do not depend on the thread count.
 * Operands must be views of the one SharedArrayBuffer the pool was made with; others run serially.
 *
 * Control words (Int32Array over a small SharedArrayBuffer): [0] generation (bumped per job, workers
 * wait on it), [1] workers still busy, [2] next row to claim, [3..10] the job:
 * out offset, a offset, b offset, m, n, k, chunk rows, stop flag.
 */

const CHUNK_ALIGN = 4; // the kernel's register block

export interface MatmulPool extends Matmul {
  close(): void;
}

/** Starts threads-1 workers sharing `memory` (a view of a SharedArrayBuffer). */
export async function createMatmulPool(threads: number, memory: Float32Array): Promise<MatmulPool> {
  const arena = memory.buffer;
  if (!(arena instanceof SharedArrayBuffer))
    throw new TypeError("createMatmulPool needs a SharedArrayBuffer");
  const control = new Int32Array(new SharedArrayBuffer(16 * 4));
  const whole = new Float32Array(arena);
  const workers = await Promise.all(
    Array.from({ length: threads - 1 }, async () => {
      const worker = new Worker(new URL("./matmul-worker.js", import.meta.url), {
        workerData: { arena, control: control.buffer },
      });
      await new Promise((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      return worker;
    }),
  );
  const offsetOf = (x: Floats) => (x.buffer === arena && x instanceof Float32Array ? x.byteOffset / 4 : -1);
  return {
    abt(out, a, b, m, n, k) {
      const [o, ao, bo] = [offsetOf(out), offsetOf(a), offsetOf(b)];
      if (o < 0 || ao < 0 || bo < 0 || m < 8) return matmulABt(out, a, b, m, n, k);
      const chunk = Math.max(CHUNK_ALIGN, Math.ceil(m / (threads * 8) / CHUNK_ALIGN) * CHUNK_ALIGN);
      control.set([o, ao, bo, m, n, k, chunk, 0], 3);
      Atomics.store(control, 2, 0);
      Atomics.store(control, 1, workers.length);
      Atomics.add(control, 0, 1);
      Atomics.notify(control, 0);
      runChunks(control, whole);
      for (let busy = Atomics.load(control, 1); busy !== 0; busy = Atomics.load(control, 1))
        Atomics.wait(control, 1, busy);
    },
    close() {
      control[10] = 1;
      Atomics.add(control, 0, 1);
      Atomics.notify(control, 0);
      for (const w of workers) void w.terminate();
    },
  };
}

/** Claims and computes chunks of the current job until none are left (caller and workers alike). */
export function runChunks(control: Int32Array, whole: Float32Array): void {
  const [o, ao, bo, m, n, k, chunk] = control.subarray(3, 10);
  const out = whole.subarray(o, o + m * n);
  const a = whole.subarray(ao, ao + m * k);
  const b = whole.subarray(bo, bo + n * k);
  for (let from = Atomics.add(control, 2, chunk); from < m; from = Atomics.add(control, 2, chunk)) {
    matmulABt(out, a, b, m, n, k, from, Math.min(m, from + chunk));
  }
}
