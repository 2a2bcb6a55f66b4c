import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadModel } from "../load-model.js";
import { CHECKPOINT_FILE, loadCheckpoint, saveCheckpoint, type TrainState } from "./checkpoint.js";
import { CheckpointError, CorpusError, OutputExistsError } from "./errors.js";
import { learningRate } from "./lr-schedule.js";
import { serialMatmul } from "./matmul.js";
import { TrainModel, type TrainConfig } from "./model.js";
import { train, TRAIN_DEFAULTS, type TrainOptions, type TrainRun } from "./train.js";

const root = await mkdtemp(join(tmpdir(), "nextoken-train-"));
after(() => rm(root, { recursive: true, force: true }));

/** A small corpus with structure to learn: counting sentences in a few fixed patterns. */
const words = ["one", "two", "three", "four", "five", "six", "seven", "eight"];
const text = Array.from({ length: 400 }, (_, i) => {
  const a = words[i % 8];
  const b = words[(i * 3) % 8];
  return `And the ${a} sheep went after the ${b} goats, and the ${a} was glad.`;
}).join("\n");
const corpus = join(root, "corpus.txt");
await writeFile(corpus, text);

const tiny: TrainOptions = {
  ...TRAIN_DEFAULTS,
  layers: 1,
  dim: 16,
  heads: 2,
  context: 16,
  vocab: 300,
  batch: 4,
  steps: 40,
  lr: 1e-2,
  warmup: 4,
  evalEvery: 10,
  evalWindows: 4,
  checkpointEvery: 100,
};

const run = (out: string, extra: Partial<TrainRun> = {}, options: Partial<TrainOptions> = {}) =>
  train({ corpus: [corpus], out: join(root, out), options: { ...tiny, ...options }, ...extra });

test("a tiny training run drives the loss clearly down", async () => {
  const losses: number[] = [];
  const result = await run("tiny", { onProgress: (p) => losses.push(p.loss) });
  assert.equal(result.interrupted, false);
  const first = losses[0];
  const last = losses.slice(-5).reduce((a, b) => a + b, 0) / 5;
  assert.ok(first > Math.log(300) - 0.5, `initial loss ${first} is near ln V`);
  assert.ok(last < first / 2, `loss went from ${first} to ${last}`);
  assert.ok(
    result.valBitsPerByte! > 0 && result.valBitsPerByte! < 3,
    `val bits/byte ${result.valBitsPerByte}`,
  );
});

test("an interrupted and resumed run ends with the same parameters, bit for bit", async () => {
  const options = { steps: 12, checkpointEvery: 5 };
  await run("straight", {}, options);
  const abort = new AbortController();
  const stopped = await run(
    "resumed",
    { signal: abort.signal, onProgress: (p) => p.step === 7 && abort.abort() },
    options,
  );
  assert.deepEqual([stopped.interrupted, stopped.step], [true, 7]);
  await run("resumed", { resume: true, threads: 2 }, { steps: 999, dim: 8 }); // saved options win
  const a = await loadCheckpoint(join(root, "straight", CHECKPOINT_FILE));
  const b = await loadCheckpoint(join(root, "resumed", CHECKPOINT_FILE));
  assert.deepEqual(b.params, a.params);
  assert.deepEqual(b.m, a.m);
  assert.deepEqual(b.state.history, a.state.history);
  const modelA = await readFile(join(root, "straight", "model.safetensors"));
  const modelB = await readFile(join(root, "resumed", "model.safetensors"));
  assert.ok(modelA.equals(modelB));
  // --steps on a resume trains on past the planned end
  await run("resumed", { resume: true, resumeSteps: 14 });
  assert.equal((await loadCheckpoint(join(root, "resumed", CHECKPOINT_FILE))).state.step, 14);
});

test("a resume with a larger --steps keeps the warm-up and final rate of the original run", async () => {
  // default warm-up min(100, steps / 10): 1 step for the planned 10, 2 if it followed the new 20
  const planned = { steps: 10, warmup: undefined, minLr: undefined };
  const interrupt = (): Partial<TrainRun> => {
    const abort = new AbortController();
    return { signal: abort.signal, onProgress: (p) => p.step === 3 && abort.abort() };
  };
  await run("schedule", interrupt(), planned);
  const path = join(root, "schedule", CHECKPOINT_FILE);
  const saved = await loadCheckpoint(path);
  assert.equal(saved.state.options.warmup, 1);
  assert.equal(saved.state.options.minLr, tiny.lr / 10);
  const rates: number[] = [];
  await run("schedule", { resume: true, resumeSteps: 20, onProgress: (p) => rates.push(p.lr) });
  const steps4to20 = Array.from({ length: 17 }, (_, i) => i + 4);
  assert.deepEqual(
    rates,
    steps4to20.map((step) => learningRate(step, tiny.lr, tiny.lr / 10, 1, 20)),
  );
  const resumed = (await loadCheckpoint(path)).state.options;
  assert.deepEqual([resumed.steps, resumed.warmup, resumed.minLr], [20, 1, tiny.lr / 10]);

  // a checkpoint from before the schedule was saved (and with the since dropped tokensSeen):
  // the schedule is filled from its own planned steps, tokensSeen is ignored
  await run("schedule-old", interrupt(), planned);
  const oldPath = join(root, "schedule-old", CHECKPOINT_FILE);
  const old = await loadCheckpoint(oldPath);
  delete old.state.options.warmup;
  delete old.state.options.minLr;
  await saveCheckpoint(oldPath, { ...old, state: { ...old.state, tokensSeen: 3 * 4 * 16 } as TrainState });
  const oldRates: number[] = [];
  await run("schedule-old", { resume: true, resumeSteps: 20, onProgress: (p) => oldRates.push(p.lr) });
  assert.deepEqual(oldRates, rates);
  assert.ok(!("tokensSeen" in (await loadCheckpoint(oldPath)).state));
});

test("the exported directory loads through loadModel() with the trainer's logits (within 1e-5)", async () => {
  const dir = join(root, "tiny");
  const model = await loadModel(dir);
  const { params, state } = await loadCheckpoint(join(dir, CHECKPOINT_FILE));
  assert.equal(model.config.architecture, "llama");
  assert.equal(model.generationConfig.doSample, true);
  const tokens = model.tokenizer.encode("And the three sheep went after the");
  assert.equal(model.tokenizer.decode(tokens), "And the three sheep went after the");
  const o = state.options as unknown as TrainOptions;
  const config: TrainConfig = {
    vocabSize: model.config.vocabSize,
    dim: o.dim,
    nLayers: o.layers,
    nHeads: o.heads,
    ff: model.config.intermediateSize,
    contextLength: o.context,
    normEps: 1e-5,
    ropeTheta: 10000,
  };
  const T = tokens.length;
  const ours = new TrainModel(
    config,
    1,
    T,
    new Float32Array(TrainModel.memoryFloats(config, 1, T)),
    serialMatmul,
  );
  ours.params.set(params);
  const expected = ours.forward(tokens);
  const actual = model.newSession().forward(tokens, { allLogits: true });
  let diff = 0;
  for (let i = 0; i < actual.length; i++) diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
  assert.ok(diff < 1e-5, `max |Δ logit| ${diff}`);
});

test("bad corpora are refused with CorpusError before anything is written", async () => {
  const cases: [string, Uint8Array | string][] = [
    ["empty.txt", ""],
    ["binary.bin", Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0xff, 0xfe])],
    ["small.txt", "In the beginning."],
  ];
  for (const [name, content] of cases) {
    const path = join(root, name);
    await writeFile(path, content);
    const out = join(root, `out-${name}`);
    await assert.rejects(train({ corpus: [path], out, options: tiny }), CorpusError);
    await assert.rejects(stat(out), { code: "ENOENT" }, "nothing was written");
  }
});

test("an existing output folder is refused without --resume or --force, and kept", async () => {
  const out = join(root, "taken");
  await run("taken", {}, { steps: 2 });
  const before = await readFile(join(out, "model.safetensors"));
  await assert.rejects(run("taken"), OutputExistsError);
  assert.ok(before.equals(await readFile(join(out, "model.safetensors"))));
});

test("a corrupt checkpoint is refused with CheckpointError and left as it is", async () => {
  const path = join(root, "taken", CHECKPOINT_FILE);
  const bytes = await readFile(path);
  bytes[bytes.length - 3] ^= 0xff;
  await writeFile(path, bytes);
  await assert.rejects(run("taken", { resume: true }), CheckpointError);
  assert.ok(bytes.equals(await readFile(path)));
  await assert.rejects(run("tiny-missing", { resume: true }), CheckpointError);
});
