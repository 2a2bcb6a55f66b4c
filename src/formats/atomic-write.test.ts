import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { writeFileAtomic } from "./atomic-write.js";

const root = await mkdtemp(join(tmpdir(), "nextoken-atomic-"));
after(() => rm(root, { recursive: true, force: true }));

test("writeFileAtomic replaces the file whole and leaves no temporary file", async () => {
  const path = join(root, "a.json");
  await writeFileAtomic(path, "old\n");
  await writeFileAtomic(path, Uint8Array.of(110, 101, 119));
  assert.equal(await readFile(path, "utf8"), "new");
  assert.deepEqual(await readdir(root), ["a.json"]);
});

test("writeFileAtomic into a missing folder fails and leaves nothing behind", async () => {
  await assert.rejects(writeFileAtomic(join(root, "missing", "b.json"), "x"), { code: "ENOENT" });
  assert.deepEqual(await readdir(root), ["a.json"]);
});
