import assert from "node:assert/strict";
import { test } from "node:test";
import { attention } from "../tensor/ops.js";
import { attentionBackward, attentionForward } from "./attention.js";
import { dotLoss, gradientError, randomF64 } from "./testing.js";

const [B, T, H, hd] = [2, 5, 2, 4];
const dim = H * hd;

test("attention backward matches finite differences for q, k and v (float64)", () => {
  const qkv = randomF64(B * T * 3 * dim, 1);
  const c = randomF64(B * T * dim, 2);
  const out = new Float64Array(B * T * dim);
  const probs = new Float64Array(B * H * T * T);
  const loss = () => {
    attentionForward(out, probs, qkv, B, T, H, hd);
    return dotLoss(c, out);
  };
  loss();
  const dqkv = new Float64Array(qkv.length);
  attentionBackward(dqkv, c, probs, qkv, new Float64Array(T), B, T, H, hd);
  const error = gradientError(loss, qkv, dqkv);
  assert.ok(error < 1e-6, `relative error ${error}`);
});

test("attention is causal: a later position does not change earlier outputs", () => {
  const qkv = randomF64(T * 3 * dim, 3);
  const before = new Float64Array(T * dim);
  attentionForward(before, new Float64Array(H * T * T), qkv, 1, T, H, hd);
  for (let i = (T - 1) * 3 * dim; i < T * 3 * dim; i++) qkv[i] += 1;
  const after = new Float64Array(T * dim);
  attentionForward(after, new Float64Array(H * T * T), qkv, 1, T, H, hd);
  assert.deepEqual(after.subarray(0, (T - 1) * dim), before.subarray(0, (T - 1) * dim));
});

test("attention forward is the engine's attention over a cache, bit for bit", () => {
  const qkv = Float32Array.from(randomF64(T * 3 * dim, 4));
  const ours = new Float32Array(T * dim);
  attentionForward(ours, new Float32Array(H * T * T), qkv, 1, T, H, hd);
  const q = new Float32Array(T * dim);
  const k = new Float32Array(T * dim);
  const v = new Float32Array(T * dim);
  for (let t = 0; t < T; t++) {
    q.set(qkv.subarray(t * 3 * dim, t * 3 * dim + dim), t * dim);
    k.set(qkv.subarray(t * 3 * dim + dim, t * 3 * dim + 2 * dim), t * dim);
    v.set(qkv.subarray(t * 3 * dim + 2 * dim, (t + 1) * 3 * dim), t * dim);
  }
  const engine = new Float32Array(T * dim);
  attention(engine, q, k, v, new Float32Array(T), 0, T, H, H, hd);
  assert.deepEqual(ours, engine);
});
