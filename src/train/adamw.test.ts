import assert from "node:assert/strict";
import { test } from "node:test";
import { adamwUpdate, clipGradNorm } from "./adamw.js";

const s = { beta1: 0.9, beta2: 0.99, eps: 0, weightDecay: 0.5 };

test("the first AdamW step moves each weight by lr against its gradient's sign, plus decay", () => {
  const params = Float64Array.of(1, 1);
  const m = new Float64Array(2);
  const v = new Float64Array(2);
  adamwUpdate(params, Float64Array.of(3, -0.001), m, v, 0, 2, 0.1, 1, true, s);
  // bias-corrected m/√v is ±1 on step 1; decay multiplies by 1 - lr·wd first
  assert.ok(Math.abs(params[0] - (0.95 - 0.1)) < 1e-12);
  assert.ok(Math.abs(params[1] - (0.95 + 0.1)) < 1e-12);
});

test("norm gains (decay off) take the Adam step without shrinking", () => {
  const params = Float64Array.of(1);
  adamwUpdate(params, Float64Array.of(0.5), new Float64Array(1), new Float64Array(1), 0, 1, 0.1, 1, false, s);
  assert.ok(Math.abs(params[0] - 0.9) < 1e-12);
});

test("clipGradNorm scales to maxNorm and reports the norm before clipping", () => {
  const g = Float64Array.of(3, 4);
  assert.equal(clipGradNorm(g, 1), 5);
  assert.ok(Math.abs(g[0] - 0.6) < 1e-12 && Math.abs(g[1] - 0.8) < 1e-12);
  assert.ok(Math.abs(clipGradNorm(g, 10) - 1) < 1e-12);
  assert.ok(Math.abs(g[0] - 0.6) < 1e-12, "under the limit: unchanged");
});
