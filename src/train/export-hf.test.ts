import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../errors.js";
import { parseHfConfig } from "../models/from-checkpoint.js";
import { parseSafetensors } from "../formats/safetensors.js";
import { fromGenerationConfigJson } from "../generation/options.js";
import { toF32 } from "../tensor/rows.js";
import { configJson, generationConfigJson, hfTensors } from "./export-hf.js";
import { engineConfig, paramLayout, type TrainConfig } from "./model.js";
import { writeSafetensors } from "./safetensors-writer.js";

const c: TrainConfig = {
  vocabSize: 10,
  dim: 4,
  nLayers: 1,
  nHeads: 2,
  ff: 6,
  contextLength: 16,
  normEps: 1e-5,
  ropeTheta: 10000,
};

test("config.json reads back as the engine config of the trained shape", () => {
  assert.deepEqual(parseHfConfig(configJson(c, 9, "f32"), "config.json"), {
    ...engineConfig(c),
    ropeScaling: undefined,
  });
});

test("generation_config.json gives sampling defaults the engine reads", () => {
  const options = fromGenerationConfigJson(generationConfigJson(9, 16) as Record<string, unknown>);
  assert.equal(options.doSample, true);
  assert.equal(options.eosTokenId, 9);
  assert.equal(options.maxNewTokens, 16);
});

test("fused q|k|v and gate|up rows become the standard tensors, in f32, f16 and bf16", () => {
  const params = Float32Array.from({ length: paramLayout(c).count }, (_, i) => i);
  for (const dtype of ["f32", "f16", "bf16"] as const) {
    const file = parseSafetensors(writeSafetensors(hfTensors(params, c, dtype)), "m.safetensors");
    const names = [...file.tensors.keys()];
    assert.equal(names.length, 1 + 9 + 1);
    const k = file.tensors.get("model.layers.0.self_attn.k_proj.weight")!;
    assert.deepEqual(k.shape, [4, 4]);
    assert.equal(k.dtype, dtype);
    const up = file.tensors.get("model.layers.0.mlp.up_proj.weight")!;
    assert.deepEqual(up.shape, [6, 4]);
    // the values (small integers, exact in every dtype): k rows start after the 4 q rows of the
    // fused matrix, which follows embed (40) and the norm (4); the up rows after the 6 gate rows of
    // gate|up, which follows qkv (48), o_proj (16) and the second norm (4)
    const from = (first: number, count: number) => Array.from({ length: count }, (_, i) => first + i);
    assert.deepEqual([...toF32(k)], from(40 + 4 + 16, 16), dtype);
    assert.deepEqual([...toF32(up)], from(40 + 4 + 48 + 16 + 4 + 24, 24), dtype);
  }
});

test("f16 export refuses weights beyond f16's range rather than write infinities", () => {
  const params = new Float32Array(paramLayout(c).count);
  params[50] = 70000;
  assert.throws(() => hfTensors(params, c, "f16"), InvalidOptionError);
  assert.equal(hfTensors(params, c, "bf16").length, 11);
});
