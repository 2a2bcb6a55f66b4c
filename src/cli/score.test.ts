import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { logSumExp } from "../generation/distribution.js";
import { loadModel } from "../load-model.js";
import { sharedPath } from "../testing/shared.js";
import type { ScoreReport } from "./score.js";

const CLI = join(process.cwd(), "dist", "cli", "main.js");
const STORIES = sharedPath("models", "stories260K");
const MODEL = ["--model", join(STORIES, "stories260K.bin"), "--tokenizer", join(STORIES, "tok512.bin")];
const TEXT = "Once upon a time, there was a cat. The cat liked fish.";

function score(args: string[]): { code: number | null; stdout: string; stderr: string } {
  // a wide terminal, so that whole lines can be matched (terminal-width.test.ts checks narrow ones)
  const env = { ...process.env, COLUMNS: "200" };
  const result = spawnSync(process.execPath, [CLI, "score", ...MODEL, ...args], { encoding: "utf8", env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("score --json: perplexity is exp(-mean logprob) recomputed from session.forward(allLogits)", async () => {
  const { code, stdout, stderr } = score(["--json", TEXT]);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as ScoreReport;

  const model = await loadModel(join(STORIES, "stories260K.bin"), { tokenizer: join(STORIES, "tok512.bin") });
  const tokens = model.tokenizer.encode(TEXT, { addSpecialTokens: true });
  assert.deepEqual(report.tokens, tokens);
  const V = model.vocabSize;
  const logits = model.newSession().forward(tokens.slice(0, -1), { allLogits: true });
  const logprobs = tokens.slice(1).map((token, i) => {
    const row = logits.subarray(i * V, (i + 1) * V);
    return row[token] - logSumExp(row);
  });
  const mean = logprobs.reduce((a, b) => a + b, 0) / logprobs.length;
  assert.equal(report.scores.length, tokens.length - 1);
  report.scores.forEach((s, i) => {
    assert.ok(Math.abs(s.logprob - logprobs[i]) < 1e-5);
    assert.ok(Math.abs(s.surprisalBits + logprobs[i] / Math.LN2) < 1e-5);
  });
  assert.ok(Math.abs(report.perplexity - Math.exp(-mean)) < 1e-6 * report.perplexity);
  assert.ok(Math.abs(report.meanLogprob - mean) < 1e-6);
});

test("score prints each token with its probability and surprisal, then the totals", () => {
  const { code, stdout, stderr } = score([TEXT]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /pos\s+id\s+token\s+p\s+logprob\s+bits\s+rank\s+entropy/);
  assert.match(stdout, /⟨<s>⟩\s+\(context only, not scored\)/);
  assert.match(stdout, /^\s+1\s+403\s+·Once\s/m);
  assert.match(
    stdout,
    /\d+ tokens scored: total logprob -[\d.]+ nats, mean -[\d.]+, [\d.]+ bits\/token, perplexity [\d.]+/,
  );
  assert.ok(!stdout.includes("\x1b["), "no colour when piped");
  const short = score([""]);
  assert.equal(short.code, 2);
  assert.match(short.stderr, /at least 2 tokens/);
});
