import { UnsupportedError } from "../errors.js";
import type { DType } from "../tensor/dtype.js";
import { elementCount, type Tensor } from "../tensor/tensor.js";
import { ByteReader } from "./byte-reader.js";
import { alignedForDType } from "./gguf.js";

/**
 * safetensors reader: https://huggingface.co/docs/safetensors — u64 header length N, N bytes of
 * JSON `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}`, then the data block.
 */

/** The JSON header of real checkpoints is a few hundred KiB at most. */
const MAX_HEADER_BYTES = 100 << 20;
const MAX_TENSORS = 1 << 16;
const MAX_DIMS = 8;

const DTYPES: Readonly<Record<string, { dtype: DType; bytes: number }>> = {
  F32: { dtype: "f32", bytes: 4 },
  F16: { dtype: "f16", bytes: 2 },
  BF16: { dtype: "bf16", bytes: 2 },
};

export interface SafetensorsFile {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/** Parses a whole safetensors file; tensors are views into `bytes`. */
export function parseSafetensors(bytes: Uint8Array, fileName: string): SafetensorsFile {
  const r = new ByteReader(bytes, fileName);
  const headerLength = r.u64("header length", MAX_HEADER_BYTES);
  const headerText = r.utf8("header", headerLength);
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (cause) {
    throw r.error("header", `is not valid JSON (${(cause as Error).message})`, 8);
  }
  if (!isRecord(header)) throw r.error("header", "must be a JSON object", 8);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const entries = Object.entries(header).filter(([name]) => name !== "__metadata__");
  if (entries.length > MAX_TENSORS)
    throw r.error("header", `${entries.length} tensors exceed the limit of ${MAX_TENSORS}`, 8);

  const tensors = new Map<string, Tensor>();
  const extents: Extent[] = [];
  for (const [name, info] of entries) {
    const field = `tensor "${name}"`;
    if (!isRecord(info)) throw r.error(field, "must be an object with dtype, shape, data_offsets", 8);
    const { dtype, shape, data_offsets: offsets } = info;
    if (typeof dtype !== "string")
      throw r.error(`${field} dtype`, `expected a string, got ${JSON.stringify(dtype)}`, 8);
    const kind = DTYPES[dtype];
    if (!kind)
      throw new UnsupportedError(`${fileName}: ${field} has dtype ${dtype}; supported: F32, F16, BF16`);
    if (
      !Array.isArray(shape) ||
      shape.length > MAX_DIMS ||
      !shape.every((d): d is number => Number.isSafeInteger(d) && (d as number) >= 0)
    ) {
      throw r.error(
        `${field} shape`,
        `expected up to ${MAX_DIMS} non-negative integers, got ${JSON.stringify(shape)}`,
        8,
      );
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o): o is number => Number.isSafeInteger(o) && (o as number) >= 0)
    ) {
      throw r.error(`${field} data_offsets`, `expected [begin, end], got ${JSON.stringify(offsets)}`, 8);
    }
    const [begin, end] = offsets;
    const expected = elementCount(shape) * kind.bytes;
    if (end < begin || end - begin !== expected) {
      throw r.error(
        `${field} data_offsets`,
        `[${begin}, ${end}] hold ${end - begin} bytes, shape needs ${expected}`,
        8,
      );
    }
    if (end > dataLength) {
      throw r.error(`${field} data_offsets`, `end ${end} lies past the data block (${dataLength} bytes)`, 8);
    }
    extents.push({ name, begin, end });
    const view = bytes.subarray(dataStart + begin, dataStart + end);
    tensors.set(name, { name, dtype: kind.dtype, shape, bytes: alignedForDType(view, kind.dtype) });
  }
  checkCoverage(
    r,
    [...extents].sort((a, b) => a.begin - b.begin || a.end - b.end),
    dataLength,
  );
  const metadata = isRecord(header.__metadata__) ? (header.__metadata__ as Record<string, string>) : {};
  return { tensors, metadata };
}

interface Extent {
  name: string;
  begin: number;
  end: number;
}

/**
 * The format's rule (as the reference implementation checks it): the tensors, sorted by offset,
 * tile the data block exactly. A header length off by one otherwise shifts every tensor by a byte.
 */
function checkCoverage(r: ByteReader, sorted: Extent[], dataLength: number): void {
  let end = 0;
  let previous = "the start of the data block";
  for (const t of sorted) {
    if (t.begin !== end) {
      const what = t.begin < end ? "overlaps" : `leaves a gap of ${t.begin - end} bytes after`;
      throw r.error(
        `tensor "${t.name}" data_offsets`,
        `[${t.begin}, ${t.end}] ${what} ${previous} (which ends at ${end})`,
        8,
      );
    }
    end = t.end;
    previous = `tensor "${t.name}"`;
  }
  if (end !== dataLength) {
    throw r.error(
      "data block",
      `is ${dataLength} bytes but the tensors cover ${end}: the header length or offsets are wrong`,
      8,
    );
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
