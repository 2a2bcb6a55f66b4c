import { ContextOverflowError, DisposedError, InvalidOptionError } from "../errors.js";
import type { CausalLM } from "./causal-lm.js";
import { KvCache, type KvCacheType } from "./kv-cache.js";
import { checkOptionKeys, type KeyRecord } from "../option-keys.js";
import type { ForwardOptions, Session } from "./types.js";

const FORWARD_OPTION_KEYS: KeyRecord<ForwardOptions> = { allLogits: true, out: true };

/**
 * The array forward() returns: `options.out` (checked, trimmed to `length`) or a new one. Every
 * Session's forward() calls it first, so an unknown key in its options throws there.
 */
export function logitsOut(options: ForwardOptions | undefined, length: number): Float32Array {
  if (options !== undefined) checkOptionKeys(options, FORWARD_OPTION_KEYS, "forward() options");
  const out = options?.out;
  if (out === undefined) return new Float32Array(length);
  if (!(out instanceof Float32Array) || out.length < length) {
    const got = out instanceof Float32Array ? `a Float32Array of ${out.length}` : typeof out;
    throw new InvalidOptionError("out", got, `a Float32Array of at least ${length} values`);
  }
  return out.length === length ? out : out.subarray(0, length);
}

/** A sequence over a CausalLM: its KV cache and the checks that keep it honest. */
export class ModelSession implements Session {
  private cache: KvCache | undefined;

  /** `cache`: a cache to continue (fork), or the storage type of a new empty one. */
  constructor(
    private readonly model: CausalLM,
    cache: KvCache | KvCacheType = "f32",
  ) {
    const { nLayers, nKvHeads, headDim, contextLength } = model.config;
    const kvDim = nKvHeads * headDim;
    this.cache =
      typeof cache === "string"
        ? new KvCache(nLayers, kvDim, contextLength, undefined, model.kernels, cache)
        : cache;
  }

  /** The KV cache's storage type and the bytes it holds, for reports. */
  get kvCache(): Pick<KvCache, "type" | "byteLength"> {
    return this.live();
  }

  get position(): number {
    return this.live().length;
  }

  forward(tokens: ArrayLike<number>, options?: ForwardOptions): Float32Array {
    const cache = this.live();
    const { vocabSize, contextLength } = this.model.config;
    if (tokens.length === 0) throw new InvalidOptionError("tokens", "[]", "at least one token id");
    for (let i = 0; i < tokens.length; i++) {
      const id = tokens[i];
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
        throw new InvalidOptionError(`tokens[${i}]`, id, `an integer token id in [0, ${vocabSize})`);
      }
    }
    if (cache.length + tokens.length > contextLength) {
      throw new ContextOverflowError(contextLength, cache.length + tokens.length);
    }
    const allLogits = options?.allLogits === true;
    const out = logitsOut(options, allLogits ? tokens.length * vocabSize : vocabSize);
    this.model.forward(cache, tokens, allLogits, out);
    return out;
  }

  fork(): Session {
    return new ModelSession(this.model, this.live().fork());
  }

  rewind(position: number): void {
    const cache = this.live();
    if (!Number.isInteger(position) || position < 0 || position > cache.length) {
      throw new InvalidOptionError("position", position, `an integer in [0, ${cache.length}]`);
    }
    cache.length = position;
  }

  dispose(): void {
    this.cache?.release();
    this.cache = undefined;
  }

  private live(): KvCache {
    if (!this.cache) throw new DisposedError("session");
    return this.cache;
  }
}
