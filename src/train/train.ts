import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, unlink } from "node:fs/promises";
import { join } from "node:path";
import { InvalidOptionError } from "../errors.js";
import { writeFileAtomic } from "../formats/atomic-write.js";
import { fromTokenizerJson } from "../tokenizers/from-tokenizer-json.js";
import type { Tokenizer } from "../tokenizers/types.js";
import { adamwUpdate, ADAMW_DEFAULTS, clipGradNorm } from "./adamw.js";
import { tokenizerJson, trainByteLevelBpe } from "./bpe-trainer.js";
import {
  CHECKPOINT_FILE,
  loadCheckpoint,
  saveCheckpoint,
  type Checkpoint,
  type TrainState,
} from "./checkpoint.js";
import { buildDataset, corpusText, sampleBatch, validationWindows, type Dataset } from "./data.js";
import { CheckpointError, OutputExistsError } from "./errors.js";
import { exportHfModel, tokenizerConfigJson, type ExportDType } from "./export-hf.js";
import { modelCard } from "./model-card.js";
import { learningRate } from "./lr-schedule.js";
import { serialMatmul, type Matmul } from "./matmul.js";
import { initParams, paramLayout, TrainModel, type TrainConfig } from "./model.js";
import { createMatmulPool } from "./parallel-matmul.js";
import { TrainRng } from "./rng.js";

/**
 * `nextoken train`: tokenizer training, then next-token training with teacher forcing, AdamW,
 * warm-up + cosine learning rate and gradient clipping, validation on held-out text, atomic
 * checkpoints, and export as a Hugging Face directory. Resuming replays the same batches (the RNG
 * state is in the checkpoint), so an interrupted run ends with the same weights as an uninterrupted one.
 */

export interface TrainOptions {
  layers: number;
  /** Residual width. */
  dim: number;
  heads: number;
  /** Feed-forward width (default: 8/3 of dim rounded up to a multiple of 32, as in Llama). */
  ff?: number;
  /** Context length in tokens (the training window). */
  context: number;
  steps: number;
  /** Sequences per step. */
  batch: number;
  /** Peak learning rate. */
  lr: number;
  /** Final learning rate of the cosine (default lr / 10). */
  minLr?: number;
  /** Warm-up steps (default min(100, steps / 10)). */
  warmup?: number;
  seed: number;
  /** Vocabulary size of the trained tokenizer, specials included. */
  vocab: number;
  weightDecay: number;
  /** Global gradient-norm limit. */
  clip: number;
  /** Steps between validation losses (on evalWindows windows) and progress lines. */
  evalEvery: number;
  evalWindows: number;
  /** Steps between checkpoints. */
  checkpointEvery: number;
  /** Stored weight type of model.safetensors. */
  dtype: ExportDType;
}

export const TRAIN_DEFAULTS: TrainOptions = {
  layers: 4,
  dim: 128,
  heads: 4,
  context: 128,
  steps: 1000,
  batch: 16,
  lr: 3e-3,
  seed: 1,
  vocab: 2048,
  weightDecay: 0.1,
  clip: 1,
  evalEvery: 50,
  evalWindows: 32,
  checkpointEvery: 100,
  dtype: "f32",
};

/** What the caller sees while training runs. */
export interface TrainProgress {
  step: number;
  steps: number;
  /** Training loss of this step, nats per token. */
  loss: number;
  /** Latest validation loss (nats per token), when one has been measured. */
  valLoss?: number;
  /** This step measured the validation loss (a good moment for a log line). */
  evaluated: boolean;
  lr: number;
  tokensPerSecond: number;
  elapsedMs: number;
  etaMs: number;
}

export interface TrainRun {
  corpus: readonly string[];
  out: string;
  options: TrainOptions;
  /** Continue from the checkpoint in `out` (its saved options win, except threads). */
  resume?: boolean;
  /**
   * With resume: a new total step count (at least the checkpoint's step), to train on past the
   * planned end; the cosine is stretched over the new total from there on.
   */
  resumeSteps?: number;
  /** Start over even though `out` holds files. */
  force?: boolean;
  threads?: number;
  /** Stops after the current step, with a checkpoint written. */
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /** A line worth a log (what is happening, in words). */
  onLog?: (line: string) => void;
}

export interface TrainResult {
  interrupted: boolean;
  step: number;
  /** Full validation set, nats per token and bits per byte (absent when interrupted). */
  valLoss?: number;
  valBitsPerByte?: number;
  tokensPerSecond: number;
  parameters: number;
}

const EOS = "<|endoftext|>";
/** Files a finished run writes besides the tokenizer's. */
const OUTPUT_FILES = ["model.safetensors", "config.json", "generation_config.json", "README.md"];

/** Trains (or resumes) and exports a model; see TrainRun. */
export async function train(run: TrainRun): Promise<TrainResult> {
  const log = run.onLog ?? (() => undefined);
  const checkpointPath = join(run.out, CHECKPOINT_FILE);
  const existing = await readdir(run.out).catch(() => [] as string[]);
  let checkpoint: Checkpoint | undefined;
  if (run.resume) {
    checkpoint = await loadCheckpoint(checkpointPath);
  } else if (existing.length > 0 && !run.force) {
    throw new OutputExistsError(run.out);
  }
  // a checkpoint's options are edited in place (a new --steps is saved with the next checkpoint)
  const options = withSchedule(
    checkpoint ? (checkpoint.state.options as unknown as TrainOptions) : { ...run.options },
  );
  if (checkpoint && run.resumeSteps !== undefined) {
    if (!Number.isInteger(run.resumeSteps) || run.resumeSteps < checkpoint.state.step) {
      throw new InvalidOptionError(
        "--steps",
        run.resumeSteps,
        `an integer ≥ ${checkpoint.state.step}, the checkpoint's step`,
      );
    }
    options.steps = run.resumeSteps;
  }
  const config = checkOptions(options);

  // corpus → tokenizer → dataset, all in memory: bad input throws before anything is written
  const texts: string[] = [];
  const hash = createHash("sha256");
  for (const path of run.corpus) {
    const bytes = await readFile(path).catch((cause: unknown) => {
      throw new InvalidOptionError("--corpus", path, `a readable text file (${(cause as Error).message})`);
    });
    texts.push(corpusText(new Uint8Array(bytes), path));
    hash.update(bytes);
  }
  if (texts.length === 0) throw new InvalidOptionError("--corpus", "", "at least one text file");
  const corpusSha256 = hash.digest("hex");
  let tokenizerFile: object;
  if (checkpoint) {
    if (checkpoint.state.corpusSha256 !== corpusSha256) {
      throw new CheckpointError(
        `${checkpointPath}: the checkpoint was trained on another corpus; resume with the same files`,
      );
    }
    const saved = join(run.out, "tokenizer.json");
    try {
      tokenizerFile = JSON.parse(await readFile(saved, "utf8")) as object;
    } catch (cause) {
      throw new CheckpointError(`${saved}: the checkpoint's tokenizer is missing or damaged`, { cause });
    }
  } else {
    log(`training a ${options.vocab}-token byte-level BPE tokenizer`);
    tokenizerFile = tokenizerJson(trainByteLevelBpe(texts, options.vocab, [EOS]));
  }
  const tokenizerConfig = tokenizerConfigJson(EOS, config.contextLength);
  const tokenizer = fromTokenizerJson(tokenizerFile, tokenizerConfig, "tokenizer.json");
  config.vocabSize = tokenizer.vocabSize;
  const data = buildDataset(texts, tokenizer, options.context);
  const totalBytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0);
  log(
    `corpus: ${totalBytes.toLocaleString("en-US")} bytes → ${(data.train.length + data.val.length).toLocaleString("en-US")} tokens ` +
      `(${(totalBytes / (data.train.length + data.val.length)).toFixed(2)} bytes/token); ${data.val.length.toLocaleString("en-US")} held out`,
  );

  if (!checkpoint) {
    await mkdir(run.out, { recursive: true });
    if (run.force) {
      // starting over: no file of the old run may sit beside the new tokenizer
      for (const name of [CHECKPOINT_FILE, ...OUTPUT_FILES])
        await unlink(join(run.out, name)).catch(() => undefined);
    }
    await writeFileAtomic(join(run.out, "tokenizer.json"), JSON.stringify(tokenizerFile) + "\n");
    await writeFileAtomic(
      join(run.out, "tokenizer_config.json"),
      JSON.stringify(tokenizerConfig, null, 2) + "\n",
    );
  }

  // the model, its optimizer state, and the generator that picks every batch
  const { batch: B, context: T } = options;
  const threads = run.threads ?? 1;
  const floats = TrainModel.memoryFloats(config, B, T);
  const memory = threads > 1 ? new Float32Array(new SharedArrayBuffer(floats * 4)) : new Float32Array(floats);
  const pool = threads > 1 ? await createMatmulPool(threads, memory) : undefined;
  const mm: Matmul = pool ?? serialMatmul;
  try {
    const model = new TrainModel(config, B, T, memory, mm);
    const count = model.params.length;
    const m = new Float32Array(count);
    const v = new Float32Array(count);
    let rng: TrainRng;
    let state: TrainState;
    if (checkpoint) {
      if (checkpoint.params.length !== count)
        throw new CheckpointError(`${checkpointPath}: damaged checkpoint (parameter count)`);
      model.params.set(checkpoint.params);
      m.set(checkpoint.m);
      v.set(checkpoint.v);
      rng = TrainRng.fromState(checkpoint.state.rng);
      state = checkpoint.state;
      log(`resuming at step ${state.step} of ${options.steps}`);
    } else {
      rng = TrainRng.fromSeed(options.seed);
      initParams(model.params, config, rng);
      state = {
        step: 0,
        rng: rng.state(),
        options: options as unknown as Record<string, unknown>,
        corpusSha256,
        history: [],
        elapsedMs: 0,
      };
    }
    log(
      `model: ${count.toLocaleString("en-US")} parameters, ${config.nLayers} layers × ${config.dim} wide, ${threads} thread(s)`,
    );

    const save = async () => {
      state.rng = rng.state();
      await saveCheckpoint(checkpointPath, { state, params: model.params as Float32Array, m, v });
    };
    const tokens = new Int32Array(B * T);
    const targets = new Int32Array(B * T);
    const tensors = paramLayout(config).tensors;
    const adamw = { ...ADAMW_DEFAULTS, weightDecay: options.weightDecay };
    const evalSet = validationWindows(data.val, T, options.evalWindows);
    let valLoss: number | undefined; // the latest one measured
    for (let i = state.history.length - 1; i >= 0 && valLoss === undefined; i--)
      valLoss = state.history[i][2] ?? undefined;
    let sinceMs = state.elapsedMs; // tokens/s over the last stretch of training time (evaluation excluded)
    let sinceTokens = 0;
    let tokensPerSecond = 0;

    while (state.step < options.steps) {
      if (run.signal?.aborted) {
        await save();
        log(`interrupted: checkpoint at step ${state.step} in ${checkpointPath}; continue with --resume`);
        return { interrupted: true, step: state.step, tokensPerSecond, parameters: count };
      }
      const started = performance.now();
      const step = state.step + 1;
      const lr = learningRate(step, options.lr, options.minLr, options.warmup, options.steps);
      sampleBatch(tokens, targets, data.train, B, T, rng);
      const loss = model.lossAndGrad(tokens, targets);
      clipGradNorm(model.grads, options.clip);
      for (let i = 0; i < tensors.length; i++) {
        const t = tensors[i];
        const end = i + 1 < tensors.length ? tensors[i + 1].offset : count;
        adamwUpdate(model.params, model.grads, m, v, t.offset, end, lr, step, t.decay, adamw);
      }
      state.step = step;
      state.elapsedMs += performance.now() - started;
      sinceTokens += B * T;

      const evalNow = step % options.evalEvery === 0 || step === options.steps;
      const measured = evalNow ? evaluate(model, data, evalSet, tokens, targets).loss : null;
      if (measured !== null) valLoss = measured;
      if (evalNow || step === 1) state.history.push([step, loss, measured]);
      if (state.elapsedMs - sinceMs > 2000) {
        tokensPerSecond = (sinceTokens / (state.elapsedMs - sinceMs)) * 1000;
        sinceMs = state.elapsedMs;
        sinceTokens = 0;
      }
      const rate = (step * B * T) / state.elapsedMs;
      run.onProgress?.({
        step,
        steps: options.steps,
        loss,
        valLoss,
        evaluated: evalNow,
        lr,
        tokensPerSecond: tokensPerSecond || rate * 1000,
        elapsedMs: state.elapsedMs,
        etaMs: ((options.steps - step) * B * T) / rate,
      });
      if (step % options.checkpointEvery === 0 && step < options.steps) await save();
      await new Promise((resolve) => setImmediate(resolve)); // lets SIGINT reach the signal
    }
    await save();

    // the whole validation set, then the Hugging Face directory and its card
    const val = evaluate(model, data, validationWindows(data.val, T), tokens, targets, tokenizer);
    const bitsPerByte = (val.loss * val.tokens) / Math.LN2 / val.bytes;
    const rate = ((state.step * B * T) / state.elapsedMs) * 1000;
    log(
      `validation: ${val.loss.toFixed(4)} nats/token, ${bitsPerByte.toFixed(4)} bits/byte over ${val.tokens} tokens`,
    );
    const eos = tokenizer.eosTokenIds[0];
    await exportHfModel(run.out, model.params as Float32Array, config, options.dtype, eos, {
      nextoken_steps: String(state.step),
      nextoken_val_loss: val.loss.toFixed(6),
    });
    await writeFileAtomic(
      join(run.out, "README.md"),
      modelCard({
        config,
        options,
        corpus: run.corpus,
        corpusBytes: totalBytes,
        trainTokens: data.train.length,
        valTokens: data.val.length,
        parameters: count,
        steps: state.step,
        elapsedMs: state.elapsedMs,
        tokensPerSecond: rate,
        threads,
        valLoss: val.loss,
        valBitsPerByte: bitsPerByte,
        history: state.history,
      }),
    );
    return {
      interrupted: false,
      step: state.step,
      valLoss: val.loss,
      valBitsPerByte: bitsPerByte,
      tokensPerSecond: rate,
      parameters: count,
    };
  } finally {
    pool?.close();
  }
}

/**
 * Mean validation loss (nats per token) over the windows at `starts`; with a tokenizer, also the
 * bytes those tokens spell. tokens and targets (B * T) are scratch: the training batch's buffers.
 */
function evaluate(
  model: TrainModel,
  data: Dataset,
  starts: readonly number[],
  tokens: Int32Array,
  targets: Int32Array,
  tokenizer?: Tokenizer,
): { loss: number; tokens: number; bytes: number } {
  const { B, T } = model;
  let nats = 0;
  let count = 0;
  let bytes = 0;
  for (let first = 0; first < starts.length; first += B) {
    const b = Math.min(B, starts.length - first);
    for (let i = 0; i < b; i++) {
      const s = starts[first + i];
      for (let t = 0; t < T; t++) {
        tokens[i * T + t] = data.val[s + t];
        targets[i * T + t] = data.val[s + t + 1];
        if (tokenizer) bytes += tokenizer.tokenBytes(data.val[s + t + 1]).length;
      }
    }
    nats += model.loss(tokens.subarray(0, b * T), targets.subarray(0, b * T));
    count += b * T;
  }
  return { loss: nats / count, tokens: count, bytes };
}

/** TrainOptions with the schedule's defaults filled in, as a checkpoint stores them. */
export type ScheduledTrainOptions = TrainOptions & { minLr: number; warmup: number };

/**
 * Fills in (in place) warm-up and final learning rate, whose defaults follow the planned steps, so
 * that they are saved with the run: a resume with another --steps keeps the original warm-up. A
 * checkpoint written before they were saved gets them from its own steps, as its run did.
 */
function withSchedule(o: TrainOptions): ScheduledTrainOptions {
  o.warmup ??= Math.min(100, Math.floor(o.steps / 10));
  o.minLr ??= o.lr / 10;
  return o as ScheduledTrainOptions;
}

/** Range checks, then the model's shape (vocabSize is filled in once the tokenizer exists). */
function checkOptions(o: TrainOptions): TrainConfig {
  const positive = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < 1)
      throw new InvalidOptionError(`--${name}`, value, "a positive integer");
  };
  for (const name of [
    "layers",
    "dim",
    "heads",
    "context",
    "steps",
    "batch",
    "evalEvery",
    "evalWindows",
    "checkpointEvery",
  ] as const) {
    positive(
      name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()),
      o[name],
    );
  }
  if (o.dim % o.heads !== 0 || (o.dim / o.heads) % 2 !== 0) {
    throw new InvalidOptionError("--heads", o.heads, `a divisor of --dim ${o.dim} leaving an even head size`);
  }
  if (!Number.isInteger(o.vocab) || o.vocab < 258 || o.vocab > 65536) {
    throw new InvalidOptionError(
      "--vocab",
      o.vocab,
      "an integer in [258, 65536] (256 bytes, merges, end-of-text)",
    );
  }
  if (!(o.lr > 0 && o.lr < 1)) throw new InvalidOptionError("--lr", o.lr, "a number in (0, 1)");
  if (!Number.isInteger(o.seed) || o.seed < 0)
    throw new InvalidOptionError("--seed", o.seed, "a non-negative integer");
  if (!["f32", "f16", "bf16"].includes(o.dtype))
    throw new InvalidOptionError("--dtype", o.dtype, "f32, f16 or bf16");
  const ff = o.ff ?? Math.ceil((8 * o.dim) / 3 / 32) * 32;
  positive("ff", ff);
  return {
    vocabSize: o.vocab,
    dim: o.dim,
    nLayers: o.layers,
    nHeads: o.heads,
    ff,
    contextLength: o.context,
    normEps: 1e-5,
    ropeTheta: 10000,
  };
}
