// Incremental detokenization for generation: each new id yields the text it completes. Bytes go
// through one streaming TextDecoder, which holds back an incomplete UTF-8 sequence until its last byte
// arrives (a Chinese character or an emoji spread over byte tokens), so no delta ever carries a
// half character, and the deltas joined are exactly decode(ids). O(1) work per token.

import type { TokenId } from "../models/types.js";
import type { DecodeOptions, Tokenizer } from "./types.js";
import { TokenByteStream, newUtf8Decoder } from "./decode-text.js";

/** Turns a stream of ids into text deltas; one instance per sequence. */
export class StreamingDecoder {
  private readonly utf8 = newUtf8Decoder();
  private readonly bytes: TokenByteStream;

  constructor(tokenizer: Tokenizer, options?: DecodeOptions) {
    this.bytes = new TokenByteStream(tokenizer, options);
  }

  /** The text `id` completes; "" while a character is still incomplete. */
  push(id: TokenId): string {
    const bytes = this.bytes.next(id); // the same bytes decode() joins, leading-space rule included
    return bytes.length === 0 ? "" : this.utf8.decode(bytes, { stream: true });
  }

  /** The end of the sequence: held-back bytes of an unfinished character come out as U+FFFD. */
  flush(): string {
    return this.utf8.decode();
  }
}
