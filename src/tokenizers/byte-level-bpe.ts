// GPT-2 style byte-level BPE (GPT-2, Llama 3, Qwen2), as in OpenAI's gpt-2 encoder.py and Hugging Face
// tokenizers: special tokens are cut out of the text first, the rest is split into words by a regex,
// each word's UTF-8 bytes are written as printable characters (bytes -> unicode map) and merged by
// rank, lowest first. With ignoreMerges (Llama 3), a word that is itself a vocabulary piece is taken whole.

import type { TokenId } from "../models/types.js";
import { FormatError, InvalidOptionError } from "../errors.js";
import type { DecodeOptions, EncodeOptions, Tokenizer } from "./types.js";
import { mergeSymbols, type PairRank } from "./bpe-merge.js";
import { SpecialTokenSplitter, type SpecialToken } from "./special-tokens.js";
import { decodeIds } from "./decode-text.js";
import type { Pretokenizer } from "./pretokenizer.js";
import { TokenType, toWellFormed, utf8 } from "./token-type.js";

/** HF's word cache holds 10,000 words; cleared when full so memory stays bounded on long inputs. */
const WORD_CACHE_LIMIT = 10_000;

/** A byte-level BPE vocabulary; ids are array indices (holes allowed for unused ids). */
export interface ByteLevelVocab {
  /** Byte-level strings ("Ġthe"); special and added tokens as their text. */
  readonly pieces: readonly (string | undefined)[];
  /** Types per id (TokenType values): control = special added token, userDefined = added token. */
  readonly types: ArrayLike<number>;
  /** Merge rules, best first. */
  readonly merges: readonly (readonly [string, string])[];
  /** Cuts text into words (gpt2Scanner, …; see pretokenizer.ts). */
  readonly pretokenizer: Pretokenizer;
  readonly ignoreMerges: boolean;
  /** ByteLevel add_prefix_space: a space is put before text that doesn't start with one. */
  readonly addPrefixSpace: boolean;
  readonly normalization?: "NFC" | "NFKC";
  /** lstrip/rstrip of added tokens by id, from tokenizer.json. */
  readonly strip?: ReadonlyMap<TokenId, { lstrip: boolean; rstrip: boolean }>;
  readonly bosTokenId?: TokenId;
  readonly eosTokenIds: TokenId[];
  readonly addBos: boolean;
  readonly addEos: boolean;
  readonly chatTemplate?: string;
  /** For error messages. */
  readonly fileName: string;
}

/** Byte-level BPE tokenizer. */
export class ByteLevelBpe implements Tokenizer {
  readonly vocabSize: number;
  readonly bosTokenId?: TokenId;
  readonly eosTokenIds: TokenId[];
  readonly chatTemplate?: string;
  private readonly ids = new Map<string, TokenId>();
  private readonly ranks = new Map<string, number>();
  private readonly splitter: SpecialTokenSplitter;
  private readonly cache = new Map<string, TokenId[]>();
  private readonly bytesCache: (Uint8Array | undefined)[] = [];
  private readonly rankOf: PairRank;

  constructor(private readonly vocab: ByteLevelVocab) {
    this.vocabSize = vocab.pieces.length;
    this.bosTokenId = vocab.bosTokenId;
    this.eosTokenIds = vocab.eosTokenIds;
    this.chatTemplate = vocab.chatTemplate;
    const specials: SpecialToken[] = [];
    vocab.pieces.forEach((piece, id) => {
      if (piece === undefined) return;
      const type = vocab.types[id];
      if (type === TokenType.control || type === TokenType.userDefined) {
        specials.push({ id, content: piece, special: type === TokenType.control, ...vocab.strip?.get(id) });
      } else if (!this.ids.has(piece)) {
        this.ids.set(piece, id);
      }
    });
    this.splitter = new SpecialTokenSplitter(specials);
    for (let byte = 0; byte < 256; byte++) {
      if (!this.ids.has(BYTE_TO_CHAR[byte])) {
        const hex = byte.toString(16).padStart(2, "0");
        throw new FormatError(`${vocab.fileName}: the byte-level vocabulary has no piece for byte 0x${hex}`);
      }
    }
    vocab.merges.forEach(([a, b], rank) => {
      const key = `${a} ${b}`;
      if (!this.ranks.has(key)) this.ranks.set(key, rank);
    });
    this.rankOf = (left, right) => this.ranks.get(`${left} ${right}`);
  }

  encode(text: string, options?: EncodeOptions): TokenId[] {
    const addSpecial = options?.addSpecialTokens ?? true;
    const out: TokenId[] = [];
    if (addSpecial && this.vocab.addBos && this.bosTokenId !== undefined) out.push(this.bosTokenId);
    for (const segment of this.splitter.split(
      toWellFormed(text),
      options?.parseSpecialTokens ?? true,
      options?.plainTextRanges,
    )) {
      if ("id" in segment) out.push(segment.id);
      else this.encodeText(segment.text, out);
    }
    const eos = this.eosTokenIds[0];
    if (addSpecial && this.vocab.addEos && eos !== undefined) out.push(eos);
    return out;
  }

  decode(ids: ArrayLike<number>, options?: DecodeOptions): string {
    return decodeIds(this, ids, options);
  }

  tokenToString(id: TokenId): string {
    return this.pieceOf(id);
  }

  tokenBytes(id: TokenId): Uint8Array {
    let bytes = this.bytesCache[id];
    if (bytes === undefined) {
      const piece = this.pieceOf(id);
      const type = this.vocab.types[id];
      if (type === TokenType.control) bytes = new Uint8Array(0);
      else if (type === TokenType.userDefined) bytes = utf8(piece);
      else bytes = Uint8Array.from(piece, (c) => CHAR_TO_BYTE.get(c) ?? 0x3f);
      this.bytesCache[id] = bytes;
    }
    return bytes;
  }

  isSpecial(id: TokenId): boolean {
    return this.vocab.types[id] === TokenType.control;
  }

  private encodeText(text: string, out: TokenId[]): void {
    if (this.vocab.normalization !== undefined) text = text.normalize(this.vocab.normalization);
    if (this.vocab.addPrefixSpace && text !== "" && !text.startsWith(" ")) text = " " + text;
    for (const word of this.vocab.pretokenizer(text)) {
      let ids = this.cache.get(word);
      if (ids === undefined) {
        ids = this.encodeWord(word);
        if (this.cache.size >= WORD_CACHE_LIMIT) this.cache.clear();
        this.cache.set(word, ids);
      }
      for (const id of ids) out.push(id);
    }
  }

  private encodeWord(word: string): TokenId[] {
    const symbols = Array.from(utf8(word), (byte) => BYTE_TO_CHAR[byte]);
    const whole = this.vocab.ignoreMerges ? this.ids.get(symbols.join("")) : undefined;
    if (whole !== undefined) return [whole];
    // every merge result is a vocabulary piece in real files; a missing one falls back to its bytes
    return mergeSymbols(symbols, this.rankOf).flatMap((symbol) => {
      const id = this.ids.get(symbol);
      return id !== undefined ? [id] : Array.from(symbol, (c) => this.ids.get(c) ?? 0);
    });
  }

  private pieceOf(id: TokenId): string {
    const piece = Number.isInteger(id) ? this.vocab.pieces[id] : undefined;
    if (piece === undefined) {
      throw new InvalidOptionError("token id", id, `an id of this vocabulary (below ${this.vocabSize})`);
    }
    return piece;
  }
}

/**
 * GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the other 68 bytes map to
 * U+0100 onwards in byte order, so every byte string is a string of visible characters (" " -> "Ġ").
 */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const chars: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    chars.push(String.fromCharCode(printable ? b : next++));
  }
  return chars;
})();

const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));
