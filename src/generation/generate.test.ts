import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { InvalidOptionError } from "../errors.js";
import type { LanguageModel, Session } from "../models/types.js";
import type { Tokenizer } from "../tokenizers/types.js";
import { generate, stream } from "./generate.js";
import { TableModel } from "./table-model.js";
import type { Step } from "./types.js";
import { sharedPath } from "../testing/shared.js";

// A chain model: after token b the next token is (b + 1) % V with a clear margin.
const V = 10;
function chainTable(): Float32Array {
  const table = new Float32Array(V * V * V);
  for (let a = 0; a < V; a++) {
    for (let b = 0; b < V; b++) {
      for (let c = 0; c < V; c++) table[(a * V + b) * V + c] = c === (b + 1) % V ? 4 : c * 0.1;
    }
  }
  return table;
}

// Its toy tokenizer: 0 = BOS, 9 = EOS (both control), 7 and 8 are the two bytes of "é".
const PIECES: Array<string | Uint8Array> = [
  "",
  "he",
  "ll",
  "o ",
  "wor",
  "ld",
  "!",
  Uint8Array.of(0xc3),
  Uint8Array.of(0xa9),
  "",
];
const utf8 = new TextEncoder();
const toyTokenizer: Tokenizer = {
  vocabSize: V,
  bosTokenId: 0,
  eosTokenIds: [9],
  tokenBytes: (id) => {
    const piece = PIECES[id];
    return typeof piece === "string" ? utf8.encode(piece) : piece;
  },
  tokenToString: (id) => {
    const piece = PIECES[id];
    return typeof piece === "string" ? piece : `<byte${id}>`;
  },
  isSpecial: (id) => id === 0 || id === 9,
  decode(ids) {
    return new TextDecoder().decode(Buffer.concat(Array.from(ids, (id) => this.tokenBytes(id))));
  },
  encode(text, options) {
    const ids = options?.addSpecialTokens === false ? [] : [0];
    let rest = text;
    while (rest.length > 0) {
      const id = PIECES.findIndex((p, i) => typeof p === "string" && p !== "" && i > 0 && rest.startsWith(p));
      if (id < 0) throw new Error(`toy tokenizer cannot encode ${rest}`);
      ids.push(id);
      rest = rest.slice((PIECES[id] as string).length);
    }
    return ids;
  },
};

function chainModel(contextLength?: number): TableModel & { tokenizer: Tokenizer } {
  return Object.assign(new TableModel(chainTable(), V, { contextLength }), { tokenizer: toyTokenizer });
}

const golden = JSON.parse(readFileSync(sharedPath("golden", "beam", "cases.json"), "utf8")) as {
  toy_lm: { table: number[][][] };
};
const goldenTable = Float32Array.from(golden.toy_lm.table.flat(2));

test("greedy follows the chain to EOS, which stops with 'eos' and adds no text", async () => {
  const result = await generate(chainModel(), "he");
  assert.deepEqual(result.promptTokens, [0, 1]);
  const [seq] = result.sequences;
  assert.deepEqual(seq.tokens, [2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(seq.text, "llo world!é");
  assert.equal(seq.finishReason, "eos");
  assert.equal(result.modelCalls, 8);
  assert.deepEqual(result.options.eosTokenId, [9], "EOS defaults from the tokenizer");
});

test("maxNewTokens is respected and ends with 'length'", async () => {
  const [seq] = (await generate(chainModel(), "he", { maxNewTokens: 3 })).sequences;
  assert.deepEqual(seq.tokens, [2, 3, 4]);
  assert.equal(seq.text, "llo wor");
  assert.equal(seq.finishReason, "length");
});

test("maxLength counts the prompt", async () => {
  const [seq] = (await generate(chainModel(), "he", { maxLength: 4 })).sequences;
  assert.deepEqual(seq.tokens, [2, 3]);
});

test("the model's context length ends generation with 'context'", async () => {
  const [seq] = (await generate(chainModel(5), "he")).sequences;
  assert.deepEqual(seq.tokens, [2, 3, 4]);
  assert.equal(seq.finishReason, "context");
});

test("a stop string spanning tokens stops generation and is excluded, also from the stream", async () => {
  const model = chainModel();
  const [seq] = (await generate(model, "he", { stop: ["o w"] })).sequences;
  assert.deepEqual(seq.tokens, [2, 3, 4], "the tokens that formed the stop string are kept");
  assert.equal(seq.text, "ll");
  assert.equal(seq.finishReason, "stop");

  const steps: Step[] = [];
  for await (const step of stream(model, "he", { stop: ["o w", "xyz"] })) steps.push(step);
  assert.deepEqual(
    steps.map((s) => s.text),
    ["ll", "", ""],
    "'o ' is held back: it could begin the stop string",
  );
  assert.equal(steps[2].finishReason, "stop");
});

test("held-back text is released when the stop string does not complete", async () => {
  const steps: Step[] = [];
  for await (const step of stream(chainModel(), "he", { stop: ["o x"], maxNewTokens: 4 })) steps.push(step);
  assert.deepEqual(
    steps.map((s) => s.text),
    ["ll", "", "o wor", "ld"],
  );
});

test("streamed text never splits a UTF-8 character", async () => {
  const steps: Step[] = [];
  for await (const step of stream(chainModel(), [0, 5])) steps.push(step);
  assert.deepEqual(
    steps.map((s) => [s.token, s.text]),
    [
      [6, "!"],
      [7, ""],
      [8, "é"],
      [9, ""],
    ],
  );
});

function abortingAfter(model: LanguageModel, forwards: number, controller: AbortController): LanguageModel {
  let count = 0;
  const wrap = (s: Session): Session => ({
    get position() {
      return s.position;
    },
    forward(tokens, options) {
      if (++count >= forwards) controller.abort();
      return s.forward(tokens, options);
    },
    fork: () => wrap(s.fork()),
    rewind: (p) => s.rewind(p),
    dispose: () => s.dispose(),
  });
  return { vocabSize: model.vocabSize, newSession: () => wrap(model.newSession()) };
}

test("an AbortSignal aborted mid-generation returns the partial output with 'abort'", async () => {
  const controller = new AbortController();
  const model = abortingAfter(chainModel(), 3, controller);
  const result = await generate(model, [0, 1], { signal: controller.signal, tokenizer: toyTokenizer });
  const [seq] = result.sequences;
  assert.deepEqual(seq.tokens, [2, 3, 4]);
  assert.equal(seq.finishReason, "abort");
  assert.equal(seq.text, "llo wor");
});

test("an abort from a timer lands between steps", async () => {
  const controller = new AbortController();
  setImmediate(() => controller.abort());
  const result = await generate(chainModel(), [0, 1], { signal: controller.signal, maxNewTokens: 100000 });
  assert.equal(result.sequences[0].finishReason, "abort");
  assert.ok(result.sequences[0].tokens.length < 100000);
});

test("aborting a stream ends it after the current step", async () => {
  const controller = new AbortController();
  const steps: Step[] = [];
  for await (const step of stream(chainModel(), "he", { signal: controller.signal })) {
    steps.push(step);
    if (steps.length === 2) controller.abort();
  }
  assert.equal(steps.length, 2);
});

test("maxTime ends generation with 'time'", async () => {
  const slow: LanguageModel = {
    vocabSize: V,
    newSession() {
      const s = chainModel().newSession();
      return Object.assign(Object.create(s) as Session, {
        forward(tokens: ArrayLike<number>) {
          const until = Date.now() + 15;
          while (Date.now() < until);
          return s.forward(tokens);
        },
        dispose: () => s.dispose(),
      });
    },
  };
  const [seq] = (await generate(slow, [0, 1], { maxTime: 0.04, maxNewTokens: 50 })).sequences;
  assert.equal(seq.finishReason, "time");
  assert.ok(seq.tokens.length >= 1 && seq.tokens.length < 8);
});

test("same seed gives identical samples, different seeds differ", async () => {
  const model = new TableModel(goldenTable, V);
  const options = { doSample: true, maxNewTokens: 12, topK: 0 };
  const a = await generate(model, [8, 3], { ...options, seed: 42 });
  const b = await generate(model, [8, 3], { ...options, seed: 42 });
  assert.deepEqual(a.sequences, b.sequences);
  assert.equal(a.options.seed, 42);
  const runs = await Promise.all(
    [1, 2, 3, 4, 5].map((seed) => generate(model, [8, 3], { ...options, seed })),
  );
  assert.ok(new Set(runs.map((r) => r.sequences[0].tokens.join())).size > 1);
  for (const step of a.sequences[0].steps!) assert.ok(step.coin! >= 0 && step.coin! < 1);
});

test("numReturnSequences samples that many sequences from one prefill, forking the session", async () => {
  const model = new TableModel(goldenTable, V);
  const result = await generate(model, [8, 3], {
    doSample: true,
    numReturnSequences: 4,
    maxNewTokens: 5,
    seed: 3,
    topK: 0,
  });
  assert.equal(result.sequences.length, 4);
  assert.equal(model.counters.forks, 3);
  assert.equal(model.counters.tokensFed, 2 + 4 * 4, "prompt once, then one token per sequence per step");
  assert.equal(result.modelCalls, 5);
  assert.equal(model.counters.liveSessions, 0);
});

test("temperature 0 is greedy", async () => {
  const model = new TableModel(goldenTable, V);
  const greedy = await generate(model, [8, 3], { maxNewTokens: 6 });
  const zero = await generate(model, [8, 3], { maxNewTokens: 6, temperature: 0, doSample: true });
  assert.deepEqual(zero.sequences[0].tokens, greedy.sequences[0].tokens);
});

test("trace records raw and per-stage candidates consistently", async () => {
  const model = new TableModel(goldenTable, V);
  const result = await generate(model, [8, 3], {
    doSample: true,
    temperature: 0.7,
    topK: 3,
    topP: 0.9,
    maxNewTokens: 6,
    seed: 5,
    trace: 4,
  });
  for (const step of result.sequences[0].steps!) {
    const trace = step.trace!;
    assert.deepEqual(
      trace.stages.map((s) => s.name),
      ["temperature", "top_k", "top_p"],
    );
    assert.equal(trace.rawTop.length, 4);
    const sum = (c: Array<{ prob: number }>) => c.reduce((t, x) => t + x.prob, 0);
    assert.ok(sum(trace.rawTop) <= 1 + 1e-6);
    for (const stage of trace.stages) {
      assert.ok(sum(stage.top) <= 1 + 1e-6);
      assert.ok(stage.removedMass >= 0 && stage.removedMass <= 1);
      assert.ok(stage.kept >= 1 && stage.kept <= V);
      assert.ok(stage.entropy >= 0);
    }
    assert.equal(trace.stages[0].removedMass, 0, "temperature removes nothing");
    assert.ok(trace.stages[1].kept <= 3);
    const final = trace.stages[trace.stages.length - 1];
    const chosen = final.top.find((c) => c.id === step.token)!;
    assert.ok(Math.abs(chosen.logprob - step.processedLogprob) < 1e-6);
    assert.equal(trace.processedRank, final.top.indexOf(chosen) + 1);
    const raw = trace.rawTop.find((c) => c.id === step.token);
    assert.ok(raw, "the chosen token is among the raw top candidates");
    assert.ok(Math.abs(raw.logprob - step.logprob) < 1e-6);
    assert.ok(
      trace.rawRank >= 1 && trace.rawEntropy > 0 && trace.processedEntropy <= trace.rawEntropy + 1e-6,
    );
    assert.ok(step.coin !== undefined);
  }
});

test("no trace is computed unless asked", async () => {
  const result = await generate(new TableModel(goldenTable, V), [8, 3], { maxNewTokens: 3 });
  assert.ok(result.sequences[0].steps!.every((s) => s.trace === undefined && s.coin === undefined));
  const traced = await generate(new TableModel(goldenTable, V), [8, 3], { maxNewTokens: 3, trace: true });
  assert.equal(traced.sequences[0].steps![0].trace!.rawTop.length, 10);
  assert.deepEqual(
    traced.sequences[0].steps![0].trace!.stages,
    [],
    "greedy with no processors has no stages",
  );
});

test("prompts: text needs a tokenizer, empty starts from BOS or is rejected, ids are checked", async () => {
  const bare = new TableModel(goldenTable, V);
  await assert.rejects(generate(bare, "hello"), InvalidOptionError);
  await assert.rejects(
    generate(bare, []),
    (e: unknown) => e instanceof InvalidOptionError && e.option === "prompt",
  );
  await assert.rejects(generate(bare, [3, 12]), InvalidOptionError);
  const fromBos = await generate(chainModel(), "", { maxNewTokens: 2 });
  assert.deepEqual(fromBos.promptTokens, [0]);
  const withBosOption = await generate(bare, [], { bosTokenId: 1, maxNewTokens: 1 });
  assert.deepEqual(withBosOption.promptTokens, [1]);
  assert.throws(() => stream(bare, [1, 2], { stop: "x" }), InvalidOptionError);
});

test("EOS comes from the options, then the model's generation config, then the tokenizer", async () => {
  const model = Object.assign(chainModel(), { generationConfig: { eosTokenId: 4 } });
  assert.deepEqual((await generate(model, "he")).sequences[0].tokens, [2, 3, 4]);
  assert.deepEqual((await generate(model, "he", { eosTokenId: 3 })).sequences[0].tokens, [2, 3]);
});

test("beam search stops at stop strings too, and decodes its sequences", async () => {
  const result = await generate(chainModel(), "he", {
    numBeams: 2,
    stop: "o w",
    earlyStopping: true,
    eosTokenId: 5,
  });
  const [best] = result.sequences;
  assert.deepEqual(best.tokens, [2, 3, 4]);
  assert.equal(best.finishReason, "stop");
  assert.equal(best.text, "ll");
  const plain = await generate(chainModel(), "he", { numBeams: 2, maxNewTokens: 3 });
  assert.equal(plain.sequences[0].text, "llo wor");
});
