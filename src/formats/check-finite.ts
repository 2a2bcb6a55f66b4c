import { FormatError } from "../errors.js";
import { bf16ToF32, DTYPE_LAYOUT, f16ToF32, type DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * One pass over the weights as read (in WebAssembly memory or on the heap) that refuses a NaN or an
 * infinity before it can turn every logit into NaN. Plain floats are checked value by value by their
 * exponent bits; quantized blocks by their f16 scales, the only floats they hold (Q8_0/Q4_0: d;
 * Q4_K/Q5_K: d and dmin; Q6_K: d; their sub-scales are small integers). f32 and bf16 values of
 * magnitude 2^64 or more are refused too: no trained model has one, one bit flip in an exponent
 * makes one, and its products overflow f32 into Inf and then NaN a layer later.
 * Cost: docs/loading.md.
 */

/** Biased f32 exponent bits of 2^64: at or above it a weight is not plausible (see above). */
const F32_LIMIT_BITS = (127 + 64) << 23;
/** The same for bf16, the top half of an f32. */
const BF16_LIMIT_BITS = F32_LIMIT_BITS >>> 16;
/** f16 exponent all ones: Inf or NaN (its largest finite value, 65504, is plausible). */
const F16_LIMIT_BITS = 0x7c00;

/** Byte offsets of the f16 scales inside one block of each quantized type (ggml-common.h). */
const SCALE_OFFSETS: Readonly<Partial<Record<DType, readonly number[]>>> = {
  q8_0: [0],
  q4_0: [0],
  q4_k: [0, 2],
  q5_k: [0, 2],
  q6_k: [208],
};
const SCALE_NAMES: Readonly<Partial<Record<DType, readonly string[]>>> = {
  q4_k: ["d", "dmin"],
  q5_k: ["d", "dmin"],
};

/** Throws a FormatError naming the file, the tensor and the first value or block scale firstNonFinite finds. */
export function checkFiniteWeights(tensors: Iterable<Tensor>, fileName: string): void {
  for (const t of tensors) {
    const where = firstNonFinite(t);
    if (where === undefined) continue;
    const at =
      t.dtype === "f32" || t.dtype === "f16" || t.dtype === "bf16"
        ? `value ${where.index} is ${where.value}`
        : `block ${where.index}'s scale ${where.value} is not finite`;
    throw new FormatError(
      `${fileName}: tensor "${t.name}" (${t.dtype}) holds a NaN, an infinity or a magnitude of 2^64 or more: ${at} ` +
        "(a corrupt file; the check can be skipped with checkWeights: false / --no-check-weights)",
    );
  }
}

/** The first value of `t` that is not finite or is 2^64 or more in magnitude (quantized: the first bad block scale), or undefined. */
export function firstNonFinite(t: Tensor): { index: number; value: string } | undefined {
  const b = t.bytes;
  switch (t.dtype) {
    case "f32": {
      const i = firstAtOrAbove32(b);
      return i < 0
        ? undefined
        : { index: i, value: String(new DataView(b.buffer, b.byteOffset).getFloat32(4 * i, true)) };
    }
    case "f16":
    case "bf16": {
      const i = firstAtOrAbove16(b, t.dtype === "f16" ? F16_LIMIT_BITS : BF16_LIMIT_BITS);
      if (i < 0) return undefined;
      const bits = b[2 * i] | (b[2 * i + 1] << 8);
      const value = t.dtype === "f16" ? f16ToF32(bits) : bf16ToF32(bits);
      return { index: i, value: String(value) };
    }
    default: {
      const offsets = SCALE_OFFSETS[t.dtype] ?? [];
      const names = SCALE_NAMES[t.dtype] ?? ["d"];
      const blockBytes = DTYPE_LAYOUT[t.dtype].blockBytes;
      for (let at = 0, block = 0; at + blockBytes <= b.length; at += blockBytes, block++) {
        for (let s = 0; s < offsets.length; s++) {
          // f16 exponent bits 10..14 lie in the high byte: 0x7c there means Inf or NaN
          if ((b[at + offsets[s] + 1] & 0x7c) === 0x7c) return { index: block, value: names[s] };
        }
      }
      return undefined;
    }
  }
}

/** Index of the first f32 whose magnitude bits (exponent and up) reach F32_LIMIT_BITS, or -1. */
function firstAtOrAbove32(b: Uint8Array): number {
  const n = b.length >> 2;
  if (b.byteOffset % 4 === 0) {
    const words = new Uint32Array(b.buffer, b.byteOffset, n);
    for (let i = 0; i < n; i++) if ((words[i] & 0x7f800000) >= F32_LIMIT_BITS) return i;
    return -1;
  }
  for (let i = 0; i < n; i++) {
    const word = b[4 * i] | (b[4 * i + 1] << 8) | (b[4 * i + 2] << 16) | ((b[4 * i + 3] & 0x7f) << 24);
    if ((word & 0x7f800000) >= F32_LIMIT_BITS) return i;
  }
  return -1;
}

/** Index of the first 16-bit value whose exponent bits reach `limit` (an exponent-only mask value), or -1. */
function firstAtOrAbove16(b: Uint8Array, limit: number): number {
  const mask = limit === F16_LIMIT_BITS ? 0x7c00 : 0x7f80;
  const n = b.length >> 1;
  if (b.byteOffset % 2 === 0) {
    const halves = new Uint16Array(b.buffer, b.byteOffset, n);
    for (let i = 0; i < n; i++) if ((halves[i] & mask) >= limit) return i;
    return -1;
  }
  for (let i = 0; i < n; i++) if (((b[2 * i] | (b[2 * i + 1] << 8)) & mask) >= limit) return i;
  return -1;
}
