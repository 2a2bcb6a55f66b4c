// Reproduces every vector of ../shared/golden/processors/vectors.json (README §3): each listed HF
// processor through our factory, step by step, and the generation_config ones through resolveOptions +
// buildPipeline so that HF's default order is what is tested.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fromGenerationConfigJson, resolveOptions } from "../options.js";
import { applyPipeline, buildPipeline, processLogits } from "../pipeline.js";
import type { LogitsProcessor, StepContext } from "../types.js";
import {
  epsilon,
  eta,
  minLength,
  minNewTokens,
  minP,
  noRepeatNgram,
  renormalize,
  repetitionPenalty,
  temperature,
  topK,
  topP,
  typicalP,
} from "./index.js";

interface Vector {
  name: string;
  input_ids: number[];
  scores: Array<number | null>;
  processors: Array<{ class: string; params: Record<string, unknown> }>;
  expected: Array<number | null>;
  expected_after_each_step?: Array<Array<number | null>>;
  generation_config?: Record<string, unknown>;
}

const path = join(process.cwd(), "..", "shared", "golden", "processors", "vectors.json");
const { vectors } = JSON.parse(readFileSync(path, "utf8")) as { vectors: Vector[] };

type Params = Record<string, unknown>;
const num = (p: Params, key: string) => p[key] as number;
const keep = (p: Params) => (p.min_tokens_to_keep as number | undefined) ?? 1;
const ids = (p: Params) => (Array.isArray(p.eos_token_id) ? p.eos_token_id : [p.eos_token_id]) as number[];

/** transformers class + constructor params -> our factory (the NamedProcessor name it is built under). */
const HF_CLASSES: Record<string, { name: string; make: (p: Params) => LogitsProcessor }> = {
  TemperatureLogitsWarper: { name: "temperature", make: (p) => temperature(num(p, "temperature")) },
  TopKLogitsWarper: { name: "top_k", make: (p) => topK(num(p, "top_k"), keep(p)) },
  TopPLogitsWarper: { name: "top_p", make: (p) => topP(num(p, "top_p"), keep(p)) },
  MinPLogitsWarper: { name: "min_p", make: (p) => minP(num(p, "min_p"), keep(p)) },
  TypicalLogitsWarper: { name: "typical_p", make: (p) => typicalP(num(p, "mass"), keep(p)) },
  EpsilonLogitsWarper: { name: "epsilon", make: (p) => epsilon(num(p, "epsilon"), keep(p)) },
  EtaLogitsWarper: { name: "eta", make: (p) => eta(num(p, "epsilon"), keep(p)) },
  RepetitionPenaltyLogitsProcessor: {
    name: "repetition_penalty",
    make: (p) => repetitionPenalty(num(p, "penalty")),
  },
  NoRepeatNGramLogitsProcessor: { name: "no_repeat_ngram", make: (p) => noRepeatNgram(num(p, "ngram_size")) },
  MinLengthLogitsProcessor: { name: "min_length", make: (p) => minLength(num(p, "min_length"), ids(p)) },
  // prompt_length_to_skip becomes ctx.promptLength (see contextOf)
  MinNewTokensLengthLogitsProcessor: {
    name: "min_new_tokens",
    make: (p) => minNewTokens(num(p, "min_new_tokens"), ids(p)),
  },
  LogitNormalization: { name: "renormalize", make: () => renormalize() },
};

function contextOf(v: Vector): StepContext {
  const skip = v.processors.find((p) => p.params.prompt_length_to_skip !== undefined);
  return {
    tokens: v.input_ids,
    promptLength: (skip?.params.prompt_length_to_skip as number) ?? v.input_ids.length,
  };
}

/** Same -Infinity mask exactly; finite values within 1e-5 relative (1e-6 absolute near 0). */
function assertMatches(actual: Float32Array, expected: Array<number | null>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i];
    if (e === null) {
      assert.equal(actual[i], -Infinity, `${what}: [${i}] should be removed, got ${actual[i]}`);
    } else {
      const ok = Math.abs(actual[i] - e) <= 1e-5 * Math.abs(e) + 1e-6;
      assert.ok(ok, `${what}: [${i}] got ${actual[i]}, expected ${e}`);
    }
  }
}

const logitsOf = (scores: Array<number | null>) => Float32Array.from(scores, (s) => s ?? -Infinity);

test("golden vectors.json holds 35 vectors", () => assert.equal(vectors.length, 35));

for (const v of vectors) {
  test(`golden ${v.name}: processors one by one`, () => {
    const input = logitsOf(v.scores);
    const before = input.slice();
    const ctx = contextOf(v);
    let out: Float32Array = input;
    for (const [step, { class: cls, params }] of v.processors.entries()) {
      const entry = HF_CLASSES[cls];
      assert.ok(entry, `no factory for ${cls}`);
      out = entry.make(params)(out, ctx);
      const stepExpected = v.expected_after_each_step?.[step];
      if (stepExpected) assertMatches(out, stepExpected, `${v.name} after ${cls}`);
    }
    assertMatches(out, v.expected, v.name);
    assert.deepEqual(input, before, "the input logits were mutated");
  });

  const config = v.generation_config;
  if (config === undefined) continue;
  test(`golden ${v.name}: built from its generation_config in HF's default order`, () => {
    const options = resolveOptions(fromGenerationConfigJson(config));
    const pipeline = buildPipeline(options, { vocabSize: v.scores.length, eosTokenIds: options.eosTokenIds });
    assert.deepEqual(
      pipeline.map((p) => p.name),
      v.processors.map((p) => HF_CLASSES[p.class].name),
    );
    const ctx = contextOf(v);
    let out: Float32Array = logitsOf(v.scores);
    for (const [step, stage] of pipeline.entries()) {
      out = stage.apply(out, ctx);
      const stepExpected = v.expected_after_each_step?.[step];
      if (stepExpected) assertMatches(out, stepExpected, `${v.name} after ${stage.name}`);
    }
    assertMatches(out, v.expected, v.name);
    assertMatches(applyPipeline(pipeline, logitsOf(v.scores), ctx), v.expected, `${v.name} applyPipeline`);
    const viaPublic = processLogits(logitsOf(v.scores), ctx, {
      ...fromGenerationConfigJson(config),
      maxNewTokens: 16,
    });
    assertMatches(viaPublic, v.expected, `${v.name} processLogits`);
  });
}
