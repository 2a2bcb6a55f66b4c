import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { WasmMemoryLimitError } from "../tensor/wasm/arena.js";
import { readWholeFile } from "./read-file.js";

test("an allocator's error keeps its class and gains the file's path", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nextoken-read-"));
  try {
    const path = join(dir, "weights.bin");
    writeFileSync(path, new Uint8Array(100));
    await assert.rejects(
      readWholeFile(path, (size) => {
        throw new WasmMemoryLimitError(size, 0);
      }),
      (error: unknown) =>
        error instanceof WasmMemoryLimitError &&
        error.code === "wasm_memory_limit" &&
        error.message.startsWith(`${path}: cannot allocate `),
    );
    assert.deepEqual(await readWholeFile(path), new Uint8Array(100));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
