// SentencePiece-style BPE with byte fallback: Llama 2, TinyLlama, llama2.c tokenizer.bin, GGUF "llama".
// Follows sentencepiece bpe_model.cc (and llama.cpp's SPM tokenizer): the text gets a dummy-prefix "▁",
// spaces become "▁", it is split into code points (user-defined pieces kept whole and frozen), then the
// adjacent pair whose merge is best is merged until none is left. "Best" is the highest piece score
// (sentencepiece, tokenizer.bin, GGUF) or the lowest merge rank (tokenizer.json). Symbols missing from
// the vocabulary become their UTF-8 bytes as `<0xXX>` pieces, or <unk> without byte pieces.
//
// Control tokens written in the text ("<s>") are matched as their ids when parseSpecialTokens is on (the
// default), as Hugging Face and llama.cpp do; sentencepiece itself never does that. Each text segment
// after a matched token gets its own dummy prefix, as in llama.cpp (tokenizer_add_space_prefix after a
// special token) and HF's legacy Llama normalizer.

import type { TokenId } from "../models/types.js";
import { InvalidOptionError } from "../errors.js";
import type { DecodeOptions, EncodeOptions, Tokenizer } from "./types.js";
import { mergeSymbols, type PairRank } from "./bpe-merge.js";
import { SpecialTokenSplitter } from "./special-tokens.js";
import { decodeIds } from "./decode-text.js";
import { TokenType, byteOfPiece, toWellFormed, utf8 } from "./token-type.js";

const SPACE = "\u2581"; // "▁", sentencepiece's kSpaceSymbol

/** A SentencePiece vocabulary; ids are array indices. */
export interface SentencePieceVocab {
  readonly pieces: readonly string[];
  /** Types per id (TokenType values). */
  readonly types: ArrayLike<number>;
  /** Scores per id: merge into the highest-scoring piece first (sentencepiece, tokenizer.bin, GGUF). */
  readonly scores?: ArrayLike<number>;
  /** Or merge rules, best first (tokenizer.json): a pair merges only if listed. */
  readonly merges?: readonly (readonly [string, string])[];
  readonly bosTokenId?: TokenId;
  readonly eosTokenIds: TokenId[];
  readonly unkTokenId?: TokenId;
  readonly addBos: boolean;
  readonly addEos: boolean;
  /** Prepend "▁" to non-empty text (sentencepiece add_dummy_prefix). */
  readonly addDummyPrefix: boolean;
  /** Also prepend it to text that follows a special token (default true; HF Metaspace "first": false). */
  readonly dummyPrefixAfterSpecial?: boolean;
  readonly chatTemplate?: string;
}

/** SentencePiece BPE tokenizer over a vocabulary with scores or merges. */
export class SentencePieceBpe implements Tokenizer {
  readonly vocabSize: number;
  readonly bosTokenId?: TokenId;
  readonly eosTokenIds: TokenId[];
  readonly chatTemplate?: string;
  readonly removesDummyPrefix: boolean;
  private readonly pieceIds = new Map<string, TokenId>(); // pieces text can turn into
  private readonly byteIds = new Int32Array(256).fill(-1);
  private readonly userDefined = new Map<string, string[]>(); // first char -> pieces, longest first
  private readonly splitter: SpecialTokenSplitter;
  private readonly rankOf: PairRank;
  private readonly bytesCache: (Uint8Array | undefined)[] = [];

  constructor(private readonly vocab: SentencePieceVocab) {
    const { pieces, types } = vocab;
    this.vocabSize = pieces.length;
    this.bosTokenId = vocab.bosTokenId;
    this.eosTokenIds = vocab.eosTokenIds;
    this.chatTemplate = vocab.chatTemplate;
    this.removesDummyPrefix = vocab.addDummyPrefix;
    const specials = [];
    for (let id = 0; id < pieces.length; id++) {
      const type = types[id];
      const piece = pieces[id];
      if (type === TokenType.byte) {
        const byte = byteOfPiece(piece);
        if (byte !== undefined && this.byteIds[byte] < 0) this.byteIds[byte] = id;
      } else if (type === TokenType.control || type === TokenType.unknown) {
        specials.push({ id, content: piece, special: true });
      } else if (!this.pieceIds.has(piece)) {
        if (type !== TokenType.unused) this.pieceIds.set(piece, id);
        if (type === TokenType.userDefined && piece !== "") {
          const list = this.userDefined.get(piece[0]) ?? [];
          list.push(piece);
          list.sort((a, b) => b.length - a.length);
          this.userDefined.set(piece[0], list);
        }
      }
    }
    this.splitter = new SpecialTokenSplitter(specials);
    this.rankOf = vocab.merges === undefined ? this.scoreRank(vocab.scores) : this.mergeRank(vocab.merges);
  }

  encode(text: string, options?: EncodeOptions): TokenId[] {
    const addSpecial = options?.addSpecialTokens ?? true;
    const out: TokenId[] = [];
    if (addSpecial && this.vocab.addBos && this.bosTokenId !== undefined) out.push(this.bosTokenId);
    let wantsPrefix = this.vocab.addDummyPrefix;
    for (const segment of this.splitter.split(
      toWellFormed(text),
      options?.parseSpecialTokens ?? true,
      options?.plainTextRanges,
    )) {
      if ("id" in segment) {
        out.push(segment.id);
        wantsPrefix ||= this.vocab.addDummyPrefix && (this.vocab.dummyPrefixAfterSpecial ?? true);
        continue;
      }
      this.encodeNormalized((wantsPrefix ? SPACE : "") + segment.text.replaceAll(" ", SPACE), out);
      wantsPrefix = false;
    }
    const eos = this.eosTokenIds[0];
    if (addSpecial && this.vocab.addEos && eos !== undefined) out.push(eos);
    return out;
  }

  decode(ids: ArrayLike<number>, options?: DecodeOptions): string {
    return decodeIds(this, ids, options);
  }

  tokenToString(id: TokenId): string {
    this.check(id);
    return this.vocab.pieces[id];
  }

  tokenBytes(id: TokenId): Uint8Array {
    this.check(id);
    let bytes = this.bytesCache[id];
    if (bytes === undefined) {
      const type = this.vocab.types[id];
      const piece = this.vocab.pieces[id];
      const byte = type === TokenType.byte ? byteOfPiece(piece) : undefined;
      if (byte !== undefined) bytes = Uint8Array.of(byte);
      else if (this.isSpecial(id)) bytes = new Uint8Array(0);
      else bytes = utf8(piece.replaceAll(SPACE, " "));
      this.bytesCache[id] = bytes;
    }
    return bytes;
  }

  isSpecial(id: TokenId): boolean {
    const type = this.vocab.types[id];
    return type === TokenType.control || type === TokenType.unknown;
  }

  /** Appends the ids of already-normalized text ("▁" for spaces, dummy prefix added). */
  private encodeNormalized(text: string, out: TokenId[]): void {
    const symbols: string[] = [];
    const frozen: boolean[] = [];
    for (let i = 0; i < text.length;) {
      const whole = this.userDefined.get(text[i])?.find((piece) => text.startsWith(piece, i));
      const cp = text.codePointAt(i) ?? 0;
      const symbol = whole ?? String.fromCodePoint(cp);
      symbols.push(symbol);
      frozen.push(whole !== undefined);
      i += symbol.length;
    }
    for (const symbol of mergeSymbols(symbols, this.rankOf, frozen)) {
      const id = this.pieceIds.get(symbol);
      if (id !== undefined) {
        out.push(id);
        continue;
      }
      for (const byte of utf8(symbol)) {
        const byteId = this.byteIds[byte];
        if (byteId >= 0) out.push(byteId);
        else if (this.vocab.unkTokenId !== undefined) out.push(this.vocab.unkTokenId);
      }
    }
  }

  private scoreRank(scores: ArrayLike<number> | undefined): PairRank {
    return (left, right) => {
      const id = this.pieceIds.get(left + right);
      return id === undefined ? undefined : -(scores?.[id] ?? -id);
    };
  }

  private mergeRank(merges: readonly (readonly [string, string])[]): PairRank {
    const ranks = new Map<string, number>();
    merges.forEach(([a, b], rank) => {
      const key = `${a}\u0000${b}`;
      if (!ranks.has(key)) ranks.set(key, rank);
    });
    return (left, right) => {
      const rank = ranks.get(`${left}\u0000${right}`);
      return rank !== undefined && this.pieceIds.has(left + right) ? rank : undefined;
    };
  }

  private check(id: TokenId): void {
    if (!(Number.isInteger(id) && id >= 0 && id < this.vocabSize)) {
      throw new InvalidOptionError("token id", id, `an integer in [0, ${this.vocabSize})`);
    }
  }
}
