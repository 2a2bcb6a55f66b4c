/**
 * A safetensors file (huggingface.co/docs/safetensors) from named little-endian tensors: u64 header
 * length, the JSON header (padded with spaces to a multiple of 8 so data stays aligned), the data.
 */

export interface TensorBytes {
  name: string;
  dtype: "F32" | "F16" | "BF16";
  shape: number[];
  bytes: Uint8Array;
}

/** The bytes of a safetensors file holding `tensors` (in order) and string `metadata`. */
export function writeSafetensors(
  tensors: readonly TensorBytes[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.byteLength] };
    offset += t.bytes.byteLength;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - ((Buffer.byteLength(json) + 8) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.byteLength;
  for (const t of tensors) {
    out.set(t.bytes, at);
    at += t.bytes.byteLength;
  }
  return out;
}

/** The bytes of a float32 array (little-endian, as every supported platform stores it). */
export function f32Bytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
