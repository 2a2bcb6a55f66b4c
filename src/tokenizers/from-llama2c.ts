// llama2.c tokenizer.bin (github.com/karpathy/llama2.c, tokenizer.py export, read by run.c
// build_tokenizer): u32 max_token_length, then per token: f32 score, i32 byte length, the bytes.
// The vocabulary size is not stored; the model header has it. Pieces are exported with "▁" written as
// a space and BOS/EOS as "\n<s>\n" / "\n</s>\n"; ids 0/1/2 are unk/bos/eos and byte pieces are `<0xXX>`.

import { FormatError } from "../errors.js";
import { SentencePieceBpe } from "./sentencepiece-bpe.js";
import { TokenType, byteOfPiece } from "./token-type.js";

/** More than any real vocabulary (Llama 3 has 128,256); bounds what a corrupt size can make us allocate. */
const MAX_VOCAB_SIZE = 1 << 20;
/** run.c keeps pieces in a buffer of max_token_length; real ones are under 100 bytes. */
const MAX_TOKEN_BYTES = 1 << 16;

/** Parses tokenizer.bin bytes; `expectedVocabSize` (from the model header) bounds how many tokens are read. */
export function fromLlama2c(
  bytes: Uint8Array,
  fileName: string,
  expectedVocabSize?: number,
): SentencePieceBpe {
  const fail = (field: string, offset: number, expected: string): never => {
    throw new FormatError(`${fileName}: ${field} at byte ${offset}: expected ${expected}`);
  };
  if (expectedVocabSize !== undefined && !(Number.isInteger(expectedVocabSize) && expectedVocabSize > 0)) {
    fail("vocab size", 0, `a positive vocab size from the model, got ${expectedVocabSize}`);
  }
  if (expectedVocabSize !== undefined && expectedVocabSize > MAX_VOCAB_SIZE) {
    fail("vocab size", 0, `at most ${MAX_VOCAB_SIZE} tokens, the model claims ${expectedVocabSize}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) fail("max_token_length", 0, `4 bytes, the file has ${bytes.length}`);
  const maxTokenLength = view.getInt32(0, true);
  if (maxTokenLength < 1 || maxTokenLength > MAX_TOKEN_BYTES) {
    fail("max_token_length", 0, `1..${MAX_TOKEN_BYTES}, got ${maxTokenLength}`);
  }

  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const pieces: string[] = [];
  const scores: number[] = [];
  let offset = 4;
  while (expectedVocabSize === undefined ? offset < bytes.length : pieces.length < expectedVocabSize) {
    const id = pieces.length;
    if (id >= MAX_VOCAB_SIZE) fail(`token ${id}`, offset, `at most ${MAX_VOCAB_SIZE} tokens`);
    if (offset + 8 > bytes.length) {
      fail(`token ${id} score and length`, offset, `8 bytes, ${bytes.length - offset} left in the file`);
    }
    scores.push(view.getFloat32(offset, true));
    const length = view.getInt32(offset + 4, true);
    if (length < 0 || length > maxTokenLength) {
      fail(`token ${id} length`, offset + 4, `0..${maxTokenLength} (max_token_length), got ${length}`);
    }
    offset += 8;
    if (offset + length > bytes.length) {
      fail(`token ${id} bytes`, offset, `${length} bytes, ${bytes.length - offset} left in the file`);
    }
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(offset, offset + length));
    } catch (cause) {
      throw new FormatError(`${fileName}: token ${id} bytes at byte ${offset}: expected UTF-8 text`, {
        cause,
      });
    }
    pieces.push(text);
    offset += length;
  }
  if (expectedVocabSize !== undefined && offset !== bytes.length) {
    const more = countTokens(view, offset);
    throw new FormatError(
      `${fileName}: the model's vocabulary has ${expectedVocabSize} tokens but this tokenizer.bin has ` +
        (more === undefined
          ? `${bytes.length - offset} more bytes after token ${expectedVocabSize - 1}`
          : `${expectedVocabSize + more}`) +
        "; they do not belong together",
    );
  }
  if (pieces.length < 3) fail("tokens", offset, `at least 3 tokens (unk, bos, eos), got ${pieces.length}`);
  return fromLlama2cPieces(pieces, scores);
}

/** How many whole tokens lie from `offset` to the end of the file, or undefined if they do not end exactly there. */
function countTokens(view: DataView, offset: number): number | undefined {
  let count = 0;
  while (offset + 8 <= view.byteLength && count < MAX_VOCAB_SIZE) {
    const length = view.getInt32(offset + 4, true);
    if (length < 0 || length > MAX_TOKEN_BYTES) return undefined;
    offset += 8 + length;
    count++;
  }
  return offset === view.byteLength ? count : undefined;
}

function fromLlama2cPieces(exported: string[], scores: number[]): SentencePieceBpe {
  const types: number[] = [];
  const pieces = exported.map((text, id) => {
    if (id === 0) {
      types.push(TokenType.unknown);
      return text;
    }
    if (id === 1 || id === 2) {
      types.push(TokenType.control);
      return text.trim(); // "\n<s>\n" -> "<s>"
    }
    types.push(byteOfPiece(text) === undefined ? TokenType.normal : TokenType.byte);
    return text.replaceAll(" ", "\u2581");
  });
  return new SentencePieceBpe({
    pieces,
    types,
    scores,
    bosTokenId: 1,
    eosTokenIds: [2],
    unkTokenId: 0,
    addBos: true,
    addEos: false,
    addDummyPrefix: true,
  });
}
