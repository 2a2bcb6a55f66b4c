import { f16ToF32, f32ToF16Into } from "../tensor/dtype.js";
import { jsKernels, type BufferAllocator } from "../tensor/kernels.js";
import type { KvRows } from "../tensor/ops.js";

/** How a KV cache stores keys and values: f32, or IEEE half floats (llama.cpp's default) in half the memory. */
export type KvCacheType = "f32" | "f16";

export const KV_CACHE_TYPES: readonly KvCacheType[] = ["f32", "f16"];

export function isKvCacheType(value: unknown): value is KvCacheType {
  return (KV_CACHE_TYPES as readonly unknown[]).includes(value);
}

const BYTES_PER_VALUE: Readonly<Record<KvCacheType, number>> = { f32: 4, f16: 2 };

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
  private storage: KvCacheType;
  /** The allocator's blocks behind keys[0..nLayers) then values[0..nLayers). */
  private readonly owned: { allocator: BufferAllocator; buffers: Float32Array[] };

  constructor(
    readonly nLayers: number,
    readonly kvDim: number,
    readonly maxPositions: number,
    private capacity = Math.min(maxPositions, 64),
    private readonly allocator: BufferAllocator = jsKernels, // JS-heap buffers: caches built outside a model (tests)
    type: KvCacheType = "f32",
  ) {
    this.storage = type;
    const buffers = Array.from({ length: 2 * nLayers }, () => this.block(capacity));
    this.keys = buffers.slice(0, nLayers).map((b) => this.rows(b));
    this.values = buffers.slice(nLayers).map((b) => this.rows(b));
    this.owned = { allocator, buffers };
    orphans.register(this, this.owned, this);
  }

  /** How keys and values are stored: as created, except that an f16 cache may switch to f32 (setKeys). */
  get type(): KvCacheType {
    return this.storage;
  }

  /**
   * Stores rows (count, kvDim) of f32 keys at positions position..position+count-1 of a layer. An
   * f16 cache rounds them; a value f16 cannot hold (beyond ±65504, or not finite) switches the whole
   * cache to f32 first, so attention never reads an infinity the f32 model would not have.
   */
  setKeys(layer: number, rows: Float32Array, position: number): void {
    this.store(this.keys, layer, rows, position);
  }

  /** Stores rows (count, kvDim) of f32 values, as setKeys. */
  setValues(layer: number, rows: Float32Array, position: number): void {
    this.store(this.values, layer, rows, position);
  }

  /** Makes room for `positions` positions in total. */
  reserve(positions: number): void {
    if (positions <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < positions) capacity *= 2;
    capacity = Math.min(capacity, this.maxPositions);
    const used = this.length * this.kvDim;
    this.capacity = capacity;
    for (const [i, old] of [...this.keys, ...this.values].entries()) {
      const block = this.block(capacity);
      this.rows(block).set(old.subarray(0, used));
      this.replace(i, block);
    }
  }

  /** An independent copy holding the same positions, of the same type. */
  fork(): KvCache {
    const copy = new KvCache(
      this.nLayers,
      this.kvDim,
      this.maxPositions,
      Math.max(this.length, 1),
      this.allocator,
      this.storage,
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

  private store(layers: KvRows[], layer: number, rows: Float32Array, position: number): void {
    const dst = layers[layer];
    const offset = position * this.kvDim;
    if (dst instanceof Float32Array) dst.set(rows, offset);
    else if (!f32ToF16Into(dst, rows, offset)) {
      this.widenToF32();
      layers[layer].set(rows, offset);
    }
  }

  /**
   * Moves every layer to f32 storage, widening all `capacity` positions: a forward pass writes its
   * new rows before it counts them in `length`.
   */
  private widenToF32(): void {
    this.storage = "f32";
    for (const [i, old] of [...this.keys, ...this.values].entries()) {
      const block = this.block(this.capacity);
      for (let j = 0; j < block.length; j++) block[j] = f16ToF32(old[j]);
      this.replace(i, block);
    }
  }

  /** A block for `positions` positions of one layer's keys or values. */
  private block(positions: number): Float32Array {
    return this.allocator.alloc(Math.ceil((positions * this.kvDim * BYTES_PER_VALUE[this.storage]) / 4));
  }

  /** The block seen as rows of this cache's type. */
  private rows(block: Float32Array): KvRows {
    if (this.storage === "f32") return block;
    return new Uint16Array(block.buffer, block.byteOffset, block.byteLength / 2);
  }

  /** Frees buffer `index` (keys of layer index, or values of layer index - nLayers) for `block`. */
  private replace(index: number, block: Float32Array): void {
    this.allocator.free(this.owned.buffers[index]);
    this.owned.buffers[index] = block;
    const layers = index < this.nLayers ? this.keys : this.values;
    layers[index % this.nLayers] = this.rows(block);
  }
}
