// One thread's Q8_0 / Q4_0 product on 8-bit activations (the default path) for one token (decode)
// or several (a prompt), timed on random rows: a microbenchmark of kernels.wat for comparing two
// builds of it. NEXTOKEN_KERNELS=wasm-simd128 times the SIMD128 build instead of the relaxed SIMD one.
//   node scripts/bench-kernels.mjs q4_0 2048 768 1      # rows, columns, MB of weights
//   node scripts/bench-kernels.mjs q4_0 768 768 1 64    # ... and tokens (default 1)
//   taskset -c 1 node scripts/bench-kernels.mjs q8_0 5632 2048 1100   # streaming 1.1 GB
// With more MB than one matrix holds, the product runs over that many copies in turn, so the
// weights stream from memory as in a large model. Needs `npm run build` first.
import { randomFillSync } from "node:crypto";
import { instantiateKernels, kernelModule } from "../dist/tensor/wasm/module.js";

const [type = "q4_0", rowsArg = "2048", colsArg = "768", mbArg = "1", tokensArg = "1"] =
  process.argv.slice(2);
const TYPES = { q8_0: { id: 3, blockBytes: 34 }, q4_0: { id: 4, blockBytes: 18 } };
const rows = Number(rowsArg);
const cols = Number(colsArg);
const n = Number(tokensArg);
if (
  !(type in TYPES) ||
  !(rows > 0) ||
  !(cols > 0 && cols % 32 === 0) ||
  !(Number(mbArg) > 0) ||
  !Number.isInteger(n) ||
  n < 1
) {
  console.error("usage: node scripts/bench-kernels.mjs q8_0|q4_0 ROWS COLUMNS(multiple of 32) MB [TOKENS]");
  process.exit(2);
}
const { id, blockBytes } = TYPES[type];
const blocks = cols / 32;
const matrixBytes = rows * blocks * blockBytes;
const copies = Math.max(1, Math.floor((Number(mbArg) * 2 ** 20) / matrixBytes));
const weights = 65536;
const activations = weights + copies * matrixBytes;
const quads = Math.ceil(blocks / 4);
const bytes = activations + n * (cols * 4 + blocks * 68 + quads * 288 + rows * 4) + quads * 4 * 68 + 4096;
const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536), maximum: 65536, shared: true });
const { module, build } = kernelModule(
  process.env.NEXTOKEN_KERNELS === "wasm-simd128" ? "simd128" : undefined,
);
const e = instantiateKernels(module, memory);
const u8 = new Uint8Array(memory.buffer);
for (let at = 0; at < copies * matrixBytes; at += 1 << 26) {
  randomFillSync(u8, weights + at, Math.min(1 << 26, copies * matrixBytes - at));
}
const view = new DataView(memory.buffer);
for (let b = 0; b < copies * rows * blocks; b++)
  view.setUint16(weights + b * blockBytes, 0x2000 + (b & 0x3ff), true); // f16 scales ~2^-7
// activations, their 8-bit blocks (i16, 64 bytes a block), scales, q4_0's quads (order_q4),
// output, and scratch (a q4_0 prompt's unpacked row and its scales, then the 32 bytes the row
// loops store to)
const x = activations;
const xq = x + n * cols * 4;
const xs = xq + n * blocks * 64;
const ordered = xs + n * blocks * 4;
const out = ordered + n * quads * 288;
const scratch = out + n * rows * 4;
const xf = new Float32Array(memory.buffer, x, n * cols);
for (let i = 0; i < n * cols; i++) xf[i] = Math.sin(i);
e.quantize_x(x, xq, xs, n * cols, 0);
if (type === "q4_0") e.order_q4(xq, xs, ordered, blocks, n);
const input = type === "q4_0" ? ordered : xq;
const pass = () => {
  for (let c = 0; c < copies; c++)
    e.matmul_q(id, weights + c * matrixBytes, input, xs, out, n, rows, cols, 0, rows, 0, scratch);
};
const reps = Math.max(1, Math.ceil(2e7 / (n * copies * rows * cols)));
pass();
let best = Infinity;
for (let run = 0; run < 7; run++) {
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) pass();
  best = Math.min(best, (performance.now() - t0) / reps);
}
const total = copies * matrixBytes;
console.log(
  `${build}: ${type} ${rows}x${cols} x ${n} token${n > 1 ? "s" : ""}, ${copies} cop${copies > 1 ? "ies" : "y"} (${(total / 2 ** 20).toFixed(1)} MB): ` +
    `${(best * 1000).toFixed(1)} µs a pass, ${(total / best / 1e6).toFixed(1)} GB/s, ` +
    `${((n * copies * rows * blocks) / best / 1e3).toFixed(0)} M block products/s (best of 7)`,
);
