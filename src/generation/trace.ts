// The per-step trace: the raw distribution, what each processor did to it, and where the chosen token
// ranked. Computed only when `trace` is on; otherwise the loop runs the processors without looking.
import type { TokenId } from "../models/types.js";
import { entropyOfLogits, logSumExp, topN } from "./distribution.js";
import type { Candidate, NamedProcessor, StageTrace, StepContext, StepTrace } from "./types.js";

/** Candidates recorded per stage with `trace: true`. */
export const DEFAULT_TRACE_TOP = 10;

/** Scores after the processors, with the stages that produced them. */
export interface TracedScores {
  raw: Float32Array;
  processed: Float32Array;
  stages: StageTrace[];
}

/** How many candidates `trace` asks for: 0 when off, 10 for `true`, else the number (at least 1). */
export function traceTopCount(trace: boolean | number | undefined): number {
  if (trace === undefined || trace === false) return 0;
  if (trace === true) return DEFAULT_TRACE_TOP;
  return Math.max(1, Math.floor(trace));
}

/** Runs the processors in order, plainly (no trace). */
export function runProcessors(
  scores: Float32Array,
  processors: readonly NamedProcessor[],
  ctx: StepContext,
): Float32Array {
  let out = scores;
  for (const processor of processors) out = processor.apply(out, ctx);
  return out;
}

/** Runs the processors in order and records, after each, its top `n`, kept count, removed mass, entropy. */
export function runProcessorsTraced(
  raw: Float32Array,
  processors: readonly NamedProcessor[],
  ctx: StepContext,
  n: number,
): TracedScores {
  const stages: StageTrace[] = [];
  let scores = raw;
  for (const { name, apply } of processors) {
    const next = apply(scores, ctx);
    stages.push({
      name,
      top: topCandidates(next, n),
      kept: countFinite(next),
      removedMass: removedMass(scores, next),
      entropy: entropyOfLogits(next),
    });
    scores = next;
  }
  return { raw, processed: scores, stages };
}

/** The trace of one step once `token` was chosen from `traced.processed`. */
export function stepTrace(traced: TracedScores, token: TokenId, n: number): StepTrace {
  return {
    rawRank: rankOf(traced.raw, token),
    processedRank: rankOf(traced.processed, token),
    rawEntropy: entropyOfLogits(traced.raw),
    processedEntropy: entropyOfLogits(traced.processed),
    rawTop: topCandidates(traced.raw, n),
    stages: traced.stages,
  };
}

/** The `n` most likely tokens of softmax(scores), best first, ties by ascending id. */
export function topCandidates(scores: Float32Array, n: number): Candidate[] {
  const lse = logSumExp(scores);
  return topN(scores, n)
    .filter((id) => scores[id] !== -Infinity)
    .map((id) => {
      const logprob = scores[id] - lse;
      return { id, prob: Math.exp(logprob), logprob };
    });
}

/** log p(token) under softmax(scores). */
export function logprobOf(scores: Float32Array, token: TokenId): number {
  return scores[token] - logSumExp(scores);
}

/** 1-based rank of `token` by score, ties ordered by ascending id (as argsortDescending). */
export function rankOf(scores: ArrayLike<number>, token: TokenId): number {
  const value = scores[token];
  let rank = 1;
  for (let id = 0; id < scores.length; id++) {
    if (scores[id] > value || (scores[id] === value && id < token)) rank++;
  }
  return rank;
}

/** Probability mass, under softmax(before), of the tokens that `after` removed (set to -Infinity). */
function removedMass(before: Float32Array, after: Float32Array): number {
  const lse = logSumExp(before);
  if (lse === -Infinity) return 0;
  let mass = 0;
  for (let id = 0; id < before.length; id++) {
    if (after[id] === -Infinity && before[id] !== -Infinity) mass += Math.exp(before[id] - lse);
  }
  return Math.min(1, mass);
}

function countFinite(scores: Float32Array): number {
  let kept = 0;
  for (let id = 0; id < scores.length; id++) if (scores[id] !== -Infinity) kept++;
  return kept;
}
