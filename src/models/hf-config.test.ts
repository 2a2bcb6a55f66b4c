import assert from "node:assert/strict";
import { test } from "node:test";
import { FormatError, UnsupportedError } from "../errors.js";
import { ropeInverseFrequencies } from "./rope-frequencies.js";
import { parseHfConfig } from "./from-checkpoint.js";

const LLAMA3 = {
  model_type: "llama",
  vocab_size: 128256,
  hidden_size: 4096,
  intermediate_size: 14336,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  max_position_embeddings: 131072,
  rms_norm_eps: 1e-5,
  rope_theta: 500000,
  rope_scaling: {
    rope_type: "llama3",
    factor: 8,
    low_freq_factor: 1,
    high_freq_factor: 4,
    original_max_position_embeddings: 8192,
  },
  tie_word_embeddings: false,
};

test("a Llama 3.1 config maps every field, rope_scaling included", () => {
  const c = parseHfConfig(LLAMA3, "config.json");
  assert.deepEqual(
    [
      c.architecture,
      c.vocabSize,
      c.contextLength,
      c.hiddenSize,
      c.nHeads,
      c.nKvHeads,
      c.headDim,
      c.normEps,
      c.ropeTheta,
    ],
    ["llama", 128256, 131072, 4096, 32, 8, 128, 1e-5, 500000],
  );
  assert.deepEqual(c.ropeScaling, {
    type: "llama3",
    factor: 8,
    lowFreqFactor: 1,
    highFreqFactor: 4,
    originalMaxPositionEmbeddings: 8192,
  });
});

test("Llama 3 rope scaling keeps high frequencies, divides low ones, interpolates between", () => {
  const scaled = ropeInverseFrequencies(parseHfConfig(LLAMA3, "config.json"));
  const plain = ropeInverseFrequencies(parseHfConfig({ ...LLAMA3, rope_scaling: null }, "config.json"));
  const wavelen = (f: number) => (2 * Math.PI) / f;
  let medium = 0;
  for (let i = 0; i < plain.length; i++) {
    if (wavelen(plain[i]) < 8192 / 4) assert.equal(scaled[i], plain[i]);
    else if (wavelen(plain[i]) > 8192 / 1) assert.ok(Math.abs(scaled[i] - plain[i] / 8) < 1e-18);
    else {
      medium++;
      assert.ok(scaled[i] < plain[i] && scaled[i] > plain[i] / 8, `medium ${i}`);
    }
  }
  assert.ok(medium > 0);
  assert.equal(plain[0], 1);
});

test("Mistral's sliding window caps the context; Qwen2 only when use_sliding_window", () => {
  const mistral = parseHfConfig(
    {
      ...LLAMA3,
      model_type: "mistral",
      rope_scaling: null,
      max_position_embeddings: 32768,
      sliding_window: 4096,
    },
    "c.json",
  );
  assert.equal(mistral.contextLength, 4096);
  const qwen = parseHfConfig(
    {
      ...LLAMA3,
      model_type: "qwen2",
      rope_scaling: null,
      max_position_embeddings: 32768,
      sliding_window: 4096,
      use_sliding_window: false,
    },
    "c.json",
  );
  assert.equal(qwen.contextLength, 32768);
  assert.equal(qwen.attentionBias, true);
});

test("bad configs name the key", () => {
  assert.throws(
    () => parseHfConfig({ ...LLAMA3, hidden_size: -1 }, "c.json"),
    (e: unknown) =>
      e instanceof FormatError && /c\.json: "hidden_size" must be a positive integer, got -1/.test(e.message),
  );
  assert.throws(
    () => parseHfConfig({ ...LLAMA3, num_key_value_heads: 5 }, "c.json"),
    /not a multiple of num_key_value_heads 5/,
  );
  assert.throws(
    () => parseHfConfig({ ...LLAMA3, rope_scaling: { rope_type: "yarn", factor: 4 } }, "c.json"),
    UnsupportedError,
  );
  assert.throws(() => parseHfConfig({ ...LLAMA3, hidden_act: "gelu" }, "c.json"), /hidden_act "gelu"/);
  assert.throws(() => parseHfConfig([], "c.json"), /expected a JSON object/);
});
