import { byteSize, type DType } from "../tensor/dtype.js";
import { elementCount } from "../tensor/tensor.js";
import { GGML_TYPE_IDS } from "./gguf.js";

/**
 * A small GGUF v3 writer: for test fixtures built byte by byte and benchmark models.
 * Metadata values are typed explicitly so every GGUF value type can be written.
 */

export type GgufWriteValue =
  | { type: "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "f32" | "u64" | "i64" | "f64"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "array"; itemType: "u32" | "i32" | "f32" | "string"; value: ReadonlyArray<number | string> };

export interface GgufWriteTensor {
  name: string;
  /** PyTorch order (rows first); written as GGUF ne[] innermost first. */
  shape: number[];
  dtype: DType;
  /** Stored bytes (already quantized for the quantized dtypes). */
  bytes: Uint8Array;
}

const TYPE_IDS = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
};
export function writeGguf(
  metadata: Record<string, GgufWriteValue>,
  tensors: GgufWriteTensor[],
  alignment = 32,
): Uint8Array {
  const parts: Uint8Array[] = [];
  const out = new Writer(parts);
  out.u32(0x46554747);
  out.u32(3);
  out.u64(tensors.length);
  out.u64(Object.keys(metadata).length);
  for (const [key, v] of Object.entries(metadata)) {
    out.string(key);
    out.u32(TYPE_IDS[v.type]);
    writeValue(out, v);
  }
  let offset = 0;
  for (const t of tensors) {
    out.string(t.name);
    out.u32(t.shape.length);
    for (const d of [...t.shape].reverse()) out.u64(d);
    out.u32(GGML_TYPE_IDS[t.dtype]);
    out.u64(offset);
    const size = byteSize(t.dtype, elementCount(t.shape));
    if (size === undefined)
      throw new Error(`${t.name}: shape ${t.shape.join("x")} is not whole ${t.dtype} blocks`);
    offset += Math.ceil(size / alignment) * alignment;
  }
  out.pad(alignment);
  const dataStart = out.length;
  for (let i = 0; i < tensors.length; i++) {
    out.pad(alignment, dataStart);
    out.bytes(tensors[i].bytes);
  }
  return concat(parts, out.length);
}

function writeValue(out: Writer, v: GgufWriteValue): void {
  switch (v.type) {
    case "u8":
      return out.raw(1, (d) => d.setUint8(0, v.value));
    case "i8":
      return out.raw(1, (d) => d.setInt8(0, v.value));
    case "u16":
      return out.raw(2, (d) => d.setUint16(0, v.value, true));
    case "i16":
      return out.raw(2, (d) => d.setInt16(0, v.value, true));
    case "u32":
      return out.u32(v.value);
    case "i32":
      return out.raw(4, (d) => d.setInt32(0, v.value, true));
    case "f32":
      return out.raw(4, (d) => d.setFloat32(0, v.value, true));
    case "u64":
      return out.u64(v.value);
    case "i64":
      return out.raw(8, (d) => d.setBigInt64(0, BigInt(v.value), true));
    case "f64":
      return out.raw(8, (d) => d.setFloat64(0, v.value, true));
    case "bool":
      return out.raw(1, (d) => d.setUint8(0, v.value ? 1 : 0));
    case "string":
      return out.string(v.value);
    case "array":
      out.u32(TYPE_IDS[v.itemType]);
      out.u64(v.value.length);
      for (const item of v.value) {
        if (v.itemType === "string") out.string(String(item));
        else writeValue(out, { type: v.itemType, value: Number(item) });
      }
  }
}

class Writer {
  length = 0;
  constructor(private readonly parts: Uint8Array[]) {}
  raw(size: number, fill: (d: DataView) => void): void {
    const b = new Uint8Array(size);
    fill(new DataView(b.buffer));
    this.bytes(b);
  }
  bytes(b: Uint8Array): void {
    this.parts.push(b);
    this.length += b.byteLength;
  }
  u32(v: number): void {
    this.raw(4, (d) => d.setUint32(0, v, true));
  }
  u64(v: number | bigint): void {
    this.raw(8, (d) => d.setBigUint64(0, BigInt(v), true));
  }
  string(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u64(b.byteLength);
    this.bytes(b);
  }
  pad(alignment: number, base = 0): void {
    const rel = this.length - base;
    const padded = Math.ceil(rel / alignment) * alignment;
    if (padded > rel) this.bytes(new Uint8Array(padded - rel));
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}
