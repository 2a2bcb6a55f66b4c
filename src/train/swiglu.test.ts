import assert from "node:assert/strict";
import { test } from "node:test";
import { swiglu } from "../tensor/ops.js";
import { swigluBackward, swigluForward } from "./swiglu.js";
import { dotLoss, gradientError, randomF64 } from "./testing.js";

const [n, ff] = [3, 5];

test("swiglu backward matches finite differences for gate and up (float64)", () => {
  const gu = randomF64(n * 2 * ff, 1, 2);
  const c = randomF64(n * ff, 2);
  const h = new Float64Array(n * ff);
  const loss = () => {
    swigluForward(h, gu, n, ff);
    return dotLoss(c, h);
  };
  const dgu = new Float64Array(gu.length);
  swigluBackward(dgu, c, gu, n, ff);
  assert.ok(gradientError(loss, gu, dgu) < 1e-6);
});

test("swiglu forward is the engine's swiglu, bit for bit", () => {
  const gu = Float32Array.from(randomF64(2 * ff, 3, 2));
  const ours = new Float32Array(ff);
  swigluForward(ours, gu, 1, ff);
  const gate = gu.slice(0, ff);
  swiglu(gate, gu.slice(ff), ff);
  assert.deepEqual(ours, gate);
});
