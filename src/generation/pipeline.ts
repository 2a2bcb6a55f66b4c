/**
 * The logits pipeline: which processors run, in which order, built from resolved options.
 *
 * "hf" (default) follows transformers' GenerationMixin._get_logits_processor: sequence_bias,
 * [logit_bias], repetition_penalty, [frequency_penalty, presence_penalty], no_repeat_ngram,
 * bad_words, min_length, min_new_tokens, suppress_tokens, begin_suppress_tokens, then, only when
 * sampling, temperature → top_k → top_p → min_p → typical_p → epsilon → eta, and renormalize last
 * when renormalizeLogits. Bracketed stages are not HF's: OpenAI's logit_bias sits beside HF's
 * sequence bias (it is a one-token sequence bias) and the OpenAI penalties beside the repetition
 * penalty. "llama.cpp" keeps the same processors before the warpers, then runs
 * top_k → typical_p → top_p → min_p → epsilon → eta → temperature (temperature last), which keeps
 * a different candidate set from "hf" whenever temperature ≠ 1. An explicit list is the whole chain:
 * its names run in that order when configured, and configured processors it omits do not run.
 */
import { InvalidOptionError } from "../errors.js";
import type { TokenId } from "../models/types.js";
import { resolveOptions, type ResolvedOptions } from "./options.js";
import { PROCESSORS, WARPERS } from "./processor-names.js";
import { runProcessors } from "./trace.js";
import {
  badWords,
  beginSuppressTokens,
  epsilon,
  eta,
  frequencyPenalty,
  logitBias,
  minLength,
  minNewTokens,
  minP,
  noRepeatNgram,
  presencePenalty,
  renormalize,
  repetitionPenalty,
  sequenceBias,
  suppressTokens,
  temperature,
  topK,
  topP,
  typicalP,
} from "./processors/index.js";
import type {
  GenerationOptions,
  LogitsProcessor,
  NamedProcessor,
  ProcessorName,
  StepContext,
} from "./types.js";

/** What the pipeline needs from the model: the vocabulary size and the effective EOS ids. */
export interface PipelineContext {
  readonly vocabSize: number;
  readonly eosTokenIds: readonly TokenId[];
}

/** The named orders of samplerOrder. */
export const SAMPLER_ORDERS: Readonly<Record<"hf" | "llama.cpp", readonly ProcessorName[]>> = {
  hf: [...PROCESSORS, ...WARPERS],
  "llama.cpp": [...PROCESSORS, "top_k", "typical_p", "top_p", "min_p", "epsilon", "eta", "temperature"],
};

/**
 * The processors the options configure, in samplerOrder. Warpers run only when sampling, each only
 * when its option differs from the neutral value; with numBeams > 1 they keep at least
 * (EOS ids + 1) tokens (HF), unless minTokensToKeep says otherwise.
 */
export function buildPipeline(options: ResolvedOptions, ctx: PipelineContext): NamedProcessor[] {
  checkIdsInVocab(options, ctx);
  const eos = [...ctx.eosTokenIds];
  const keep = options.minTokensToKeep ?? (options.numBeams > 1 ? eos.length + 1 : 1);
  const order =
    typeof options.samplerOrder === "string" ? SAMPLER_ORDERS[options.samplerOrder] : options.samplerOrder;
  const pipeline: NamedProcessor[] = [];
  for (const name of order) {
    if (WARPERS.includes(name) && !options.doSample) continue;
    const apply = make(name, options, eos, keep);
    if (apply !== undefined) pipeline.push({ name, apply });
  }
  if (options.renormalizeLogits) pipeline.push({ name: "renormalize", apply: renormalize() });
  return pipeline;
}

/** The processor `name` configured by the options, or undefined when its option is neutral. */
function make(
  name: ProcessorName,
  o: ResolvedOptions,
  eos: TokenId[],
  keep: number,
): LogitsProcessor | undefined {
  switch (name) {
    case "sequence_bias":
      return o.sequenceBias.length > 0 ? sequenceBias(o.sequenceBias) : undefined;
    case "logit_bias":
      return Object.keys(o.logitBias).length > 0 ? logitBias(o.logitBias) : undefined;
    case "repetition_penalty":
      return o.repetitionPenalty !== 1 ? repetitionPenalty(o.repetitionPenalty) : undefined;
    case "frequency_penalty":
      return o.frequencyPenalty !== 0 ? frequencyPenalty(o.frequencyPenalty) : undefined;
    case "presence_penalty":
      return o.presencePenalty !== 0 ? presencePenalty(o.presencePenalty) : undefined;
    case "no_repeat_ngram":
      return o.noRepeatNgramSize > 0 ? noRepeatNgram(o.noRepeatNgramSize) : undefined;
    case "bad_words":
      return o.badWordsIds.length > 0 ? badWords(o.badWordsIds, eos) : undefined;
    case "min_length":
      return o.minLength > 0 && eos.length > 0 ? minLength(o.minLength, eos) : undefined;
    case "min_new_tokens":
      return o.minNewTokens > 0 && eos.length > 0 ? minNewTokens(o.minNewTokens, eos) : undefined;
    case "suppress_tokens":
      return o.suppressTokens.length > 0 ? suppressTokens(o.suppressTokens) : undefined;
    case "begin_suppress_tokens":
      return o.beginSuppressTokens.length > 0 ? beginSuppressTokens(o.beginSuppressTokens) : undefined;
    case "temperature":
      return o.temperature !== 1 ? temperature(o.temperature) : undefined;
    case "top_k":
      return o.topK !== 0 ? topK(o.topK, keep) : undefined;
    case "top_p":
      return o.topP < 1 ? topP(o.topP, keep) : undefined;
    case "min_p":
      return o.minP > 0 ? minP(o.minP, keep) : undefined;
    case "typical_p":
      return o.typicalP < 1 ? typicalP(o.typicalP, keep) : undefined;
    case "epsilon":
      return o.epsilonCutoff > 0 ? epsilon(o.epsilonCutoff, keep) : undefined;
    case "eta":
      return o.etaCutoff > 0 ? eta(o.etaCutoff, keep) : undefined;
  }
}

function checkIdsInVocab(o: ResolvedOptions, { vocabSize, eosTokenIds }: PipelineContext): void {
  const check = (option: string, ids: Iterable<number>) => {
    for (const id of ids) {
      if (id >= vocabSize)
        throw new InvalidOptionError(option, id, `a token id below the vocabulary size ${vocabSize}`);
    }
  };
  check("eosTokenId", eosTokenIds);
  check("badWordsIds", o.badWordsIds.flat());
  check(
    "sequenceBias",
    o.sequenceBias.flatMap(([ids]) => ids),
  );
  check("suppressTokens", o.suppressTokens);
  check("beginSuppressTokens", o.beginSuppressTokens);
  check("logitBias", Object.keys(o.logitBias).map(Number));
}

/** Runs the processors in order; the input is left untouched. */
export function applyPipeline(
  pipeline: readonly NamedProcessor[],
  logits: Float32Array,
  ctx: StepContext,
): Float32Array {
  const out = runProcessors(logits, pipeline, ctx);
  return out === logits ? logits.slice() : out;
}

/**
 * The logits after the processors the options configure, in their order; -Infinity = removed.
 * Validates the options (no model defaults) and uses their eosTokenId as the EOS ids.
 */
export function processLogits(
  logits: Float32Array,
  context: { tokens: readonly TokenId[]; promptLength: number },
  options: GenerationOptions,
): Float32Array {
  const resolved = resolveOptions(options);
  const pipeline = buildPipeline(resolved, { vocabSize: logits.length, eosTokenIds: resolved.eosTokenIds });
  return applyPipeline(pipeline, logits, context);
}
