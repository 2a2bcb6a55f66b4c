import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../errors.js";
import { resolveOptions } from "./options.js";
import { applyPipeline, buildPipeline, processLogits } from "./pipeline.js";
import { assertClose, logitsOf, noHistory } from "./testing.js";
import type { GenerationOptions } from "./types.js";

const names = (options: GenerationOptions, eosTokenIds = [2]) =>
  buildPipeline(resolveOptions(options), { vocabSize: 10, eosTokenIds }).map((p) => p.name);

test("buildPipeline: greedy runs no warpers; sampling alone applies HF's implicit top_k 50", () => {
  assert.deepEqual(names({}), []);
  assert.deepEqual(names({ temperature: 0.5, topP: 0.9 }), []);
  assert.deepEqual(names({ doSample: true }), ["top_k"]);
  assert.deepEqual(names({ doSample: true, topK: 0 }), []);
});

const everything: GenerationOptions = {
  doSample: true,
  sequenceBias: [[[1], 1]],
  logitBias: { 3: 1 },
  repetitionPenalty: 1.1,
  frequencyPenalty: 0.1,
  presencePenalty: 0.1,
  noRepeatNgramSize: 3,
  badWordsIds: [[4]],
  minLength: 5,
  minNewTokens: 2,
  suppressTokens: [5],
  beginSuppressTokens: [6],
  temperature: 0.8,
  topK: 5,
  topP: 0.9,
  minP: 0.05,
  typicalP: 0.95,
  epsilonCutoff: 0.001,
  etaCutoff: 0.001,
  renormalizeLogits: true,
};
const processors = [
  "sequence_bias",
  "logit_bias",
  "repetition_penalty",
  "frequency_penalty",
  "presence_penalty",
  "no_repeat_ngram",
  "bad_words",
  "min_length",
  "min_new_tokens",
  "suppress_tokens",
  "begin_suppress_tokens",
];

test("buildPipeline: HF's order, OpenAI penalties after the repetition penalty, renormalize last", () => {
  assert.deepEqual(names(everything), [
    ...processors,
    ...["temperature", "top_k", "top_p", "min_p", "typical_p", "epsilon", "eta", "renormalize"],
  ]);
});

test('buildPipeline: samplerOrder "llama.cpp" moves temperature last', () => {
  assert.deepEqual(names({ ...everything, samplerOrder: "llama.cpp" }), [
    ...processors,
    ...["top_k", "typical_p", "top_p", "min_p", "epsilon", "eta", "temperature", "renormalize"],
  ]);
});

test("buildPipeline: min_length and min_new_tokens need an EOS id", () => {
  assert.deepEqual(names({ minLength: 5, minNewTokens: 2 }, []), []);
});

// probs 0.6, 0.3, 0.1; min_p 0.3. After temperature 2 (HF) the probs are 0.475, 0.335, 0.194 and the
// threshold 0.3 * 0.475 = 0.14 keeps all three; before it (llama.cpp) the threshold 0.18 drops 0.1.
const logits = logitsOf([0.6, 0.3, 0.1].map(Math.log));
const tempMinP: GenerationOptions = { doSample: true, temperature: 2, minP: 0.3 };

test('samplerOrder "llama.cpp" and "hf" differ when temperature changes what min_p keeps', () => {
  const halved = Array.from(logits, (x) => x / 2);
  assertClose(processLogits(logits, noHistory, tempMinP), halved);
  assertClose(processLogits(logits, noHistory, { ...tempMinP, samplerOrder: "llama.cpp" }), [
    halved[0],
    halved[1],
    null,
  ]);
});

test("a custom samplerOrder is honoured: its order, only configured names, nothing unlisted", () => {
  const custom = { ...tempMinP, repetitionPenalty: 1.5 };
  assert.deepEqual(names({ ...custom, samplerOrder: ["min_p", "top_p", "temperature"] }), [
    "min_p",
    "temperature",
  ]);
  assertClose(processLogits(logits, noHistory, { ...tempMinP, samplerOrder: ["min_p", "temperature"] }), [
    logits[0] / 2,
    logits[1] / 2,
    null,
  ]);
  assertClose(
    processLogits(logits, noHistory, { ...tempMinP, samplerOrder: ["temperature", "min_p"] }),
    processLogits(logits, noHistory, tempMinP),
  );
});

test("buildPipeline: beam sampling keeps (EOS ids + 1) tokens in every warper unless minTokensToKeep is given", () => {
  const options = resolveOptions({ doSample: true, numBeams: 2, topK: 1 });
  const [stage] = buildPipeline(options, { vocabSize: 4, eosTokenIds: [3, 2] });
  assertClose(stage.apply(logitsOf([4, 3, 2, 1]), noHistory), [4, 3, 2, null]);
  const one = resolveOptions({ doSample: true, numBeams: 2, topK: 1, minTokensToKeep: 1 });
  const [single] = buildPipeline(one, { vocabSize: 4, eosTokenIds: [3, 2] });
  assertClose(single.apply(logitsOf([4, 3, 2, 1]), noHistory), [4, null, null, null]);
});

test("buildPipeline rejects token ids outside the vocabulary", () => {
  for (const options of [{ suppressTokens: [10] }, { badWordsIds: [[1, 12]] }, { logitBias: { 99: 1 } }]) {
    assert.throws(
      () => buildPipeline(resolveOptions(options), { vocabSize: 10, eosTokenIds: [] }),
      InvalidOptionError,
    );
  }
  assert.throws(
    () => buildPipeline(resolveOptions({}), { vocabSize: 10, eosTokenIds: [10] }),
    InvalidOptionError,
  );
});

test("processLogits applies penalties in greedy mode, never mutates its input, and validates", () => {
  const input = logitsOf([2, -2, 1]);
  const out = processLogits(
    input,
    { tokens: [0, 1], promptLength: 2 },
    { repetitionPenalty: 2, temperature: 0.5 },
  );
  assertClose(out, [1, -4, 1]);
  assertClose(input, [2, -2, 1]);
  assert.throws(() => processLogits(input, noHistory, { topP: 3 }), InvalidOptionError);
});

test("applyPipeline with no processors returns a copy", () => {
  const input = logitsOf([1, 2]);
  const out = applyPipeline([], input, noHistory);
  assert.notEqual(out, input);
  assertClose(out, input);
});
