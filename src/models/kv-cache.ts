import type { BufferAllocator } from "../tensor/kernels.js";

/** Plain JS-heap buffers, for caches built outside a model (tests). */
const HEAP: BufferAllocator = { alloc: (length) => new Float32Array(length), free: () => {} };

/** Buffers of caches that were dropped without release(): freed when the cache is collected. */
const orphans = new FinalizationRegistry<{ allocator: BufferAllocator; buffers: Float32Array[] }>(
  ({ allocator, buffers }) => {
    for (const b of buffers) allocator.free(b);
  },
);

/**
 * Keys and values of every layer for positions 0..length-1, (positions, kvDim) row-major per layer.
 * Storage grows by doubling up to the context length, so a short chat does not reserve the whole
 * context of a long-context model; fork() copies only the positions in use. Buffers come from the
 * kernels' allocator (WebAssembly memory for the SIMD kernels); decoding within capacity allocates
 * nothing.
 */
export class KvCache {
  readonly keys: Float32Array[];
  readonly values: Float32Array[];
  /** Positions filled. */
  length = 0;
  private readonly owned: { allocator: BufferAllocator; buffers: Float32Array[] };

  constructor(
    readonly nLayers: number,
    readonly kvDim: number,
    readonly maxPositions: number,
    private capacity = Math.min(maxPositions, 64),
    private readonly allocator: BufferAllocator = HEAP,
  ) {
    this.keys = Array.from({ length: nLayers }, () => allocator.alloc(capacity * kvDim));
    this.values = Array.from({ length: nLayers }, () => allocator.alloc(capacity * kvDim));
    this.owned = { allocator, buffers: [...this.keys, ...this.values] };
    orphans.register(this, this.owned, this);
  }

  /** Makes room for `positions` positions in total. */
  reserve(positions: number): void {
    if (positions <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < positions) capacity *= 2;
    capacity = Math.min(capacity, this.maxPositions);
    const used = this.length * this.kvDim;
    for (let l = 0; l < this.nLayers; l++) {
      this.keys[l] = this.grow(this.keys[l], capacity * this.kvDim, used);
      this.values[l] = this.grow(this.values[l], capacity * this.kvDim, used);
    }
    this.owned.buffers = [...this.keys, ...this.values];
    this.capacity = capacity;
  }

  /** An independent copy holding the same positions. */
  fork(): KvCache {
    const copy = new KvCache(
      this.nLayers,
      this.kvDim,
      this.maxPositions,
      Math.max(this.length, 1),
      this.allocator,
    );
    const used = this.length * this.kvDim;
    for (let l = 0; l < this.nLayers; l++) {
      copy.keys[l].set(this.keys[l].subarray(0, used));
      copy.values[l].set(this.values[l].subarray(0, used));
    }
    copy.length = this.length;
    return copy;
  }

  /** Gives the buffers back to the allocator; the cache cannot be used afterwards. */
  release(): void {
    orphans.unregister(this);
    for (const b of this.owned.buffers) this.allocator.free(b);
    this.owned.buffers = [];
  }

  /** Bytes held. */
  get byteLength(): number {
    return 2 * this.nLayers * this.capacity * this.kvDim * 4;
  }

  private grow(old: Float32Array, size: number, used: number): Float32Array {
    const next = this.allocator.alloc(size);
    next.set(old.subarray(0, used));
    this.allocator.free(old);
    return next;
  }
}
