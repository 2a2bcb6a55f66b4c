// One request's generation, shared by both endpoints: the engine's stream() or generate() with the
// request's options, its abort signal (a client that goes away ends generation at the next step, and
// the strategy disposes its sessions), and a trace sized to `top_logprobs` when alternatives are asked.
// Each request owns its sessions and its seeded generator, so interleaving requests cannot change
// what any of them produces.
import { generate, stream } from "../generation/generate.js";
import type { FinishReason, GenerationOptions, Step } from "../generation/types.js";
import type { Model } from "../load-model.js";
import type { TokenId } from "../models/types.js";
import { scoredStep, scoreTokens, type ScoredToken } from "./logprobs.js";
import type { LogprobsMode } from "./schema.js";

export interface RunRequest {
  model: Model;
  prompt: TokenId[];
  options: GenerationOptions;
  /** Undefined when no log-probabilities are wanted. */
  logprobs?: { topN: number; mode: LogprobsMode };
  signal: AbortSignal;
}

/** One finished choice. */
export interface Choice {
  index: number;
  tokens: TokenId[];
  text: string;
  finishReason: "stop" | "length";
  scored: ScoredToken[];
}

/** A piece of one choice, as it streams. */
export interface ChoiceDelta {
  index: number;
  text: string;
  scored: ScoredToken[];
  /** Tokens this piece adds. */
  tokenCount: number;
  finishReason?: "stop" | "length";
}

/** OpenAI has two reasons: the model (or a stop string) ended it, or a bound did. */
export function openAiFinishReason(reason: FinishReason): "stop" | "length" {
  return reason === "eos" || reason === "stop" || reason === "abort" ? "stop" : "length";
}

function engineOptions(request: RunRequest): GenerationOptions {
  const topN = request.logprobs?.topN ?? 0;
  return { ...request.options, signal: request.signal, trace: topN > 0 ? topN : undefined };
}

function isBeamSearch(request: RunRequest): boolean {
  return (request.options.numBeams ?? 1) > 1;
}

/** Generates every choice to the end. */
export async function runToEnd(request: RunRequest): Promise<Choice[]> {
  const result = await generate(request.model, request.prompt, engineOptions(request));
  return result.sequences.map((seq, index) => ({
    index,
    tokens: seq.tokens,
    text: seq.text,
    finishReason: openAiFinishReason(seq.finishReason),
    scored: scoreChoice(request, seq.tokens, seq.steps ?? []),
  }));
}

/**
 * Yields each choice's text as it is generated. Beam search re-ranks its beams until the end, so its
 * choices arrive whole, once the search is done.
 */
export async function* runStreaming(request: RunRequest): AsyncGenerator<ChoiceDelta> {
  if (isBeamSearch(request)) {
    for (const choice of await runToEnd(request)) yield { ...choice, tokenCount: choice.tokens.length };
    return;
  }
  for await (const step of stream(request.model, request.prompt, engineOptions(request))) {
    const delta: ChoiceDelta = {
      index: step.sequence,
      text: step.text,
      tokenCount: 1,
      scored: request.logprobs ? [scoredStep(step, request.logprobs.mode, request.logprobs.topN)] : [],
    };
    if (step.finishReason !== undefined) delta.finishReason = openAiFinishReason(step.finishReason);
    yield delta;
  }
}

function scoreChoice(request: RunRequest, tokens: TokenId[], steps: Step[]): ScoredToken[] {
  const logprobs = request.logprobs;
  if (logprobs === undefined) return [];
  const scored = steps.map((step) => scoredStep(step, logprobs.mode, logprobs.topN));
  if (isBeamSearch(request) && logprobs.topN > 0) {
    // Beam steps carry no trace: the raw alternatives come from one forward pass over the result.
    const all = [...request.prompt, ...tokens];
    const rescored = scoreTokens(request.model, all, logprobs.topN, request.prompt.length);
    for (const [i, s] of scored.entries()) s.top = rescored[i].top;
  }
  return scored;
}
