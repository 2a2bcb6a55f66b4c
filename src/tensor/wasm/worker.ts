import { parentPort, workerData } from "node:worker_threads";
import { instantiateKernels } from "./module.js";
import { CONTROL_INTS, GEN, SPIN_MS, STOP, workChunks } from "./pool-ops.js";

/**
 * A kernel worker: waits for a new generation in the control block (spin briefly, then
 * Atomics.wait), claims chunks of it, and goes back to waiting. Exits when STOP is set.
 */
const { module, memory, controlPtr, index } = workerData as {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  controlPtr: number;
  index: number;
};
const exports = instantiateKernels(module, memory);
const control = new Int32Array(memory.buffer, controlPtr, CONTROL_INTS);
let seen = Atomics.load(control, GEN);
parentPort?.postMessage("ready");

for (;;) {
  let gen = Atomics.load(control, GEN);
  if (gen === seen) {
    const until = performance.now() + SPIN_MS;
    let spins = 0;
    while ((gen = Atomics.load(control, GEN)) === seen) {
      if (++spins % 64 === 0 && performance.now() > until) {
        Atomics.wait(control, GEN, seen);
      }
    }
  }
  if (Atomics.load(control, STOP) !== 0) break;
  seen = gen;
  workChunks(exports, control, index, gen);
}
