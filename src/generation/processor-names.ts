import type { ProcessorName } from "./types.js";

/** Processors that shape the logits in every strategy, in Hugging Face's default order. */
export const PROCESSORS: readonly ProcessorName[] = [
  "sequence_bias",
  "logit_bias",
  "repetition_penalty",
  "frequency_penalty",
  "presence_penalty",
  "no_repeat_ngram",
  "bad_words",
  "min_length",
  "min_new_tokens",
  "suppress_tokens",
  "begin_suppress_tokens",
];
/** Warpers: applied only when sampling, in Hugging Face's default order. */
export const WARPERS: readonly ProcessorName[] = [
  "temperature",
  "top_k",
  "top_p",
  "min_p",
  "typical_p",
  "epsilon",
  "eta",
];

/** Every name a custom samplerOrder may list. */
export const PROCESSOR_NAMES: readonly ProcessorName[] = [...PROCESSORS, ...WARPERS];
