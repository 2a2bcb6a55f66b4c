import assert from "node:assert/strict";
import { test } from "node:test";
import { elementCount } from "../tensor/tensor.js";
import { serialMatmul } from "./matmul.js";
import { initParams, paramLayout, TrainModel, type TrainConfig } from "./model.js";
import { TrainRng } from "./rng.js";
import { gradientError } from "./testing.js";

const config: TrainConfig = {
  vocabSize: 11,
  dim: 8,
  nLayers: 2,
  nHeads: 2,
  ff: 12,
  contextLength: 8,
  normEps: 1e-5,
  ropeTheta: 10000,
};
const [B, T] = [2, 5];

test("the whole model's backward pass matches finite differences for every tensor (float64)", () => {
  const memory = new Float64Array(TrainModel.memoryFloats(config, B, T));
  const model = new TrainModel(config, B, T, memory, serialMatmul);
  initParams(model.params, config, TrainRng.fromSeed(7));
  // larger weights than at initialisation, so that every path carries a visible gradient
  for (let i = 0; i < model.params.length; i++) model.params[i] *= 20;
  const rng = TrainRng.fromSeed(8);
  const tokens = Array.from({ length: B * T }, () => rng.below(config.vocabSize));
  const targets = Array.from({ length: B * T }, () => rng.below(config.vocabSize));
  model.lossAndGrad(tokens, targets);
  const grads = model.grads.slice();
  const loss = () => model.loss(tokens, targets) / (B * T);
  for (const t of paramLayout(config).tensors) {
    const size = elementCount(t.shape);
    const x = model.params.subarray(t.offset, t.offset + size) as Float64Array;
    const error = gradientError(loss, x, grads.subarray(t.offset, t.offset + size), 60);
    assert.ok(error < 1e-3, `${t.name}: relative error ${error}`);
  }
});
