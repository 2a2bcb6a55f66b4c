import { f32ToF16Into } from "../tensor/dtype.js";
import type { BufferAllocator } from "../tensor/kernels.js";
import type { KvRows } from "../tensor/ops.js";

/** How a KV cache stores keys and values: f32, or IEEE half floats (llama.cpp's default) in half the memory. */
export type KvCacheType = "f32" | "f16";

export const KV_CACHE_TYPES: readonly KvCacheType[] = ["f32", "f16"];

export function isKvCacheType(value: unknown): value is KvCacheType {
  return (KV_CACHE_TYPES as readonly unknown[]).includes(value);
}

const BYTES_PER_VALUE: Readonly<Record<KvCacheType, number>> = { f32: 4, f16: 2 };

/** Plain JS-heap buffers, for caches built outside a model (tests). */
const HEAP: BufferAllocator = { alloc: (length) => new Float32Array(length), free: () => {} };

/** Buffers of caches that were dropped without release(): freed when the cache is collected. */
const orphans = new FinalizationRegistry<{ allocator: BufferAllocator; buffers: Float32Array[] }>(
  ({ allocator, buffers }) => {
    for (const b of buffers) allocator.free(b);
  },
);

/**
 * Keys and values of every layer for positions 0..length-1, (positions, kvDim) row-major per layer,
 * as f32 or as f16 bits (`type`; rows written through setKeys/setValues are rounded to nearest even).
 * Storage grows by doubling up to the context length, so a short chat does not reserve the whole
 * context of a long-context model; fork() copies only the positions in use. Buffers come from the
 * kernels' allocator (WebAssembly memory for the SIMD kernels; an f16 layer is a Uint16Array view
 * of a Float32Array block); decoding within capacity allocates nothing.
 */
export class KvCache {
  readonly keys: KvRows[];
  readonly values: KvRows[];
  /** Positions filled. */
  length = 0;
  /** The allocator's blocks behind keys[0..nLayers) then values[0..nLayers). */
  private readonly owned: { allocator: BufferAllocator; buffers: Float32Array[] };

  constructor(
    readonly nLayers: number,
    readonly kvDim: number,
    readonly maxPositions: number,
    private capacity = Math.min(maxPositions, 64),
    private readonly allocator: BufferAllocator = HEAP,
    readonly type: KvCacheType = "f32",
  ) {
    const buffers = Array.from({ length: 2 * nLayers }, () => this.block(capacity));
    this.keys = buffers.slice(0, nLayers).map((b) => this.rows(b));
    this.values = buffers.slice(nLayers).map((b) => this.rows(b));
    this.owned = { allocator, buffers };
    orphans.register(this, this.owned, this);
  }

  /** Stores rows (count, kvDim) of f32 keys at positions position..position+count-1 of a layer. */
  setKeys(layer: number, rows: Float32Array, position: number): void {
    store(this.keys[layer], rows, position * this.kvDim);
  }

  /** Stores rows (count, kvDim) of f32 values at positions position..position+count-1 of a layer. */
  setValues(layer: number, rows: Float32Array, position: number): void {
    store(this.values[layer], rows, position * this.kvDim);
  }

  /** Makes room for `positions` positions in total. */
  reserve(positions: number): void {
    if (positions <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < positions) capacity *= 2;
    capacity = Math.min(capacity, this.maxPositions);
    const used = this.length * this.kvDim;
    for (let l = 0; l < this.nLayers; l++) {
      this.keys[l] = this.grow(l, this.keys[l], capacity, used);
      this.values[l] = this.grow(this.nLayers + l, this.values[l], capacity, used);
    }
    this.capacity = capacity;
  }

  /** An independent copy holding the same positions, of the same type. */
  fork(): KvCache {
    const copy = new KvCache(
      this.nLayers,
      this.kvDim,
      this.maxPositions,
      Math.max(this.length, 1),
      this.allocator,
      this.type,
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

  /**
   * Bytes of storage held (0 after release): 2 * nLayers * capacity * kvDim values of 4 bytes (f32)
   * or 2 (f16; each block rounded up to whole floats).
   */
  get byteLength(): number {
    let bytes = 0;
    for (const b of this.owned.buffers) bytes += b.byteLength;
    return bytes;
  }

  /** A block for `positions` positions of one layer's keys or values. */
  private block(positions: number): Float32Array {
    return this.allocator.alloc(Math.ceil((positions * this.kvDim * BYTES_PER_VALUE[this.type]) / 4));
  }

  /** The block seen as rows of this cache's type. */
  private rows(block: Float32Array): KvRows {
    if (this.type === "f32") return block;
    return new Uint16Array(block.buffer, block.byteOffset, block.byteLength / 2);
  }

  /** Moves buffer `index` (rows `old`) to a block of `capacity` positions, keeping the first `used` values. */
  private grow(index: number, old: KvRows, capacity: number, used: number): KvRows {
    const next = this.block(capacity);
    const rows = this.rows(next);
    rows.set(old.subarray(0, used));
    this.allocator.free(this.owned.buffers[index]);
    this.owned.buffers[index] = next;
    return rows;
  }
}

/** dst[offset..) = rows, rounded to f16 bits when dst is an f16 layer. */
function store(dst: KvRows, rows: Float32Array, offset: number): void {
  if (dst instanceof Float32Array) dst.set(rows, offset);
  else f32ToF16Into(dst, rows, offset);
}
