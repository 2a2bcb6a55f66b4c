import type { BufferAllocator, Kernels } from "../tensor/kernels.js";
import type { KvCache } from "./kv-cache.js";
import type { ModelConfig } from "./types.js";

/** One architecture's forward pass over a KV cache. Sessions (session.ts) wrap it. */
export interface CausalLM {
  readonly config: ModelConfig;
  /** The kernels it runs on; KV caches take their buffers from them. */
  readonly kernels: Kernels;
  /**
   * Runs `tokens` at positions cache.length.. and appends their keys/values to the cache.
   * Writes logits of the last position `(V,)`, or of every position `(n * V,)` with allLogits,
   * into `out`.
   */
  forward(cache: KvCache, tokens: ArrayLike<number>, allLogits: boolean, out: Float32Array): void;
}

/** Scratch buffers that grow (doubling) to the largest size seen, so steady-state decoding allocates nothing. */
export class Scratch {
  private readonly buffers = new Map<string, Float32Array>();

  constructor(private readonly allocator: BufferAllocator) {}

  get(name: string, size: number): Float32Array {
    let b = this.buffers.get(name);
    if (!b || b.length < size) {
      if (b) this.allocator.free(b);
      b = this.allocator.alloc(Math.max(size, 2 * (b?.length ?? 0)));
      this.buffers.set(name, b);
    }
    return b;
  }
}

/** Prompts are run in chunks of at most this many positions, bounding scratch memory. */
export const MAX_CHUNK = 256;

/** Which logits rows a chunk must produce. */
export type LogitRows = "all" | "last" | "none";

/**
 * Splits `tokens` into chunks of at most MAX_CHUNK and calls `run(from, n, rows, out)` for each,
 * asking for logits only where the caller needs them.
 */
export function runInChunks(
  tokens: ArrayLike<number>,
  allLogits: boolean,
  vocabSize: number,
  out: Float32Array,
  run: (from: number, n: number, rows: LogitRows, out: Float32Array) => void,
): void {
  for (let from = 0; from < tokens.length; from += MAX_CHUNK) {
    const n = Math.min(MAX_CHUNK, tokens.length - from);
    const rows = allLogits ? "all" : from + n === tokens.length ? "last" : "none";
    run(from, n, rows, allLogits ? out.subarray(from * vocabSize) : out);
  }
}
