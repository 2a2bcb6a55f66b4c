import { spawn } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../formats/atomic-write.js";
import { argmax } from "../generation/distribution.js";
import { loadModel, type KernelChoice } from "../load-model.js";
import type { KvCacheType } from "../models/kv-cache.js";
import { randomGguf, SHAPES, type BenchType } from "./random-model.js";

/**
 * `nextoken bench`: prompt and decode speed, time to first token, load time and peak RSS (sampled
 * while generating) of a model file, the median of several runs. Named shapes are written once as random-weight GGUF files
 * under the temp directory, and each model is measured in a fresh process so its peak RSS is its own.
 */

export interface BenchOptions {
  threads: number;
  kernels?: KernelChoice;
  quantizeActivations: boolean;
  /** Undefined: NEXTOKEN_KV_CACHE_TYPE, or f32. */
  kvCacheType?: KvCacheType;
  promptTokens: number;
  decodeTokens: number;
  runs: number;
}

export interface BenchResult {
  model: string;
  fileMB: number;
  kernels: string;
  threads: number;
  quantizeActivations: boolean;
  /** How the sessions stored their KV cache. */
  kvCacheType: KvCacheType;
  loadMs: number;
  promptTokens: number;
  promptTokPerS: number;
  timeToFirstTokenMs: number;
  decodeTokens: number;
  decodeTokPerS: number;
  msPerToken: number;
  peakRssMB: number;
  runs: number;
}

/** Measures one model file in this process. */
export async function measure(path: string, name: string, options: BenchOptions): Promise<BenchResult> {
  const loadStart = performance.now();
  const model = await loadModel(path, {
    threads: options.threads,
    kernels: options.kernels,
    quantizeActivations: options.quantizeActivations,
    kvCacheType: options.kvCacheType,
  });
  const loadMs = performance.now() - loadStart;
  // Sampled, not getrusage's maxrss: on Linux that keeps the parent's high-water mark across exec.
  let peakRss = process.memoryUsage.rss();
  const kernels = model.kernels;
  const V = model.vocabSize;
  const prompt = Array.from({ length: options.promptTokens }, (_, i) => 3 + ((i * 7919) % (V - 3)));
  const prefill: number[] = []; // prompt in, first token chosen: the time to first token
  const decode: number[] = [];
  const logits = new Float32Array(V); // reused: no new logits array per token (the kernels copy into it)
  try {
    // one untimed run lets the WebAssembly tier-up compiler and the workers warm up
    for (let run = -1; run < options.runs; run++) {
      const session = model.newSession();
      const t0 = performance.now();
      let next = argmax(session.forward(prompt));
      const t1 = performance.now();
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      for (let i = 0; i < options.decodeTokens; i++) {
        next = argmax(session.forward([next], { out: logits }));
        if (i % 8 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
      }
      const t2 = performance.now();
      session.dispose();
      if (run < 0) continue;
      prefill.push(t1 - t0);
      decode.push(t2 - t1);
    }
  } finally {
    model.dispose();
  }
  const decodeMs = median(decode);
  return {
    model: name,
    fileMB: round(statSync(path).size / 2 ** 20, 1),
    kernels: kernels.name,
    threads: kernels.threads,
    quantizeActivations: options.quantizeActivations,
    kvCacheType: model.kvCacheType,
    loadMs: round(loadMs, 0),
    promptTokens: options.promptTokens,
    promptTokPerS: round((options.promptTokens / median(prefill)) * 1000, 1),
    timeToFirstTokenMs: round(median(prefill), 1),
    decodeTokens: options.decodeTokens,
    decodeTokPerS: round((options.decodeTokens / decodeMs) * 1000, 1),
    msPerToken: round(decodeMs / options.decodeTokens, 2),
    peakRssMB: round(peakRss / 2 ** 20, 0),
    runs: options.runs,
  };
}

/** The GGUF file of a named shape in `type`, written under the temp directory on first use. */
export async function benchModelPath(shape: string, type: BenchType): Promise<string> {
  const dims = SHAPES[shape];
  const dir = join(tmpdir(), "nextoken-bench");
  const path = join(dir, `${shape}-${type}.gguf`);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    // atomic, so an interrupted write is never measured
    await writeFileAtomic(path, randomGguf(dims, type));
  }
  return path;
}

/** Runs `measure` for one file in a child process (`cli bench --model PATH --json ...`). */
export function measureInChild(
  cliPath: string,
  path: string,
  name: string,
  args: string[],
): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [cliPath, "bench", "--model", path, "--name", name, "--json", ...args],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`bench of ${name} exited with code ${code}`));
      resolve((JSON.parse(out) as BenchResult[])[0]);
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
