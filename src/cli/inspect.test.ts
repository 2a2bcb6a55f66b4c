import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { softmax } from "../generation/distribution.js";
import { processLogits } from "../generation/pipeline.js";
import { loadModel } from "../load-model.js";
import { sharedPath } from "../testing/shared.js";
import type { InspectReport } from "./inspect.js";

const CLI = join(process.cwd(), "dist", "cli", "main.js");
const MODEL = sharedPath("models", "stories260K", "stories260K-f32.gguf");
const PROMPT = "Lily saw a";
const FLAGS = ["--do-sample", "--temperature", "1.5", "--top-k", "40", "--top-p", "0.95", "--min-p", "0.01"];
const OPTIONS = { doSample: true, temperature: 1.5, topK: 40, topP: 0.95, minP: 0.01 };

function inspect(args: string[]): { code: number | null; stdout: string; stderr: string } {
  // a wide terminal, so that whole lines can be matched (terminal-width.test.ts checks narrow ones)
  const result = spawnSync(process.execPath, [CLI, "inspect", "--model", MODEL, ...args], {
    encoding: "utf8",
    env: { ...process.env, COLUMNS: "200" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function rawLogits(prompt: string): Promise<{ tokens: number[]; logits: Float32Array }> {
  const model = await loadModel(MODEL);
  const tokens = model.tokenizer.encode(prompt, { addSpecialTokens: true });
  const logits = model.newSession().forward(tokens);
  return { tokens, logits };
}

test("inspect --json: the top candidates' probabilities are softmax of the model's logits", async () => {
  const { code, stdout, stderr } = inspect([...FLAGS, "--top", "30", "--json", PROMPT]);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as InspectReport;
  const { tokens, logits } = await rawLogits(PROMPT);
  assert.deepEqual(report.promptTokens, tokens);
  const probs = softmax(logits);
  const ranked = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a] || a - b);
  assert.equal(report.candidates.length, 30);
  report.candidates.forEach((c, i) => {
    assert.equal(c.rank, i + 1);
    assert.equal(c.id, ranked[i]);
    assert.ok(Math.abs(c.prob - probs[c.id]) < 1e-6, `p(${c.id}) ${c.prob} vs ${probs[c.id]}`);
    assert.ok(Math.abs(c.logprob - Math.log(probs[c.id])) < 1e-5);
  });
});

test("inspect --json: the kept set and the processed probabilities equal processLogits() with the same options", async () => {
  const { stdout } = inspect([...FLAGS, "--top", "50", "--json", PROMPT]);
  const report = JSON.parse(stdout) as InspectReport;
  const { tokens, logits } = await rawLogits(PROMPT);
  const processed = processLogits(logits, { tokens, promptLength: tokens.length }, OPTIONS);
  const kept = Array.from(processed.keys()).filter((id) => processed[id] !== -Infinity);
  assert.deepEqual(report.keptIds, kept);
  assert.equal(report.processed.kept, kept.length);
  assert.ok(kept.length > 1 && kept.length < 40, `a filter that bites: ${kept.length} kept`);
  const final = softmax(processed);
  for (const c of report.candidates) {
    assert.equal(c.removedBy === undefined, processed[c.id] !== -Infinity, `token ${c.id}`);
    assert.ok(Math.abs(c.processedProb - final[c.id]) < 1e-6);
  }
  // every stage reports; the last one's kept count is the final one
  assert.deepEqual(
    report.stages.map((s) => s.name),
    ["temperature", "top_k", "top_p", "min_p"],
  );
  assert.equal(report.stages[1].kept, 40);
  assert.equal(report.stages.at(-1)!.kept, kept.length);
  // a candidate kept by a stage was kept by every earlier stage
  for (const c of report.candidates) {
    const flags = report.stages.map((s) => c.kept[s.name]);
    assert.deepEqual(
      flags,
      [...flags].sort((a, b) => Number(b) - Number(a)),
    );
  }
});

test("inspect --json: each stage's removed mass and entropy follow from the stage before", async () => {
  const { stdout } = inspect([...FLAGS, "--json", PROMPT]);
  const report = JSON.parse(stdout) as InspectReport;
  const { tokens, logits } = await rawLogits(PROMPT);
  const hot = processLogits(
    logits,
    { tokens, promptLength: tokens.length },
    { doSample: true, temperature: 1.5, topK: 0 },
  );
  const afterTopK = processLogits(
    logits,
    { tokens, promptLength: tokens.length },
    { ...OPTIONS, topP: 1, minP: 0 },
  );
  const p = softmax(hot);
  let removed = 0;
  for (let id = 0; id < p.length; id++) if (afterTopK[id] === -Infinity) removed += p[id];
  assert.ok(Math.abs(report.stages[1].removedMass - removed) < 1e-6);
  assert.equal(report.stages[0].removedMass, 0);
  const entropy = -p.reduce((h, q) => (q > 0 ? h + q * Math.log(q) : h), 0);
  assert.ok(Math.abs(report.stages[0].entropy - entropy) < 1e-5);
  assert.ok(Math.abs(report.stages[0].entropyBits - entropy / Math.LN2) < 1e-5);
});

test("inspect prints a ranked table, plain when piped, naming the stage the probabilities come from", () => {
  const { code, stdout, stderr } = inspect([...FLAGS, "--top", "5", PROMPT]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /sampling through: temperature → top_k → top_p → min_p/);
  assert.match(stdout, /p and logprob are raw .*"final" is processed/);
  assert.match(stdout, /entropy: raw [\d.]+ nats \([\d.]+ bits\)/);
  assert.match(stdout, /rank\s+id\s+token\s+p\s+logprob\s+final\s+temperature\s+top_k\s+top_p\s+min_p/);
  assert.match(stdout, /^\s+1\s+\d+\s+·\S+\s+█/m);
  assert.match(stdout, /^top_k\s+40\s/m);
  assert.ok(!stdout.includes("\x1b["), "no colour when piped");
});

test("inspect without --do-sample says the warpers do not run", () => {
  const { code, stdout } = inspect(["--top-k", "5", "--top", "3", PROMPT]);
  assert.equal(code, 0);
  assert.match(stdout, /not sampling \(greedy\): temperature, top-k, top-p and the other warpers do not run/);
  const bad = inspect(["--top", "0", PROMPT]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--top must be an integer >= 1, got "0"/);
});
