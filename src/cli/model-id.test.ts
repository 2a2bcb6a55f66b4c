import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { modelIdOf } from "./model-arg.js";

test("the model id clients see: --model-name, ORG/NAME for the Hub, else the file's name", async () => {
  const dir = await mkdtemp(join(tmpdir(), "nextoken-id-"));
  try {
    await writeFile(join(dir, "tiny.gguf"), "");
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      assert.equal(await modelIdOf({ model: "tiny.gguf" }), "tiny");
      assert.equal(await modelIdOf({ model: "sub/x.gguf" }), "x", "a missing model file is a path");
    } finally {
      process.chdir(cwd);
    }
    assert.equal(await modelIdOf({ model: join(dir, "tiny.gguf") }), "tiny");
    assert.equal(await modelIdOf({ model: "stories/stories260K.bin" }), "stories260K");
    assert.equal(await modelIdOf({ model: "TheOrg/some-model@main" }), "TheOrg/some-model");
    assert.equal(await modelIdOf({ model: "TheOrg/some-model:Q4_K_M" }), "TheOrg/some-model");
    assert.equal(await modelIdOf({ model: "TheOrg/some-model@v1.0:Q8_0" }), "TheOrg/some-model");
    assert.equal(await modelIdOf({ model: "TheOrg/some-model", "model-name": "mine" }), "mine");
    assert.equal(await modelIdOf({}), "default");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
