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

test("rope forward on a strided row is the engine's rope, bit for bit", () => {
  const q = Float32Array.from(randomF64(T * H * hd, 3));
  const ours = q.slice();
  rotate(ours, cos, sin, T, T, H * hd, H, hd, 1);
  rope(q, cos, sin, T, H, hd);
  assert.deepEqual(ours, q);
});
