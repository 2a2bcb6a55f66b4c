import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { generate } from "../generate.js";
import { TableModel } from "../table-model.js";
import type { GeneratedSequence, GenerationOptions, Step } from "../types.js";
import { createRng } from "../rng.js";
import { beamSearch } from "./beam-search.js";
import { decodeIndependent } from "./independent.js";
import { greedy } from "./greedy.js";
import type { DecodeSetup } from "./common.js";
import { sharedPath } from "../../testing/shared.js";

interface BeamCase {
  name: string;
  prompt: number[];
  eos_token_id: number[];
  pad_token_id: number;
  params: {
    num_beams: number;
    length_penalty: number;
    early_stopping: boolean | "never";
    num_return_sequences: number;
    max_new_tokens: number;
    no_repeat_ngram_size?: number;
    repetition_penalty?: number;
    min_new_tokens?: number;
  };
  expected: {
    sequences: number[][];
    sequences_scores: number[];
    generated_lengths: number[];
    decoding_steps_run: number;
  };
}

const golden = JSON.parse(readFileSync(sharedPath("golden", "beam", "cases.json"), "utf8")) as {
  toy_lm: { vocab_size: number; table: number[][][] };
  cases: BeamCase[];
};
const V = golden.toy_lm.vocab_size;
const table = Float32Array.from(golden.toy_lm.table.flat(2));

function optionsOf(c: BeamCase): GenerationOptions {
  const p = c.params;
  return {
    numBeams: p.num_beams,
    lengthPenalty: p.length_penalty,
    earlyStopping: p.early_stopping,
    numReturnSequences: p.num_return_sequences,
    maxNewTokens: p.max_new_tokens,
    eosTokenId: c.eos_token_id,
    padTokenId: c.pad_token_id,
    noRepeatNgramSize: p.no_repeat_ngram_size,
    repetitionPenalty: p.repetition_penalty,
    minNewTokens: p.min_new_tokens,
  };
}

/** HF's output layout: prompt + generated, right-padded with `pad_token_id or eos_token_id[0]`. */
function padded(c: BeamCase, sequences: GeneratedSequence[]): number[][] {
  const pad = c.pad_token_id || c.eos_token_id[0];
  const width = Math.max(...sequences.map((s) => s.tokens.length));
  return sequences.map((s) => [
    ...c.prompt,
    ...s.tokens,
    ...Array<number>(width - s.tokens.length).fill(pad),
  ]);
}

test("the golden beam cases cover every kind listed in the README", () => {
  assert.equal(golden.cases.length, 38);
});

for (const c of golden.cases) {
  test(`golden beam case ${c.name}`, async () => {
    const model = new TableModel(table, V);
    const result = await generate(model, c.prompt, optionsOf(c));
    const { sequences } = result;
    assert.deepEqual(padded(c, sequences), c.expected.sequences);
    assert.deepEqual(
      sequences.map((s) => s.tokens.length),
      c.expected.generated_lengths,
    );
    for (const [i, s] of sequences.entries()) {
      assert.ok(
        Math.abs(s.score! - c.expected.sequences_scores[i]) <= 1e-5,
        `score ${i}: ${s.score} vs ${c.expected.sequences_scores[i]}`,
      );
      assert.equal(s.finishReason, c.eos_token_id.includes(s.tokens[s.tokens.length - 1]) ? "eos" : "length");
    }
    assert.equal(result.modelCalls, c.expected.decoding_steps_run);
    assert.equal(model.counters.liveSessions, 0, "every session disposed");
  });
}

test("beam search forks surviving beams instead of re-feeding prefixes", async () => {
  const c = golden.cases[0];
  const model = new TableModel(table, V);
  await generate(model, c.prompt, optionsOf(c));
  // prefill once, then one token per running beam per later step
  assert.equal(
    model.counters.tokensFed,
    c.prompt.length + (c.expected.decoding_steps_run - 1) * c.params.num_beams,
  );
  assert.ok(model.counters.forks > 0);
});

function setupFor(model: TableModel, prompt: number[], maxNewTokens: number, seed = 1): DecodeSetup {
  const rng = createRng(seed);
  return {
    model,
    prompt,
    processors: [],
    eosTokenIds: [2],
    maxLength: prompt.length + maxNewTokens,
    lengthReason: "length",
    stops: [],
    traceTop: 0,
    random: () => rng.next(),
    calls: { modelCalls: 0 },
  };
}

async function drain(run: AsyncGenerator<Step, GeneratedSequence[]>): Promise<GeneratedSequence[]> {
  let next = await run.next();
  while (next.done !== true) next = await run.next();
  return next.value;
}

test("greedy equals beam search with numBeams 1", async () => {
  const model = new TableModel(table, V);
  for (const prompt of [
    [8, 3],
    [7, 7],
    [3, 9],
    [6, 8],
    [1, 5],
  ]) {
    const [g] = await drain(decodeIndependent(setupFor(model, prompt, 8), greedy, 1));
    const [b] = await drain(
      beamSearch(setupFor(model, prompt, 8), {
        numBeams: 1,
        lengthPenalty: 1,
        earlyStopping: true,
        numReturnSequences: 1,
        doSample: false,
      }),
    );
    assert.deepEqual(b.tokens, g.tokens, `prompt ${prompt.join(",")}`);
    assert.ok(Math.abs(b.logprob - g.logprob) < 1e-5);
  }
});

test("beam sampling is reproducible by seed and returns finished hypotheses best first", async () => {
  const model = new TableModel(table, V);
  const options = {
    numBeams: 3,
    doSample: true,
    maxNewTokens: 6,
    eosTokenId: 2,
    numReturnSequences: 3,
    topK: 0,
  };
  const a = await generate(model, [8, 3], { ...options, seed: 7 });
  const b = await generate(model, [8, 3], { ...options, seed: 7 });
  assert.deepEqual(
    a.sequences.map((s) => s.tokens),
    b.sequences.map((s) => s.tokens),
  );
  const scores = a.sequences.map((s) => s.score!);
  assert.deepEqual(
    scores,
    scores.slice().sort((x, y) => y - x),
  );
  const seeds = await Promise.all(
    [1, 2, 3, 4, 5, 6].map((seed) => generate(model, [8, 3], { ...options, seed })),
  );
  const distinct = new Set(seeds.map((r) => JSON.stringify(r.sequences.map((s) => s.tokens))));
  assert.ok(distinct.size > 1, "different seeds give different beams");
});

test("stream yields beam states per step, the last one done", async () => {
  const c = golden.cases[0];
  const model = new TableModel(table, V);
  const { stream } = await import("../generate.js");
  const steps: Step[] = [];
  for await (const step of stream(model, c.prompt, optionsOf(c))) steps.push(step);
  assert.equal(steps.length, c.expected.decoding_steps_run * c.params.num_beams);
  const last = steps[steps.length - 1].beam!;
  assert.equal(last.done, true);
  assert.deepEqual(
    last.finished[0].tokens,
    c.expected.sequences[0].slice(c.prompt.length, c.prompt.length + c.expected.generated_lengths[0]),
  );
  assert.ok(steps.every((s) => s.beam !== undefined && s.beam.tokens.length === s.beam.step + 1));
});
