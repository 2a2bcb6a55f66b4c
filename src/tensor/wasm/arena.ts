import { LlmError } from "../../errors.js";

/**
 * One shared WebAssembly.Memory holding a model's weights, activations and KV caches, so the SIMD
 * kernels and the worker threads read them in place. Shared memory never detaches its buffers when
 * it grows, so typed-array views handed out stay valid for the arena's life.
 * Allocation is first-fit over a free list (allocations are rare: loading, scratch growth, KV-cache
 * growth and forks); blocks are 64-byte aligned, a cache line.
 */

export const WASM_PAGE_BYTES = 65536;
/** wasm32 addresses reach 4 GiB: 65,536 pages of 64 KiB is the most one memory can hold. */
export const WASM_MAX_PAGES = 65536;
const ALIGN = 64;
/**
 * Bytes of memory kept beyond the last block: the q4_0 kernels read a row's last 4 block scales at
 * once, up to 38 bytes past its end (kernels.wat, "q4_0 on 8-bit activations"), which must not run
 * off the memory.
 */
const OVERREAD = 128;

/** The model does not fit in WebAssembly's 4 GiB address space. */
export class WasmMemoryLimitError extends LlmError {
  constructor(requestedBytes: number, inUseBytes: number) {
    super(
      "wasm_memory_limit",
      `cannot allocate ${formatBytes(requestedBytes)} in WebAssembly memory (${formatBytes(inUseBytes)} in use): ` +
        `wasm32 memory is limited to 4 GiB for weights, KV cache and activations together; ` +
        `use kernels: "js" (NEXTOKEN_KERNELS=js) or a smaller quantization`,
    );
  }
}

export class WasmArena {
  readonly memory: WebAssembly.Memory;
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly sizes = new Map<number, number>();
  /** Free blocks, sorted by address, never adjacent (coalesced). */
  private readonly freeList: Array<{ ptr: number; size: number }> = [];
  private top = ALIGN; // address 0 stays unused, so 0 is never a valid pointer
  /** Addresses from here on were never handed out: still the zeros memory is created and grown with. */
  private untouched = ALIGN;
  private inUse = 0;

  constructor(initialBytes = 1 << 20) {
    const initial = Math.max(1, Math.ceil(initialBytes / WASM_PAGE_BYTES));
    this.memory = new WebAssembly.Memory({ initial, maximum: WASM_MAX_PAGES, shared: true });
    this.buffers.add(this.memory.buffer);
  }

  /** Whether `view` lies in this arena's memory (then `view.byteOffset` is its address). */
  owns(view: ArrayBufferView): boolean {
    return this.buffers.has(view.buffer);
  }

  /** Address of a fresh block of `bytes` bytes (contents unspecified). */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let ptr = -1;
    for (let i = 0; i < this.freeList.length; i++) {
      const block = this.freeList[i];
      if (block.size < size) continue;
      ptr = block.ptr;
      if (block.size === size) this.freeList.splice(i, 1);
      else {
        block.ptr += size;
        block.size -= size;
      }
      break;
    }
    if (ptr < 0) {
      ptr = this.top;
      this.ensure(ptr + size + OVERREAD, bytes);
      this.top = ptr + size;
    }
    this.sizes.set(ptr, size);
    this.inUse += size;
    this.untouched = Math.max(this.untouched, ptr + size);
    return ptr;
  }

  /** Returns a block from alloc() to the free list. */
  free(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) return;
    this.sizes.delete(ptr);
    this.inUse -= size;
    let i = 0;
    while (i < this.freeList.length && this.freeList[i].ptr < ptr) i++;
    this.freeList.splice(i, 0, { ptr, size });
    const next = this.freeList[i + 1];
    if (next && ptr + size === next.ptr) {
      this.freeList[i].size += next.size;
      this.freeList.splice(i + 1, 1);
    }
    const prev = this.freeList[i - 1];
    if (prev && prev.ptr + prev.size === ptr) {
      prev.size += this.freeList[i].size;
      this.freeList.splice(i, 1);
    }
    const last = this.freeList[this.freeList.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      this.freeList.pop();
    }
  }

  /**
   * A zeroed Float32Array of `length` floats in the arena. Only memory handed out before is
   * cleared: writing zeros over fresh memory would fault in every page at once (a KV cache that
   * doubles to 512 positions would pay for all of them when it grows, ~3 ms per MB here).
   */
  allocF32(length: number): Float32Array {
    const untouched = this.untouched;
    const ptr = this.alloc(length * 4);
    const view = new Float32Array(this.memory.buffer, ptr, length);
    if (ptr < untouched) view.subarray(0, Math.min(length, (untouched - ptr) / 4)).fill(0);
    return view;
  }

  /** Bytes `ptr..ptr+length` as a view. */
  bytes(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length);
  }

  /** A float view of `length` floats at `ptr`. */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  private ensure(end: number, requested: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    if (end > WASM_MAX_PAGES * WASM_PAGE_BYTES) throw new WasmMemoryLimitError(requested, this.inUse);
    // Grow by at least 1/8 so a run of small allocations does not grow page by page.
    const pages = Math.min(
      WASM_MAX_PAGES,
      Math.max(Math.ceil(end / WASM_PAGE_BYTES), Math.ceil((have * 1.125) / WASM_PAGE_BYTES)),
    );
    try {
      this.memory.grow(pages - have / WASM_PAGE_BYTES);
    } catch {
      throw new WasmMemoryLimitError(requested, this.inUse);
    }
    this.buffers.add(this.memory.buffer);
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1 << 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
