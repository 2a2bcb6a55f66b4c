import type { TokenId } from "../models/types.js";

/** Text ↔ token ids. */
export interface Tokenizer {
  /** `addSpecialTokens` (default true) adds BOS where the tokenizer's config asks for it. */
  encode(text: string, options?: { addSpecialTokens?: boolean }): TokenId[];
  decode(ids: ArrayLike<number>, options?: { skipSpecialTokens?: boolean }): string;
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
}
