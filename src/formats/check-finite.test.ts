import assert from "node:assert/strict";
import { test } from "node:test";
import { FormatError } from "../errors.js";
import { DTYPE_LAYOUT, f32ToBf16, f32ToF16, type DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkFiniteWeights, firstNonFinite } from "./check-finite.js";

const tensorOf = (dtype: DType, bytes: Uint8Array): Tensor => ({
  name: "w",
  dtype,
  shape: [bytes.length],
  bytes,
});

function f32Bytes(values: number[], misalign = false): Uint8Array {
  const raw = new Uint8Array(new Float32Array(values).buffer);
  if (!misalign) return raw;
  const shifted = new Uint8Array(raw.length + 1);
  shifted.set(raw, 1);
  return shifted.subarray(1); // a view at an odd byte offset: the byte-by-byte path
}

function halfBytes(values: number[], encode: (v: number) => number, misalign = false): Uint8Array {
  const out = new Uint8Array(2 * values.length + 1);
  const at = misalign ? 1 : 0;
  values.forEach((v, i) => {
    const bits = encode(v);
    out[at + 2 * i] = bits & 0xff;
    out[at + 2 * i + 1] = bits >> 8;
  });
  return out.subarray(at, at + 2 * values.length);
}

test("plain floats: the first NaN, infinity or |w| >= 2^64 is found, aligned or not; other values pass", () => {
  for (const misalign of [false, true]) {
    assert.equal(firstNonFinite(tensorOf("f32", f32Bytes([0, -0, 1.8e19, -1e-45, 1], misalign))), undefined);
    // 2^64 and beyond: one flipped exponent bit away from a real weight, overflowing f32 in a product
    assert.deepEqual(firstNonFinite(tensorOf("f32", f32Bytes([1, -(2 ** 64), 3.4e38], misalign))), {
      index: 1,
      value: String(-(2 ** 64)),
    });
    assert.deepEqual(firstNonFinite(tensorOf("f32", f32Bytes([1, 2, NaN, Infinity], misalign))), {
      index: 2,
      value: "NaN",
    });
    assert.deepEqual(firstNonFinite(tensorOf("f32", f32Bytes([1, -Infinity], misalign))), {
      index: 1,
      value: "-Infinity",
    });
    assert.equal(
      firstNonFinite(tensorOf("f16", halfBytes([65504, -65504, 6e-8], f32ToF16, misalign))),
      undefined,
    );
    assert.deepEqual(firstNonFinite(tensorOf("f16", halfBytes([1, Infinity], f32ToF16, misalign))), {
      index: 1,
      value: "Infinity",
    });
    assert.deepEqual(firstNonFinite(tensorOf("f16", halfBytes([NaN], f32ToF16, misalign))), {
      index: 0,
      value: "NaN",
    });
    assert.equal(
      firstNonFinite(tensorOf("bf16", halfBytes([1.8e19, -1e19, 1], f32ToBf16, misalign))),
      undefined,
    );
    assert.equal(firstNonFinite(tensorOf("bf16", halfBytes([1, 2 ** 64], f32ToBf16, misalign)))?.index, 1);
    assert.deepEqual(firstNonFinite(tensorOf("bf16", halfBytes([0, 0, NaN], f32ToBf16, misalign))), {
      index: 2,
      value: "NaN",
    });
    assert.deepEqual(firstNonFinite(tensorOf("bf16", halfBytes([-Infinity], f32ToBf16, misalign))), {
      index: 0,
      value: "-Infinity",
    });
  }
});

test("quantized blocks: each type's f16 scales are checked, and only them", () => {
  const cases: Array<[DType, number, string]> = [
    ["q8_0", 0, "d"],
    ["q4_0", 0, "d"],
    ["q4_k", 0, "d"],
    ["q4_k", 2, "dmin"],
    ["q5_k", 2, "dmin"],
    ["q6_k", 208, "d"],
  ];
  for (const [dtype, scaleAt, name] of cases) {
    const { blockBytes } = DTYPE_LAYOUT[dtype];
    const blocks = new Uint8Array(3 * blockBytes).fill(0x7c); // quants of 0x7c everywhere; scales below
    for (let b = 0; b < 3; b++)
      for (const s of [0, 2, 208]) if (s + 1 < blockBytes) blocks[b * blockBytes + s + 1] = 0x3c; // f16 1.0-ish
    assert.equal(firstNonFinite(tensorOf(dtype, blocks)), undefined, `${dtype}: quants are not floats`);
    const bad = blocks.slice();
    bad[2 * blockBytes + scaleAt + 1] = 0x7c; // +Inf's high byte
    assert.deepEqual(firstNonFinite(tensorOf(dtype, bad)), { index: 2, value: name }, `${dtype} ${name}`);
  }
});

test("checkFiniteWeights names the file, the tensor and the value", () => {
  const good = { name: "a", dtype: "f32" as const, shape: [2], bytes: f32Bytes([1, 2]) };
  const bad = {
    name: "blk.3.ffn_up.weight",
    dtype: "f32" as const,
    shape: [3],
    bytes: f32Bytes([1, 2, NaN]),
  };
  checkFiniteWeights([good], "m.gguf");
  assert.throws(
    () => checkFiniteWeights([good, bad], "m.gguf"),
    (e: unknown) =>
      e instanceof FormatError &&
      /^m\.gguf: tensor "blk\.3\.ffn_up\.weight" \(f32\) holds a NaN, an infinity or a magnitude of 2\^64 or more: value 2 is NaN .*--no-check-weights/.test(
        e.message,
      ),
  );
});
