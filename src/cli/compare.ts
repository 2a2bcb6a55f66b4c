/**
 * `nextoken compare`: one prompt under several decoding strategies, side by side, with how likely the
 * model finds each text (mean raw log-probability, perplexity) and how repetitive it is (distinct-n,
 * repetition rate; see metrics.ts).
 */
import { InvalidOptionError } from "../errors.js";
import { generate } from "../generation/generate.js";
import { resolveOptions } from "../generation/options.js";
import type { FinishReason, GenerationOptions } from "../generation/types.js";
import type { TokenId } from "../models/types.js";
import type { Model } from "../load-model.js";
import { distinctN, REPETITION_NGRAM, repetitionRate } from "./metrics.js";
import { BOLD, DIM, oneLine, padLeft, padRight, paint, RED, YELLOW, type Output } from "./render.js";

/** The strategies compared when --strategies is not given. */
/** New tokens per run: greedy decoding of small models starts looping after ~130 tokens. */
export const DEFAULT_COMPARE_TOKENS = 160;
export const DEFAULT_STRATEGIES = "greedy;beam:4;top-k:40;top-p:0.9,t:0.8;t:0.7;t:1.5;min-p:0.05";

/** One parsed strategy: the spec as written and the options it stands for. */
export interface Strategy {
  spec: string;
  options: GenerationOptions;
  /** Sampling: each sample gets its own seed. Otherwise the run is deterministic and made once. */
  sampling: boolean;
}

// spec term -> [option, whether the term makes the strategy sample, whether its value is an integer]
const TERMS: Record<string, [keyof GenerationOptions, boolean, boolean]> = {
  beam: ["numBeams", false, true],
  "top-k": ["topK", true, true],
  "top-p": ["topP", true, false],
  "min-p": ["minP", true, false],
  "typical-p": ["typicalP", true, false],
  epsilon: ["epsilonCutoff", true, false],
  eta: ["etaCutoff", true, false],
  t: ["temperature", true, false],
  temperature: ["temperature", true, false],
  rep: ["repetitionPenalty", false, false],
  "no-repeat": ["noRepeatNgramSize", false, true],
};

const KNOWN_TERMS =
  "greedy, sample, beam:N, top-k:K, top-p:P, min-p:P, typical-p:P, epsilon:E, eta:E, t:T, rep:R, no-repeat:N";

/**
 * Parses `--strategies`: specs separated by ";", each a comma list of terms (`top-p:0.9,t:0.8`).
 * A spec names its whole strategy: warpers it does not mention are neutral (no implicit top-k 50, no
 * model defaults), so "top-p:0.9" is nucleus sampling and nothing else. `greedy` stands alone,
 * `sample` is plain sampling from the full distribution, `beam:N` is beam search (beam sampling with
 * sampling terms). Throws InvalidOptionError naming the spec.
 */
export function parseStrategies(text: string): Strategy[] {
  const specs = text.split(";").map((s) => s.trim());
  if (specs.length === 0 || (specs.length === 1 && specs[0] === "")) {
    throw new InvalidOptionError(
      "--strategies",
      text,
      `specs separated by ";" (e.g. "${DEFAULT_STRATEGIES}")`,
    );
  }
  return specs.map(parseStrategy);
}

/** One spec: a comma list of terms. */
export function parseStrategy(spec: string): Strategy {
  const where = `--strategies "${spec}"`;
  if (spec === "") throw new InvalidOptionError(where, spec, `a strategy (an empty one is between two ";")`);
  const options: GenerationOptions = {};
  let greedy = false;
  let sampling = false;
  for (const term of spec.split(",").map((t) => t.trim())) {
    const [name, value, ...extra] = term.split(":");
    if (name === "greedy" || name === "sample") {
      if (value !== undefined) throw new InvalidOptionError(where, term, `"${name}" without a value`);
      if (name === "greedy") greedy = true;
      else sampling = true;
      continue;
    }
    const known = TERMS[name];
    if (known === undefined)
      throw new InvalidOptionError(where, term, `made of known terms (${KNOWN_TERMS})`);
    const [option, samples, integer] = known;
    const number = Number(value);
    if (value === undefined || value.trim() === "" || extra.length > 0 || !Number.isFinite(number)) {
      throw new InvalidOptionError(where, term, `"${name}:" followed by a number`);
    }
    if (integer && !Number.isInteger(number))
      throw new InvalidOptionError(where, term, `"${name}:" followed by an integer`);
    if (options[option] !== undefined) throw new InvalidOptionError(where, term, `free of repeated terms`);
    (options as Record<string, number>)[option] = number;
    sampling ||= samples;
  }
  if (greedy && (sampling || options.numBeams !== undefined)) {
    throw new InvalidOptionError(
      where,
      spec,
      `"greedy" alone (or with rep / no-repeat), not with sampling or beam terms`,
    );
  }
  const neutral: GenerationOptions = { numBeams: 1, repetitionPenalty: 1, noRepeatNgramSize: 0 };
  const neutralWarpers: GenerationOptions = {
    temperature: 1,
    topK: 0,
    topP: 1,
    minP: 0,
    typicalP: 1,
    epsilonCutoff: 0,
    etaCutoff: 0,
  };
  const full: GenerationOptions = {
    ...neutral,
    ...(sampling ? neutralWarpers : {}),
    ...options,
    doSample: sampling,
  };
  try {
    const resolved = resolveOptions(full);
    return { spec, options: full, sampling: resolved.doSample };
  } catch (error) {
    if (error instanceof InvalidOptionError)
      throw new InvalidOptionError(`${where}: ${error.option}`, error.value, error.expected);
    throw error;
  }
}

export interface CompareCommand {
  prompt: string;
  strategies: Strategy[];
  /** Runs per sampling strategy, with seeds seed, seed + 1, ... */
  samples: number;
  seed: number;
  maxNewTokens: number;
  json: boolean;
}

/** One generated text and its metrics. */
export interface CompareSample {
  /** The seed of a sampling run; absent for deterministic strategies. */
  seed?: number;
  text: string;
  tokens: TokenId[];
  finishReason: FinishReason;
  length: number;
  /** Mean raw log-probability per generated token (the model's own distribution, not the processed one). */
  meanLogprob: number;
  /** exp(−meanLogprob). */
  perplexity: number;
  distinct1: number;
  distinct2: number;
  /** See metrics.ts repetitionRate, with n = REPETITION_NGRAM. */
  repetitionRate: number;
}

export interface CompareRow {
  spec: string;
  options: GenerationOptions;
  samples: CompareSample[];
  /** Mean of each metric over the samples. */
  mean: Omit<CompareSample, "seed" | "text" | "tokens" | "finishReason">;
}

/** Runs every strategy on the prompt (the model's EOS and context still apply). */
export async function compareStrategies(model: Model, cmd: CompareCommand): Promise<CompareRow[]> {
  const rows: CompareRow[] = [];
  for (const { spec, options, sampling } of cmd.strategies) {
    const seeds = sampling ? Array.from({ length: cmd.samples }, (_, i) => cmd.seed + i) : [undefined];
    const samples: CompareSample[] = [];
    for (const seed of seeds) {
      const result = await generate(model, cmd.prompt, {
        ...options,
        maxNewTokens: cmd.maxNewTokens,
        seed: seed ?? cmd.seed,
      });
      samples.push(measure(result.sequences[0], seed));
    }
    rows.push({ spec, options, samples, mean: meanOf(samples) });
  }
  return rows;
}

function measure(
  seq: { tokens: TokenId[]; text: string; finishReason: FinishReason; logprob: number },
  seed: number | undefined,
): CompareSample {
  const length = seq.tokens.length;
  const meanLogprob = length === 0 ? 0 : seq.logprob / length;
  return {
    ...(seed === undefined ? {} : { seed }),
    text: seq.text,
    tokens: seq.tokens,
    finishReason: seq.finishReason,
    length,
    meanLogprob,
    perplexity: Math.exp(-meanLogprob),
    distinct1: distinctN(seq.tokens, 1),
    distinct2: distinctN(seq.tokens, 2),
    repetitionRate: repetitionRate(seq.tokens, REPETITION_NGRAM),
  };
}

function meanOf(samples: CompareSample[]): CompareRow["mean"] {
  const avg = (pick: (s: CompareSample) => number) =>
    samples.reduce((sum, s) => sum + pick(s), 0) / samples.length;
  return {
    length: avg((s) => s.length),
    meanLogprob: avg((s) => s.meanLogprob),
    perplexity: avg((s) => s.perplexity),
    distinct1: avg((s) => s.distinct1),
    distinct2: avg((s) => s.distinct2),
    repetitionRate: avg((s) => s.repetitionRate),
  };
}

/** `nextoken compare`: runs the strategies and prints a table (or JSON). */
export async function runCompare(model: Model, cmd: CompareCommand, out: Output): Promise<void> {
  const started = performance.now();
  const rows = await compareStrategies(model, cmd);
  if (cmd.json) {
    const { prompt, samples, seed, maxNewTokens } = cmd;
    const report = {
      prompt,
      samples,
      seed,
      maxNewTokens,
      repetitionNgram: REPETITION_NGRAM,
      strategies: rows,
    };
    out.write(JSON.stringify(report, null, 2) + "\n");
    return;
  }
  printTable(rows, cmd, out, (performance.now() - started) / 1000);
}

const HEADERS = ["strategy", "seed", "logprob", "ppl", "dist-1", "dist-2", "rep", "len", "text"];

function printTable(rows: CompareRow[], cmd: CompareCommand, out: Output, seconds: number): void {
  const tty = out.isTTY;
  const specWidth = Math.max(8, ...rows.map((r) => r.spec.length));
  const cells = (
    s: Pick<
      CompareSample,
      "meanLogprob" | "perplexity" | "distinct1" | "distinct2" | "repetitionRate" | "length"
    >,
  ) => [
    padLeft(s.meanLogprob.toFixed(3), 7),
    padLeft(s.perplexity.toFixed(2), 7),
    padLeft(s.distinct1.toFixed(2), 6),
    padLeft(s.distinct2.toFixed(2), 6),
    paint(
      padLeft(s.repetitionRate.toFixed(2), 5),
      s.repetitionRate >= 0.1 ? RED : s.repetitionRate >= 0.03 ? YELLOW : "",
      tty,
    ),
    padLeft(String(Math.round(s.length)), 4),
  ];
  const fixed = specWidth + 1 + 5 + 1 + 7 + 1 + 7 + 1 + 6 + 1 + 6 + 1 + 5 + 1 + 4 + 1;
  const textWidth = Math.max(20, (out.columns ?? 120) - fixed - 1);
  const widths = [specWidth, 5, 7, 7, 6, 6, 5, 4];
  const header = HEADERS.map((h, i) =>
    i === 0 || i === 8 ? padRight(h, widths[i] ?? 0) : padLeft(h, widths[i]),
  ).join(" ");

  out.write(
    paint(
      `prompt ${JSON.stringify(cmd.prompt)}, up to ${cmd.maxNewTokens} new tokens, ${cmd.samples} sample(s) per sampling strategy from seed ${cmd.seed}`,
      BOLD,
      tty,
    ) + "\n",
  );
  out.write(
    paint(
      `logprob: mean raw log-probability per token (the model's distribution); rep: fraction of tokens repeating an earlier ${REPETITION_NGRAM}-gram`,
      DIM,
      tty,
    ) + "\n\n",
  );
  out.write(paint(header, BOLD, tty) + "\n");
  for (const row of rows) {
    row.samples.forEach((sample, i) => {
      const name = padRight(i === 0 ? row.spec : "", specWidth);
      const seed = padLeft(sample.seed === undefined ? "-" : String(sample.seed), 5);
      out.write([name, seed, ...cells(sample), truncate(oneLine(sample.text), textWidth)].join(" ") + "\n");
    });
    if (row.samples.length > 1)
      out.write(
        paint([padRight("", specWidth), padLeft("mean", 5), ...cells(row.mean)].join(" "), DIM, tty) + "\n",
      );
  }
  out.write(
    paint(`\n${rows.reduce((n, r) => n + r.samples.length, 0)} runs in ${seconds.toFixed(2)} s`, DIM, tty) +
      "\n",
  );
}

function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : chars.slice(0, width - 1).join("") + "…";
}

/** The help text of `nextoken compare`. */
export const COMPARE_HELP = `Compare (nextoken compare):
      --strategies SPECS     ";"-separated specs of ","-separated terms, default
                             "${DEFAULT_STRATEGIES}"; terms:
                             greedy, sample, beam:N, top-k:K, top-p:P, min-p:P, typical-p:P, epsilon:E,
                             eta:E, t:T (temperature), rep:R (repetition penalty), no-repeat:N; a spec
                             is the whole strategy (no implicit top-k 50, no model defaults)
      --samples N            samples per sampling strategy, seeds S, S+1, ... (default 3)
  -n, --max-new-tokens N     new tokens per run (default 160: long enough for loops to show)
      --seed S               first seed (default 0)
  Columns: mean raw log-prob per token, perplexity, distinct-1/2 (distinct n-grams / n-grams),
  rep = fraction of tokens completing a ${REPETITION_NGRAM}-gram seen earlier in the same text, length.`;
