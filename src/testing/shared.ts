import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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

const tempDirs: string[] = [];

/** A new directory under the OS temp dir, removed with its contents when this test process exits. */
export function tempDir(prefix: string): string {
  if (tempDirs.length === 0) {
    process.on("exit", () => {
      for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
