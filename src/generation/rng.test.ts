import assert from "node:assert/strict";
import { test } from "node:test";
import { createRng } from "./rng.js";

/** The documented algorithm again, in BigInt arithmetic: SplitMix64 seeding xoshiro128**. */
function referenceOutputs(seed: number, count: number): number[] {
  const M64 = (1n << 64n) - 1n;
  const M32 = 0xffffffffn;
  let x = BigInt.asUintN(64, BigInt(seed));
  const splitMix = () => {
    x = (x + 0x9e3779b97f4a7c15n) & M64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
    return z ^ (z >> 31n);
  };
  const z1 = splitMix();
  const z2 = splitMix();
  const s = [z1 & M32, z1 >> 32n, z2 & M32, z2 >> 32n];
  const rotl = (v: bigint, k: bigint) => ((v << k) | (v >> (32n - k))) & M32;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Number((rotl((s[1] * 5n) & M32, 7n) * 9n) & M32));
    const t = (s[1] << 9n) & M32;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
  }
  return out;
}

test("rng: seed 42 gives the pinned first values of the documented algorithm", () => {
  const rng = createRng(42);
  assert.deepEqual([rng.nextUint32(), rng.nextUint32()], [1776835114, 4165204688]);
  assert.equal(createRng(42).next(), 0.4137016681565887); // ((a >>> 5) * 2^26 + (b >>> 6)) / 2^53
});

test("rng: matches an independent BigInt implementation for several seeds", () => {
  for (const seed of [0, 1, 42, -7, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
    const rng = createRng(seed);
    const ours = Array.from({ length: 50 }, () => rng.nextUint32());
    assert.deepEqual(ours, referenceOutputs(seed, 50), `seed ${seed}`);
  }
});

test("rng: the same seed gives the same sequence, different seeds differ", () => {
  const draw = (seed: number) => {
    const rng = createRng(seed);
    return Array.from({ length: 20 }, () => rng.next());
  };
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
});

test("rng: next() stays in [0, 1), clone() continues identically, no seed draws one and reports it", () => {
  const rng = createRng(3);
  for (let i = 0; i < 10_000; i++) {
    const u = rng.next();
    assert.ok(u >= 0 && u < 1);
  }
  const copy = rng.clone();
  assert.equal(copy.next(), rng.next());
  const random = createRng();
  assert.ok(Number.isSafeInteger(random.seed) && random.seed >= 0);
  assert.equal(createRng(random.seed).next(), random.next());
});

test("rng: rejects seeds that are not safe integers", () => {
  for (const seed of [1.5, NaN, 2 ** 60]) assert.throws(() => createRng(seed), RangeError);
});
