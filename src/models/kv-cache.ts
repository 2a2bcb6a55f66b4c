/**
 * Keys and values of every layer for positions 0..length-1, (positions, kvDim) row-major per layer.
 * Storage grows by doubling up to the context length, so a short chat does not reserve the whole
 * context of a long-context model; fork() copies only the positions in use.
 */
export class KvCache {
  readonly keys: Float32Array[];
  readonly values: Float32Array[];
  /** Positions filled. */
  length = 0;

  constructor(
    readonly nLayers: number,
    readonly kvDim: number,
    readonly maxPositions: number,
    private capacity = Math.min(maxPositions, 64),
  ) {
    this.keys = Array.from({ length: nLayers }, () => new Float32Array(capacity * kvDim));
    this.values = Array.from({ length: nLayers }, () => new Float32Array(capacity * kvDim));
  }

  /** Makes room for `positions` positions in total. */
  reserve(positions: number): void {
    if (positions <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < positions) capacity *= 2;
    capacity = Math.min(capacity, this.maxPositions);
    for (let l = 0; l < this.nLayers; l++) {
      this.keys[l] = grow(this.keys[l], capacity * this.kvDim, this.length * this.kvDim);
      this.values[l] = grow(this.values[l], capacity * this.kvDim, this.length * this.kvDim);
    }
    this.capacity = capacity;
  }

  /** An independent copy holding the same positions. */
  fork(): KvCache {
    const copy = new KvCache(this.nLayers, this.kvDim, this.maxPositions, Math.max(this.length, 1));
    const used = this.length * this.kvDim;
    for (let l = 0; l < this.nLayers; l++) {
      copy.keys[l].set(this.keys[l].subarray(0, used));
      copy.values[l].set(this.values[l].subarray(0, used));
    }
    copy.length = this.length;
    return copy;
  }

  /** Bytes held. */
  get byteLength(): number {
    return 2 * this.nLayers * this.capacity * this.kvDim * 4;
  }
}

function grow(old: Float32Array, size: number, used: number): Float32Array {
  const next = new Float32Array(size);
  next.set(old.subarray(0, used));
  return next;
}
