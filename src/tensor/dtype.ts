/**
 * Element types of stored weights. Quantized types are blocks along a row (GGUF ne[0]), in ggml's
 * layouts: Q8_0 = f16 scale + 32 int8; Q4_0 = f16 scale + 16 bytes of nibbles; the K-quants are
 * 256-value super-blocks of 8 (Q4_K, Q5_K) or 16 (Q6_K) sub-blocks with 6- or 8-bit scales
 * (ggml-common.h block_q4_K / block_q5_K / block_q6_K; decoded in rows.ts).
 */
export type DType = "f32" | "f16" | "bf16" | "q8_0" | "q4_0" | "q4_k" | "q5_k" | "q6_k";

export interface DTypeLayout {
  /** Values per block (1 for plain floats). */
  readonly blockSize: number;
  /** Bytes per block. */
  readonly blockBytes: number;
}

export const DTYPE_LAYOUT: Readonly<Record<DType, DTypeLayout>> = {
  f32: { blockSize: 1, blockBytes: 4 },
  f16: { blockSize: 1, blockBytes: 2 },
  bf16: { blockSize: 1, blockBytes: 2 },
  q8_0: { blockSize: 32, blockBytes: 34 },
  q4_0: { blockSize: 32, blockBytes: 18 },
  q4_k: { blockSize: 256, blockBytes: 144 },
  q5_k: { blockSize: 256, blockBytes: 176 },
  q6_k: { blockSize: 256, blockBytes: 210 },
};

/** Bytes taken by `count` values of `dtype`, or undefined when count is not a whole number of blocks. */
export function byteSize(dtype: DType, count: number): number | undefined {
  const { blockSize, blockBytes } = DTYPE_LAYOUT[dtype];
  if (count % blockSize !== 0) return undefined;
  return (count / blockSize) * blockBytes;
}

/** f16 bits → f32 value, by table: Node 20 has no Float16Array. */
const F16_TABLE = buildF16Table();

function buildF16Table(): Float32Array {
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) table[h] = sign * mantissa * 2 ** -24;
    else if (exponent === 31) table[h] = mantissa ? NaN : sign * Infinity;
    else table[h] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return table;
}

export function f16ToF32(bits: number): number {
  return F16_TABLE[bits & 0xffff];
}

const BF16_SCRATCH = new Float32Array(1);
const BF16_SCRATCH_BITS = new Uint32Array(BF16_SCRATCH.buffer);

/** bf16 bits → f32 value: the top half of an f32. */
export function bf16ToF32(bits: number): number {
  BF16_SCRATCH_BITS[0] = (bits & 0xffff) << 16;
  return BF16_SCRATCH[0];
}

/** f32 → bf16 bits: the top half of the f32, rounded to nearest even; NaN stays a (quiet) NaN. */
export function f32ToBf16(value: number): number {
  BF16_SCRATCH[0] = value;
  const x = BF16_SCRATCH_BITS[0];
  if (Number.isNaN(value)) return (x >>> 16) | 0x40;
  return (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
}

/** f32 → nearest f16 bits (round to nearest even); used by writers and tests. */
export function f32ToF16(value: number): number {
  BF16_SCRATCH[0] = value;
  const x = BF16_SCRATCH_BITS[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let bits = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && bits & 1)) bits++;
  return sign | bits;
}

/**
 * Stores x rounded to f16 bits (nearest even, as f32ToF16) at out[offset..offset + x.length).
 * Returns false when some value became an infinity or NaN (beyond ±65504, or not finite).
 */
export function f32ToF16Into(out: Uint16Array, x: Float32Array, offset: number): boolean {
  let finite = true;
  for (let i = 0; i < x.length; i++) {
    const h = f32ToF16(x[i]);
    out[offset + i] = h;
    if ((h & 0x7c00) === 0x7c00) finite = false;
  }
  return finite;
}
