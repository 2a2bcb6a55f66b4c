import assert from "node:assert/strict";
import { test } from "node:test";
import { f16ToF32, f32ToF16 } from "../tensor/dtype.js";
import type { BufferAllocator } from "../tensor/kernels.js";
import { WasmArena } from "../tensor/wasm/arena.js";
import { KvCache, type KvCacheType } from "./kv-cache.js";

const [LAYERS, KV_DIM] = [2, 6];

/** Row `position` of a test sequence: distinct values, some not representable in f16. */
function row(position: number, salt: number): Float32Array {
  return Float32Array.from({ length: KV_DIM }, (_, i) => (position + 1) * 0.1 + i / 7 + salt);
}

/** Fills positions from..to-1 of every layer as a model would, and advances length. */
function fill(cache: KvCache, from: number, to: number): void {
  cache.reserve(to);
  for (let p = from; p < to; p++) {
    for (let l = 0; l < LAYERS; l++) {
      cache.setKeys(l, row(p, l), p);
      cache.setValues(l, row(p, l + 10), p);
    }
  }
  cache.length = to;
}

/** What position p of a layer must read back as: the f32 row, or its f16 rounding. */
function expected(type: KvCacheType, p: number, salt: number): number[] {
  return [...row(p, salt)].map((v) => (type === "f16" ? f16ToF32(f32ToF16(v)) : v));
}

function read(rows: Float32Array | Uint16Array, p: number): number[] {
  const values = [...rows.subarray(p * KV_DIM, (p + 1) * KV_DIM)];
  return rows instanceof Uint16Array ? values.map(f16ToF32) : values;
}

function check(cache: KvCache, positions: number): void {
  for (let p = 0; p < positions; p++) {
    for (let l = 0; l < LAYERS; l++) {
      assert.deepEqual(read(cache.keys[l], p), expected(cache.type, p, l), `keys[${l}] position ${p}`);
      assert.deepEqual(read(cache.values[l], p), expected(cache.type, p, l + 10), `values[${l}] position ${p}`);
    }
  }
}

for (const type of ["f32", "f16"] as const) {
  test(`${type} cache: rows round as stored, survive growth, fork independently, release`, () => {
    const cache = new KvCache(LAYERS, KV_DIM, 100, 4, undefined, type);
    assert.equal(cache.type, type);
    assert.ok(type === "f16" ? cache.keys[0] instanceof Uint16Array : cache.keys[0] instanceof Float32Array);
    fill(cache, 0, 3);
    check(cache, 3);
    fill(cache, 3, 11); // 4 -> 8 -> 16 positions
    check(cache, 11);
    const copy = cache.fork();
    assert.equal(copy.type, type);
    assert.equal(copy.length, 11);
    check(copy, 11);
    copy.setKeys(0, row(50, 0), 2); // the copy diverges; the original keeps its rows
    check(cache, 11);
    cache.release();
    assert.equal(cache.byteLength, 0);
    check(copy, 1);
  });
}

test("an f16 cache holds half the bytes of an f32 one, as it grows", () => {
  const f32 = new KvCache(LAYERS, KV_DIM, 100, 4);
  const f16 = new KvCache(LAYERS, KV_DIM, 100, 4, undefined, "f16");
  assert.equal(f32.byteLength, 2 * LAYERS * 4 * KV_DIM * 4);
  assert.equal(f16.byteLength, f32.byteLength / 2);
  fill(f32, 0, 70);
  fill(f16, 0, 70);
  assert.equal(f32.byteLength, 2 * LAYERS * 100 * KV_DIM * 4); // 4 -> ... -> 64 -> 100 (the limit)
  assert.equal(f16.byteLength, f32.byteLength / 2);
  assert.equal(f16.fork().byteLength, 2 * LAYERS * 70 * KV_DIM * 2);
});

test("an f16 cache in WebAssembly memory stays there through growth and gives back every block", () => {
  const arena = new WasmArena();
  const live = new Set<number>();
  const allocator: BufferAllocator = {
    alloc: (length) => {
      const block = arena.allocF32(length);
      live.add(block.byteOffset);
      return block;
    },
    free: (block) => {
      assert.ok(live.delete(block.byteOffset), "freed once, and only what was allocated");
      arena.free(block.byteOffset);
    },
  };
  const cache = new KvCache(LAYERS, KV_DIM, 100, 4, allocator, "f16");
  fill(cache, 0, 40);
  check(cache, 40);
  assert.ok([...cache.keys, ...cache.values].every((rows) => arena.owns(rows)));
  assert.equal(live.size, 2 * LAYERS, "growth freed the smaller blocks");
  const copy = cache.fork();
  cache.release();
  copy.release();
  assert.equal(live.size, 0);
});

test("an f16 cache that meets a value beyond ±65504 switches to f32, keeping every row written", () => {
  const cache = new KvCache(LAYERS, KV_DIM, 100, 4, undefined, "f16");
  fill(cache, 0, 5);
  // a forward pass writes layer 0's new row, then layer 1's keys overflow: both are kept
  cache.setKeys(0, row(5, 0), 5);
  cache.setValues(0, row(5, 10), 5);
  const big = row(5, 1).map((v, i) => (i === 2 ? 70000 : v));
  cache.setKeys(1, big, 5);
  assert.equal(cache.type, "f32");
  assert.ok(cache.keys.every((rows) => rows instanceof Float32Array));
  assert.equal(cache.byteLength, 2 * LAYERS * 8 * KV_DIM * 4);
  cache.setValues(1, row(5, 11), 5);
  cache.length = 6;
  for (let p = 0; p < 6; p++) {
    for (let l = 0; l < LAYERS; l++) {
      // rows written before the switch keep their f16 rounding; the overflowing row is exact
      const keys = p === 5 && l === 1 ? [...big] : expected("f16", p, l);
      const values = p === 5 && l === 1 ? [...row(5, 11)] : expected("f16", p, l + 10);
      assert.deepEqual(read(cache.keys[l], p), keys, `keys[${l}] position ${p}`);
      assert.deepEqual(read(cache.values[l], p), values, `values[${l}] position ${p}`);
    }
  }
  assert.equal(cache.fork().type, "f32");
  // NaN (a broken activation) switches too, rather than being read as a finite value
  const nan = new KvCache(LAYERS, KV_DIM, 100, 4, undefined, "f16");
  nan.setValues(0, row(0, 0).map(() => NaN), 0);
  assert.equal(nan.type, "f32");
  assert.ok(Number.isNaN(nan.values[0][0]));
});
