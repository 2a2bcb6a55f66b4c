// tokens -> steps -> text. generate() and stream() resolve the options once, encode the prompt, and
// run one strategy: greedy or sampling (numBeams 1, independent sequences) or beam search.
//
// Stopping: maxNewTokens / maxLength ("length"), an EOS id ("eos"), a stop string ("stop", excluded
// from the text), the signal ("abort") and maxTime ("time") checked before each decoding step, and the
// model's context length: a sequence never grows past model.contextLength tokens (prompt included) and
// ends with "context" when that, not maxNewTokens / maxLength, is the bound (an OpenAI-style server
// reports it as "length"). A prompt longer than the context throws ContextOverflowError.
import { ContextOverflowError, InvalidOptionError } from "../errors.js";
import type { LanguageModel, TokenId } from "../models/types.js";
import type { Tokenizer } from "../tokenizers/types.js";
import { checkOptionKeys, type KeyRecord } from "../option-keys.js";
import { GENERATION_OPTION_KEYS, newTokenBudget, resolveOptions, type ResolvedOptions } from "./options.js";
import { buildPipeline } from "./pipeline.js";
import { createRng } from "./rng.js";
import { beamSearch } from "./strategies/beam-search.js";
import type { DecodeSetup } from "./strategies/common.js";
import { greedy } from "./strategies/greedy.js";
import { decodeIndependent } from "./strategies/independent.js";
import { sampling } from "./strategies/sampling.js";
import { traceTopCount } from "./trace.js";
import type { GeneratedSequence, GenerationOptions, GenerationResult, Step } from "./types.js";

/** Options of generate() and stream(): generation options plus a tokenizer for models without one. */
export interface GenerateOptions extends GenerationOptions {
  /** Encodes a string prompt, decodes the text and finds stop strings; default: the model's own. */
  tokenizer?: Tokenizer;
  /**
   * Whether special-token text in a string prompt ("<s>", "<|im_start|>") becomes those tokens, as in
   * llama.cpp and HF (default true); false encodes it as plain text.
   */
  parseSpecialTokens?: boolean;
}

const GENERATE_OPTION_KEYS: KeyRecord<GenerateOptions> = {
  ...GENERATION_OPTION_KEYS,
  tokenizer: true,
  parseSpecialTokens: true,
};

/** What a loaded model may carry beyond LanguageModel (Model in ../index has both). */
interface ModelExtras {
  tokenizer?: Tokenizer;
  generationConfig?: GenerationOptions;
}

/**
 * Generates from `prompt` (text, encoded with special tokens, or token ids) and returns every
 * sequence with its tokens, text, finish reason (and beam score), plus the options used and the
 * number of decoding steps (batched model calls).
 */
export async function generate(
  model: LanguageModel,
  prompt: string | readonly TokenId[],
  options: GenerateOptions = {},
): Promise<GenerationResult> {
  const prepared = prepare(model, prompt, options);
  const run = prepared.run();
  let next = await run.next();
  while (next.done !== true) next = await run.next();
  return {
    sequences: next.value,
    promptTokens: prepared.setup.prompt.slice(),
    options: prepared.options,
    modelCalls: prepared.setup.calls.modelCalls,
  };
}

/**
 * Yields a Step per token as soon as it is chosen; its `text` never splits a UTF-8 character nor shows
 * the start of a stop string that may still complete. Several sequences interleave by step. Beam
 * search yields one Step per running beam per decoding step, with `beam` set (see BeamStep).
 * Options are checked when stream() is called. The generator's return value is the sequences
 * generate() would return.
 */
export function stream(
  model: LanguageModel,
  prompt: string | readonly TokenId[],
  options: GenerateOptions = {},
): AsyncGenerator<Step, GeneratedSequence[]> {
  return prepare(model, prompt, options).run();
}

interface Prepared {
  setup: DecodeSetup;
  /** Effective options, with the EOS ids and the seed actually used. */
  options: ResolvedOptions;
  run(): AsyncGenerator<Step, GeneratedSequence[]>;
}

function prepare(
  model: LanguageModel,
  prompt: string | readonly TokenId[],
  options: GenerateOptions,
): Prepared {
  const extras = model as LanguageModel & ModelExtras;
  if (typeof options !== "object" || options === null)
    throw new InvalidOptionError("options", options, "an object");
  checkOptionKeys(options, GENERATE_OPTION_KEYS, "generate()/stream() options");
  const { tokenizer: given, parseSpecialTokens = true, ...userOptions } = options;
  if (typeof parseSpecialTokens !== "boolean")
    throw new InvalidOptionError("parseSpecialTokens", parseSpecialTokens, "true or false");
  const tokenizer = given ?? extras.tokenizer;
  const resolved = resolveOptions(userOptions, extras.generationConfig);
  const eosTokenIds = resolved.eosTokenIds.length > 0 ? resolved.eosTokenIds : (tokenizer?.eosTokenIds ?? []);
  const rng = createRng(resolved.seed);
  const effective: ResolvedOptions = {
    ...resolved,
    eosTokenIds,
    eosTokenId: eosTokenIds.slice(),
    seed: rng.seed,
  };

  const bosTokenId = resolved.bosTokenId ?? tokenizer?.bosTokenId;
  const promptTokens = encodePrompt(model, prompt, tokenizer, bosTokenId, parseSpecialTokens);
  if (resolved.stop.length > 0 && tokenizer === undefined) {
    throw new InvalidOptionError(
      "stop",
      resolved.stop,
      "used with a tokenizer (the model has none; pass options.tokenizer)",
    );
  }
  const contextLength = model.contextLength ?? Infinity;
  if (promptTokens.length > contextLength) throw new ContextOverflowError(contextLength, promptTokens.length);
  const wanted = promptTokens.length + newTokenBudget(resolved, promptTokens.length);

  const setup: DecodeSetup = {
    model,
    prompt: promptTokens,
    processors: buildPipeline(resolved, { vocabSize: model.vocabSize, eosTokenIds }),
    eosTokenIds,
    maxLength: Math.min(wanted, contextLength),
    lengthReason: wanted > contextLength ? "context" : "length",
    tokenizer,
    stops: resolved.stop,
    traceTop: traceTopCount(resolved.trace),
    signal: resolved.signal,
    deadlineMs: resolved.maxTime === undefined ? undefined : Date.now() + resolved.maxTime * 1000,
    random: () => rng.next(),
    calls: { modelCalls: 0 },
  };
  const run =
    resolved.numBeams > 1
      ? () =>
          beamSearch(setup, {
            numBeams: resolved.numBeams,
            lengthPenalty: resolved.lengthPenalty,
            earlyStopping: resolved.earlyStopping,
            numReturnSequences: resolved.numReturnSequences,
            doSample: resolved.doSample,
          })
      : () =>
          resolved.doSample
            ? decodeIndependent(setup, sampling, resolved.numReturnSequences, "sampling")
            : decodeIndependent(setup, greedy, resolved.numReturnSequences, "greedy");
  return { setup, options: effective, run };
}

/** Token ids of the prompt: text is encoded with special tokens; an empty prompt starts from BOS. */
function encodePrompt(
  model: LanguageModel,
  prompt: string | readonly TokenId[],
  tokenizer: Tokenizer | undefined,
  bosTokenId: TokenId | undefined,
  parseSpecialTokens: boolean,
): TokenId[] {
  let ids: TokenId[];
  if (typeof prompt === "string") {
    if (tokenizer === undefined) {
      throw new InvalidOptionError(
        "prompt",
        "a string",
        "token ids when the model has no tokenizer (or pass options.tokenizer)",
      );
    }
    ids = tokenizer.encode(prompt, { addSpecialTokens: true, parseSpecialTokens });
  } else {
    const list: unknown = prompt;
    if (!Array.isArray(list))
      throw new InvalidOptionError("prompt", list, "a string or an array of token ids");
    ids = list.map((id: unknown) => id as TokenId); // checked below
  }
  for (const id of ids) {
    if (!Number.isSafeInteger(id) || id < 0 || id >= model.vocabSize) {
      throw new InvalidOptionError("prompt", id, `token ids in [0, ${model.vocabSize})`);
    }
  }
  if (ids.length > 0) return ids;
  if (bosTokenId === undefined) {
    throw new InvalidOptionError(
      "prompt",
      "empty",
      "at least one token (the model has no BOS token to start from)",
    );
  }
  return [bosTokenId];
}
