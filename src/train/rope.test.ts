import assert from "node:assert/strict";
import { test } from "node:test";
import { ropeTables, rope } from "../tensor/ops.js";
import { rotate } from "./rope.js";
import { dotLoss, gradientError, randomF64 } from "./testing.js";

const [T, H, hd] = [4, 2, 6];
const half = hd / 2;
const invFreq = Float64Array.from({ length: half }, (_, i) => 1 / 10000 ** ((2 * i) / hd));
const cos = new Float32Array(T * half);
const sin = new Float32Array(T * half);
ropeTables(cos, sin, invFreq, 0, T);

test("rope backward (the inverse rotation) matches finite differences (float64)", () => {
  const stride = 3 * H * hd;
  const x = randomF64(2 * T * stride, 1);
  const c = randomF64(x.length, 2);
  const y = new Float64Array(x.length);
  const loss = () => {
    y.set(x);
    rotate(y, cos, sin, 2 * T, T, stride, 2 * H, hd, 1);
    return dotLoss(c, y);
  };
  const dx = Float64Array.from(c);
  rotate(dx, cos, sin, 2 * T, T, stride, 2 * H, hd, -1);
  assert.ok(gradientError(loss, x, dx) < 1e-6);
});

test("rope forward on q and k inside fused q|k|v rows (as model.ts runs it) is the engine's rope, bit for bit", () => {
  const width = H * hd;
  const qkv = Float32Array.from(randomF64(T * 3 * width, 3));
  // part p (0 q, 1 k, 2 v) of every row, as compact (T, width) rows
  const part = (x: Float32Array, p: number) =>
    Float32Array.from(
      { length: T * width },
      (_, i) => x[Math.floor(i / width) * 3 * width + p * width + (i % width)],
    );
  const [q, k, v] = [0, 1, 2].map((p) => part(qkv, p));
  rotate(qkv, cos, sin, T, T, 3 * width, 2 * H, hd, 1);
  rope(q, cos, sin, T, H, hd);
  rope(k, cos, sin, T, H, hd);
  assert.deepEqual(part(qkv, 0), q);
  assert.deepEqual(part(qkv, 1), k);
  assert.deepEqual(part(qkv, 2), v, "v is not rotated");
});
