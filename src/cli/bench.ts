import { InvalidOptionError } from "../errors.js";
import { isKernelChoice } from "../load-model.js";
import {
  benchModelPath,
  measure,
  measureInChild,
  type BenchOptions,
  type BenchResult,
} from "../bench/bench.js";
import { BENCH_TYPES, SHAPES, type BenchType } from "../bench/random-model.js";
import type { FlagValues } from "./flags.js";
import { kvCacheTypeFlag } from "./model-arg.js";
import type { Output } from "./render.js";

/** `nextoken bench` flags (see BENCH_HELP). */
export const BENCH_FLAGS = {
  model: { type: "string", short: "m" },
  name: { type: "string" }, // internal: the row's name when bench runs itself in a child process
  models: { type: "string" },
  types: { type: "string" },
  threads: { type: "string" },
  kernels: { type: "string" },
  exact: { type: "boolean" },
  "kv-cache-type": { type: "string" },
  prompt: { type: "string" },
  tokens: { type: "string" },
  runs: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export const BENCH_HELP = `nextoken bench [flags]: speed of random-weight models of named shapes (or --model PATH)
  --models LIST        ${Object.keys(SHAPES).join(", ")} (default stories15M,stories42M,stories110M)
  --types LIST         ${BENCH_TYPES.join(", ")} (default f32,q8_0,q4_0)
  -m, --model PATH     measure this checkpoint instead
  --threads LIST       thread counts to run, e.g. 1,2 (default 1)
  --kernels K          wasm (default: the fastest build that runs), wasm-relaxed-simd, wasm-simd128 or js
  --exact              exact Q8_0/Q4_0/K-quant products (default: 8-bit activations, as llama.cpp)
  --kv-cache-type T    f32 (default) or f16 KV cache (the table's kernels column says "f16 KV")
  --prompt N           prompt tokens (default 128)    --tokens N   decoded tokens (default 64)
  --runs N             runs per model, the median is shown (default 3)
  --json               JSON instead of a table`;

const DEFAULT_MODELS = "stories15M,stories42M,stories110M";
const DEFAULT_TYPES = "f32,q8_0,q4_0";

export async function runBench(values: FlagValues, cliPath: string, out: Output): Promise<void> {
  const int = (flag: string, fallback: number, max: number) => {
    const raw = values[flag];
    const v = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(v) || v < 1 || v > max)
      throw new InvalidOptionError(`--${flag}`, raw, `an integer from 1 to ${max}`);
    return v;
  };
  const kernels = values.kernels;
  if (kernels !== undefined && (typeof kernels !== "string" || !isKernelChoice(kernels)))
    throw new InvalidOptionError("--kernels", kernels, '"wasm", "wasm-relaxed-simd", "wasm-simd128" or "js"');
  const threadList = String(values.threads ?? "1")
    .split(",")
    .map(Number);
  if (!threadList.every((t) => Number.isInteger(t) && t >= 1 && t <= 256))
    throw new InvalidOptionError("--threads", values.threads, "thread counts such as 1 or 1,2");
  const base: Omit<BenchOptions, "threads"> = {
    kernels,
    quantizeActivations: values.exact !== true,
    kvCacheType: kvCacheTypeFlag(values),
    promptTokens: int("prompt", 128, 4096),
    decodeTokens: int("tokens", 64, 4096),
    runs: int("runs", 3, 100),
  };
  const childArgs = (threads: number) => [
    "--threads",
    String(threads),
    "--prompt",
    String(base.promptTokens),
    "--tokens",
    String(base.decodeTokens),
    "--runs",
    String(base.runs),
    ...(kernels ? ["--kernels", kernels] : []),
    ...(base.quantizeActivations ? [] : ["--exact"]),
    ...(base.kvCacheType ? ["--kv-cache-type", base.kvCacheType] : []),
  ];

  const results: BenchResult[] = [];
  // the table is written a row at a time as results come in; JSON once at the end
  const report = (result: BenchResult) => {
    results.push(result);
    if (values.json !== true) out.write((results.length === 1 ? header() : "") + `${row(result)}\n`);
  };
  if (typeof values.model === "string") {
    const name = typeof values.name === "string" ? values.name : values.model;
    for (const threads of threadList) report(await measure(values.model, name, { ...base, threads }));
  } else {
    const shapes = String(values.models ?? DEFAULT_MODELS).split(",");
    const types = String(values.types ?? DEFAULT_TYPES).split(",");
    for (const s of shapes)
      if (!SHAPES[s]) throw new InvalidOptionError("--models", s, Object.keys(SHAPES).join(", "));
    for (const t of types)
      if (!(BENCH_TYPES as readonly string[]).includes(t))
        throw new InvalidOptionError("--types", t, BENCH_TYPES.join(", "));
    for (const shape of shapes) {
      for (const type of types as BenchType[]) {
        // f32 TinyLlama (4.4 GB) does not fit WebAssembly's 4 GiB memory
        if (shape === "tinyllama-1.1B" && type === "f32" && kernels !== "js") continue;
        const path = await benchModelPath(shape, type);
        for (const threads of threadList) {
          report(await measureInChild(cliPath, path, `${shape} ${type}`, childArgs(threads)));
        }
      }
    }
  }
  if (values.json === true) out.write(`${JSON.stringify(results, null, 2)}\n`);
}

function header(): string {
  return (
    "| model | file MB | kernels | threads | load ms | prompt tok/s | TTFT ms | decode tok/s | ms/token | peak RSS MB |\n" +
    "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n"
  );
}

function row(r: BenchResult): string {
  const kernels =
    r.kernels + (r.quantizeActivations ? "" : " exact") + (r.kvCacheType === "f16" ? " f16 KV" : "");
  return `| ${r.model} | ${r.fileMB} | ${kernels} | ${r.threads} | ${r.loadMs} | ${r.promptTokPerS} | ${r.timeToFirstTokenMs} | ${r.decodeTokPerS} | ${r.msPerToken} | ${r.peakRssMB} |`;
}
