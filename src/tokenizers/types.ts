import type { TokenId } from "../models/types.js";

/** Options of `Tokenizer.encode`. */
export interface EncodeOptions {
  /** Add BOS (and EOS) where the tokenizer's config asks for it. Default true. */
  addSpecialTokens?: boolean;
  /**
   * Match special tokens written in the text ("<s>", "<|endoftext|>") as their ids, as Hugging Face
   * tokenizers and llama.cpp (parse_special) do. Default true; false encodes them as plain text,
   * which is what untrusted user text should get.
   */
  parseSpecialTokens?: boolean;
  /**
   * [start, end) UTF-16 offsets into the text that are plain text even while special tokens are
   * parsed elsewhere: a special token overlapping one of them is encoded as its characters. Chat
   * rendering marks each message's content this way, so user text cannot forge the template's tokens.
   */
  plainTextRanges?: ReadonlyArray<readonly [number, number]>;
}

/** Options of `Tokenizer.decode`. */
export interface DecodeOptions {
  /** Drop control/special tokens (BOS, EOS, added special tokens) instead of writing their text. */
  skipSpecialTokens?: boolean;
}

/** Text ↔ token ids. */
export interface Tokenizer {
  /** `addSpecialTokens` (default true) adds BOS where the tokenizer's config asks for it. */
  encode(text: string, options?: EncodeOptions): TokenId[];
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  readonly vocabSize: number;
  readonly bosTokenId?: TokenId;
  readonly eosTokenIds: TokenId[];
  /** The vocabulary piece of `id` as stored (e.g. "▁the", "Ġthe", "<0x0A>"). */
  tokenToString(id: TokenId): string;
  /** The raw bytes `id` stands for in decoded text ([] for control tokens). */
  tokenBytes(id: TokenId): Uint8Array;
  /** True for control/special tokens (BOS, EOS, added special tokens). */
  isSpecial(id: TokenId): boolean;
  /** Chat template (Jinja source) from tokenizer_config.json or GGUF, when present. */
  readonly chatTemplate?: string;
  /**
   * SentencePiece add_dummy_prefix: decoding drops the leading space of the first piece that starts
   * with "▁" when nothing has been written before it (sentencepiece's Decode rule).
   */
  readonly removesDummyPrefix?: boolean;
}
