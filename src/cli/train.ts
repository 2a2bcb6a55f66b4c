import { InvalidOptionError } from "../errors.js";
import {
  train,
  TRAIN_DEFAULTS,
  type TrainOptions,
  type TrainProgress,
  type TrainResult,
} from "../train/train.js";
import { parseFlags } from "./flags.js";
import type { Output } from "./render.js";
import { wrapText } from "./text-width.js";
import { DEFAULT_COLUMNS } from "./terminal-width.js";

/** `nextoken train`: flags → train(), a progress bar on a terminal (plain lines otherwise), Ctrl-C → checkpoint. */

export const TRAIN_HELP = `Train (nextoken train --corpus FILE... --out DIR [flags]):
      --corpus FILE     plain UTF-8 text (repeat for several files)
      --out DIR         the model directory to write (HF format + checkpoint.safetensors)
      --resume          continue from DIR's checkpoint (its saved options; --steps N trains on to step N)
      --force           start over even though DIR holds files
      --layers N (${TRAIN_DEFAULTS.layers})  --dim N (${TRAIN_DEFAULTS.dim})  --heads N (${TRAIN_DEFAULTS.heads})  --ff N (8/3 dim)  --context N (${TRAIN_DEFAULTS.context})
      --vocab N (${TRAIN_DEFAULTS.vocab})  --steps N (${TRAIN_DEFAULTS.steps})  --batch N (${TRAIN_DEFAULTS.batch})  --lr X (${TRAIN_DEFAULTS.lr})  --min-lr X  --warmup N
      --seed N (${TRAIN_DEFAULTS.seed})  --threads N (1)  --weight-decay X (${TRAIN_DEFAULTS.weightDecay})  --clip X (${TRAIN_DEFAULTS.clip})
      --eval-every N (${TRAIN_DEFAULTS.evalEvery})  --eval-windows N (${TRAIN_DEFAULTS.evalWindows})  --checkpoint-every N (${TRAIN_DEFAULTS.checkpointEvery})  --dtype f32|f16|bf16`;

const NUMBER_FLAGS = {
  layers: "layers",
  dim: "dim",
  heads: "heads",
  ff: "ff",
  context: "context",
  vocab: "vocab",
  steps: "steps",
  batch: "batch",
  lr: "lr",
  "min-lr": "minLr",
  warmup: "warmup",
  seed: "seed",
  "weight-decay": "weightDecay",
  clip: "clip",
  "eval-every": "evalEvery",
  "eval-windows": "evalWindows",
  "checkpoint-every": "checkpointEvery",
} as const;

export async function runTrain(argv: string[], stdout: Output, stderr: Output): Promise<number> {
  const flagSpec = Object.fromEntries(Object.keys(NUMBER_FLAGS).map((f) => [f, { type: "string" as const }]));
  const { values } = parseFlags(argv, {
    ...flagSpec,
    corpus: { type: "string", multiple: true },
    out: { type: "string" },
    resume: { type: "boolean" },
    force: { type: "boolean" },
    threads: { type: "string" },
    dtype: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    stdout.write(wrapText(TRAIN_HELP + "\n", stdout.columns ?? DEFAULT_COLUMNS));
    return 0;
  }
  const corpus = (values.corpus as string[] | undefined) ?? [];
  if (corpus.length === 0) throw new InvalidOptionError("--corpus", undefined, "one or more text files");
  if (typeof values.out !== "string") throw new InvalidOptionError("--out", undefined, "an output directory");
  const options: TrainOptions = { ...TRAIN_DEFAULTS };
  for (const [flag, key] of Object.entries(NUMBER_FLAGS)) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(value))
      throw new InvalidOptionError(`--${flag}`, raw, "a number");
    (options as unknown as Record<string, number>)[key] = value;
  }
  if (typeof values.dtype === "string") options.dtype = values.dtype as TrainOptions["dtype"];
  const resume = values.resume === true;
  const fixed = Object.keys(NUMBER_FLAGS).filter((f) => f !== "steps" && values[f] !== undefined);
  if (resume && (fixed.length > 0 || values.dtype !== undefined)) {
    const flag = fixed[0] ?? "dtype";
    throw new InvalidOptionError(
      `--${flag}`,
      values[flag],
      "left out with --resume (the checkpoint's options are used; only --steps and --threads may change)",
    );
  }
  const threads = values.threads === undefined ? 1 : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1)
    throw new InvalidOptionError("--threads", values.threads, "a positive integer");

  // Ctrl-C: finish the step, write a checkpoint, exit; a second Ctrl-C exits at once
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(130);
    stderr.write("\nnextoken: stopping after this step (Ctrl-C again to quit without a checkpoint)\n");
    abort.abort();
  };
  process.on("SIGINT", onSigint);
  const bar = progressRenderer(stderr);
  let result: TrainResult;
  try {
    result = await train({
      corpus,
      out: values.out,
      options,
      resume,
      resumeSteps: resume && values.steps !== undefined ? options.steps : undefined,
      force: values.force === true,
      threads,
      signal: abort.signal,
      onProgress: (p) => bar.update(p),
      onLog: (line) => bar.log(line),
    });
  } finally {
    bar.done();
    process.off("SIGINT", onSigint);
  }
  if (result.interrupted) return 130;
  stdout.write(
    `trained ${result.parameters.toLocaleString("en-US")} parameters for ${result.step} steps at ` +
      `${Math.round(result.tokensPerSecond)} tokens/s; validation ${result.valLoss?.toFixed(4)} nats/token, ` +
      `${result.valBitsPerByte?.toFixed(4)} bits/byte → ${values.out}\n`,
  );
  return 0;
}

/** A one-line progress bar redrawn in place on a terminal; a log line per evaluation otherwise. */
function progressRenderer(out: Output) {
  let drawn = false;
  const clear = () => {
    if (drawn) out.write("\r\x1b[2K");
    drawn = false;
  };
  return {
    log(line: string) {
      clear();
      out.write(`${line}\n`);
    },
    update(p: TrainProgress) {
      const val = p.valLoss === undefined ? "" : ` val ${p.valLoss.toFixed(3)}`;
      const facts = `step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)}${val} ${Math.round(p.tokensPerSecond)} tok/s ETA ${clock(p.etaMs)}`;
      if (out.isTTY) {
        const width = 24;
        const filled = Math.round((p.step / p.steps) * width);
        out.write(`\r\x1b[2K[${"#".repeat(filled)}${".".repeat(width - filled)}] ${facts}`);
        drawn = true;
      } else if (p.evaluated || p.step === 1) {
        out.write(`${facts} lr ${p.lr.toExponential(2)} elapsed ${clock(p.elapsedMs)}\n`);
      }
    },
    done: clear,
  };
}

function clock(ms: number): string {
  if (!Number.isFinite(ms)) return "?";
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
