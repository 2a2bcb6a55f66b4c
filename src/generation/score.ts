// Scoring a text under the model: how surprised it is by each token. One forward pass with
// allLogits; token i is scored by the logits at position i - 1, so the first token is context only.
import { ContextOverflowError, InvalidOptionError } from "../errors.js";
import type { LanguageModel, TokenId } from "../models/types.js";
import { checkOptionKeys, type KeyRecord } from "../option-keys.js";
import type { Tokenizer } from "../tokenizers/types.js";
import { entropyOfLogits } from "./distribution.js";
import { requireFiniteMass } from "./finite-mass.js";
import { logprobOf, rankOf } from "./trace.js";

/** How one token scored, given everything before it. */
export interface TokenScore {
  token: TokenId;
  /** Position in the scored sequence (1 for the first scored token). */
  position: number;
  /** ln p(token | prefix) under the raw model distribution. */
  logprob: number;
  /** -ln p, in nats. */
  surprisalNats: number;
  /** -log2 p, in bits. */
  surprisalBits: number;
  /** 1-based rank of the token among all tokens at that position. */
  rank: number;
  /** Entropy in nats of the predicted distribution at that position. */
  entropy: number;
}

export interface TextScore {
  /** Every token of the text (the first one, usually BOS, is not scored). */
  tokens: TokenId[];
  scores: TokenScore[];
  /** Σ logprob over the scored tokens. */
  logprob: number;
  /** exp(mean surprisal in nats). */
  perplexity: number;
  /** Mean surprisal in bits per scored token. */
  bitsPerToken: number;
}

/**
 * Scores `text` (encoded with special tokens, so a BOS gives the first word a prediction) or token
 * ids, with one forward pass. Needs at least two tokens. Throws NoFiniteMassError naming the position
 * when the model's logits there hold a NaN or +Infinity or are all -Infinity.
 */
/** Options of scoreText(). */
export interface ScoreOptions {
  /** Encodes a string text; default: the model's own. */
  tokenizer?: Tokenizer;
}

const SCORE_OPTION_KEYS: KeyRecord<ScoreOptions> = { tokenizer: true };

export function scoreText(
  model: LanguageModel & { tokenizer?: Tokenizer },
  text: string | readonly TokenId[],
  options: ScoreOptions = {},
): TextScore {
  checkOptionKeys(options, SCORE_OPTION_KEYS, "scoreText() options");
  const tokenizer = options.tokenizer ?? model.tokenizer;
  let tokens: TokenId[];
  if (typeof text === "string") {
    if (tokenizer === undefined)
      throw new InvalidOptionError("text", "a string", "token ids when the model has no tokenizer");
    tokens = tokenizer.encode(text, { addSpecialTokens: true });
  } else {
    tokens = text.slice();
  }
  if (tokens.length < 2)
    throw new InvalidOptionError("text", `${tokens.length} token(s)`, "at least 2 tokens to score");
  const contextLength = model.contextLength ?? Infinity;
  if (tokens.length > contextLength) throw new ContextOverflowError(contextLength, tokens.length);

  const V = model.vocabSize;
  const logits = positionLogits(model, tokens);
  const scores: TokenScore[] = [];
  for (let position = 1; position < tokens.length; position++) {
    const row = logits.subarray((position - 1) * V, position * V);
    requireFiniteMass(row, position, "model", "score");
    const token = tokens[position];
    const logprob = logprobOf(row, token);
    scores.push({
      token,
      position,
      logprob,
      surprisalNats: -logprob,
      surprisalBits: -logprob / Math.LN2,
      rank: rankOf(row, token),
      entropy: entropyOfLogits(row),
    });
  }
  const logprob = scores.reduce((sum, s) => sum + s.logprob, 0);
  const meanNats = -logprob / scores.length;
  return { tokens, scores, logprob, perplexity: Math.exp(meanNats), bitsPerToken: meanNats / Math.LN2 };
}

/**
 * The logits that predict tokens[1..n): one forward pass over tokens[0..n-1) with every position's
 * logits, in a session of its own; row p - 1 predicts token p.
 */
export function positionLogits(model: LanguageModel, tokens: readonly TokenId[]): Float32Array {
  const session = model.newSession();
  try {
    return session.forward(tokens.slice(0, -1), { allLogits: true });
  } finally {
    session.dispose();
  }
}
