import assert from "node:assert/strict";
import { test } from "node:test";
import { FormatError } from "../errors.js";
import { ggufConfig } from "./from-checkpoint.js";
import { ggufTensors, parseGguf } from "../formats/gguf.js";
import { writeGguf, type GgufWriteValue } from "../formats/gguf-writer.js";

const LLAMA: Record<string, GgufWriteValue> = {
  "general.architecture": { type: "string", value: "llama" },
  "llama.embedding_length": { type: "u32", value: 8 },
  "llama.attention.head_count": { type: "u32", value: 2 },
  "llama.context_length": { type: "u32", value: 16 },
  "llama.feed_forward_length": { type: "u32", value: 16 },
  "llama.block_count": { type: "u32", value: 1 },
  "llama.attention.layer_norm_rms_epsilon": { type: "f32", value: 1e-5 },
  "llama.rope.freq_base": { type: "f32", value: 10000 },
};

function configOf(metadata: Record<string, GgufWriteValue>) {
  const embedding = { name: "token_embd.weight", shape: [4, 8], dtype: "f32" as const };
  const bytes = writeGguf(metadata, [{ ...embedding, bytes: new Uint8Array(4 * 8 * 4) }]);
  const file = parseGguf(bytes, "m.gguf");
  return ggufConfig(file, ggufTensors(file, bytes), "m.gguf");
}

test("a valid header gives its hyperparameters", () => {
  const config = configOf(LLAMA);
  assert.equal(config.normEps, Math.fround(1e-5));
  assert.equal(config.ropeTheta, 10000);
  assert.equal(config.headDim, 4);
  assert.equal(config.vocabSize, 4);
});

test("epsilons and the RoPE base must be positive and finite", () => {
  for (const key of ["llama.attention.layer_norm_rms_epsilon", "llama.rope.freq_base"]) {
    for (const value of [0, -1, NaN, Infinity]) {
      assert.throws(
        () => configOf({ ...LLAMA, [key]: { type: "f32", value } }),
        (e: unknown) =>
          e instanceof FormatError &&
          e.message === `m.gguf: metadata "${key}" must be a positive finite number, got ${value}`,
        `${key} = ${value}`,
      );
    }
  }
});

test("counts must be in range and consistent", () => {
  const cases: Array<[string, number, RegExp]> = [
    ["llama.block_count", 0, /"llama\.block_count" must be an integer from 1 to 1024, got 0/],
    ["llama.block_count", 5000, /"llama\.block_count" must be an integer from 1 to 1024, got 5000/],
    ["llama.context_length", 2 ** 30, /"llama\.context_length" must be an integer from 1 to 16777216/],
    ["llama.attention.head_count", 16, /"llama\.attention\.head_count" must be an integer from 1 to 8/],
    ["llama.attention.head_count_kv", 3, /head_count_kv" must be an integer from 1 to 2, got 3/],
    ["llama.embedding_length", 2 ** 20, /"llama\.embedding_length" must be an integer from 1 to 65536/],
  ];
  for (const [key, value, message] of cases) {
    assert.throws(() => configOf({ ...LLAMA, [key]: { type: "u32", value } }), message, `${key} = ${value}`);
  }
  assert.throws(
    () =>
      configOf({
        ...LLAMA,
        "llama.attention.head_count": { type: "u32", value: 4 },
        "llama.attention.head_count_kv": { type: "u32", value: 3 },
      }),
    /head_count_kv" must be a divisor of head_count 4/,
  );
  assert.throws(
    () => configOf({ ...LLAMA, "llama.attention.head_count": { type: "u32", value: 3 } }),
    /"llama\.attention\.head_count" must be a divisor of embedding_length 8, got 3/,
  );
  assert.throws(
    () => configOf({ ...LLAMA, "llama.attention.key_length": { type: "u32", value: 3 } }),
    /key_length" must be even/,
  );
});
