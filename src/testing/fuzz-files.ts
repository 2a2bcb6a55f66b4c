// The file fuzzer: every model, tokenizer and checkpoint file the tests use, corrupted many ways
// (fuzz-variants.ts), each variant loaded in a worker (fuzz-worker.ts) under a time limit. A variant
// must be refused with a typed error naming its file, or load and give finite logits; anything
// else — an untyped error, a message without the file, NaN logits, a hang, a crash — is a failure.
// Fast default in `npm test` (fuzz-files.test.ts); full run: `node scripts/fuzz-files.mjs`.
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import { saveCheckpoint } from "../train/checkpoint.js";
import type { FuzzJob, FuzzReport } from "./fuzz-worker.js";
import { rng, variantsOf, type FileKind } from "./fuzz-variants.js";
import { sharedPath } from "./shared.js";

export interface FuzzTarget {
  /** Shown in reports: the file's path under ../shared, or "checkpoint (trainer)". */
  name: string;
  /** Counted under this heading: "gguf model", "tokenizer.json", "checkpoint", … */
  group: string;
  kind: FileKind;
  loader: FuzzJob["loader"];
  /** The file the variants replace. */
  file: string;
  /** Load a copy of this directory with the variant in place of `file` (HF models). */
  dir?: string;
  /** Pass the variant as the tokenizer of this model (tokenizer.bin paired with its checkpoint). */
  modelFor?: string;
  tokenizer?: string;
}

export interface FuzzCounts {
  variants: number;
  refused: number;
  loaded: number;
  failures: number;
}

export interface FuzzResult {
  groups: Map<string, FuzzCounts>;
  failures: Array<{ target: string; variant: string; detail: string }>;
  maxRssMb: number;
  /** The variant after which the process's RSS was largest. */
  maxRssVariant: string;
  ms: number;
}

/** Every file the tests load, by kind. Checkpoints are made by the trainer's writer into `dir`. */
export async function fuzzTargets(dir: string): Promise<FuzzTarget[]> {
  const golden = (...p: string[]) => sharedPath("golden", ...p);
  const stories = (f: string) => sharedPath("models", "stories260K", f);
  const llamaTok = golden("models", "llama2c-tokenizer.bin");
  const targets: FuzzTarget[] = [];
  for (const f of ["llama.gguf", "llama-f16.gguf", "llama-q8_0.gguf", "llama-q4_0.gguf"])
    targets.push({
      name: `golden/models/${f}`,
      group: "gguf model",
      kind: "gguf",
      loader: "model",
      file: golden("models", f),
    });
  for (const f of ["stories260K-f32.gguf", "stories260K-Q8_0.gguf", "stories260K-Q4_0.gguf"])
    targets.push({
      name: `models/stories260K/${f}`,
      group: "gguf model",
      kind: "gguf",
      loader: "model",
      file: stories(f),
    });
  targets.push({
    name: "golden/models/llama2c.bin",
    group: "llama2.c model",
    kind: "llama2c",
    loader: "model",
    file: golden("models", "llama2c.bin"),
    tokenizer: llamaTok,
  });
  targets.push({
    name: "models/stories260K/stories260K.bin",
    group: "llama2.c model",
    kind: "llama2c",
    loader: "model",
    file: stories("stories260K.bin"),
    tokenizer: stories("tok512.bin"),
  });
  for (const d of ["llama-hf", "gpt2-hf", "llama-hf-tied-bias"]) {
    const tokenizer = d === "gpt2-hf" ? undefined : llamaTok;
    targets.push({
      name: `golden/models/${d}/model.safetensors`,
      group: "safetensors model",
      kind: "safetensors",
      loader: "model",
      file: golden("models", d, "model.safetensors"),
      dir: golden("models", d),
      tokenizer,
    });
    targets.push({
      name: `golden/models/${d}/config.json`,
      group: "config.json",
      kind: "config-json",
      loader: "model",
      file: golden("models", d, "config.json"),
      dir: golden("models", d),
      tokenizer,
    });
  }
  targets.push({
    name: "golden/tokenizers/gpt2/tokenizer.json",
    group: "tokenizer.json",
    kind: "tokenizer-json",
    loader: "tokenizer",
    file: golden("tokenizers", "gpt2", "tokenizer.json"),
  });
  for (const f of ["gpt2/gpt2-vocab-only.gguf", "llama2/llama2-vocab-only.gguf"])
    targets.push({
      name: `golden/tokenizers/${f}`,
      group: "gguf tokenizer",
      kind: "gguf",
      loader: "tokenizer",
      file: golden("tokenizers", ...f.split("/")),
    });
  for (const [name, file] of [
    ["golden/tokenizers/llama2/tokenizer.bin", golden("tokenizers", "llama2", "tokenizer.bin")],
    ["golden/models/llama2c-tokenizer.bin", llamaTok],
    ["models/stories260K/tok512.bin", stories("tok512.bin")],
  ])
    targets.push({ name, group: "tokenizer.bin", kind: "tokenizer-bin", loader: "tokenizer", file });
  targets.push({
    name: "models/stories260K/tok512.bin with stories260K.bin",
    group: "tokenizer.bin",
    kind: "tokenizer-bin",
    loader: "model",
    file: stories("tok512.bin"),
    modelFor: stories("stories260K.bin"),
  });
  targets.push({
    name: "golden/tokenizers/llama2/tokenizer.model",
    group: "tokenizer.model",
    kind: "tokenizer-bin",
    loader: "tokenizer",
    file: golden("tokenizers", "llama2", "tokenizer.model"),
  });
  const checkpoint = join(dir, "made", "checkpoint.safetensors");
  mkdirSync(dirname(checkpoint), { recursive: true });
  const n = 96;
  const random = rng(7);
  const values = () => Float32Array.from({ length: n }, () => random() - 0.5);
  await saveCheckpoint(checkpoint, {
    state: {
      step: 3,
      rng: [1, 2, 3, 4],
      options: { dim: 8, layers: 1, seed: 1 },
      corpusSha256: "0".repeat(64),
      history: [[1, 2.5, null]],
      elapsedMs: 10,
    },
    params: values(),
    m: values(),
    v: values().map(Math.abs),
  });
  targets.push({
    name: "checkpoint (saveCheckpoint)",
    group: "checkpoint (src/train)",
    kind: "checkpoint",
    loader: "checkpoint",
    file: checkpoint,
  });
  return targets;
}

/** Process RSS above which a variant counts as an allocation blow-up (the worker's heap is capped at 1 GiB too). */
const MAX_RSS_MB = 2048;

/** One worker at a time; replaced after a hang or a crash. */
class WorkerSlot {
  private worker: Worker | undefined;
  private nextId = 0;

  run(
    job: Omit<FuzzJob, "id">,
    timeoutMs: number,
  ): Promise<FuzzReport | { outcome: "hang" | "crash"; detail: string }> {
    const worker = (this.worker ??= new Worker(new URL("./fuzz-worker.js", import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    }));
    const id = this.nextId++;
    return new Promise((resolve) => {
      const done = (result: FuzzReport | { outcome: "hang" | "crash"; detail: string }) => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        resolve(result);
      };
      const onMessage = (report: FuzzReport) => {
        if (report.id === id) done(report);
      };
      const onError = (error: Error) => {
        this.worker = undefined;
        done({ outcome: "crash", detail: `worker died: ${error.message}` });
      };
      const onExit = (code: number) => {
        this.worker = undefined;
        done({ outcome: "crash", detail: `worker exited with ${code}` });
      };
      const timer = setTimeout(() => {
        this.worker = undefined;
        void worker.terminate();
        done({ outcome: "hang", detail: `no answer in ${timeoutMs} ms` });
      }, timeoutMs);
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage({ ...job, id });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

/** Runs `variantsPerFile` variants of every target (or of `only`); figures per group. */
export async function fuzzFiles(options: {
  variantsPerFile: number;
  seed?: number;
  timeoutMs?: number;
  /** Group names to run (all when absent). */
  groups?: string[];
  log?: (line: string) => void;
}): Promise<FuzzResult> {
  const start = performance.now();
  const dir = mkdtempSync(join(tmpdir(), "nextoken-fuzz-"));
  const slot = new WorkerSlot();
  const groups = new Map<string, FuzzCounts>();
  const failures: FuzzResult["failures"] = [];
  let maxRssMb = 0;
  let maxRssVariant = "";
  try {
    const targets = (await fuzzTargets(dir)).filter(
      (t) => !options.groups || options.groups.includes(t.group),
    );
    for (const [index, target] of targets.entries()) {
      const random = rng((options.seed ?? 1) * 1000 + index);
      const original = new Uint8Array(readFileSync(target.file));
      const counts = groups.get(target.group) ?? { variants: 0, refused: 0, loaded: 0, failures: 0 };
      groups.set(target.group, counts);
      const variants = variantsOf(original, target.kind, options.variantsPerFile, random);
      for (const [v, variant] of variants.entries()) {
        const { job, named } = place(dir, target, variant.bytes, `${index}-${v}`);
        const report = await slot.run(job, options.timeoutMs ?? 20_000);
        counts.variants++;
        if ("rssMb" in report && report.rssMb > maxRssMb) {
          maxRssMb = report.rssMb;
          maxRssVariant = `${target.name} [${variant.label}]`;
        }
        let problem: string | undefined;
        // every file here is under 2 MB: a variant that makes the process this large allocated for a lie
        if ("rssMb" in report && report.rssMb > MAX_RSS_MB)
          problem = `RSS reached ${report.rssMb.toFixed(0)} MiB`;
        else if (report.outcome === "loaded") counts.loaded++;
        else if (report.outcome === "refused" && report.message?.includes(named)) counts.refused++;
        else if (report.outcome === "refused")
          problem = `${report.detail}, without naming ${named}: ${report.message}`;
        else problem = report.detail ?? report.outcome;
        if (problem !== undefined) {
          counts.failures++;
          failures.push({
            target: target.name,
            variant: variant.label,
            detail: `${report.outcome}: ${problem}`,
          });
          options.log?.(`FAIL ${target.name} [${variant.label}] ${report.outcome}: ${problem}`);
        }
        rmSync(job.source === named ? named : dirname(named), { recursive: true, force: true });
      }
      options.log?.(`${target.name}: ${JSON.stringify(counts)}`);
    }
  } finally {
    await slot.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { groups, failures, maxRssMb, maxRssVariant, ms: performance.now() - start };
}

/** Writes the variant where its loader will read it; `named` is the path its errors must mention. */
function place(
  dir: string,
  target: FuzzTarget,
  bytes: Uint8Array,
  tag: string,
): { job: Omit<FuzzJob, "id">; named: string } {
  if (target.dir) {
    const copy = join(dir, `v${tag}`);
    mkdirSync(copy);
    for (const f of readdirSync(target.dir)) copyFileSync(join(target.dir, f), join(copy, f));
    writeFileSync(join(copy, basename(target.file)), bytes);
    return { job: { loader: target.loader, source: copy, tokenizer: target.tokenizer }, named: copy };
  }
  const sub = join(dir, `v${tag}`);
  mkdirSync(sub);
  const path = join(sub, basename(target.file));
  writeFileSync(path, bytes);
  if (target.modelFor)
    return { job: { loader: "model", source: target.modelFor, tokenizer: path }, named: path };
  return { job: { loader: target.loader, source: path, tokenizer: target.tokenizer }, named: path };
}
