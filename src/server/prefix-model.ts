// A model whose first session continues a held one: generate() over a playground session's tokens
// forks that session's KV cache instead of recomputing the prefix, and can keep the sequence it
// generated (its session, tokens and last logits) for later branching.
import type { Model } from "../load-model.js";
import { logitsOut } from "../models/session.js";
import type { ForwardOptions, LanguageModel, Session, TokenId } from "../models/types.js";
import type { GenerationOptions } from "../generation/types.js";
import type { Tokenizer } from "../tokenizers/types.js";

/** A sequence and its cache: where generation starts from, or what it leaves behind. */
export interface CachedSequence {
  session: Session;
  /** The tokens the cache holds. */
  tokens: TokenId[];
  /** Next-token logits after `tokens`. */
  logits: Float32Array;
}

/**
 * Wraps `model`. The first session handed out continues `start` (when given; the wrapper owns
 * start.session, so pass a fork): its first forward() over a sequence beginning with start's tokens
 * computes only the rest. With `keep`, that first session is not disposed when generation ends;
 * `kept` then holds it and the caller owns it. Later sessions (the strategy's forks) are the model's
 * own. dispose() frees start.session if no session was ever handed out.
 */
export class PrefixModel implements LanguageModel {
  readonly vocabSize: number;
  readonly contextLength?: number;
  readonly tokenizer: Tokenizer;
  readonly generationConfig: GenerationOptions;
  kept: CachedSequence | undefined;
  private handedOut = false;

  constructor(
    private readonly model: Model,
    private readonly start: CachedSequence | undefined,
    private readonly keep: boolean,
  ) {
    this.vocabSize = model.vocabSize;
    this.contextLength = model.contextLength;
    this.tokenizer = model.tokenizer;
    this.generationConfig = model.generationConfig;
  }

  newSession(): Session {
    if (this.handedOut) return this.model.newSession();
    this.handedOut = true;
    const inner = this.start === undefined ? this.model.newSession() : this.start.session;
    return new PrefixSession(inner, this.start, (kept) => {
      if (this.keep) this.kept = kept;
      return this.keep;
    });
  }

  dispose(): void {
    if (!this.handedOut) this.start?.session.dispose();
    this.handedOut = true;
  }
}

/** Tracks what it forwarded; its first forward reuses the start's cache for the common prefix. */
class PrefixSession implements Session {
  private tokens: TokenId[];
  private logits: Float32Array | undefined;
  private pending: CachedSequence | undefined;

  constructor(
    private readonly inner: Session,
    start: CachedSequence | undefined,
    private readonly onDispose: (kept: CachedSequence) => boolean,
  ) {
    this.tokens = start?.tokens.slice() ?? [];
    this.logits = start?.logits;
    this.pending = start;
  }

  get position(): number {
    return this.inner.position;
  }

  forward(tokens: ArrayLike<number>, options?: ForwardOptions): Float32Array {
    const ids = Array.from(tokens);
    const start = this.pending;
    this.pending = undefined;
    if (start !== undefined && options?.allLogits !== true) {
      const common = commonPrefix(start.tokens, ids);
      if (common === ids.length && common === start.tokens.length) {
        const out = logitsOut(options, start.logits.length);
        out.set(start.logits);
        return out;
      }
      // keep the cached positions both share, and at least one new one to get logits from
      const reuse = Math.min(common, ids.length - 1);
      this.inner.rewind(reuse);
      this.tokens = ids.slice(0, reuse);
      return this.append(ids.slice(reuse), options);
    }
    return this.append(ids, options);
  }

  fork(): Session {
    return this.inner.fork();
  }

  rewind(position: number): void {
    this.inner.rewind(position);
    this.tokens.length = position;
  }

  dispose(): void {
    const logits = this.logits;
    if (logits !== undefined && this.onDispose({ session: this.inner, tokens: this.tokens, logits })) return;
    this.inner.dispose();
  }

  private append(ids: TokenId[], options?: ForwardOptions): Float32Array {
    const out = this.inner.forward(ids, options);
    this.tokens.push(...ids);
    const V = out.length / (options?.allLogits === true ? ids.length : 1);
    this.logits = out.slice(out.length - V);
    return out;
  }
}

function commonPrefix(a: readonly TokenId[], b: readonly TokenId[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}
