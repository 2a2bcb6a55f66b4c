import assert from "node:assert/strict";
import { test } from "node:test";
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16, f32ToF16Into } from "./dtype.js";

test("f32ToF16 rounds to nearest, ties to even, at normals, subnormals and the top of the range", () => {
  const cases: Array<[number, number]> = [
    [1, 0x3c00],
    [-2, 0xc000],
    [0, 0x0000],
    [-0, 0x8000],
    // ties between 1 and 1 + 2^-10 go to the even mantissa; just past a tie rounds up
    [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02],
    [1 + 2 ** -11 + 2 ** -20, 0x3c01],
    [1 - 2 ** -12, 0x3c00], // tie between 1 - 2^-11 (odd) and 1: up to the even one
    // subnormals: steps of 2^-24
    [2 ** -24, 0x0001],
    [-(2 ** -24), 0x8001],
    [2 ** -25, 0x0000], // tie between 0 and 2^-24: even is 0
    [1.5 * 2 ** -25, 0x0001],
    [3 * 2 ** -25, 0x0002], // tie between 1 and 2 steps: 2
    [1023 * 2 ** -24, 0x03ff], // largest subnormal
    [1023.5 * 2 ** -24, 0x0400], // tie rounds up into the smallest normal, 2^-14
    [2 ** -14, 0x0400],
    [2 ** -26, 0x0000],
    // the top: 65504 is the largest f16; from 65520 (the tie with 2^16) values overflow to inf
    [65504, 0x7bff],
    [65519.99, 0x7bff],
    [65520, 0x7c00],
    [-65520, 0xfc00],
    [1e6, 0x7c00],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
  ];
  for (const [value, bits] of cases) {
    assert.equal(
      f32ToF16(value),
      bits,
      `${value} -> 0x${f32ToF16(value).toString(16)}, not 0x${bits.toString(16)}`,
    );
  }
  assert.equal(f32ToF16(NaN) & 0x7c00, 0x7c00);
  assert.notEqual(f32ToF16(NaN) & 0x3ff, 0);
});

test("every f16 value survives f16 -> f32 -> f16 unchanged", () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const value = f16ToF32(bits);
    if (Number.isNaN(value)) continue;
    assert.equal(f32ToF16(value), bits, `0x${bits.toString(16)}`);
  }
});

test("f32ToF16Into writes rounded bits at the offset and says whether they are all finite", () => {
  const out = new Uint16Array(6).fill(0xffff);
  assert.equal(f32ToF16Into(out, new Float32Array([1, -2, 2 ** -24]), 2), true);
  assert.deepEqual([...out], [0xffff, 0xffff, 0x3c00, 0xc000, 0x0001, 0xffff]);
  assert.equal(f32ToF16Into(out, new Float32Array([65504, -65504]), 0), true);
  assert.equal(f32ToF16Into(out, new Float32Array([1, 65520]), 0), false);
  assert.equal(f32ToF16Into(out, new Float32Array([NaN]), 0), false);
  assert.equal(f32ToF16Into(out, new Float32Array([-Infinity, 0]), 0), false);
});

test("f32ToBf16 keeps the top half, rounding to nearest, ties to even", () => {
  const cases: Array<[number, number]> = [
    [1, 0x3f80],
    [-2, 0xc000],
    [-0, 0x8000],
    [1 + 2 ** -8, 0x3f80], // tie between 1 and 1 + 2^-7: the even one
    [1 + 3 * 2 ** -8, 0x3f82], // tie between 1 + 2^-7 (odd) and 1 + 2^-6: up
    [1 + 2 ** -8 + 2 ** -20, 0x3f81], // just past a tie rounds up
    [3.4028234663852886e38, 0x7f80], // the largest f32 rounds up to infinity
    [-Infinity, 0xff80],
  ];
  for (const [value, bits] of cases) assert.equal(f32ToBf16(value), bits, `${value}`);
  assert.ok(Number.isNaN(bf16ToF32(f32ToBf16(NaN))));
  assert.ok(Number.isNaN(bf16ToF32(f32ToBf16(new Float32Array(new Uint32Array([0x7fffffff]).buffer)[0]))));
});

test("every bf16 value survives bf16 -> f32 -> bf16 unchanged", () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const value = bf16ToF32(bits);
    if (!Number.isNaN(value)) assert.equal(f32ToBf16(value), bits, `0x${bits.toString(16)}`);
  }
});
