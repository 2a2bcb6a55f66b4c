import { parentPort, workerData } from "node:worker_threads";
import { runChunks } from "./parallel-matmul.js";

/** A matmul worker thread: waits for a job generation, computes chunks of it, reports done. */

const { arena, control: controlBuffer } = workerData as {
  arena: SharedArrayBuffer;
  control: SharedArrayBuffer;
};
const control = new Int32Array(controlBuffer);
const whole = new Float32Array(arena);
let generation = Atomics.load(control, 0);
parentPort?.postMessage("ready");
for (;;) {
  Atomics.wait(control, 0, generation);
  generation = Atomics.load(control, 0);
  if (control[10] === 1) break;
  runChunks(control, whole);
  if (Atomics.sub(control, 1, 1) === 1) Atomics.notify(control, 1);
}
