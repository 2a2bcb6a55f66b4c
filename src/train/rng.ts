import { xoshiro128StarStar } from "../generation/rng.js";

/**
 * The trainer's random numbers (initial weights, which windows each batch reads) from a generator
 * whose whole state is four 32-bit words, so a checkpoint can save it and a resumed run draws the
 * same numbers as an uninterrupted one. xoshiro128** (Blackman & Vigna 2018,
 * prng.di.unimi.it/xoshiro128starstar.c), seeded by SplitMix32 from the seed.
 */
export class TrainRng {
  private readonly s: Uint32Array;

  private constructor(state: ArrayLike<number>) {
    this.s = Uint32Array.from(state);
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1; // zero is a fixed point
  }

  /** A generator seeded from a 32-bit integer seed. */
  static fromSeed(seed: number): TrainRng {
    let x = seed >>> 0;
    const state: number[] = [];
    for (let i = 0; i < 4; i++) {
      // SplitMix32 (the 32-bit variant of Steele, Lea & Flood's SplitMix)
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      state.push((z ^ (z >>> 16)) >>> 0);
    }
    return new TrainRng(state);
  }

  /** A generator continuing from a saved state(). */
  static fromState(state: readonly number[]): TrainRng {
    return new TrainRng(state);
  }

  /** The four state words, for a checkpoint. */
  state(): number[] {
    return Array.from(this.s);
  }

  /** An integer in [0, 2^32). */
  nextUint32(): number {
    return xoshiro128StarStar(this.s);
  }

  /** A uniform double in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n) for n ≤ 2^32 (floor of a uniform draw: bias below n / 2^32). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}
