import assert from "node:assert/strict";
import { test } from "node:test";
import { bf16ToF32, f16ToF32, f32ToF16, type DType } from "./dtype.js";
import { matmul, matmulReference } from "./matmul.js";
import { attention, geluNew, layernorm, rmsnorm, rope, softmaxInPlace } from "./ops.js";
import { decodeRow } from "./rows.js";
import type { Tensor } from "./tensor.js";

function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** Packs f32 values (rows × cols) into `dtype` bytes the way ggml's reference quantizers do. */
function pack(values: Float32Array, rows: number, cols: number, dtype: DType): Tensor {
  let bytes: Uint8Array;
  if (dtype === "f32") bytes = new Uint8Array(values.slice().buffer);
  else if (dtype === "f16" || dtype === "bf16") {
    const halves = new Uint16Array(values.length);
    const bits = new Uint32Array(values.slice().buffer);
    values.forEach((v, i) => (halves[i] = dtype === "f16" ? f32ToF16(v) : bits[i] >>> 16));
    bytes = new Uint8Array(halves.buffer);
  } else {
    const blockBytes = dtype === "q8_0" ? 34 : 18;
    bytes = new Uint8Array((values.length / 32) * blockBytes);
    const view = new DataView(bytes.buffer);
    for (let b = 0; b < values.length / 32; b++) {
      const block = values.subarray(b * 32, b * 32 + 32);
      const o = b * blockBytes;
      if (dtype === "q8_0") {
        const amax = Math.max(...block.map(Math.abs));
        const d = amax / 127;
        view.setUint16(o, f32ToF16(d), true);
        block.forEach((v, j) => view.setInt8(o + 2 + j, d ? Math.round(v / d) : 0));
      } else {
        let max = 0;
        for (const v of block) if (Math.abs(v) > Math.abs(max)) max = v;
        const d = max / -8;
        view.setUint16(o, f32ToF16(d), true);
        const q = (v: number) => Math.min(15, Math.trunc((d ? v / d : 0) + 8.5));
        for (let j = 0; j < 16; j++) bytes[o + 2 + j] = q(block[j]) | (q(block[j + 16]) << 4);
      }
    }
  }
  return { name: "w", dtype, shape: [rows, cols], bytes };
}

test("f16 and bf16 decode known values", () => {
  assert.equal(f16ToF32(0x3c00), 1);
  assert.equal(f16ToF32(0xc000), -2);
  assert.equal(f16ToF32(0x0001), 2 ** -24);
  assert.equal(f16ToF32(0x7c00), Infinity);
  assert.ok(Number.isNaN(f16ToF32(0x7e00)));
  assert.equal(f16ToF32(f32ToF16(0.1)), 0.0999755859375);
  assert.equal(bf16ToF32(0x3f80), 1);
  assert.equal(bf16ToF32(0xc0a0), -5);
});

test("q8_0 and q4_0 rows decode per the ggml block layout", () => {
  const values = random(64, 7);
  for (const dtype of ["q8_0", "q4_0"] as const) {
    const t = pack(values, 1, 64, dtype);
    const out = new Float32Array(64);
    decodeRow(out, t, 0);
    const tolerance = dtype === "q8_0" ? 0.01 : 0.15;
    values.forEach((v, i) =>
      assert.ok(Math.abs(out[i] - v) < tolerance, `${dtype}[${i}]: ${out[i]} vs ${v}`),
    );
  }
});

for (const dtype of ["f32", "f16", "bf16", "q8_0", "q4_0"] as const) {
  test(`matmul ${dtype} matches the decode-then-dot reference on odd sizes`, () => {
    const cols = dtype.startsWith("q") ? 96 : 37;
    for (const [rows, n] of [
      [13, 1],
      [7, 3],
      [1, 5],
    ]) {
      const w = pack(random(rows * cols, rows), rows, cols, dtype);
      const x = random(n * cols, 99);
      const out = new Float32Array(n * rows);
      const ref = new Float32Array(n * rows);
      matmul(out, x, w, n, new Float32Array(cols));
      matmulReference(ref, x, w, n);
      for (let i = 0; i < out.length; i++)
        assert.ok(Math.abs(out[i] - ref[i]) < 1e-5, `${dtype} ${rows}x${n} [${i}]`);
    }
  });
}

test("rmsnorm, layernorm, softmax and gelu match their definitions", () => {
  const x = new Float32Array([1, -2, 3, 0.5]);
  const out = new Float32Array(4);
  rmsnorm(out, x, new Float32Array([1, 1, 2, 1]), 0, 1, 4);
  const rms = Math.sqrt((1 + 4 + 9 + 0.25) / 4);
  assert.ok(Math.abs(out[2] - (2 * 3) / rms) < 1e-6);
  layernorm(out, x, new Float32Array([1, 1, 1, 1]), new Float32Array([0, 0, 0, 1]), 0, 1, 4);
  assert.ok(Math.abs(out.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  const p = new Float32Array([0, Math.log(3), -Infinity]);
  softmaxInPlace(p, 3);
  assert.deepEqual(
    [...p].map((v) => Math.round(v * 1e6) / 1e6),
    [0.25, 0.75, 0],
  );
  const g = new Float32Array([0, 1, -1]);
  geluNew(g, 3);
  assert.ok(Math.abs(g[1] - 0.8411920071) < 1e-6);
  assert.ok(Math.abs(g[2] + 0.1588079929) < 1e-6);
});

test("rope rotates each (i, i + hd/2) pair by the position's angle", () => {
  const x = new Float32Array([1, 0, 0, 1]); // one head, hd 4
  const angle0 = 0.3;
  const angle1 = 0.01;
  rope(
    x,
    new Float32Array([Math.cos(angle0), Math.cos(angle1)]),
    new Float32Array([Math.sin(angle0), Math.sin(angle1)]),
    1,
    1,
    4,
  );
  assert.ok(Math.abs(x[0] - Math.cos(angle0)) < 1e-6 && Math.abs(x[2] - Math.sin(angle0)) < 1e-6);
  assert.ok(Math.abs(x[1] + Math.sin(angle1)) < 1e-6 && Math.abs(x[3] - Math.cos(angle1)) < 1e-6);
});

test("attention with one position returns its value; grouped heads share a KV head", () => {
  const hd = 2;
  const q = new Float32Array([1, 0, 0, 1]); // 2 query heads
  const k = new Float32Array([5, 5]); // 1 kv head, 1 position
  const v = new Float32Array([3, -4]);
  const out = new Float32Array(4);
  attention(out, q, k, v, new Float32Array(1), 0, 1, 2, 1, hd);
  assert.deepEqual([...out], [3, -4, 3, -4]);
});
