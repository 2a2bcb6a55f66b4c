// POST /api/generate: one run of generate() reported for the page — every token with its raw
// probability, entropy, rank and alternatives, and for beam search the tree: the running beams of
// each step with their scores, the hypotheses that finished, the beams that were pruned, and why the
// search stopped.
import { entropyOfLogits, logSoftmax } from "../generation/distribution.js";
import { stream } from "../generation/generate.js";
import { resolveOptions } from "../generation/options.js";
import { rankOf, topCandidates } from "../generation/trace.js";
import type { Candidate, GeneratedSequence, GenerationOptions, Step } from "../generation/types.js";
import type { Model } from "../load-model.js";
import type { TokenId } from "../models/types.js";
import { StreamingDecoder } from "../tokenizers/streaming-decoder.js";
import { type CachedSequence, PrefixModel } from "./prefix-model.js";

/** One generated token as the page shows it. */
export interface TokenReport {
  token: TokenId;
  /** Text the token adds ("" while a UTF-8 character is incomplete). */
  text: string;
  /** log p under the model's raw distribution. */
  logprob: number;
  /** log p under the processed distribution that was sampled from (beam: the beam's processed log-prob). */
  processedLogprob: number;
  /** Entropy (nats) of the raw distribution at this step. */
  entropy: number;
  /** 1-based rank under the raw distribution. */
  rank: number;
  /** The most likely raw candidates, best first. */
  alternatives: Candidate[];
  /** Sampling: the uniform draw that picked the token. */
  coin?: number;
  /** Entropy after the processors (absent for beam search). */
  processedEntropy?: number;
  /** What each processor kept (absent for beam search). */
  stages?: Array<{ name: string; kept: number; removedMass: number; entropy: number }>;
}

export interface SequenceReport {
  tokens: TokenId[];
  text: string;
  finishReason: GeneratedSequence["finishReason"];
  /** Sum of raw log-probs. */
  logprob: number;
  /** Beam search: the length-normalised score. */
  score?: number;
  steps: TokenReport[];
}

/** One running beam after one step. */
export interface BeamNode {
  slot: number;
  /** Slot of the beam it extends, in the previous step. */
  parent: number;
  token: TokenId;
  /** The token's string in the vocabulary (tokenToString). */
  piece: string;
  /** Sum of processed log-probs of its tokens. */
  score: number;
  /** score / generated_length ** lengthPenalty. */
  normalizedScore: number;
}

export interface BeamTree {
  numBeams: number;
  lengthPenalty: number;
  earlyStopping: boolean | "never";
  steps: Array<{
    step: number;
    beams: BeamNode[];
    /** Slots of the previous step's beams that no beam extends any more. */
    pruned: number[];
    /**
     * Hypotheses that entered the finished pool at this step (score length-normalised), with the slot
     * of the previous step's beam they extend (-1 at step 0).
     */
    finished: Array<{ tokens: TokenId[]; text: string; score: number; parent: number }>;
    done: boolean;
  }>;
  stopReason: string;
}

export interface GenerateReport {
  promptTokens: TokenId[];
  sequences: SequenceReport[];
  beam?: BeamTree;
  /** A held session continuing sequence 0 (with `keep`, greedy or sampling with one sequence). */
  kept?: CachedSequence;
}

/** Runs the strategy the options choose from `prompt` (continuing `start` when given). */
export async function generateReport(
  model: Model,
  prompt: TokenId[],
  options: GenerationOptions,
  run: { start?: CachedSequence; keep: boolean; top: number; signal?: AbortSignal },
): Promise<GenerateReport> {
  let resolved: ReturnType<typeof resolveOptions>;
  try {
    resolved = resolveOptions(options, model.generationConfig);
  } catch (error) {
    run.start?.session.dispose(); // ours from here on
    throw error;
  }
  const beam = resolved.numBeams > 1;
  const keep = run.keep && !beam && resolved.numReturnSequences === 1;
  const wrapped = new PrefixModel(model, run.start, keep);
  const beamSteps: Step[] = [];
  let sequences: GeneratedSequence[];
  try {
    const steps = stream(wrapped, prompt, { ...options, trace: run.top, signal: run.signal });
    let next = await steps.next();
    while (next.done !== true) {
      if (next.value.beam !== undefined) beamSteps.push(next.value);
      next = await steps.next();
    }
    sequences = next.value;
  } finally {
    wrapped.dispose();
  }
  const report: GenerateReport = {
    promptTokens: prompt,
    sequences: sequences.map((seq) =>
      beam ? rescored(model, prompt, seq, run.top) : { ...summary(seq), steps: traced(seq) },
    ),
    kept: wrapped.kept,
  };
  if (beam) report.beam = beamTree(model, prompt, beamSteps, resolved);
  return report;
}

function summary(seq: GeneratedSequence): Omit<SequenceReport, "steps"> {
  const out: Omit<SequenceReport, "steps"> = {
    tokens: seq.tokens,
    text: seq.text,
    finishReason: seq.finishReason,
    logprob: seq.logprob,
  };
  if (seq.score !== undefined) out.score = seq.score;
  return out;
}

function traced(seq: GeneratedSequence): TokenReport[] {
  return (seq.steps ?? []).map((step) => {
    const trace = step.trace;
    const report: TokenReport = {
      token: step.token,
      text: step.text,
      logprob: step.logprob,
      processedLogprob: step.processedLogprob,
      entropy: trace?.rawEntropy ?? NaN,
      rank: trace?.rawRank ?? 0,
      alternatives: trace?.rawTop ?? [],
    };
    if (step.coin !== undefined) report.coin = step.coin;
    if (trace !== undefined) {
      report.processedEntropy = trace.processedEntropy;
      report.stages = trace.stages.map(({ name, kept, removedMass, entropy }) => ({
        name,
        kept,
        removedMass,
        entropy,
      }));
    }
    return report;
  });
}

/** Beam search keeps no trace: one batched forward over the sequence gives its raw distributions. */
function rescored(model: Model, prompt: TokenId[], seq: GeneratedSequence, top: number): SequenceReport {
  const n = seq.tokens.length;
  const V = model.vocabSize;
  const steps: TokenReport[] = [];
  if (n > 0) {
    const session = model.newSession();
    try {
      const rows = session.forward(prompt.concat(seq.tokens.slice(0, -1)), { allLogits: true });
      const pieces = piecesOf(model, prompt, seq.tokens);
      for (let i = 0; i < n; i++) {
        const row = rows.subarray((prompt.length - 1 + i) * V, (prompt.length + i) * V);
        const logprobs = logSoftmax(row);
        const token = seq.tokens[i];
        steps.push({
          token,
          text: pieces[i],
          logprob: logprobs[token],
          processedLogprob: seq.steps?.[i]?.processedLogprob ?? logprobs[token],
          entropy: entropyOfLogits(row),
          rank: rankOf(row, token),
          alternatives: topCandidates(row, top),
        });
      }
    } finally {
      session.dispose();
    }
  }
  return { ...summary(seq), steps };
}

/** The text each token adds after the prompt ("" while a UTF-8 character is incomplete). */
export function piecesOf(model: Model, prompt: TokenId[], tokens: TokenId[]): string[] {
  const decoder = new StreamingDecoder(model.tokenizer);
  for (const id of prompt) decoder.push(id);
  return tokens.map((id) => decoder.push(id));
}

function beamTree(
  model: Model,
  prompt: TokenId[],
  steps: Step[],
  options: ReturnType<typeof resolveOptions>,
): BeamTree {
  const { numBeams, lengthPenalty, earlyStopping } = options;
  const byStep: BeamTree["steps"] = [];
  const seen = new Set<string>();
  let poolSize = 0;
  let previous: string[] = []; // tokens of the previous step's beams, by slot
  let current: string[] = [];
  for (const step of steps) {
    const state = step.beam!;
    poolSize = state.finished.length;
    let entry = byStep[state.step];
    if (entry === undefined) {
      if (state.step > 0) previous = current;
      current = [];
      const finished = state.finished
        .filter((f) => !seen.has(f.tokens.join(",")))
        .map((f) => ({
          tokens: f.tokens,
          text: model.tokenizer.decode(f.tokens),
          score: f.score,
          parent: previous.indexOf(f.tokens.slice(0, -1).join(",")),
        }));
      for (const f of finished) seen.add(f.tokens.join(","));
      entry = { step: state.step, beams: [], pruned: [], finished, done: state.done };
      byStep[state.step] = entry;
    }
    const generated = state.tokens.length;
    current[step.sequence] = state.tokens.join(",");
    entry.beams.push({
      slot: step.sequence,
      parent: state.parent,
      token: step.token,
      piece: model.tokenizer.tokenToString(step.token),
      score: state.score,
      normalizedScore: state.score / generated ** lengthPenalty,
    });
  }
  for (const [t, entry] of byStep.entries()) {
    if (t === 0) continue;
    const extended = new Set(entry.beams.map((b) => b.parent));
    entry.pruned = byStep[t - 1].beams.map((b) => b.slot).filter((slot) => !extended.has(slot));
  }
  const stop = stopReason(model, prompt, byStep, options, poolSize);
  return { numBeams, lengthPenalty, earlyStopping, steps: byStep, stopReason: stop };
}

/** Why beam search ended, from its last step (the strategy's rule; see beam-search.ts). */
function stopReason(
  model: Model,
  prompt: TokenId[],
  steps: BeamTree["steps"],
  options: ReturnType<typeof resolveOptions>,
  poolSize: number,
): string {
  const last = steps[steps.length - 1];
  if (last === undefined) return "no step was taken (the prompt fills the length limit)";
  if (!last.done) return "interrupted (time limit or the request was cancelled)";
  const generated = last.step + 1;
  const limit = Math.min(
    options.maxLength ?? prompt.length + options.maxNewTokens,
    model.contextLength ?? Infinity,
  );
  if (prompt.length + generated >= limit) return `reached the length limit (${generated} new tokens)`;
  if (options.earlyStopping === true && poolSize >= options.numBeams) {
    return `early_stopping=true and ${options.numBeams} hypotheses finished`;
  }
  return "no running beam can still beat the worst finished hypothesis (length-normalised score)";
}
