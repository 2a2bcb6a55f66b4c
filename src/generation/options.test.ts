import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../errors.js";
import {
  DEFAULT_MAX_NEW_TOKENS,
  fromGenerationConfigJson,
  newTokenBudget,
  resolveOptions,
} from "./options.js";
import type { GenerationOptions, ProcessorName } from "./types.js";

test("resolveOptions applies HF's GenerationConfig defaults and 256 new tokens", () => {
  const o = resolveOptions({});
  assert.equal(o.maxNewTokens, DEFAULT_MAX_NEW_TOKENS);
  assert.equal(DEFAULT_MAX_NEW_TOKENS, 256);
  assert.deepEqual(
    [o.doSample, o.temperature, o.topK, o.topP, o.numBeams, o.lengthPenalty, o.earlyStopping],
    [false, 1, 50, 1, 1, 1, false],
  );
  assert.deepEqual([o.numReturnSequences, o.repetitionPenalty, o.samplerOrder, o.stop], [1, 1, "hf", []]);
});

test("resolveOptions: the caller's options win over the model's defaults", () => {
  const o = resolveOptions({ topK: 5, stop: "\n" }, { topK: 20, topP: 0.9, doSample: true, eosTokenId: 2 });
  assert.deepEqual([o.topK, o.topP, o.doSample, o.eosTokenIds, o.stop], [5, 0.9, true, [2], ["\n"]]);
  assert.equal(resolveOptions({ topK: undefined }, { topK: 20 }).topK, 20);
});

test("resolveOptions: temperature 0 means greedy", () => {
  assert.equal(resolveOptions({ temperature: 0, doSample: true }).doSample, false);
  assert.equal(resolveOptions({ temperature: 0 }, { doSample: true }).doSample, false);
});

test("resolveOptions: maxLength bounds the total only when the caller gives it without maxNewTokens", () => {
  assert.equal(newTokenBudget(resolveOptions({ maxLength: 30 }), 10), 20);
  assert.equal(newTokenBudget(resolveOptions({ maxLength: 30, maxNewTokens: 5 }), 10), 5);
  assert.equal(newTokenBudget(resolveOptions({}, { maxLength: 20 }), 10), 256); // a model's max_length is ignored
  assert.equal(newTokenBudget(resolveOptions({}, { maxNewTokens: 64 }), 10), 64);
});

const unknownNames = ["top_k", "bogus"] as unknown as ProcessorName[];
const invalid: Array<[string, GenerationOptions]> = [
  ["temperature", { temperature: -0.5, doSample: true }],
  ["temperature", { temperature: NaN }],
  ["topP", { topP: 1.5 }],
  ["topP", { topP: -0.1 }],
  ["topK", { topK: 2.5 }],
  ["topK", { topK: -1 }],
  ["minP", { minP: 1.2 }],
  ["typicalP", { typicalP: 0 }],
  ["epsilonCutoff", { epsilonCutoff: 1 }],
  ["etaCutoff", { etaCutoff: -0.1 }],
  ["repetitionPenalty", { repetitionPenalty: 0 }],
  ["noRepeatNgramSize", { noRepeatNgramSize: -1 }],
  ["maxNewTokens", { maxNewTokens: -1 }],
  ["maxNewTokens", { maxNewTokens: 0 }],
  ["maxLength", { maxLength: 1.5 }],
  ["minNewTokens", { minNewTokens: -2 }],
  ["minLength", { minLength: 0.5 }],
  ["numBeams", { numBeams: 0 }],
  ["numReturnSequences", { numReturnSequences: 3, numBeams: 2 }],
  ["numReturnSequences", { numReturnSequences: 2 }],
  ["lengthPenalty", { lengthPenalty: Infinity }],
  ["earlyStopping", { earlyStopping: "sometimes" as unknown as boolean }],
  ["doSample", { doSample: "yes" as unknown as boolean }],
  ["eosTokenId", { eosTokenId: -1 }],
  ["eosTokenId", { eosTokenId: [2, 0.5] }],
  ["padTokenId", { padTokenId: -3 }],
  ["badWordsIds", { badWordsIds: [[]] }],
  ["suppressTokens", { suppressTokens: [-1] }],
  ["beginSuppressTokens", { beginSuppressTokens: [1.5] }],
  ["sequenceBias", { sequenceBias: [[[1], NaN]] }],
  ["renormalizeLogits", { renormalizeLogits: 1 as unknown as boolean }],
  ["minTokensToKeep", { minTokensToKeep: 0 }],
  ["seed", { seed: 1.5 }],
  ["seed", { seed: 2 ** 60 }],
  ["stop", { stop: 5 as unknown as string }],
  ["stop", { stop: ["ok", ""] }],
  ["frequencyPenalty", { frequencyPenalty: NaN }],
  ["presencePenalty", { presencePenalty: Infinity }],
  ["logitBias", { logitBias: { abc: 1 } as unknown as Record<number, number> }],
  ["logitBias", { logitBias: { "-1": 1 } }],
  ["logitBias[3]", { logitBias: { 3: NaN } }],
  ["signal", { signal: {} as AbortSignal }],
  ["maxTime", { maxTime: 0 }],
  ["trace", { trace: 0 }],
  ["samplerOrder", { samplerOrder: "vllm" as "hf" }],
  ["samplerOrder", { samplerOrder: unknownNames }],
  ["samplerOrder", { samplerOrder: ["top_k", "top_k"] }],
];
for (const [option, options] of invalid) {
  test(`resolveOptions rejects ${option} = ${JSON.stringify(Object.values(options)[0]) ?? "NaN"}`, () => {
    assert.throws(
      () => resolveOptions(options),
      (e: unknown) => e instanceof InvalidOptionError && e.option === option,
    );
  });
}

test("resolveOptions validates the model's defaults too", () => {
  assert.throws(() => resolveOptions({}, { topP: 2 }), InvalidOptionError);
});

test("fromGenerationConfigJson maps snake_case keys and ignores unknown ones and nulls", () => {
  const options = fromGenerationConfigJson({
    do_sample: true,
    top_k: 20,
    top_p: 0.8,
    temperature: 0.7,
    repetition_penalty: 1.05,
    eos_token_id: [151645, 151643],
    bos_token_id: 1,
    pad_token_id: null,
    max_new_tokens: 512,
    early_stopping: "never",
    bad_words_ids: [[1, 2]],
    transformers_version: "4.51.0",
  });
  assert.deepEqual(options, {
    doSample: true,
    topK: 20,
    topP: 0.8,
    temperature: 0.7,
    repetitionPenalty: 1.05,
    eosTokenId: [151645, 151643],
    bosTokenId: 1,
    maxNewTokens: 512,
    earlyStopping: "never",
    badWordsIds: [[1, 2]],
  });
  assert.deepEqual(fromGenerationConfigJson({ eos_token_id: 2 }), { eosTokenId: 2 });
});

test("fromGenerationConfigJson rejects a known key of the wrong type, naming the key", () => {
  assert.throws(
    () => fromGenerationConfigJson({ top_k: "50" }),
    (e: unknown) => e instanceof InvalidOptionError && e.option === "top_k",
  );
  assert.throws(() => fromGenerationConfigJson({ eos_token_id: ["2"] }), InvalidOptionError);
});
