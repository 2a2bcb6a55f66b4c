import { open } from "node:fs/promises";
import { FormatError, LlmError } from "../errors.js";

/** fs reads are limited to 2 GiB per call; read large files in chunks of this many bytes. */
const READ_CHUNK_BYTES = 1 << 30;

/**
 * The whole file as one Uint8Array (files over 2 GiB are read in chunks): over a fresh ArrayBuffer,
 * or over the bytes `allocate(size)` returns (a block of WebAssembly memory, so the SIMD kernels
 * read the weights where they lie). Tensors are views into it, so the weights are held once.
 */
export async function readWholeFile(
  path: string,
  allocate: (size: number) => Uint8Array = (size) => new Uint8Array(new ArrayBuffer(size)),
): Promise<Uint8Array> {
  const handle = await open(path, "r").catch((cause: unknown) => {
    throw new FormatError(`${path}: cannot open (${(cause as Error).message})`, { cause });
  });
  try {
    const { size } = await handle.stat();
    let bytes: Uint8Array;
    try {
      bytes = allocate(size);
    } catch (error) {
      // the allocator's own error (WasmMemoryLimitError, ...), so instanceof still tells it apart
      if (error instanceof LlmError) error.message = `${path}: ${error.message}`;
      throw error;
    }
    let offset = 0;
    while (offset < size) {
      const length = Math.min(READ_CHUNK_BYTES, size - offset);
      const { bytesRead } = await handle.read(bytes, offset, length, offset);
      if (bytesRead === 0) throw new FormatError(`${path}: file shrank while reading (at byte ${offset})`);
      offset += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/** The first `length` bytes of a file (fewer if it is shorter), for headers of large files. */
export async function readFilePrefix(
  path: string,
  length: number,
): Promise<{ bytes: Uint8Array; fileSize: number }> {
  const handle = await open(path, "r").catch((cause: unknown) => {
    throw new FormatError(`${path}: cannot open (${(cause as Error).message})`, { cause });
  });
  try {
    const { size } = await handle.stat();
    const n = Math.min(size, length);
    const bytes = new Uint8Array(n);
    let offset = 0;
    while (offset < n) {
      const { bytesRead } = await handle.read(bytes, offset, n - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return { bytes: bytes.subarray(0, offset), fileSize: size };
  } finally {
    await handle.close();
  }
}
