import type { TokenId } from "../models/types.js";

/** What a processor sees of the sequence: every token so far and where the prompt ends. */
export interface StepContext {
  readonly tokens: readonly TokenId[];
  readonly promptLength: number;
}

/** Returns new logits; -Infinity removes a token. Keeps no state between calls. */
export type LogitsProcessor = (logits: Float32Array, ctx: StepContext) => Float32Array;

/** A processor with the name it is reported under in traces ("temperature", "top_k", ...). */
export interface NamedProcessor {
  readonly name: string;
  readonly apply: LogitsProcessor;
}

/** Built-in processor names usable in a custom `samplerOrder`. */
export type ProcessorName =
  | "sequence_bias"
  | "bad_words"
  | "logit_bias"
  | "repetition_penalty"
  | "frequency_penalty"
  | "presence_penalty"
  | "no_repeat_ngram"
  | "min_length"
  | "min_new_tokens"
  | "suppress_tokens"
  | "begin_suppress_tokens"
  | "temperature"
  | "top_k"
  | "top_p"
  | "min_p"
  | "typical_p"
  | "epsilon"
  | "eta";

/**
 * Generation options: Hugging Face GenerationConfig fields in camelCase, plus nextoken's own.
 * Snake_case spellings (generation_config.json, HTTP) are mapped at the edge.
 */
export interface GenerationOptions {
  /** New tokens to generate at most (default 256). */
  maxNewTokens?: number;
  /** Total length (prompt + new) at most; maxNewTokens wins when both are given. */
  maxLength?: number;
  minNewTokens?: number;
  minLength?: number;
  doSample?: boolean;
  /** 0 means greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  typicalP?: number;
  epsilonCutoff?: number;
  etaCutoff?: number;
  repetitionPenalty?: number;
  noRepeatNgramSize?: number;
  numBeams?: number;
  lengthPenalty?: number;
  earlyStopping?: boolean | "never";
  numReturnSequences?: number;
  eosTokenId?: number | number[];
  padTokenId?: number;
  bosTokenId?: number;
  badWordsIds?: number[][];
  suppressTokens?: number[];
  /** Tokens suppressed at the first generated step only (HF begin_suppress_tokens). */
  beginSuppressTokens?: number[];
  /** Sequence bias: [token sequence, bias] pairs (HF sequence_bias). */
  sequenceBias?: Array<[number[], number]>;
  renormalizeLogits?: boolean;
  minTokensToKeep?: number;
  /** Seed of the generator (see generation/rng.ts); the same seed gives the same tokens anywhere. */
  seed?: number;
  /** Stop strings: generation ends when the text contains one; it is excluded from the result. */
  stop?: string | string[];
  /** OpenAI frequency penalty, over generated tokens: logit -= count * penalty. */
  frequencyPenalty?: number;
  /** OpenAI presence penalty, over generated tokens: logit -= penalty if count > 0. */
  presencePenalty?: number;
  /** Added to the logits of the given token ids: { [id]: bias }. */
  logitBias?: Record<number, number>;
  signal?: AbortSignal;
  /** Wall-clock budget in seconds. */
  maxTime?: number;
  /** true or the number of candidates to record per step (true = 10). */
  trace?: boolean | number;
  /** "hf" (default), "llama.cpp", or an explicit list of processor names. */
  samplerOrder?: "hf" | "llama.cpp" | ProcessorName[];
}

export type FinishReason = "eos" | "length" | "stop" | "abort" | "time" | "context";

/** A candidate token with its probability. */
export interface Candidate {
  id: TokenId;
  prob: number;
  logprob: number;
}

/** What one processor did at one step (trace only). */
export interface StageTrace {
  name: string;
  /** Candidates after this stage, best first. */
  top: Candidate[];
  /** Tokens still allowed after this stage. */
  kept: number;
  /** Probability mass (under the stage's input distribution) that this stage removed. */
  removedMass: number;
  /** Entropy in nats of the distribution after this stage. */
  entropy: number;
}

/** One generated token. */
export interface Step {
  /** Which returned sequence (sampling: 0 .. numReturnSequences-1; beam: beam slot). */
  sequence: number;
  /** 0-based index of this token among the generated ones. */
  index: number;
  token: TokenId;
  /** Text this token adds (never half a UTF-8 character; may be "" while a character is incomplete). */
  text: string;
  /** log p(token) under the model's raw distribution. */
  logprob: number;
  /** log p(token) under the final processed distribution that was sampled from. */
  processedLogprob: number;
  /** Uniform draw in [0, 1) used to pick the token (sampling only). */
  coin?: number;
  trace?: StepTrace;
  /** Set on the step that ended its sequence, when that is known as the step is made. */
  finishReason?: FinishReason;
  /** Beam search: the state of this beam after the step (`sequence` is then the beam's slot). */
  beam?: BeamStep;
}

/**
 * One running beam after one beam-search decoding step. `stream()` yields one Step per running beam
 * per decoding step; beams are re-ranked every step, so follow `parent` rather than `sequence`, and
 * read the returned sequences from `finished` on the step with `done` (or from `generate()`).
 */
export interface BeamStep {
  /** 0-based decoding step. */
  step: number;
  /** Slot, in the previous step's running beams, of the beam this one extends. */
  parent: number;
  /** Running beam score: the sum of processed log-probs of its generated tokens. */
  score: number;
  /** Every generated token of this beam (the prompt excluded). */
  tokens: TokenId[];
  /** The finished hypotheses after this step, best first (score = length-normalised). */
  finished: Array<{ tokens: TokenId[]; score: number }>;
  /** Beam sampling: the uniform draws of this step's candidate draws, in draw order. */
  coins?: number[];
  /** The search stopped after this step. */
  done: boolean;
}

export interface StepTrace {
  /** 1-based rank of the chosen token under the raw distribution. */
  rawRank: number;
  processedRank: number;
  rawEntropy: number;
  processedEntropy: number;
  rawTop: Candidate[];
  stages: StageTrace[];
}

export interface GeneratedSequence {
  tokens: TokenId[];
  text: string;
  finishReason: FinishReason;
  /** Beam search: sum of log-probs / generated_length ** lengthPenalty. */
  score?: number;
  /** Sum of raw log-probs of the generated tokens. */
  logprob: number;
  steps?: Step[];
}

export interface GenerationResult {
  sequences: GeneratedSequence[];
  promptTokens: TokenId[];
  /** The options after defaults from the model's generation config were applied. */
  options: GenerationOptions;
  /** Model forward calls made. */
  modelCalls: number;
}
