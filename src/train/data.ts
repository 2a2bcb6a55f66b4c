import type { Tokenizer } from "../tokenizers/types.js";
import { CorpusError } from "./errors.js";
import type { TrainRng } from "./rng.js";

/**
 * The training data: corpus text checked and tokenized into one stream (an end-of-text token after
 * each file), cut into blocks of which every VAL_EVERY-th is held out for validation, so validation
 * text comes from all through the corpus yet never appears in training.
 */

/** One block in this many is validation (5%). */
export const VAL_EVERY = 20;
/** Blocks are this many context windows long. */
const BLOCK_WINDOWS = 16;
/** Share of control characters (other than tab, newline, carriage return, form feed) that marks a file as binary. */
const MAX_CONTROL_SHARE = 0.01;

/** The text of a corpus file, or CorpusError when it is empty, not UTF-8, or binary. */
export function corpusText(bytes: Uint8Array, fileName: string): string {
  if (bytes.byteLength === 0) throw new CorpusError(`${fileName}: the corpus file is empty`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new CorpusError(`${fileName}: not UTF-8 text (a binary file?)`, { cause });
  }
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0)
      throw new CorpusError(`${fileName}: contains NUL bytes at character ${i}: a binary file, not text`);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 127) control++;
  }
  if (control > MAX_CONTROL_SHARE * text.length) {
    throw new CorpusError(
      `${fileName}: ${control} of ${text.length} characters are control codes: a binary file, not text`,
    );
  }
  if (text.trim() === "") throw new CorpusError(`${fileName}: the corpus holds only whitespace`);
  return text;
}

export interface Dataset {
  /** Training tokens (blocks concatenated). */
  train: Int32Array;
  /** Validation tokens (held-out blocks concatenated). */
  val: Int32Array;
}

/** Tokenizes `texts` and splits the stream; CorpusError when either part is under one window (T + 1 tokens). */
export function buildDataset(texts: readonly string[], tokenizer: Tokenizer, T: number): Dataset {
  const eos = tokenizer.eosTokenIds[0];
  const parts = texts.map((text) => tokenizer.encode(text, { addSpecialTokens: false }));
  const perText = eos === undefined ? 0 : 1;
  const stream = new Int32Array(parts.reduce((sum, ids) => sum + ids.length + perText, 0));
  let at = 0;
  for (const ids of parts) {
    stream.set(ids, at);
    at += ids.length;
    if (eos !== undefined) stream[at++] = eos;
  }
  const n = stream.length;
  const block = BLOCK_WINDOWS * (T + 1);
  const blocks = Math.ceil(n / block);
  // the last block of a small corpus, or every VAL_EVERY-th, is validation
  const isVal = (b: number) =>
    blocks < VAL_EVERY ? b === blocks - 1 && blocks > 1 : b % VAL_EVERY === VAL_EVERY - 1;
  const blockLength = (b: number) => Math.min(block, n - b * block);
  let valLength = 0;
  for (let b = 0; b < blocks; b++) if (isVal(b)) valLength += blockLength(b);
  let train: Int32Array;
  let val: Int32Array;
  if (valLength < T + 1 && n >= 2 * (T + 1)) {
    // a small corpus: hold out its tail (at least one window) so validation still exists
    const cut = n - Math.max(T + 1, Math.floor(n / VAL_EVERY));
    train = stream.subarray(0, cut);
    val = stream.subarray(cut);
  } else {
    train = new Int32Array(n - valLength);
    val = new Int32Array(valLength);
    let trainAt = 0;
    let valAt = 0;
    for (let b = 0; b < blocks; b++) {
      const part = stream.subarray(b * block, b * block + blockLength(b));
      if (isVal(b)) {
        val.set(part, valAt);
        valAt += part.length;
      } else {
        train.set(part, trainAt);
        trainAt += part.length;
      }
    }
  }
  if (train.length < T + 1 || val.length < T + 1) {
    throw new CorpusError(
      `the corpus is ${n} tokens; training needs more than two context windows ` +
        `(${T + 1} tokens each, for training and validation): use a longer corpus or a smaller --context`,
    );
  }
  return { train, val };
}

/** Fills tokens and targets (B, T) with B windows at random offsets of `data` (teacher forcing: targets are the next tokens). */
export function sampleBatch(
  tokens: Int32Array,
  targets: Int32Array,
  data: Int32Array,
  B: number,
  T: number,
  rng: TrainRng,
): void {
  for (let b = 0; b < B; b++) {
    const start = rng.below(data.length - T);
    for (let t = 0; t < T; t++) {
      tokens[b * T + t] = data[start + t];
      targets[b * T + t] = data[start + t + 1];
    }
  }
}

/** Start offsets of non-overlapping validation windows (each predicts T tokens), at most `limit`, evenly spread. */
export function validationWindows(data: Int32Array, T: number, limit = Infinity): number[] {
  const all = Math.floor((data.length - 1) / T);
  const count = Math.min(all, limit);
  return Array.from({ length: count }, (_, i) => Math.floor((i * all) / count) * T);
}
