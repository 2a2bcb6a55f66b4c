import assert from "node:assert/strict";
import { test } from "node:test";
import { rmsnorm } from "../tensor/ops.js";
import { rmsnormBackward, rmsnormForward } from "./rmsnorm.js";
import { dotLoss, gradientError, randomF64 } from "./testing.js";

const n = 3;
const dim = 8;
const eps = 1e-5;

test("rmsnorm backward matches finite differences for x and w (float64)", () => {
  const x = randomF64(n * dim, 1);
  const w = randomF64(dim, 2);
  const c = randomF64(n * dim, 3);
  const y = new Float64Array(n * dim);
  const r = new Float64Array(n);
  const loss = () => {
    rmsnormForward(y, r, x, w, eps, n, dim);
    return dotLoss(c, y);
  };
  loss();
  const dx = new Float64Array(n * dim);
  const dw = new Float64Array(dim);
  rmsnormBackward(dx, dw, c, x, w, r, n, dim);
  assert.ok(gradientError(loss, x, dx) < 1e-6);
  assert.ok(gradientError(loss, w, dw) < 1e-6);
});

test("rmsnorm forward is the engine's rmsnorm, bit for bit", () => {
  const x = Float32Array.from(randomF64(n * dim, 4));
  const w = Float32Array.from(randomF64(dim, 5));
  const ours = new Float32Array(n * dim);
  const engine = new Float32Array(n * dim);
  rmsnormForward(ours, new Float64Array(n), x, w, eps, n, dim);
  rmsnorm(engine, x, w, eps, n, dim);
  assert.deepEqual(ours, engine);
});
