// What every decoding strategy gets from generate(): the model, the prompt, the processors and the
// stopping rules, already validated and resolved.
import type { LanguageModel, TokenId } from "../../models/types.js";
import type { Tokenizer } from "../../tokenizers/types.js";
import type { FinishReason, NamedProcessor } from "../types.js";

export interface DecodeSetup {
  model: LanguageModel;
  /** Prompt token ids (at least one). */
  prompt: readonly TokenId[];
  processors: readonly NamedProcessor[];
  eosTokenIds: readonly TokenId[];
  /** Total length (prompt + generated) at which a sequence ends. */
  maxLength: number;
  /** Why it ends there: "length" (maxNewTokens / maxLength) or "context" (the model's context length). */
  lengthReason: "length" | "context";
  /** For text and stop strings; without it every text is "". */
  tokenizer?: Tokenizer;
  stops: readonly string[];
  /** Candidates per trace stage; 0 = no trace. */
  traceTop: number;
  signal?: AbortSignal;
  /** Date.now() after which generation ends with "time". */
  deadlineMs?: number;
  /** Uniform draws in [0, 1) from the seeded generator. */
  random: () => number;
  /** Batched forwards (decoding steps) made so far; strategies increment it. */
  calls: { modelCalls: number };
}

/**
 * Checked before each decoding step. With a signal it first lets the event loop run (a forward pass
 * is synchronous, so an abort() from a timer or a request handler could not land otherwise).
 */
export async function interruption(setup: DecodeSetup): Promise<FinishReason | undefined> {
  if (setup.signal !== undefined) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (setup.signal.aborted) return "abort";
  }
  if (setup.deadlineMs !== undefined && Date.now() >= setup.deadlineMs) return "time";
  return undefined;
}

/** Picks the next token from processed scores; sampling also reports its uniform draw. */
export type Selector = (processed: Float32Array, random: () => number) => { token: TokenId; coin?: number };
