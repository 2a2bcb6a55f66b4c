/**
 * Comparing decoding strategies (the engine behind `nextoken compare` and the playground): one prompt under several decoding strategies, side by side, with how likely the
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

/** New tokens per run: greedy decoding of small models starts looping after ~130 tokens. */
export const DEFAULT_COMPARE_TOKENS = 160;
/** The strategies compared when --strategies is not given. */
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

/**
 * What `nextoken compare --json` prints and /api/compare answers (the API adds `elapsedMs`, and
 * `pieces` to each sample): the command's settings and one row per strategy.
 */
export interface CompareReport<Row = CompareRow> {
  prompt: string;
  samples: number;
  seed: number;
  maxNewTokens: number;
  /** The n of the repetition rate. */
  repetitionNgram: number;
  rows: Row[];
}

/** The report of `rows` (compareStrategies' answer, or rows built from it) for `cmd`. */
export function compareReport<Row>(cmd: CompareCommand, rows: Row[]): CompareReport<Row> {
  const { prompt, samples, seed, maxNewTokens } = cmd;
  return { prompt, samples, seed, maxNewTokens, repetitionNgram: REPETITION_NGRAM, rows };
}

/**
 * Runs every strategy on the prompt (the model's EOS and context still apply). With `signal`, an
 * abort ends the run at the next decoding step (the rows so far are returned, the rest skipped).
 */
export async function compareStrategies(
  model: Model,
  cmd: CompareCommand,
  signal?: AbortSignal,
): Promise<CompareRow[]> {
  const rows: CompareRow[] = [];
  for (const { spec, options, sampling } of cmd.strategies) {
    if (signal?.aborted === true) break;
    const seeds = sampling ? Array.from({ length: cmd.samples }, (_, i) => cmd.seed + i) : [undefined];
    const samples: CompareSample[] = [];
    for (const seed of seeds) {
      const result = await generate(model, cmd.prompt, {
        ...options,
        maxNewTokens: cmd.maxNewTokens,
        seed: seed ?? cmd.seed,
        signal,
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
