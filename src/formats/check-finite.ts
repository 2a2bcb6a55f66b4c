import { FormatError } from "../errors.js";
import { DTYPE_LAYOUT, type DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * One pass over the weights as read (in WebAssembly memory or on the heap) that refuses a NaN or an
 * infinity before it can turn every logit into NaN. Plain floats are checked value by value by their
 * exponent bits (all ones = Inf or NaN); quantized blocks by their f16 scales, the only floats they
 * hold (Q8_0/Q4_0: d; Q4_K/Q5_K: d and dmin; Q6_K: d; their sub-scales are small integers).
 * Cost: docs/loading.md.
 */

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

/** Throws a FormatError naming the file, the tensor and the first non-finite value or scale. */
export function checkFiniteWeights(tensors: Iterable<Tensor>, fileName: string): void {
  for (const t of tensors) {
    const where = firstNonFinite(t);
    if (where === undefined) continue;
    const at =
      t.dtype === "f32" || t.dtype === "f16" || t.dtype === "bf16"
        ? `value ${where.index} is ${where.value}`
        : `block ${where.index}'s scale ${where.value} is not finite`;
    throw new FormatError(
      `${fileName}: tensor "${t.name}" (${t.dtype}) holds a NaN or an infinity: ${at} ` +
        "(a corrupt file; the check can be skipped with checkWeights: false / --no-check-weights)",
    );
  }
}

/** The first non-finite value (or block scale) of `t`, or undefined when all are finite. */
export function firstNonFinite(t: Tensor): { index: number; value: string } | undefined {
  const b = t.bytes;
  switch (t.dtype) {
    case "f32": {
      const i = firstAllOnes32(b);
      return i < 0
        ? undefined
        : { index: i, value: String(new DataView(b.buffer, b.byteOffset).getFloat32(4 * i, true)) };
    }
    case "f16":
    case "bf16": {
      const mask = t.dtype === "f16" ? 0x7c00 : 0x7f80;
      const i = firstAllOnes16(b, mask);
      if (i < 0) return undefined;
      const bits = b[2 * i] | (b[2 * i + 1] << 8);
      return {
        index: i,
        value:
          (bits & (t.dtype === "f16" ? 0x3ff : 0x7f)) !== 0
            ? "NaN"
            : bits & 0x8000
              ? "-Infinity"
              : "Infinity",
      };
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

/** Index of the first f32 whose exponent is all ones, or -1. */
function firstAllOnes32(b: Uint8Array): number {
  const n = b.length >> 2;
  if (b.byteOffset % 4 === 0) {
    const words = new Uint32Array(b.buffer, b.byteOffset, n);
    for (let i = 0; i < n; i++) if ((words[i] & 0x7f800000) === 0x7f800000) return i;
    return -1;
  }
  for (let i = 0; i < n; i++) {
    if ((b[4 * i + 3] & 0x7f) === 0x7f && (b[4 * i + 2] & 0x80) === 0x80) return i;
  }
  return -1;
}

/** Index of the first 16-bit value with all of `mask`'s bits set, or -1. */
function firstAllOnes16(b: Uint8Array, mask: number): number {
  const n = b.length >> 1;
  if (b.byteOffset % 2 === 0) {
    const halves = new Uint16Array(b.buffer, b.byteOffset, n);
    for (let i = 0; i < n; i++) if ((halves[i] & mask) === mask) return i;
    return -1;
  }
  for (let i = 0; i < n; i++) if (((b[2 * i] | (b[2 * i + 1] << 8)) & mask) === mask) return i;
  return -1;
}
