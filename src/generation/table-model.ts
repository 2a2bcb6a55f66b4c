// A LanguageModel over a lookup table, for tests: the logits of the next token are
// table[ids[-2]][ids[-1]], a (V, V, V) float32 array, as in ../shared/golden/beam/cases.json.
import { ContextOverflowError, DisposedError, InvalidOptionError } from "../errors.js";
import { logitsOut } from "../models/session.js";
import type { ForwardOptions, LanguageModel, Session, TokenId } from "../models/types.js";

/** What a TableModel's sessions have done, shared by every session and fork. */
export interface TableModelCounters {
  /** Session.forward calls. */
  forwardCalls: number;
  /** Tokens fed through forward. */
  tokensFed: number;
  /** Session.fork calls. */
  forks: number;
  /** Sessions not yet disposed. */
  liveSessions: number;
}

/**
 * A trigram table model: next-token logits depend on the last two tokens only. With fewer than two
 * tokens so far, the missing ones read as id 0. Sessions support fork and rewind and are counted.
 */
export class TableModel implements LanguageModel {
  readonly counters: TableModelCounters = { forwardCalls: 0, tokensFed: 0, forks: 0, liveSessions: 0 };
  readonly contextLength: number;

  constructor(
    readonly table: Float32Array,
    readonly vocabSize: number,
    options: { contextLength?: number } = {},
  ) {
    if (table.length !== vocabSize ** 3) {
      throw new InvalidOptionError("table", `${table.length} values`, `V^3 = ${vocabSize ** 3} values`);
    }
    this.contextLength = options.contextLength ?? Infinity;
  }

  newSession(): Session {
    return new TableSession(this, []);
  }

  /** logits (V,) after the sequence `ids`, a view into the table. */
  logitsAfter(ids: readonly TokenId[]): Float32Array {
    const V = this.vocabSize;
    const a = ids.length >= 2 ? ids[ids.length - 2] : 0;
    const b = ids.length >= 1 ? ids[ids.length - 1] : 0;
    const offset = (a * V + b) * V;
    return this.table.subarray(offset, offset + V);
  }
}

class TableSession implements Session {
  private disposed = false;

  constructor(
    private readonly model: TableModel,
    private readonly ids: TokenId[],
  ) {
    model.counters.liveSessions++;
  }

  get position(): number {
    return this.ids.length;
  }

  forward(tokens: ArrayLike<number>, options: ForwardOptions = {}): Float32Array {
    this.check();
    const V = this.model.vocabSize;
    const n = tokens.length;
    if (this.ids.length + n > this.model.contextLength) {
      throw new ContextOverflowError(this.model.contextLength, this.ids.length + n);
    }
    this.model.counters.forwardCalls++;
    this.model.counters.tokensFed += n;
    const out = logitsOut(options, options.allLogits ? n * V : V);
    for (let i = 0; i < n; i++) {
      const id = tokens[i];
      if (!Number.isInteger(id) || id < 0 || id >= V) {
        throw new InvalidOptionError("token", id, `an integer in [0, ${V})`);
      }
      this.ids.push(id);
      if (options.allLogits) out.set(this.model.logitsAfter(this.ids), i * V);
    }
    if (!options.allLogits) out.set(this.model.logitsAfter(this.ids));
    return out;
  }

  fork(): Session {
    this.check();
    this.model.counters.forks++;
    return new TableSession(this.model, this.ids.slice());
  }

  rewind(position: number): void {
    this.check();
    if (!(Number.isInteger(position) && position >= 0 && position <= this.ids.length)) {
      throw new InvalidOptionError("position", position, `an integer in [0, ${this.ids.length}]`);
    }
    this.ids.length = position;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.counters.liveSessions--;
  }

  private check(): void {
    if (this.disposed) throw new DisposedError("a TableModel session");
  }
}
