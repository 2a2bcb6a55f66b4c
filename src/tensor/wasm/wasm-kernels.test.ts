import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { f16ToF32, f32ToF16, type DType } from "../dtype.js";
import { jsKernels } from "../kernels.js";
import { matmulReference } from "../matmul.js";
import { decodeRow } from "../rows.js";
import type { Tensor } from "../tensor.js";
import { WasmArena, WasmMemoryLimitError } from "./arena.js";
import { instantiateKernels, kernelModule } from "./module.js";
import { WasmKernels } from "./wasm-kernels.js";

const module = kernelModule();
if (!module) throw new Error("kernels.wasm is missing: run npm run build");

function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

const BLOCK: Record<DType, [number, number]> = {
  f32: [1, 4],
  f16: [1, 2],
  bf16: [1, 2],
  q8_0: [32, 34],
  q4_0: [32, 18],
  q4_k: [256, 144],
  q5_k: [256, 176],
  q6_k: [256, 210],
};

/** A rows × cols tensor of `dtype` with random contents (quantized blocks: random bytes, small f16 scales). */
function randomTensor(dtype: DType, rows: number, cols: number, seed: number): Tensor {
  const [size, bytesPer] = BLOCK[dtype];
  const count = rows * cols;
  let bytes: Uint8Array;
  if (dtype === "f32") bytes = new Uint8Array(random(count, seed).buffer);
  else if (dtype === "f16" || dtype === "bf16") {
    const values = random(count, seed);
    const bits = new Uint32Array(values.buffer);
    const halves = Uint16Array.from(values, (v, i) => (dtype === "f16" ? f32ToF16(v) : bits[i] >>> 16));
    bytes = new Uint8Array(halves.buffer);
  } else {
    bytes = randomBytes((count / size) * bytesPer, seed);
    const scaleAt = dtype === "q6_k" ? [208] : dtype === "q4_k" || dtype === "q5_k" ? [0, 2] : [0];
    for (let o = 0; o < bytes.length; o += bytesPer) {
      for (const at of scaleAt) {
        const h = f32ToF16(0.01 + (bytes[o + at] / 255) * 0.02);
        bytes[o + at] = h & 0xff;
        bytes[o + at + 1] = h >> 8;
      }
    }
  }
  return { name: "w", dtype, shape: [rows, cols], bytes };
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst / Math.max(scale, 1e-30);
}

/**
 * Two threads give one thread's bits on a product big enough to share, and the worker takes part:
 * a worker asleep in Atomics.wait may wake after the caller took every chunk, and after a stall on
 * a busy machine the pool runs alone for a while, so the product is repeated until it joins.
 */
async function assertWorkerJoins(
  one: WasmKernels,
  two: WasmKernels,
  w: Tensor,
  n: number,
  label: string,
): Promise<void> {
  const [rows, cols] = w.shape;
  const x = random(n * cols, 4);
  const [a, b] = [new Float32Array(n * rows), new Float32Array(n * rows)];
  one.matmul(a, x, w, n, new Float32Array(cols));
  const before = two.workerChunks;
  for (let i = 0; i < 100 && two.workerChunks === before; i++) {
    two.matmul(b, x, w, n, new Float32Array(cols));
    assert.deepEqual(b, a, `${label}: two threads`);
    if (two.workerChunks === before) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.ok(two.workerChunks > before, `${label}: the worker took part`);
}

const ALL: DType[] = ["f32", "f16", "bf16", "q8_0", "q4_0", "q4_k", "q5_k", "q6_k"];

for (const dtype of ALL) {
  test(`wasm matmul ${dtype} matches the decode-then-dot reference on odd sizes, any n and thread count`, async () => {
    const arena = new WasmArena();
    const one = new WasmKernels(arena, module, { threads: 1, quantizeActivations: false });
    const two = new WasmKernels(arena, module, {
      threads: 2,
      quantizeActivations: false,
      minParallelWork: 0,
    });
    await two.ready();
    const cols = BLOCK[dtype][0] === 1 ? 37 : BLOCK[dtype][0] === 32 ? 96 : 512;
    try {
      for (const [rows, n] of [
        [13, 1],
        [7, 3],
        [1, 5],
        [29, 4],
        [5, 9],
        [3, 6],
      ]) {
        const w = randomTensor(dtype, rows, cols, rows * 7 + n);
        const x = random(n * cols, 99 + n);
        const ref = new Float32Array(n * rows);
        matmulReference(ref, x, w, n);
        const out = new Float32Array(n * rows);
        one.matmul(out, x, w, n, new Float32Array(cols));
        const diff = maxRelDiff(out, ref);
        assert.ok(diff < 2e-6, `${dtype} ${rows}x${cols} n=${n}: max relative diff ${diff}`);
        // every thread count and batch size gives the same bits as one token at a time
        const threaded = new Float32Array(n * rows);
        two.matmul(threaded, x, w, n, new Float32Array(cols));
        assert.deepEqual(threaded, out);
        for (let t = 0; t < n; t++) {
          const row = new Float32Array(rows);
          one.matmul(row, x.subarray(t * cols, (t + 1) * cols), w, 1, new Float32Array(cols));
          assert.deepEqual(row, out.subarray(t * rows, (t + 1) * rows), `token ${t} of ${n}`);
        }
      }
      await assertWorkerJoins(one, two, randomTensor(dtype, 2048, cols, 1), 4, dtype);
    } finally {
      two.dispose();
    }
  });
}

test("quantized activations (q8, as llama.cpp) stay close to the exact product and are selectable", () => {
  const arena = new WasmArena();
  const fast = new WasmKernels(arena, module, { threads: 1, quantizeActivations: true });
  const exact = new WasmKernels(arena, module, { threads: 1, quantizeActivations: false });
  for (const dtype of ["q8_0", "q4_0", "q4_k", "q5_k", "q6_k"] as const) {
    const k = BLOCK[dtype][0] === 32 ? 160 : 512;
    const w = randomTensor(dtype, 17, k, 5);
    const n = 7; // one group of 4 tokens, a pair, one alone
    const x = random(n * k, 6);
    const a = new Float32Array(n * 17);
    const b = new Float32Array(n * 17);
    fast.matmul(a, x, w, n, new Float32Array(k));
    exact.matmul(b, x, w, n, new Float32Array(k));
    const diff = maxRelDiff(a, b);
    assert.ok(diff > 0 && diff < 0.02, `${dtype}: relative diff ${diff}`);
    // the exact path is the decode-then-dot reference
    const ref = new Float32Array(n * 17);
    matmulReference(ref, x, w, n);
    assert.ok(maxRelDiff(b, ref) < 2e-6, `${dtype}: exact path`);
    // one token at a time gives the bits of the batched product
    for (let t = 0; t < n; t++) {
      const one = new Float32Array(17);
      fast.matmul(one, x.subarray(t * k, (t + 1) * k), w, 1, new Float32Array(k));
      assert.deepEqual(one, a.subarray(t * 17, (t + 1) * 17), `${dtype} token ${t}`);
    }
  }
});

/** llama.cpp's product on 8-bit activations, in f64: Σ_b d_w · d_x · Σ w_q · round(x / d_x), d_x = amax / 127. */
function q8ActivationReference(w: Tensor, x: Float32Array, n: number): Float64Array {
  const [d, k] = w.shape;
  const four = w.dtype === "q4_0";
  const bytesPer = four ? 18 : 34;
  const out = new Float64Array(n * d);
  const xq = new Int32Array(32);
  for (let t = 0; t < n; t++) {
    for (let b = 0; b < k / 32; b++) {
      const xb = x.subarray(t * k + b * 32, t * k + b * 32 + 32);
      let amax = 0;
      for (const v of xb) amax = Math.max(amax, Math.abs(v));
      const dx = Math.fround(amax / 127);
      const id = dx > 0 ? Math.fround(1 / dx) : 0;
      for (let i = 0; i < 32; i++) {
        xq[i] = nearestInt(Math.fround(xb[i] * id));
      }
      for (let j = 0; j < d; j++) {
        const o = (j * (k / 32) + b) * bytesPer;
        const dw = f16ToF32(w.bytes[o] | (w.bytes[o + 1] << 8));
        let dot = 0;
        for (let i = 0; i < 32; i++) {
          const q = four
            ? ((w.bytes[o + 2 + (i & 15)] >> (i < 16 ? 0 : 4)) & 15) - 8
            : (w.bytes[o + 2 + i] << 24) >> 24;
          dot += q * xq[i];
        }
        out[t * d + j] += dw * dx * dot;
      }
    }
  }
  return out;
}

test("8-bit activation products equal llama.cpp's integer arithmetic, on any n and thread count", async () => {
  const arena = new WasmArena();
  const one = new WasmKernels(arena, module, { threads: 1, quantizeActivations: true });
  const two = new WasmKernels(arena, module, { threads: 2, quantizeActivations: true, minParallelWork: 0 });
  await two.ready();
  try {
    for (const dtype of ["q8_0", "q4_0"] as const) {
      // q4_0 takes blocks 4 at a time: 1, 3, 4, 5, 7 and 9 blocks
      for (const k of [32, 96, 128, 160, 224, 288]) {
        // 1..3 blocks (tail only), one group of 4, 2 groups and a tail; 40 rows: a prompt's
        // chunks are 16 rows, so two threads each take some
        const d = 40;
        const n = 5;
        const w = randomTensor(dtype, d, k, k + 1);
        const x = random(n * k, k + 2);
        const a = new Float32Array(n * d);
        one.matmul(a, x, w, n, new Float32Array(k));
        const ref = q8ActivationReference(w, x, n);
        let scale = 0;
        for (const v of ref) scale = Math.max(scale, Math.abs(v));
        let worst = 0;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - ref[i]));
        assert.ok(worst / scale < 1e-5, `${dtype} k=${k}: relative error ${worst / scale}`);
        const b = new Float32Array(n * d);
        two.matmul(b, x, w, n, new Float32Array(k));
        assert.deepEqual(b, a, `${dtype} k=${k}: two threads`);
      }
      await assertWorkerJoins(one, two, randomTensor(dtype, 2048, 288, 3), 3, dtype);
    }
  } finally {
    two.dispose();
  }
});

test("the relaxed SIMD and SIMD128 builds give the same q4_0 bits, one token or a prefill", () => {
  const relaxed = kernelModule("relaxed-simd");
  const plain = kernelModule("simd128");
  assert.ok(relaxed && plain, "both builds run here");
  const arena = new WasmArena();
  const kernels = [relaxed, plain].map(
    (build) => new WasmKernels(arena, build, { threads: 1, quantizeActivations: true }),
  );
  assert.deepEqual(
    kernels.map((k) => k.name),
    ["wasm-relaxed-simd", "wasm-simd128"],
  );
  for (const k of [32, 64, 96, 128, 160, 224, 288, 768]) {
    const d = 11;
    // extreme values too: nibbles 0 and 15, activations that quantize to ±127
    const w = randomTensor("q4_0", d, k, k + 7);
    for (let o = 0; o < 18 * (k / 32); o += 18) w.bytes.fill(0xff, o + 2, o + 18);
    for (let o = 18 * (k / 32); o < 2 * 18 * (k / 32); o += 18) w.bytes.fill(0, o + 2, o + 18);
    for (const n of [1, 2, 3, 6]) {
      const x = random(n * k, k + n);
      // alternating signs, then one sign (the largest sums the 16-bit lanes must hold), and a
      // block so small that 1 / its scale overflows (it counts as zeros in both builds)
      for (let i = 0; i < k; i++) x[i] = i % 2 ? -1 : 1;
      if (n > 1) x.fill(-1, k, 2 * k);
      if (n > 2) x.fill(1e-37, 2 * k, 2 * k + 32);
      const [a, b] = [new Float32Array(n * d), new Float32Array(n * d)];
      kernels[0].matmul(a, x, w, n, new Float32Array(k));
      kernels[1].matmul(b, x, w, n, new Float32Array(k));
      assert.deepEqual(a, b, `k=${k} n=${n}`);
      if (n > 1) {
        // a prefill gives the bits of one-token steps
        const step = new Float32Array(d);
        kernels[0].matmul(step, x.subarray((n - 1) * k), w, 1, new Float32Array(k));
        assert.deepEqual(step, a.subarray((n - 1) * d), `k=${k} n=${n}: last token alone`);
      }
    }
  }
});

test("the relaxed SIMD build passes its self-test in V8's optimizing compiler too", () => {
  // kernelModule runs the self-test once, in the baseline compiler; --no-liftoff compiles
  // everything with TurboFan, which lowers the relaxed instruction on its own
  const script = `import("${new URL("./module.js", import.meta.url).href}").then((m) =>
    console.log(m.kernelModule("relaxed-simd")?.build ?? "failed"))`;
  const result = spawnSync(process.execPath, ["--no-liftoff", "--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), "relaxed-simd");
});

test("q4_0 rows that end at the arena's last byte are read without running off the memory", () => {
  // The q4_0 kernels read up to 38 bytes past a row's end (masked out): the arena keeps memory
  // beyond its last block so a tensor ending there does not trap.
  const arena = new WasmArena(65536);
  const kernels = new WasmKernels(arena, module, { threads: 1, quantizeActivations: true });
  const k = 160; // a partial quad of 1 block
  const warm = randomTensor("q4_0", 2, k, 1);
  kernels.matmul(new Float32Array(2), random(k, 2), warm, 1, new Float32Array(k)); // buffers in place
  // the rest of the memory, as it is now, in one block, and the tensor at its very end
  const top = arena.alloc(64);
  arena.free(top);
  const avail = arena.memory.buffer.byteLength - top;
  const rows = Math.floor(avail / (18 * (k / 32)));
  const bytes = rows * 18 * (k / 32);
  const ptr = arena.alloc(avail);
  assert.equal(ptr, top);
  const w: Tensor = {
    name: "w",
    dtype: "q4_0",
    shape: [rows, k],
    bytes: arena.bytes(ptr + avail - bytes, bytes),
  };
  w.bytes.set(randomTensor("q4_0", rows, k, 3).bytes);
  assert.ok(arena.memory.buffer.byteLength - (ptr + avail) >= 38, "memory kept past the last block");
  const out = new Float32Array(rows);
  const x = random(k, 4);
  kernels.matmul(out, x, w, 1, new Float32Array(k));
  const ref = q8ActivationReference(w, x, 1);
  assert.ok(Math.abs(out[rows - 1] - ref[rows - 1]) < 1e-5 * Math.max(1, Math.abs(ref[rows - 1])));
});

/** Round half to even, as llama.cpp's nearest_int and f32x4.nearest. */
function nearestInt(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** llama.cpp's quantize_row_q8_K: per 256 values, iscale = -127 / (the value of largest magnitude), in f32. */
function quantizeQ8K(x: Float32Array): { q: Int32Array; d: Float32Array } {
  const q = new Int32Array(x.length);
  const d = new Float32Array(x.length / 256);
  for (let b = 0; b < d.length; b++) {
    let max = 0;
    let amax = 0;
    for (let j = b * 256; j < b * 256 + 256; j++) {
      if (Math.abs(x[j]) > amax) [amax, max] = [Math.abs(x[j]), x[j]];
    }
    if (amax === 0) continue;
    const iscale = Math.fround(-127 / max);
    for (let j = b * 256; j < b * 256 + 256; j++)
      q[j] = Math.min(127, nearestInt(Math.fround(iscale * x[j])));
    d[b] = Math.fround(1 / iscale);
  }
  return { q, d };
}

/** ggml get_scale_min_k4: 6-bit scale and min of sub-block j from the 12 scale bytes at `at`. */
function scaleMinK4(bytes: Uint8Array, at: number, j: number): [number, number] {
  const s = (i: number) => bytes[at + i];
  return j < 4
    ? [s(j) & 63, s(j + 4) & 63]
    : [(s(j + 4) & 15) | ((s(j - 4) >> 6) << 4), (s(j + 4) >> 4) | ((s(j) >> 6) << 4)];
}

/**
 * llama.cpp's ggml_vec_dot_q4_K_q8_K / q5_K / q6_K on Q8_K activations, in f64: per super-block
 * d·dx·Σ_j scale_j Σ w_q x_q - dmin·dx·Σ_j min_j Σ x_q (q6_K: d·dx·Σ_j scale_j Σ (w_q - 32) x_q).
 */
function q8kActivationReference(w: Tensor, x: Float32Array, n: number): Float64Array {
  const [d, k] = w.shape;
  const bytesPer = BLOCK[w.dtype][1];
  const { q: xq, d: xd } = quantizeQ8K(x);
  const out = new Float64Array(n * d);
  const wq = new Int32Array(256);
  for (let j = 0; j < d; j++) {
    for (let b = 0; b < k / 256; b++) {
      const o = (j * (k / 256) + b) * bytesPer;
      const f16 = (at: number) => f16ToF32(w.bytes[o + at] | (w.bytes[o + at + 1] << 8));
      // integer weights and the scale (and min) of each value
      const scale = new Int32Array(256);
      const min = new Int32Array(256);
      if (w.dtype === "q6_k") {
        for (let h = 0; h < 2; h++) {
          for (let l = 0; l < 32; l++) {
            const ql = (i: number) => w.bytes[o + h * 64 + i];
            const qh = w.bytes[o + 128 + h * 32 + l];
            const base = h * 128 + l;
            wq[base] = ((ql(l) & 15) | ((qh & 3) << 4)) - 32;
            wq[base + 32] = ((ql(l + 32) & 15) | (((qh >> 2) & 3) << 4)) - 32;
            wq[base + 64] = ((ql(l) >> 4) | (((qh >> 4) & 3) << 4)) - 32;
            wq[base + 96] = ((ql(l + 32) >> 4) | (((qh >> 6) & 3) << 4)) - 32;
          }
        }
        for (let i = 0; i < 256; i++) scale[i] = (w.bytes[o + 192 + (i >> 4)] << 24) >> 24;
      } else {
        const five = w.dtype === "q5_k";
        const qs = o + (five ? 48 : 16);
        for (let c = 0; c < 4; c++) {
          for (let l = 0; l < 32; l++) {
            const byte = w.bytes[qs + c * 32 + l];
            const hbits = five ? w.bytes[o + 16 + l] : 0;
            wq[c * 64 + l] = (byte & 15) + ((hbits >> (2 * c)) & 1) * 16;
            wq[c * 64 + 32 + l] = (byte >> 4) + ((hbits >> (2 * c + 1)) & 1) * 16;
          }
        }
        for (let i = 0; i < 256; i++) [scale[i], min[i]] = scaleMinK4(w.bytes, o + 4, i >> 5);
      }
      const dw = f16(w.dtype === "q6_k" ? 208 : 0);
      const dmin = w.dtype === "q6_k" ? 0 : f16(2);
      for (let t = 0; t < n; t++) {
        let isum = 0;
        let msum = 0;
        for (let i = 0; i < 256; i++) {
          const xv = xq[t * k + b * 256 + i];
          isum += scale[i] * wq[i] * xv;
          msum += min[i] * xv;
        }
        const dx = xd[(t * k) / 256 + b];
        out[t * d + j] += dw * dx * isum - dmin * dx * msum;
      }
    }
  }
  return out;
}

test("K-quant products on 8-bit activations equal llama.cpp's Q8_K integer arithmetic, on any n and thread count", async () => {
  const arena = new WasmArena();
  const one = new WasmKernels(arena, module, { threads: 1, quantizeActivations: true });
  const two = new WasmKernels(arena, module, { threads: 2, quantizeActivations: true, minParallelWork: 0 });
  await two.ready();
  try {
    for (const dtype of ["q4_k", "q5_k", "q6_k"] as const) {
      for (const k of [256, 512, 768]) {
        const d = 11;
        const w = randomTensor(dtype, d, k, k + 3);
        // one token (fused), pairs and one left (unpacked), more than a group of 16
        for (const n of k === 256 ? [1, 2, 3, 4, 5, 19] : [1, 2, 3, 4, 5]) {
          const x = random(n * k, k + n);
          if (n === 3) x.fill(0, k, 2 * k); // a token of zeros: scale 0, as llama.cpp
          const a = new Float32Array(n * d);
          one.matmul(a, x, w, n, new Float32Array(k));
          const ref = q8kActivationReference(w, x, n);
          let scale = 0;
          for (const v of ref) scale = Math.max(scale, Math.abs(v));
          let worst = 0;
          for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - ref[i]));
          assert.ok(worst / scale < 1e-5, `${dtype} k=${k} n=${n}: relative error ${worst / scale}`);
          // a prefill gives the bits of one token at a time, and two threads those of one
          for (let t = 0; t < n; t++) {
            const row = new Float32Array(d);
            one.matmul(row, x.subarray(t * k, (t + 1) * k), w, 1, new Float32Array(k));
            assert.deepEqual(row, a.subarray(t * d, (t + 1) * d), `${dtype} k=${k}: token ${t} of ${n}`);
          }
          const b = new Float32Array(n * d);
          two.matmul(b, x, w, n, new Float32Array(k));
          assert.deepEqual(b, a, `${dtype} k=${k} n=${n}: two threads`);
        }
      }
      await assertWorkerJoins(one, two, randomTensor(dtype, 1024, 512, 3), 3, dtype);
    }
  } finally {
    two.dispose();
  }
});

test("wasm rmsnorm, layernorm, softmax, swiglu, gelu, rope and attention match the TypeScript kernels on odd sizes", () => {
  const k = new WasmKernels(new WasmArena(), module, { threads: 1, quantizeActivations: false });
  const dim = 37;
  const x = random(3 * dim, 1);
  const w = random(dim, 2);
  const [a, b] = [new Float32Array(3 * dim), new Float32Array(3 * dim)];
  k.rmsnorm(a, x, w, 1e-5, 3, dim);
  jsKernels.rmsnorm(b, x, w, 1e-5, 3, dim);
  assert.ok(maxRelDiff(a, b) < 1e-6, "rmsnorm");
  const s1 = random(41, 3).map((v) => v * 20);
  const s2 = s1.slice();
  k.softmaxInPlace(s1, 41);
  jsKernels.softmaxInPlace(s2, 41);
  assert.ok(maxRelDiff(s1, s2) < 1e-6, "softmax");
  const g1 = random(23, 4).map((v) => v * 8);
  const g2 = g1.slice();
  const up = random(23, 5);
  k.swiglu(g1, up, 23);
  jsKernels.swiglu(g2, up, 23);
  assert.ok(maxRelDiff(g1, g2) < 1e-6, "swiglu");
  const lw = random(dim, 9);
  const lb = random(dim, 10);
  const lx = random(3 * dim, 11).map((v, i) => v * 3 + (i % dim === 0 ? 40 : 0)); // one large value per row
  k.layernorm(a, lx, lw, lb, 1e-5, 3, dim);
  jsKernels.layernorm(b, lx, lw, lb, 1e-5, 3, dim);
  assert.ok(maxRelDiff(a, b) < 1e-6, "layernorm");
  // gelu over [-12, 12] (tanh near -1 and 1) and a non-multiple of 4
  const u1 = Float32Array.from({ length: 103 }, (_, i) => -12 + (24 * i) / 102);
  const u2 = u1.slice();
  k.geluNew(u1, 103);
  jsKernels.geluNew(u2, 103);
  for (let i = 0; i < 103; i++) {
    assert.ok(Math.abs(u1[i] - u2[i]) <= 1e-6 * Math.max(1e-3, Math.abs(u2[i])), `gelu(${u2[i]}) = ${u1[i]}`);
  }
  for (const [n, heads, hd] of [
    [3, 2, 6], // half = 3: the scalar tail only
    [2, 3, 16],
    [1, 4, 20],
  ]) {
    const half = hd / 2;
    const r1 = random(n * heads * hd, 12);
    const r2 = r1.slice();
    const cos = random(n * half, 13);
    const sin = random(n * half, 14);
    k.rope(r1, cos, sin, n, heads, hd);
    jsKernels.rope(r2, cos, sin, n, heads, hd);
    assert.ok(maxRelDiff(r1, r2) < 1e-6, `rope n=${n} heads=${heads} hd=${hd}`);
    assert.ok(maxRelDiff(r1, random(n * heads * hd, 12)) > 0.01, "rope changed x");
  }
  for (const [nHeads, nKvHeads, hd, start, n] of [
    [3, 3, 6, 0, 1],
    [4, 2, 10, 5, 3],
    [6, 1, 7, 2, 2],
    [4, 2, 8, 9, 3], // hd % 4 = 0: scores 4 positions at a time, then the rest
    [2, 2, 16, 3, 1],
    [3, 1, 12, 0, 7],
  ]) {
    const positions = start + n;
    const q = random(n * nHeads * hd, 6);
    const kc = random(positions * nKvHeads * hd, 7);
    const vc = random(positions * nKvHeads * hd, 8);
    const [o1, o2] = [new Float32Array(n * nHeads * hd), new Float32Array(n * nHeads * hd)];
    k.attention(o1, q, kc, vc, new Float32Array(positions), start, n, nHeads, nKvHeads, hd);
    jsKernels.attention(o2, q, kc, vc, new Float32Array(positions), start, n, nHeads, nKvHeads, hd);
    assert.ok(maxRelDiff(o1, o2) < 1e-6, `attention ${nHeads}/${nKvHeads} hd ${hd}`);
    // each query alone gives the bits of the batch
    for (let t = 0; t < n; t++) {
      const one = new Float32Array(nHeads * hd);
      const qt = q.subarray(t * nHeads * hd, (t + 1) * nHeads * hd);
      k.attention(one, qt, kc, vc, new Float32Array(positions), start + t, 1, nHeads, nKvHeads, hd);
      assert.deepEqual(one, o1.subarray(t * nHeads * hd, (t + 1) * nHeads * hd), `query ${t} alone`);
    }
  }
});

/** f16 bits of random values in ±scale, with subnormals, ±0 and the largest f16 mixed in. */
function randomHalves(n: number, seed: number, scale: number): Uint16Array {
  const out = Uint16Array.from(random(n, seed), (v) => f32ToF16(v * scale));
  const edge = [0x0001, 0x83ff, 0x0200, 0x8000, 0x0000, 0x7bff, 0xfbff, 0x0400];
  for (let i = 0; i < n; i += 5) out[i] = edge[(i / 5) % edge.length];
  return out;
}

test("wasm attention over an f16 KV cache: the bits of f32 attention on the widened cache, on odd sizes, GQA and 2 threads", async () => {
  const arena = new WasmArena();
  const one = new WasmKernels(arena, module, { threads: 1, quantizeActivations: false });
  const two = new WasmKernels(arena, module, { threads: 2, quantizeActivations: false, minParallelWork: 0 });
  await two.ready();
  try {
    // hd 7 and 10: 4-column blocks and a scalar tail; hd 21 and 37: 16-column blocks too
    for (const [nHeads, nKvHeads, hd, start, n] of [
      [3, 3, 6, 0, 1],
      [4, 2, 10, 5, 3],
      [6, 1, 7, 2, 2],
      [4, 4, 21, 9, 1],
      [8, 2, 37, 30, 4],
      [4, 2, 16, 9, 3], // hd % 4 = 0: scores 4 positions at a time, then the rest
      [2, 1, 8, 3, 1],
    ]) {
      const positions = start + n;
      const name = `${nHeads}/${nKvHeads} heads, hd ${hd}, start ${start}, n ${n}`;
      const q = random(n * nHeads * hd, 6);
      const kh = randomHalves(positions * nKvHeads * hd, 7, 2);
      const vh = randomHalves(positions * nKvHeads * hd, 8, 2);
      const [kf, vf] = [Float32Array.from(kh, f16ToF32), Float32Array.from(vh, f16ToF32)];
      const size = n * nHeads * hd;
      const [half, widened, reference, threaded] = [0, 1, 2, 3].map(() => new Float32Array(size));
      one.attention(half, q, kh, vh, new Float32Array(positions), start, n, nHeads, nKvHeads, hd);
      one.attention(widened, q, kf, vf, new Float32Array(positions), start, n, nHeads, nKvHeads, hd);
      assert.deepEqual(half, widened, `${name}: f16 and widened f32 caches`);
      jsKernels.attention(reference, q, kh, vh, new Float32Array(positions), start, n, nHeads, nKvHeads, hd);
      const diff = maxRelDiff(half, reference);
      assert.ok(diff < 1e-6, `${name}: max relative diff ${diff} from the TypeScript f16 reference`);
      two.attention(threaded, q, kh, vh, new Float32Array(positions), start, n, nHeads, nKvHeads, hd);
      assert.deepEqual(threaded, half, `${name}: 2 threads`);
      // a prefill gives the bits of one query at a time
      for (let t = 0; t < n; t++) {
        const row = new Float32Array(nHeads * hd);
        const qt = q.subarray(t * nHeads * hd, (t + 1) * nHeads * hd);
        one.attention(row, qt, kh, vh, new Float32Array(positions), start + t, 1, nHeads, nKvHeads, hd);
        assert.deepEqual(row, half.subarray(t * nHeads * hd, (t + 1) * nHeads * hd), `${name}: query ${t}`);
      }
    }
  } finally {
    two.dispose();
  }
});

test("wasm K-quant row decoders give the same bits as the TypeScript decoders", () => {
  const arena = new WasmArena();
  const e = instantiateKernels(module.module, arena.memory);
  for (const [dtype, id] of [
    ["q4_k", 5],
    ["q5_k", 6],
    ["q6_k", 7],
  ] as const) {
    const t = randomTensor(dtype, 2, 512, id);
    const wp = arena.alloc(t.bytes.byteLength);
    arena.bytes(wp, t.bytes.byteLength).set(t.bytes);
    const yp = arena.alloc(512 * 4);
    e.dequant_row(id, wp + t.bytes.byteLength / 2, yp, 512);
    const expected = new Float32Array(512);
    decodeRow(expected, t, 1);
    assert.deepEqual(arena.f32(yp, 512), expected, dtype);
  }
});

test("allocF32 gives zeros, over reused memory and over fresh memory alike", () => {
  const arena = new WasmArena(1 << 16);
  const a = arena.allocF32(1000);
  a.fill(7);
  arena.free(a.byteOffset);
  // partly over a's old block, partly past anything handed out so far (the memory grows)
  const b = arena.allocF32(40000);
  assert.equal(b.byteOffset, a.byteOffset);
  assert.ok(b.every((v) => v === 0));
  b.fill(3);
  const c = arena.allocF32(100);
  c.fill(5);
  arena.free(c.byteOffset);
  arena.free(b.byteOffset);
  const d = arena.allocF32(50000);
  assert.ok(d.every((v) => v === 0));
});

test("the arena reuses freed blocks and names the 4 GiB limit", () => {
  const arena = new WasmArena();
  const a = arena.alloc(1000);
  const b = arena.alloc(1000);
  arena.free(a);
  assert.equal(arena.alloc(500), a);
  arena.free(b);
  assert.throws(
    () => arena.alloc(5 * 2 ** 30),
    (e: unknown) => e instanceof WasmMemoryLimitError && /4 GiB/.test(e.message) && /kernels/.test(e.message),
  );
});
