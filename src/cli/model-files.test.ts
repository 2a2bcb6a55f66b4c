import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { sharedPath } from "../testing/shared.js";

// The real CLI binary, given files that are not models: one line naming what the file is.
const CLI = join(process.cwd(), "dist", "cli", "main.js");

function run(args: string[], cwd = process.cwd()): { code: number | null; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("a text file, a tokenizer and a mistyped local path as -m are named for what they are", () => {
  const dir = mkdtempSync(join(tmpdir(), "nextoken-files-"));
  try {
    const textFile = join(dir, "notes.txt");
    writeFileSync(textFile, "cheese and more cheese\n".repeat(10));
    const text = run(["generate", "-m", textFile, "hi"]);
    assert.equal(text.code, 1);
    assert.equal(text.stdout, "");
    assert.match(
      text.stderr,
      /notes\.txt: not a model file: no GGUF magic, no safetensors header, and not a llama2\.c checkpoint \(dim 1701144675\); it looks like a text file\n$/,
    );

    const tokenizer = run(["generate", "-m", sharedPath("models", "stories260K", "tok512.bin"), "hi"]);
    assert.equal(tokenizer.code, 1);
    assert.match(tokenizer.stderr, /tok512\.bin: not a model file: it looks like a llama2\.c tokenizer/);

    mkdirSync(join(dir, "mymodels"));
    const mistyped = run(["generate", "-m", "mymodels/kjv", "hi"], dir);
    assert.equal(mistyped.code, 1);
    assert.match(
      mistyped.stderr,
      /mymodels\/kjv: no such file or directory; to download from the Hub write an id such as owner\/name\n$/,
    );
    assert.doesNotMatch(mistyped.stderr, /huggingface|stack|\n {4}at /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
