// `generate --no-special-tokens`: "<s>" written in the prompt stays text instead of becoming BOS.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { sharedPath } from "../testing/shared.js";

const CLI = join(process.cwd(), "dist", "cli", "main.js");
const MODEL = sharedPath("models", "stories260K", "stories260K-f32.gguf");

function promptTokens(...flags: string[]): number[] {
  const run = spawnSync(
    process.execPath,
    [CLI, "generate", "-m", MODEL, "--greedy", "-n", "1", "--json", ...flags, "<s>Once"],
    {
      encoding: "utf8",
    },
  );
  assert.equal(run.status, 0, run.stderr);
  return (JSON.parse(run.stdout) as { promptTokens: number[] }).promptTokens;
}

test("generate parses <s> in the prompt as BOS by default, and as text with --no-special-tokens", () => {
  const parsed = promptTokens();
  const plain = promptTokens("--no-special-tokens");
  assert.deepEqual(parsed.slice(0, 2), [1, 1], "the added BOS, then <s> as BOS");
  assert.equal(plain.filter((id) => id === 1).length, 1, "only the added BOS");
  assert.ok(plain.length > parsed.length, "<s> spelled out takes several tokens");
});
