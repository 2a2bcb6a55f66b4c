// Splits text around tokens that are matched whole before any other processing: special tokens such as
// "<|endoftext|>" or "<s>" (Hugging Face added_tokens, llama.cpp's tokenizer_st_partition), and added
// non-special tokens. Longest match wins; lstrip/rstrip eat the whitespace beside a match as HF does.

import type { TokenId } from "../models/types.js";

export interface SpecialToken {
  readonly id: TokenId;
  readonly content: string;
  /** Matched only when the caller parses special tokens (control tokens); false: always matched. */
  readonly special: boolean;
  readonly lstrip?: boolean;
  readonly rstrip?: boolean;
}

/** A piece of the input: plain text to tokenize, or the id of a matched token. */
export type Segment = { readonly text: string } | { readonly id: TokenId };

/** Matches the given tokens in text; build once per tokenizer. */
export class SpecialTokenSplitter {
  private readonly all: RegExp | undefined;
  private readonly alwaysOn: RegExp | undefined;
  private readonly byContent = new Map<string, SpecialToken>();

  constructor(tokens: readonly SpecialToken[]) {
    for (const token of tokens) if (token.content !== "") this.byContent.set(token.content, token);
    this.all = alternation([...this.byContent.values()]);
    this.alwaysOn = alternation([...this.byContent.values()].filter((t) => !t.special));
  }

  /**
   * Segments of `text`. A special token overlapping a `plain` range ([start, end) offsets) is not
   * matched there: the search goes on one character later, so always-on tokens inside still match.
   */
  split(
    text: string,
    parseSpecial: boolean,
    plain: ReadonlyArray<readonly [number, number]> = [],
  ): Segment[] {
    const pattern = parseSpecial ? this.all : this.alwaysOn;
    if (pattern === undefined) return text === "" ? [] : [{ text }];
    const out: Segment[] = [];
    let start = 0;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const token = this.byContent.get(m[0]);
      if (token === undefined || m.index < start) continue;
      const end = m.index + m[0].length;
      if (token.special && plain.some(([from, to]) => m.index < to && from < end)) {
        pattern.lastIndex = m.index + ((text.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1);
        continue;
      }
      let before = text.slice(start, m.index);
      if (token.lstrip === true) before = before.trimEnd();
      if (before !== "") out.push({ text: before });
      out.push({ id: token.id });
      start = end;
      if (token.rstrip === true) {
        const rest = text.slice(start);
        start += rest.length - rest.trimStart().length;
      }
    }
    const tail = text.slice(start);
    if (tail !== "") out.push({ text: tail });
    return out;
  }
}

function alternation(tokens: SpecialToken[]): RegExp | undefined {
  if (tokens.length === 0) return undefined;
  const sorted = tokens.map((t) => t.content).sort((a, b) => b.length - a.length);
  // The syntax characters only: with the u flag an escaped "-" (or any other) is a SyntaxError.
  return new RegExp(sorted.map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|"), "gu");
}
