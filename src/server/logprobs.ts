// Log-probabilities in OpenAI's two shapes, saying which distribution they come from (DESIGN.md §4):
// "raw" (default) is the model's own softmax(logits), the same numbers `nextoken score` prints;
// "processed" is the distribution the token was actually drawn from, after penalties, temperature and
// the filters (it is the trace's last stage). Prompt tokens (legacy `echo`) are always raw: nothing
// processed them.
import { positionLogits } from "../generation/score.js";
import { logprobOf, topCandidates } from "../generation/trace.js";
import type { Candidate, Step } from "../generation/types.js";
import type { LanguageModel, TokenId } from "../models/types.js";
import type { Tokenizer } from "../tokenizers/types.js";
import type { LogprobsMode } from "./schema.js";

/** OpenAI's stand-in for a log-probability too small to write (JSON has no -Infinity). */
const VERY_UNLIKELY = -9999;

/** One token of a chat `logprobs.content` list. */
export interface ChatTokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] }>;
}

/** A token with its log-probability and best alternatives, before it is put in either shape. */
export interface ScoredToken {
  token: TokenId;
  /** null for the first prompt token, which nothing predicts. */
  logprob: number | null;
  top: Candidate[] | null;
}

/** The generated token of `step` and its alternatives under `mode` (the step was traced with `topN`). */
export function scoredStep(step: Step, mode: LogprobsMode, topN: number): ScoredToken {
  const trace = step.trace;
  let top: Candidate[] = [];
  if (topN > 0 && trace !== undefined) {
    const stages = trace.stages;
    top = mode === "raw" || stages.length === 0 ? trace.rawTop : stages[stages.length - 1].top;
  }
  return {
    token: step.token,
    logprob: mode === "raw" ? step.logprob : step.processedLogprob,
    top: top.slice(0, topN),
  };
}

/**
 * Raw log-probabilities of `tokens[from..]` given everything before them, with one forward pass
 * (as `scoreText`); position 0 has nothing before it and gets null.
 */
export function scoreTokens(
  model: LanguageModel,
  tokens: readonly TokenId[],
  topN: number,
  from = 0,
): ScoredToken[] {
  const out: ScoredToken[] = [];
  if (from === 0 && tokens.length > 0) out.push({ token: tokens[0], logprob: null, top: null });
  const start = Math.max(1, from);
  if (start >= tokens.length) return out;
  const V = model.vocabSize;
  const logits = positionLogits(model, tokens);
  for (let position = start; position < tokens.length; position++) {
    const row = logits.subarray((position - 1) * V, position * V);
    const token = tokens[position];
    out.push({ token, logprob: logprobOf(row, token), top: topN > 0 ? topCandidates(row, topN) : [] });
  }
  return out;
}

/** A token as text: its bytes as UTF-8 (a partial character shows as U+FFFD), or its name if special. */
export function tokenText(tokenizer: Tokenizer, id: TokenId): string {
  const bytes = tokenizer.tokenBytes(id);
  if (bytes.length === 0) return tokenizer.tokenToString(id);
  return new TextDecoder().decode(bytes);
}

/** The chat-completions shape of one scored token. */
export function chatLogprob(tokenizer: Tokenizer, scored: ScoredToken): ChatTokenLogprob {
  return {
    token: tokenText(tokenizer, scored.token),
    logprob: finite(scored.logprob ?? 0),
    bytes: [...tokenizer.tokenBytes(scored.token)],
    top_logprobs: (scored.top ?? []).map((c) => ({
      token: tokenText(tokenizer, c.id),
      logprob: finite(c.logprob),
      bytes: [...tokenizer.tokenBytes(c.id)],
    })),
  };
}

/** The legacy completions shape: parallel lists, offsets into the choice's text. */
export interface LegacyLogprobs {
  tokens: string[];
  token_logprobs: Array<number | null>;
  top_logprobs: Array<Record<string, number> | null>;
  text_offset: number[];
}

/** Legacy `logprobs` for `scored` tokens whose text starts at `offset` in the choice's text. */
export function legacyLogprobs(tokenizer: Tokenizer, scored: ScoredToken[], offset = 0): LegacyLogprobs {
  const out: LegacyLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  for (const s of scored) {
    const text = tokenText(tokenizer, s.token);
    out.tokens.push(text);
    out.token_logprobs.push(s.logprob === null ? null : finite(s.logprob));
    out.top_logprobs.push(
      s.top === null
        ? null
        : Object.fromEntries(s.top.map((c) => [tokenText(tokenizer, c.id), finite(c.logprob)])),
    );
    out.text_offset.push(offset);
    if (!tokenizer.isSpecial(s.token)) offset += text.length;
  }
  return out;
}

/** Concatenates legacy logprobs (echoed prompt, then completion). */
export function joinLegacy(a: LegacyLogprobs, b: LegacyLogprobs): LegacyLogprobs {
  return {
    tokens: [...a.tokens, ...b.tokens],
    token_logprobs: [...a.token_logprobs, ...b.token_logprobs],
    top_logprobs: [...a.top_logprobs, ...b.top_logprobs],
    text_offset: [...a.text_offset, ...b.text_offset],
  };
}

function finite(logprob: number): number {
  return Number.isFinite(logprob) ? logprob : VERY_UNLIKELY;
}
