// Token types as GGUF stores them (tokenizer.ggml.token_type), which are sentencepiece's
// ModelProto.SentencePiece.Type values; tokenizer.json and tokenizer.bin types are mapped onto these.

export const TokenType = {
  normal: 1,
  unknown: 2,
  /** BOS, EOS and other special tokens: written in text only by parsing specials, dropped by skipSpecialTokens. */
  control: 3,
  /** Always matched whole in text, never split (sentencepiece user_defined_symbols, HF non-special added tokens). */
  userDefined: 4,
  unused: 5,
  /** `<0xXX>`: one raw byte (SentencePiece byte fallback). */
  byte: 6,
} as const;

export type TokenType = (typeof TokenType)[keyof typeof TokenType];

/** The byte a `<0xXX>` piece stands for, or undefined for any other piece. */
export function byteOfPiece(piece: string): number | undefined {
  const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece);
  return m === null ? undefined : parseInt(m[1], 16);
}

/** Replaces lone UTF-16 surrogates with U+FFFD, as TextEncoder would, so every code point is valid. */
export function toWellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, "\uFFFD");
}

const encoder = new TextEncoder();

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
