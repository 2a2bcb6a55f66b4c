import { rename, unlink, writeFile } from "node:fs/promises";

/**
 * Writes `data` to `path` through a temporary file in the same directory and a rename, so a crash
 * or Ctrl-C leaves either the old file or the new one, never half of either.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
