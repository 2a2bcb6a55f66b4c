import { open, rename, unlink } from "node:fs/promises";

/**
 * Writes `data` to `path` through a temporary file in the same directory and a rename, so a crash
 * or Ctrl-C leaves either the old file or the new one, never half of either. The temporary file is
 * synced before the rename: otherwise a power cut can leave the new name on data never written.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    const file = await open(temp, "w");
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
