/**
 * The seeded random number generator: the only source of randomness in generation, so that a
 * seed reproduces a run exactly on any machine and JavaScript engine.
 *
 * Algorithm (all integer arithmetic is on unsigned 32-bit words; 64-bit values are hi/lo pairs):
 * 1. The seed (a safe integer) is taken as a 64-bit two's-complement integer x.
 * 2. SplitMix64 (Steele, Lea, Flood 2014; prng.di.unimi.it/splitmix64.c) run twice from x:
 *    x += 0x9E3779B97F4A7C15; z = x; z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9;
 *    z = (z ^ z >> 27) * 0x94D049BB133111EB; z ^= z >> 31 (mod 2^64), giving z1 then z2.
 * 3. xoshiro128** (Blackman, Vigna 2018; prng.di.unimi.it/xoshiro128starstar.c) starts from
 *    s = [lo(z1), hi(z1), lo(z2), hi(z2)]; each step outputs rotl(s1 * 5, 7) * 9 and advances.
 * 4. next() = ((a >>> 5) * 2^26 + (b >>> 6)) / 2^53 for two consecutive 32-bit outputs a, b:
 *    a double in [0, 1) with 53 random bits (the genrand_res53 construction of MT19937).
 */

/** A reproducible source of uniform numbers. */
export interface Rng {
  /** The seed this generator started from (reported so that a run can be replayed). */
  readonly seed: number;
  /** The next output of xoshiro128**: an integer in [0, 2^32). */
  nextUint32(): number;
  /** A uniform double in [0, 1) with 53 random bits, from two 32-bit outputs. */
  next(): number;
  /** An independent generator in the same state (for forks, e.g. beam sampling). */
  clone(): Rng;
}

/** A generator for `seed` (any safe integer); without one a random seed is drawn and reported as `seed`. */
export function createRng(seed: number = randomSeed()): Rng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const hi = Math.floor(seed / 2 ** 32);
  const mix = { hi: hi >>> 0, lo: (seed - hi * 2 ** 32) >>> 0 };
  const z1 = splitMix64(mix);
  const z2 = splitMix64(mix);
  return new Xoshiro128StarStar(seed, Uint32Array.of(z1.lo, z1.hi, z2.lo, z2.hi));
}

/** A fresh seed in [0, 2^53) from the platform's cryptographic generator. */
export function randomSeed(): number {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (words[0] & 0x1fffff) * 2 ** 32 + words[1];
}

/** One step of xoshiro128**: returns the output for state `s` (4 words) and advances `s` in place. */
export function xoshiro128StarStar(s: Uint32Array): number {
  const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
  const t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

class Xoshiro128StarStar implements Rng {
  constructor(
    readonly seed: number,
    private readonly s: Uint32Array,
  ) {
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the all-zero state is a fixed point
  }

  nextUint32(): number {
    return xoshiro128StarStar(this.s);
  }

  next(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  clone(): Rng {
    return new Xoshiro128StarStar(this.seed, this.s.slice());
  }
}

interface U64 {
  hi: number;
  lo: number;
}

/** One SplitMix64 step: advances state and returns the output. */
function splitMix64(state: U64): U64 {
  const sum = add64(state, { hi: 0x9e3779b9, lo: 0x7f4a7c15 });
  state.hi = sum.hi;
  state.lo = sum.lo;
  let z = mul64(xor64(sum, shr64(sum, 30)), { hi: 0xbf58476d, lo: 0x1ce4e5b9 });
  z = mul64(xor64(z, shr64(z, 27)), { hi: 0x94d049bb, lo: 0x133111eb });
  return xor64(z, shr64(z, 31));
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function add64(a: U64, b: U64): U64 {
  const lo = (a.lo + b.lo) >>> 0;
  return { hi: (a.hi + b.hi + (lo < a.lo ? 1 : 0)) >>> 0, lo };
}

function xor64(a: U64, b: U64): U64 {
  return { hi: (a.hi ^ b.hi) >>> 0, lo: (a.lo ^ b.lo) >>> 0 };
}

/** a >> k for 0 < k < 32. */
function shr64(a: U64, k: number): U64 {
  return { hi: a.hi >>> k, lo: ((a.lo >>> k) | (a.hi << (32 - k))) >>> 0 };
}

/** a * b mod 2^64. */
function mul64(a: U64, b: U64): U64 {
  const hi = (mulHigh32(a.lo, b.lo) + Math.imul(a.hi, b.lo) + Math.imul(a.lo, b.hi)) >>> 0;
  return { hi, lo: Math.imul(a.lo, b.lo) >>> 0 };
}

/** The high 32 bits of the 64-bit product of two unsigned 32-bit words, from 16-bit halves. */
function mulHigh32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const low = a0 * b0;
  const mid1 = a1 * b0;
  const mid2 = a0 * b1;
  const carry = ((low >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16) + carry) >>> 0;
}
