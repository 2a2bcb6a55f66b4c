import { UnsupportedError } from "../errors.js";
import { byteSize, DTYPE_LAYOUT, type DType } from "../tensor/dtype.js";
import { elementCount, type Tensor } from "../tensor/tensor.js";
import { ByteReader } from "./byte-reader.js";

/**
 * GGUF v2/v3 reader: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 * Header (magic "GGUF", u32 version, u64 tensor count, u64 metadata count), metadata key/values,
 * tensor infos, padding to `general.alignment` (default 32), then tensor data.
 * Every count, length and offset is checked against a limit and against the bytes that exist
 * before anything is allocated for it.
 */

/** More tensors than any real checkpoint has (Llama 3 405B: 1,138). */
const MAX_TENSORS = 1 << 16;
/** More metadata keys than any real file has. */
const MAX_METADATA = 1 << 16;
/** Array elements: a 256k vocabulary plus its merges fits with room to spare. */
const MAX_ARRAY_LENGTH = 1 << 24;
/** A single string (a chat template is ~10 KiB; keys and tokens are short). */
const MAX_STRING_BYTES = 1 << 24;
/** ggml's GGML_MAX_DIMS. */
const MAX_DIMS = 4;
/** Nested arrays deeper than this are not GGUF any real tool writes. */
const MAX_ARRAY_DEPTH = 2;

/** The ggml tensor type id of each dtype this engine multiplies directly (the writer's too). */
export const GGML_TYPE_IDS: Readonly<Record<DType, number>> = {
  f32: 0,
  f16: 1,
  q4_0: 2,
  q8_0: 8,
  q4_k: 12,
  q5_k: 13,
  q6_k: 14,
  bf16: 30,
};
/** ggml type id → dtype: GGML_TYPE_IDS inverted. */
const GGML_TYPES: ReadonlyMap<number, DType> = new Map(
  (Object.entries(GGML_TYPE_IDS) as Array<[DType, number]>).map(([dtype, id]) => [id, dtype]),
);
const GGML_TYPE_NAMES: Readonly<Record<number, string>> = {
  3: "Q4_1",
  6: "Q5_0",
  7: "Q5_1",
  9: "Q8_1",
  10: "Q2_K",
  11: "Q3_K",
  15: "Q8_K",
  16: "IQ2_XXS",
  17: "IQ2_XS",
  18: "IQ3_XXS",
  19: "IQ1_S",
  20: "IQ4_NL",
  21: "IQ3_S",
  22: "IQ2_S",
  23: "IQ4_XS",
  24: "I8",
  25: "I16",
  26: "I32",
  27: "I64",
  28: "F64",
  29: "IQ1_M",
};

export type GgufValue =
  number | bigint | boolean | string | GgufValue[] | Float32Array | Int32Array | Uint32Array;

export interface GgufTensorInfo {
  name: string;
  /** PyTorch order: rows first (GGUF lists ne[0], the contiguous dimension, first). */
  shape: number[];
  dtype: DType;
  /** Byte offset of the data from the start of the file. */
  byteOffset: number;
  byteLength: number;
}

export interface GgufFile {
  version: number;
  metadata: Map<string, GgufValue>;
  tensorInfos: GgufTensorInfo[];
  /** Start of the tensor data section. */
  dataOffset: number;
  alignment: number;
}

/**
 * Parses the header of a GGUF file. `bytes` may be just a prefix of the file when `fileSize` gives
 * the whole file's size (tensor extents are checked against it).
 */
export function parseGguf(bytes: Uint8Array, fileName: string, fileSize = bytes.byteLength): GgufFile {
  const r = new ByteReader(bytes, fileName);
  const magic = r.u32("magic");
  if (magic !== 0x46554747) {
    throw r.error("magic", `expected "GGUF" (0x46554747), found 0x${magic.toString(16).padStart(8, "0")}`, 0);
  }
  const version = r.u32("version");
  if (version !== 2 && version !== 3) {
    throw new UnsupportedError(`${fileName}: GGUF version ${version} is not supported (expected 2 or 3)`);
  }
  const tensorCount = r.u64("tensor_count", MAX_TENSORS);
  const metadataCount = r.u64("metadata_kv_count", MAX_METADATA);

  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < metadataCount; i++) {
    const key = readString(r, `metadata[${i}].key`);
    const type = r.u32(`metadata "${key}" type`);
    metadata.set(key, readValue(r, type, `metadata "${key}"`, 0));
  }

  const alignmentValue = metadata.get("general.alignment") ?? 32;
  const alignment = Number(alignmentValue);
  if (
    !Number.isInteger(alignment) ||
    alignment <= 0 ||
    (alignment & (alignment - 1)) !== 0 ||
    alignment > 1 << 20
  ) {
    throw r.error("general.alignment", `must be a power of two up to 2^20, got ${String(alignmentValue)}`);
  }

  const raw: Array<{ name: string; shape: number[]; dtype: DType; offset: number; at: number }> = [];
  for (let i = 0; i < tensorCount; i++) {
    const at = r.offset;
    const name = readString(r, `tensor_infos[${i}].name`);
    const field = `tensor "${name}"`;
    const nDims = r.u32(`${field} n_dims`);
    if (nDims < 1 || nDims > MAX_DIMS)
      throw r.error(`${field} n_dims`, `${nDims} dims, expected 1 to ${MAX_DIMS}`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(r.u64(`${field} ne[${d}]`, Number.MAX_SAFE_INTEGER));
    const typeAt = r.offset;
    const typeId = r.u32(`${field} type`);
    const dtype = GGML_TYPES.get(typeId);
    if (!dtype) {
      const known = GGML_TYPE_NAMES[typeId];
      if (known)
        throw new UnsupportedError(
          `${fileName}: ${field} has ggml type ${known} (${typeId}), not supported yet`,
        );
      throw r.error(`${field} type`, `unknown ggml type ${typeId}`, typeAt);
    }
    const offset = r.u64(`${field} offset`, Number.MAX_SAFE_INTEGER);
    raw.push({ name, shape: dims.reverse(), dtype, offset, at });
  }

  const dataOffset = Math.ceil(r.offset / alignment) * alignment;
  const tensorInfos: GgufTensorInfo[] = [];
  const names = new Set<string>();
  let expectedOffset = 0;
  for (const t of raw) {
    const field = `tensor "${t.name}"`;
    if (names.has(t.name)) throw r.error(field, "appears twice", t.at);
    names.add(t.name);
    const count = elementCount(t.shape);
    const rowLength = t.shape[t.shape.length - 1];
    const byteLength = byteSize(t.dtype, count);
    if (
      byteLength === undefined ||
      !Number.isSafeInteger(count) ||
      rowLength % DTYPE_LAYOUT[t.dtype].blockSize
    ) {
      throw r.error(field, `shape [${t.shape.join(", ")}] does not fit ${t.dtype} blocks`, t.at);
    }
    if (t.offset % alignment !== 0)
      throw r.error(`${field} offset`, `${t.offset} is not a multiple of ${alignment}`, t.at);
    // llama.cpp's rule: tensors lie in declared order, each at the alignment-padded end of the one
    // before, so none overlaps another or leaves a gap.
    if (t.offset !== expectedOffset) {
      throw r.error(
        `${field} offset`,
        `${t.offset}, expected ${expectedOffset} (the padded end of the tensors before it; no gaps or overlaps)`,
        t.at,
      );
    }
    expectedOffset += Math.ceil(byteLength / alignment) * alignment;
    const byteOffset = dataOffset + t.offset;
    if (byteOffset + byteLength > fileSize) {
      throw r.error(
        `${field} data`,
        `bytes ${byteOffset}..${byteOffset + byteLength} lie past the end of the file (${fileSize} bytes)`,
        t.at,
      );
    }
    tensorInfos.push({ name: t.name, shape: t.shape, dtype: t.dtype, byteOffset, byteLength });
  }
  return { version, metadata, tensorInfos, dataOffset, alignment };
}

/** Tensors as views into `bytes` (the whole file), by their GGUF names. */
export function ggufTensors(file: GgufFile, bytes: Uint8Array): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const t of file.tensorInfos) {
    const view = bytes.subarray(t.byteOffset, t.byteOffset + t.byteLength);
    out.set(t.name, { name: t.name, dtype: t.dtype, shape: t.shape, bytes: alignedForDType(view, t.dtype) });
  }
  return out;
}

/**
 * f32 tensors need 4-byte alignment for a Float32Array view; copy the rare misaligned one (with the
 * constructor: a Node Buffer's slice() is another view at the same offset).
 */
export function alignedForDType(view: Uint8Array, dtype: DType): Uint8Array {
  if (dtype === "f32" && view.byteOffset % 4 !== 0) return new Uint8Array(view);
  return view;
}

function readString(r: ByteReader, field: string): string {
  const length = r.u64(`${field} length`, MAX_STRING_BYTES);
  return r.utf8(field, length);
}

const SCALAR_BYTES: Readonly<Record<number, number>> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};

function readValue(r: ByteReader, type: number, field: string, depth: number): GgufValue {
  switch (type) {
    case 0:
      return r.u8(field);
    case 1:
      return r.i8(field);
    case 2:
      return r.u16(field);
    case 3:
      return r.i16(field);
    case 4:
      return r.u32(field);
    case 5:
      return r.i32(field);
    case 6:
      return r.f32(field);
    case 7:
      return r.u8(field) !== 0;
    case 8:
      return readString(r, field);
    case 9:
      return readArray(r, field, depth);
    case 10:
      return safeNumber(r.u64big(field));
    case 11:
      return safeNumber(r.i64big(field));
    case 12:
      return r.f64(field);
    default:
      throw r.error(`${field} type`, `unknown metadata value type ${type}`, r.offset - 4);
  }
}

function readArray(r: ByteReader, field: string, depth: number): GgufValue {
  if (depth >= MAX_ARRAY_DEPTH) throw r.error(field, `arrays nested deeper than ${MAX_ARRAY_DEPTH}`);
  const type = r.u32(`${field} array type`);
  const length = r.u64(`${field} array length`, MAX_ARRAY_LENGTH);
  const scalar = SCALAR_BYTES[type];
  // Scalars have a fixed size: refuse a length the file cannot hold before allocating for it.
  if (scalar !== undefined) r.need(`${field} array data`, length * scalar);
  else if (type === 8) r.need(`${field} array data`, length * 8);
  if (type === 6 || type === 5 || type === 4) {
    // A copy (not .slice(), which shares memory on a Node Buffer), aligned for the typed array.
    const bytes = new Uint8Array(r.take(`${field} array data`, length * 4));
    const buffer = bytes.buffer;
    return type === 6
      ? new Float32Array(buffer)
      : type === 5
        ? new Int32Array(buffer)
        : new Uint32Array(buffer);
  }
  const out: GgufValue[] = [];
  for (let i = 0; i < length; i++) out.push(readValue(r, type, `${field}[${i}]`, depth + 1));
  return out;
}

function safeNumber(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
}
