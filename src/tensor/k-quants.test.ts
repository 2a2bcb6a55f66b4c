import assert from "node:assert/strict";
import { test } from "node:test";
import { f16ToF32, f32ToF16, type DType } from "./dtype.js";
import { decodeRow } from "./rows.js";

// Super-blocks built field by field from ggml-common.h (block_q4_K, block_q5_K, block_q6_K) and the
// expected values written from the definitions, independently of the decoder's loop structure.

const value = (i: number) => (i * 7 + (i >> 5)) % 16; // a 4-bit pattern over 256 values
const SC = [1, 2, 3, 4, 20, 33, 47, 63]; // 6-bit sub-block scales, some needing the high bits
const MN = [0, 5, 10, 15, 17, 31, 40, 62]; // 6-bit sub-block mins

function decode(dtype: DType, bytes: Uint8Array): Float32Array {
  const out = new Float32Array(256);
  decodeRow(out, { name: "b", dtype, shape: [1, 256], bytes }, 0);
  return out;
}

function packScalesMins(block: Uint8Array, at: number): void {
  for (let j = 0; j < 4; j++) {
    block[at + j] = SC[j] | ((SC[j + 4] >> 4) << 6);
    block[at + j + 4] = MN[j] | ((MN[j + 4] >> 4) << 6);
  }
  for (let j = 4; j < 8; j++) block[at + j + 4] = (SC[j] & 0x0f) | ((MN[j] & 0x0f) << 4);
}

function q45k(five: boolean): { bytes: Uint8Array; expected: number[] } {
  const bytes = new Uint8Array(five ? 176 : 144);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, f32ToF16(0.5), true); // d
  view.setUint16(2, f32ToF16(0.25), true); // dmin
  packScalesMins(bytes, 4);
  const qs = five ? 48 : 16;
  const fifth = (i: number) => (five ? (i * 5) % 3 === 0 : false);
  const expected: number[] = [];
  for (let i = 0; i < 256; i++) {
    const group = i >> 6; // 64 values share 32 bytes of qs: low nibbles first, then high
    const l = i & 31;
    const high = (i & 32) !== 0;
    bytes[qs + group * 32 + l] |= high ? value(i) << 4 : value(i);
    if (fifth(i)) bytes[16 + l] |= 1 << (2 * group + (high ? 1 : 0));
    const j = i >> 5;
    expected.push(0.5 * SC[j] * (value(i) + (fifth(i) ? 16 : 0)) - 0.25 * MN[j]);
  }
  return { bytes, expected };
}

test("Q4_K super-block decodes to d·scale·q - dmin·min per 32-value sub-block", () => {
  const { bytes, expected } = q45k(false);
  assert.deepEqual([...decode("q4_k", bytes)], expected);
});

test("Q5_K adds the fifth bit from qh (bit 2g for the low half of group g, 2g+1 for the high)", () => {
  const { bytes, expected } = q45k(true);
  assert.deepEqual([...decode("q5_k", bytes)], expected);
});

test("Q6_K super-block decodes to d·scale·(q - 32) with int8 scales per 16 values", () => {
  const bytes = new Uint8Array(210);
  const scales = Array.from({ length: 16 }, (_, i) => (i % 2 ? -1 : 1) * (i * 8 + 3)); // int8, both signs
  scales.forEach((s, i) => (bytes[192 + i] = s & 0xff));
  const d = 0.125;
  new DataView(bytes.buffer).setUint16(208, f32ToF16(d), true);
  const expected: number[] = [];
  for (let i = 0; i < 256; i++) {
    const q6 = (i * 37) % 64;
    const half = i >> 7;
    const quadrant = (i >> 5) & 3; // 0: low nibbles of ql[l], 1: of ql[l+32], 2/3: high nibbles
    const l = i & 31;
    const ql = half * 64 + l + (quadrant & 1 ? 32 : 0);
    bytes[ql] |= quadrant < 2 ? q6 & 0x0f : (q6 & 0x0f) << 4;
    bytes[128 + half * 32 + l] |= (q6 >> 4) << (2 * quadrant);
    const scale = scales[half * 8 + (l >> 4) + 2 * quadrant];
    expected.push(Math.fround(f16ToF32(f32ToF16(d)) * scale) * (q6 - 32));
  }
  assert.deepEqual([...decode("q6_k", bytes)], expected);
});
