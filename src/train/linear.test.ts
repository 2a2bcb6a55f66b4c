import assert from "node:assert/strict";
import { test } from "node:test";
import { matmulReference } from "../tensor/matmul.js";
import { linearBackward, linearForward } from "./linear.js";
import { matmulABt, serialMatmul } from "./matmul.js";
import { dotLoss, gradientError, randomF64 } from "./testing.js";

test("linear backward matches finite differences for x and W (float64)", () => {
  const [n, inDim, outDim] = [6, 5, 7];
  const x = randomF64(n * inDim, 1);
  const w = randomF64(outDim * inDim, 2);
  const c = randomF64(n * outDim, 3);
  const y = new Float64Array(n * outDim);
  const loss = () => {
    linearForward(serialMatmul, y, x, w, n, inDim, outDim);
    return dotLoss(c, y);
  };
  const dx = new Float64Array(n * inDim);
  const dw = new Float64Array(outDim * inDim);
  const s = { wT: new Float64Array(64), dyT: new Float64Array(64), xT: new Float64Array(64) };
  linearBackward(serialMatmul, dx, dw, c, x, w, n, inDim, outDim, s);
  assert.ok(gradientError(loss, x, dx) < 1e-6);
  assert.ok(gradientError(loss, w, dw) < 1e-6);
});

test("the blocked matmul equals the engine's matmul bit for bit, edges and row ranges included", () => {
  for (const [m, n, k] of [
    [9, 70, 13],
    [4, 4, 1],
    [1, 3, 5],
  ]) {
    const a = Float32Array.from(randomF64(m * k, m));
    const b = Float32Array.from(randomF64(n * k, n));
    const ours = new Float32Array(m * n);
    matmulABt(ours, a, b, m, n, k, 0, 2);
    matmulABt(ours, a, b, m, n, k, 2, m);
    const engine = new Float32Array(m * n);
    const w = { name: "w", dtype: "f32" as const, shape: [n, k], bytes: new Uint8Array(b.buffer) };
    matmulReference(engine, a, w, m);
    assert.deepEqual(ours, engine);
  }
});
