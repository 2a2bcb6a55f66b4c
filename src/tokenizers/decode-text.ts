// Ids -> text, shared by decode() and the streaming decoder so both follow one rule: bytes of every
// token are joined first and turned into UTF-8 text once, so characters spread over byte-fallback or
// byte-level tokens come out whole, and only truly invalid bytes become U+FFFD.

import type { TokenId } from "../models/types.js";
import type { DecodeOptions, Tokenizer } from "./types.js";
import { utf8 } from "./token-type.js";

const EMPTY = new Uint8Array(0);

/**
 * The bytes each id adds to decoded text, in order. A SentencePiece tokenizer drops the space its
 * dummy prefix put before the first piece: once, and only while nothing has been written yet
 * (sentencepiece's Decode: is_bos_ws / bos_ws_seen; HF's Strip decoder on the fused text).
 */
export class TokenByteStream {
  private atStart = true;

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly options?: DecodeOptions,
  ) {}

  next(id: TokenId): Uint8Array {
    const tokenizer = this.tokenizer;
    let bytes: Uint8Array;
    if (tokenizer.isSpecial(id)) {
      bytes = this.options?.skipSpecialTokens === true ? EMPTY : utf8(tokenizer.tokenToString(id));
    } else {
      bytes = tokenizer.tokenBytes(id);
      // sentencepiece strips the "▁" of a piece, never a <0x20> byte piece
      if (this.atStart && tokenizer.removesDummyPrefix === true && bytes[0] === 0x20) {
        if (tokenizer.tokenToString(id).startsWith("\u2581")) {
          this.atStart = false;
          return bytes.subarray(1);
        }
      }
    }
    if (bytes.length > 0) this.atStart = false;
    return bytes;
  }
}

/** A UTF-8 decoder that keeps U+FEFF at the start (TextDecoder drops a leading BOM by default). */
export function newUtf8Decoder(): InstanceType<typeof TextDecoder> {
  return new TextDecoder("utf-8", { ignoreBOM: true });
}

/** decode() for any Tokenizer built from tokenBytes/isSpecial/tokenToString. */
export function decodeIds(tokenizer: Tokenizer, ids: ArrayLike<number>, options?: DecodeOptions): string {
  const stream = new TokenByteStream(tokenizer, options);
  const parts: Uint8Array[] = [];
  let length = 0;
  for (let i = 0; i < ids.length; i++) {
    const bytes = stream.next(ids[i]);
    parts.push(bytes);
    length += bytes.length;
  }
  const all = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return newUtf8Decoder().decode(all);
}
