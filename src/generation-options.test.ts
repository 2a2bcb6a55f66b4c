import assert from "node:assert/strict";
import { test } from "node:test";
import { generate } from "./generation/generate.js";
import type { GenerationOptions, GenerationResult } from "./generation/types.js";
import { loadModel, type Model } from "./load-model.js";
import { sharedPath } from "./testing/shared.js";

/**
 * Every generation option changes the result on a real model (stories260K): an option that does
 * nothing is a bug. Each case compares against a baseline that differs only in that option.
 */

const PROMPT = "Once upon a time";
let cached: Promise<Model> | undefined;
const model = () => (cached ??= loadModel(sharedPath("models", "stories260K", "stories260K-f32.gguf")));
const run = async (options: GenerationOptions): Promise<GenerationResult> =>
  generate(await model(), PROMPT, { maxNewTokens: 24, ...options });
const tokensOf = (r: GenerationResult) => r.sequences.map((s) => s.tokens);
const SAMPLE: GenerationOptions = { doSample: true, seed: 3 };

async function assertChanges(
  base: GenerationOptions,
  changed: GenerationOptions,
  what: string,
): Promise<void> {
  const a = await run(base);
  const b = await run({ ...base, ...changed });
  assert.notDeepEqual(tokensOf(b), tokensOf(a), `${what} made no difference`);
}

/** The greedy continuation, to pick tokens that options can act on. */
async function greedyTokens(): Promise<number[]> {
  return (await run({})).sequences[0].tokens;
}

const SAMPLING_OPTIONS: Array<[string, GenerationOptions]> = [
  ["temperature", { temperature: 0.3 }],
  ["topK", { topK: 2 }],
  ["topP", { topP: 0.5 }],
  ["minP", { minP: 0.2 }],
  ["typicalP", { typicalP: 0.3 }],
  ["epsilonCutoff", { epsilonCutoff: 0.05 }],
  ["etaCutoff", { etaCutoff: 0.05 }],
  ["seed", { seed: 4 }],
  ["samplerOrder", { temperature: 1.8, minP: 0.15, samplerOrder: "llama.cpp" }],
  ["minTokensToKeep", { topK: 1, minTokensToKeep: 8 }],
];
for (const [name, options] of SAMPLING_OPTIONS) {
  test(`${name} changes sampled output`, async () => {
    const base =
      name === "samplerOrder"
        ? { ...SAMPLE, temperature: 1.8, minP: 0.15 }
        : name === "minTokensToKeep"
          ? { ...SAMPLE, topK: 1 }
          : SAMPLE;
    await assertChanges(base, options, name);
  });
}

const GREEDY_OPTIONS: Array<[string, GenerationOptions]> = [
  ["repetitionPenalty", { repetitionPenalty: 1.5 }],
  ["frequencyPenalty", { frequencyPenalty: 1 }],
  ["presencePenalty", { presencePenalty: 1 }],
  ["noRepeatNgramSize", { noRepeatNgramSize: 2 }],
  ["numBeams", { numBeams: 3 }],
  ["doSample", { doSample: true, seed: 1 }],
  ["maxNewTokens", { maxNewTokens: 5 }],
  ["maxLength", { maxLength: 8, maxNewTokens: undefined }],
];
for (const [name, options] of GREEDY_OPTIONS) {
  // long enough for greedy to repeat itself, so the penalties have something to act on
  test(`${name} changes greedy output`, async () => assertChanges({ maxNewTokens: 100 }, options, name));
}

test("token-level options act on the token greedy would pick", async () => {
  const first = (await greedyTokens())[0];
  for (const options of [
    { logitBias: { [first]: -100 } },
    { suppressTokens: [first] },
    { beginSuppressTokens: [first] },
    { badWordsIds: [[first]] },
    { sequenceBias: [[[first], -50]] as Array<[number[], number]> },
  ]) {
    const result = await run(options);
    assert.notEqual(result.sequences[0].tokens[0], first, JSON.stringify(options));
  }
});

test("eosTokenId, minNewTokens and minLength decide where generation may end", async () => {
  const greedy = await greedyTokens();
  const eos = greedy[4];
  const stopped = await run({ eosTokenId: eos });
  assert.equal(stopped.sequences[0].finishReason, "eos");
  assert.equal(stopped.sequences[0].tokens.length, greedy.indexOf(eos) + 1);
  const held = await run({ eosTokenId: eos, minNewTokens: 12 });
  assert.ok(held.sequences[0].tokens.length > 12);
  const promptLength = stopped.promptTokens.length;
  const heldByLength = await run({ eosTokenId: eos, minLength: promptLength + 12 });
  assert.ok(heldByLength.sequences[0].tokens.length > 12);
});

test("numReturnSequences returns that many samples", async () => {
  const result = await run({ ...SAMPLE, numReturnSequences: 3 });
  assert.equal(result.sequences.length, 3);
  assert.equal(new Set(result.sequences.map((s) => s.tokens.join(","))).size, 3);
});

test("lengthPenalty and earlyStopping change which beams win", async () => {
  // "." ends sentences often, so hypotheses finish at different lengths
  const m = await model();
  const period = m.tokenizer.encode(".", { addSpecialTokens: false }).at(-1)!;
  const beams = { numBeams: 4, numReturnSequences: 4, eosTokenId: period, maxNewTokens: 20 };
  const scores = async (o: GenerationOptions) =>
    (await run({ ...beams, ...o })).sequences.map((s) => [s.tokens.length, s.score]);
  // the winners themselves, not only their scores (which contain the penalty by formula)
  const winners = async (o: GenerationOptions) =>
    (await run({ ...beams, ...o })).sequences.map((s) => s.tokens.join(","));
  assert.notDeepEqual(await winners({ lengthPenalty: -1 }), await winners({ lengthPenalty: 2 }));
  assert.notDeepEqual(await scores({ earlyStopping: true }), await scores({ earlyStopping: "never" }));
});

test("renormalizeLogits changes beam scores when processors move probability mass", async () => {
  const base = { numBeams: 2, repetitionPenalty: 3, maxNewTokens: 8 };
  const plain = await run(base);
  const renormalized = await run({ ...base, renormalizeLogits: true });
  assert.notEqual(plain.sequences[0].score, renormalized.sequences[0].score);
});

test("stop strings end generation and are excluded from the text", async () => {
  const result = await run({ stop: ".", maxNewTokens: 60 });
  assert.equal(result.sequences[0].finishReason, "stop");
  assert.ok(!result.sequences[0].text.includes("."));
  assert.ok(result.sequences[0].text.length > 0);
});

test("signal and maxTime interrupt generation", async () => {
  const aborted = await run({ signal: AbortSignal.abort() });
  assert.equal(aborted.sequences[0].finishReason, "abort");
  assert.equal(aborted.sequences[0].tokens.length, 0);
  const timed = await run({ maxTime: 1e-9 });
  assert.equal(timed.sequences[0].finishReason, "time");
});

test("the same seed repeats; trace is recorded", async () => {
  assert.deepEqual(tokensOf(await run(SAMPLE)), tokensOf(await run(SAMPLE)));
  const traced = await run({ ...SAMPLE, trace: 3 });
  assert.equal(traced.sequences[0].steps?.[0]?.trace?.rawTop.length, 3);
});
