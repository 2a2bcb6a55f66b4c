import { FormatError } from "../errors.js";

/**
 * A bounds-checked little-endian cursor over bytes. Every read names the field it is for, so a
 * malformed file fails with "file: field at byte N: what was wrong".
 */
export class ByteReader {
  private readonly view: DataView;
  offset = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly fileName: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.byteLength - this.offset;
  }

  /** A FormatError that names the file, the field and the byte where it starts. */
  error(field: string, problem: string, at = this.offset): FormatError {
    return new FormatError(`${this.fileName}: ${field} at byte ${at}: ${problem}`);
  }

  need(field: string, count: number): void {
    if (count > this.remaining) {
      throw this.error(field, `needs ${count} bytes but only ${this.remaining} remain (file truncated?)`);
    }
  }

  u8(field: string): number {
    this.need(field, 1);
    return this.view.getUint8(this.offset++);
  }
  i8(field: string): number {
    this.need(field, 1);
    return this.view.getInt8(this.offset++);
  }
  u16(field: string): number {
    this.need(field, 2);
    const v = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return v;
  }
  i16(field: string): number {
    this.need(field, 2);
    const v = this.view.getInt16(this.offset, true);
    this.offset += 2;
    return v;
  }
  u32(field: string): number {
    this.need(field, 4);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }
  i32(field: string): number {
    this.need(field, 4);
    const v = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return v;
  }
  f32(field: string): number {
    this.need(field, 4);
    const v = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return v;
  }
  f64(field: string): number {
    this.need(field, 8);
    const v = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return v;
  }
  u64big(field: string): bigint {
    this.need(field, 8);
    const v = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return v;
  }
  i64big(field: string): bigint {
    this.need(field, 8);
    const v = this.view.getBigInt64(this.offset, true);
    this.offset += 8;
    return v;
  }

  /** A u64 that must be at most `max` (a count, length or offset), as a number. */
  u64(field: string, max: number): number {
    const at = this.offset;
    const v = this.u64big(field);
    if (v > BigInt(max)) throw this.error(field, `value ${v} exceeds the limit of ${max}`, at);
    return Number(v);
  }

  /** `length` bytes as a view (no copy). */
  take(field: string, length: number): Uint8Array {
    this.need(field, length);
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /** UTF-8 text of `length` bytes. */
  utf8(field: string, length: number): string {
    return DECODER.decode(this.take(field, length));
  }
}

const DECODER = new TextDecoder("utf-8");
