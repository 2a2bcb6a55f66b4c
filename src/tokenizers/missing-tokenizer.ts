import { FormatError } from "../errors.js";
import type { TokenId } from "../models/types.js";
import type { Tokenizer } from "./types.js";

/**
 * Stands in for the tokenizer of a checkpoint that ships none (a bare safetensors directory): the
 * model still runs on token ids, decode writes ids as `<id>`, and encode says what to pass.
 */
export class MissingTokenizer implements Tokenizer {
  readonly eosTokenIds: TokenId[];

  constructor(
    readonly vocabSize: number,
    private readonly modelSource: string,
    readonly bosTokenId?: TokenId,
    eosTokenIds: TokenId[] = [],
  ) {
    this.eosTokenIds = eosTokenIds;
  }

  encode(): TokenId[] {
    throw new FormatError(
      `${this.modelSource}: the model has no tokenizer; pass one (--tokenizer) or give token ids`,
    );
  }

  decode(ids: ArrayLike<number>): string {
    return Array.from(ids, (id) => this.tokenToString(id)).join("");
  }

  tokenToString(id: TokenId): string {
    return `<${id}>`;
  }

  tokenBytes(id: TokenId): Uint8Array {
    return new TextEncoder().encode(this.tokenToString(id));
  }

  isSpecial(): boolean {
    return false;
  }
}
