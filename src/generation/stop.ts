// Generated tokens -> text deltas, with stop strings. Two things are held back from the stream: the
// bytes of a UTF-8 character that is not complete yet (the tokenizers' StreamingDecoder keeps them),
// and the longest suffix of the text that is the beginning of a stop string, so the streamed text
// never shows a prefix of a stop string that later completes. Stop strings are found in the decoded
// text, so one that spans several tokens is found too; the text is cut where it begins (excluded).
import type { TokenId } from "../models/types.js";
import { StreamingDecoder } from "../tokenizers/streaming-decoder.js";
import type { Tokenizer } from "../tokenizers/types.js";

/** What one token added to the text. */
export interface TextDelta {
  /** Text that can be shown now (may be "" while something is held back). */
  text: string;
  /** A stop string completed with this token; the text ends where it began. */
  stopped: boolean;
}

/**
 * Text of one generated sequence: its tokens decoded with special tokens skipped, the deltas adding
 * up to `text`. The decoder is first run over the prompt (output dropped), so a generated "▁word"
 * keeps its space after a prompt with text: only text that starts the output loses the
 * SentencePiece dummy-prefix space, as in decode().
 */
export class TextStream {
  private readonly decoder: StreamingDecoder | undefined;
  private readonly stops: readonly string[];
  /** Everything decoded so far (cut at a stop string once one is found). */
  private decoded = "";
  /** How many characters of `decoded` were handed out. */
  private emitted = 0;
  private stoppedAt = -1;

  constructor(
    tokenizer: Tokenizer | undefined,
    stops: readonly string[] = [],
    prompt: readonly TokenId[] = [],
  ) {
    this.stops = stops.filter((s) => s.length > 0);
    if (tokenizer === undefined) return;
    this.decoder = new StreamingDecoder(tokenizer, { skipSpecialTokens: true });
    for (const token of prompt) this.decoder.push(token);
  }

  /** The text so far, including what is held back. */
  get text(): string {
    return this.decoded;
  }

  get stopped(): boolean {
    return this.stoppedAt >= 0;
  }

  /** Adds a token and returns the text that may be shown now. */
  push(token: TokenId): TextDelta {
    if (this.stopped || this.decoder === undefined) return { text: "", stopped: this.stopped };
    this.decoded += this.decoder.push(token);
    return this.release();
  }

  /** Ends the sequence: flushes the held-back text (an incomplete UTF-8 tail becomes U+FFFD). */
  finish(): TextDelta {
    if (this.stopped || this.decoder === undefined) return { text: "", stopped: this.stopped };
    this.decoded += this.decoder.flush();
    const delta = this.release();
    if (delta.stopped) return delta;
    const rest = this.decoded.slice(this.emitted);
    this.emitted = this.decoded.length;
    return { text: delta.text + rest, stopped: false };
  }

  private release(): TextDelta {
    // A stop string that completes now starts inside the held-back tail, never in the emitted text.
    const at = findStop(this.decoded, this.stops, this.emitted);
    if (at >= 0) {
      this.stoppedAt = at;
      const text = this.decoded.slice(this.emitted, at);
      this.decoded = this.decoded.slice(0, at);
      this.emitted = at;
      return { text, stopped: true };
    }
    const until = this.decoded.length - heldBackLength(this.decoded, this.stops);
    const text = this.decoded.slice(this.emitted, until);
    this.emitted = Math.max(this.emitted, until);
    return { text, stopped: false };
  }
}

/** Index of the earliest stop string in `text` at or after `from`, or -1. */
export function findStop(text: string, stops: readonly string[], from = 0): number {
  let best = -1;
  for (const stop of stops) {
    const at = text.indexOf(stop, from);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}

/** Length of the longest suffix of `text` that is a proper prefix of some stop string. */
export function heldBackLength(text: string, stops: readonly string[]): number {
  let longest = 0;
  for (const stop of stops) {
    for (let n = Math.min(stop.length - 1, text.length); n > longest; n--) {
      if (text.endsWith(stop.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}
