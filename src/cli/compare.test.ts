import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { type CompareRow, DEFAULT_STRATEGIES } from "../inspect/compare.js";
import { sharedPath } from "../testing/shared.js";

const CLI = join(process.cwd(), "dist", "cli", "main.js");
const STORIES = sharedPath("models", "stories260K");

function runCli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("compare on stories260K: greedy loops (a higher repetition rate) where temperature 1.5 does not", () => {
  const started = performance.now();
  // 200 tokens: on this model greedy falls into its loop after ~130 tokens
  const model = ["--model", join(STORIES, "stories260K.bin"), "--tokenizer", join(STORIES, "tok512.bin")];
  const { code, stdout, stderr } = runCli(["compare", ...model, "-n", "200", "--json", "Once upon a time"]);
  assert.equal(code, 0, stderr);
  assert.ok(performance.now() - started < 30_000, "finishes in seconds");
  const report = JSON.parse(stdout) as { rows: CompareRow[]; samples: number; seed: number };
  assert.deepEqual(
    report.rows.map((r) => r.spec),
    DEFAULT_STRATEGIES.split(";"),
  );
  const bySpec = new Map(report.rows.map((r) => [r.spec, r]));
  const greedy = bySpec.get("greedy")!;
  const hot = bySpec.get("t:1.5")!;
  assert.equal(greedy.samples.length, 1);
  assert.deepEqual(
    hot.samples.map((s) => s.seed),
    [0, 1, 2],
  );
  assert.ok(
    greedy.mean.repetitionRate > hot.mean.repetitionRate,
    `${greedy.mean.repetitionRate} > ${hot.mean.repetitionRate}`,
  );
  assert.ok(greedy.mean.repetitionRate > 0.1);
  // greedy text is the most likely under the model: a higher mean log-prob than temperature 1.5
  assert.ok(greedy.mean.meanLogprob > hot.mean.meanLogprob);
  for (const row of report.rows) {
    for (const s of row.samples) {
      assert.equal(s.length, s.tokens.length);
      assert.ok(Math.abs(s.perplexity - Math.exp(-s.meanLogprob)) < 1e-9);
      assert.ok(s.distinct1 > 0 && s.distinct1 <= 1 && s.distinct2 >= s.distinct1);
    }
  }
});

test("compare prints a table with one row per sample, seeds counting up from --seed", () => {
  const model = ["-m", join(STORIES, "stories260K-f32.gguf")];
  const { code, stdout, stderr } = runCli([
    "compare",
    ...model,
    "--strategies",
    "greedy;t:1.2",
    "--samples",
    "2",
    "--seed",
    "7",
    "-n",
    "16",
    "Once",
  ]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /strategy\s+seed\s+logprob\s+ppl\s+dist-1\s+dist-2\s+rep\s+len\s+text/);
  assert.match(stdout, /^greedy\s+-\s/m);
  assert.match(stdout, /^t:1\.2\s+7\s/m);
  assert.match(stdout, /^\s+8\s/m);
  assert.match(stdout, /^\s+mean\s/m);
  assert.ok(!stdout.includes("\x1b["), "no colour when piped");
  const bad = runCli(["compare", ...model, "--strategies", "greedy;top-q:1", "Once"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--strategies "top-q:1" must be made of known terms/);
});
