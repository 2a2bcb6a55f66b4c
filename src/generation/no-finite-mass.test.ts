// Every strategy refuses a step whose distribution has no finite mass (a NaN, a +Infinity, or every
// token removed) with a NoFiniteMassError naming the strategy, the step and the cause; healthy runs
// (beam search included) are untouched. Models are trigram tables with the bad row built in.
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError, NoFiniteMassError } from "../errors.js";
import { noFiniteMassCause } from "./finite-mass.js";
import { generate } from "./generate.js";
import { resolveOptions } from "./options.js";
import { temperature } from "./processors/temperature.js";
import { scoreText } from "./score.js";
import { TableModel } from "./table-model.js";
import type { GenerationOptions } from "./types.js";

const V = 6;

/** After token b the next token is (b + 1) % V by a clear margin; the row after token `bad` is `fill`. */
function chainModel(bad?: { after: number; fill: (c: number) => number }): TableModel {
  const table = new Float32Array(V ** 3);
  for (let a = 0; a < V; a++) {
    for (let b = 0; b < V; b++) {
      for (let c = 0; c < V; c++) {
        const healthy = c === (b + 1) % V ? 4 : c * 0.1;
        table[(a * V + b) * V + c] = bad !== undefined && b === bad.after ? bad.fill(c) : healthy;
      }
    }
  }
  return new TableModel(table, V);
}

// decoding starts from [0, 1]: step 0 follows token 1, step 1 follows token 2
const PROMPT = [0, 1];

const STRATEGIES: Record<string, GenerationOptions> = {
  greedy: { temperature: 0 },
  sampling: { doSample: true, seed: 1 },
  "sampling top_k": { doSample: true, seed: 1, topK: 2 },
  "sampling top_p": { doSample: true, seed: 1, topP: 0.5 },
  "sampling min_p": { doSample: true, seed: 1, minP: 0.2 },
  "sampling typical_p": { doSample: true, seed: 1, typicalP: 0.5 },
  "sampling epsilon": { doSample: true, seed: 1, epsilonCutoff: 0.01 },
  "sampling eta": { doSample: true, seed: 1, etaCutoff: 0.01 },
  "sampling temperature": { doSample: true, seed: 1, temperature: 0.7 },
  "beam search": { numBeams: 3 },
  "beam sampling": { numBeams: 3, doSample: true, seed: 1 },
};

const STRATEGY_NAME = (name: string): string => (name.startsWith("sampling") ? "sampling" : name);

async function expectNoFiniteMass(
  model: TableModel,
  options: GenerationOptions,
  expected: { strategy: string; step: number; source: string; reason: string },
): Promise<void> {
  await assert.rejects(generate(model, PROMPT, { maxNewTokens: 4, ...options }), (error: unknown) => {
    assert.ok(error instanceof NoFiniteMassError, `got ${String(error)}`);
    assert.equal(error.code, "no_finite_mass");
    assert.equal(error.strategy, expected.strategy);
    assert.equal(error.step, expected.step);
    assert.equal(error.source, expected.source);
    assert.equal(error.reason, expected.reason);
    assert.match(error.message, new RegExp(`step ${expected.step}`));
    return true;
  });
  assert.equal(model.counters.liveSessions, 0, "sessions are disposed");
}

for (const [name, options] of Object.entries(STRATEGIES)) {
  const strategy = STRATEGY_NAME(name);

  test(`${name}: NaN logits at step 1 are a NoFiniteMassError from the model`, async () => {
    const model = chainModel({ after: 2, fill: (c) => (c === 3 ? NaN : 1) });
    await expectNoFiniteMass(model, options, { strategy, step: 1, source: "model", reason: "nan" });
  });

  test(`${name}: all -Infinity logits are a NoFiniteMassError from the model`, async () => {
    const model = chainModel({ after: 1, fill: () => -Infinity });
    await expectNoFiniteMass(model, options, {
      strategy,
      step: 0,
      source: "model",
      reason: "all_suppressed",
    });
  });

  test(`${name}: a +Infinity logit is a NoFiniteMassError from the model`, async () => {
    const model = chainModel({ after: 1, fill: (c) => (c === 4 ? Infinity : 0) });
    await expectNoFiniteMass(model, options, { strategy, step: 0, source: "model", reason: "infinity" });
  });

  test(`${name}: suppressing every token is a NoFiniteMassError from the processors`, async () => {
    const every = Array.from({ length: V }, (_, id) => id);
    await expectNoFiniteMass(
      chainModel(),
      { ...options, suppressTokens: every },
      { strategy, step: 0, source: "processors", reason: "all_suppressed" },
    );
  });

  test(`${name}: a healthy run still follows the chain`, async () => {
    const result = await generate(chainModel(), PROMPT, { maxNewTokens: 3, ...options, topK: 1 });
    assert.ok(result.sequences.length >= 1);
    assert.deepEqual(result.sequences[0].tokens, [2, 3, 4]);
  });
}

test("beam search: healthy steps with some tokens removed do not throw, and every beam is returned", async () => {
  // -Infinity in every row (a suppressed token) is not "no finite mass"
  const result = await generate(chainModel(), PROMPT, {
    maxNewTokens: 3,
    numBeams: 4,
    numReturnSequences: 4,
    suppressTokens: [0],
  });
  assert.equal(result.sequences.length, 4);
  assert.deepEqual(result.sequences[0].tokens, [2, 3, 4]);
  for (const seq of result.sequences) {
    assert.ok(Number.isFinite(seq.score), `score ${seq.score}`);
    assert.ok(!seq.tokens.includes(0));
  }
});

test("scoreText names the position whose logits are NaN or all -Infinity", () => {
  const nan = chainModel({ after: 2, fill: () => NaN });
  assert.throws(
    () => scoreText(nan, [0, 1, 2, 3]),
    (e: unknown) =>
      e instanceof NoFiniteMassError && e.step === 3 && e.strategy === "score" && e.reason === "nan",
  );
  const dead = chainModel({ after: 1, fill: () => -Infinity });
  assert.throws(
    () => scoreText(dead, [0, 1, 2]),
    (e: unknown) => e instanceof NoFiniteMassError && e.step === 2 && e.reason === "all_suppressed",
  );
  assert.ok(Number.isFinite(scoreText(chainModel(), [0, 1, 2, 3]).logprob));
});

test("noFiniteMassCause: NaN first, then +Infinity, then all -Infinity; one finite score is enough", () => {
  assert.equal(noFiniteMassCause([-Infinity, NaN, Infinity]), "nan");
  assert.equal(noFiniteMassCause([-Infinity, Infinity, 0]), "infinity");
  assert.equal(noFiniteMassCause([-Infinity, -Infinity]), "all_suppressed");
  assert.equal(noFiniteMassCause([]), "all_suppressed");
  assert.equal(noFiniteMassCause([-Infinity, -1e30, -Infinity]), undefined);
  assert.equal(noFiniteMassCause([NaN, 0, 1], 1), undefined, "a range skips what is outside it");
});

test("a temperature below MIN_TEMPERATURE (1e-320 rounds to float32 0) is refused with the range", () => {
  for (const t of [1e-320, 5e-324, 1e-31]) {
    assert.throws(
      () => resolveOptions({ doSample: true, temperature: t }),
      (e: unknown) =>
        e instanceof InvalidOptionError &&
        e.option === "temperature" &&
        e.value === t &&
        /1e-30/.test(e.message),
    );
    assert.throws(() => temperature(t), InvalidOptionError);
  }
});

test("the smallest accepted temperature keeps the logits finite and samples the top token", async () => {
  const result = await generate(chainModel(), PROMPT, {
    maxNewTokens: 3,
    doSample: true,
    seed: 3,
    temperature: 1e-30,
  });
  assert.deepEqual(result.sequences[0].tokens, [2, 3, 4]);
  const scaled = temperature(1e-30)(Float32Array.of(-300, 0, 300), { tokens: [], promptLength: 0 });
  assert.ok(scaled.every(Number.isFinite), Array.from(scaled).join(", "));
});

test("beam search: a beam whose processors remove every token is dropped; greedy there is an error", async () => {
  // after token 2 every continuation is a bad word: the beam ending in 2 has no candidate at step 1
  const badWords = Array.from({ length: V }, (_, c) => [2, c]);
  const result = await generate(chainModel(), PROMPT, {
    maxNewTokens: 3,
    numBeams: 3,
    numReturnSequences: 3,
    badWordsIds: badWords,
  });
  assert.equal(result.sequences.length, 3);
  for (const seq of result.sequences) {
    assert.ok(Number.isFinite(seq.score), `score ${seq.score}`);
    assert.notEqual(seq.tokens[0], 2, `${seq.tokens.join(" ")} continues after 2`);
  }
  await expectNoFiniteMass(
    chainModel(),
    { temperature: 0, badWordsIds: badWords },
    { strategy: "greedy", step: 1, source: "processors", reason: "all_suppressed" },
  );
});
