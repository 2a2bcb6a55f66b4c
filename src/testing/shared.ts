import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A path under ../shared (golden data and real checkpoints), relative to the repo root. */
export function sharedPath(...parts: string[]): string {
  return join(process.cwd(), "..", "shared", ...parts);
}

/** A raw little-endian float32 file from ../shared. */
export function readF32(...parts: string[]): Float32Array {
  const bytes = readFileSync(sharedPath(...parts));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Largest |a[i] - b[i]|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
