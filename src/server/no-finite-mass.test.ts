// Over real HTTP on loopback: a temperature that would overflow float32 is a 400 naming the field,
// and a model whose logits are NaN answers every strategy with a JSON no_finite_mass error (no stack,
// no `choices: []`), while the server keeps serving.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parseGguf } from "../formats/gguf.js";
import { loadModel, type Model } from "../load-model.js";
import { sharedPath } from "../testing/shared.js";
import { type RunningServer, startServer } from "./server.js";

let healthy: RunningServer;
let broken: RunningServer;

const MODEL = sharedPath("models", "stories260K", "stories260K-f32.gguf");
const PROMPT = "Once upon a time";

/**
 * A copy of the model file whose embedding rows are NaN for every token but the prompt's: the prompt's
 * forward pass (step 0) is finite, and whichever token step 0 picks turns step 1's logits into NaN.
 * Written to a file because the server's engine worker loads its model from a source.
 */
function nanAfterFirstStep(model: Model, dir: string): string {
  const bytes = new Uint8Array(readFileSync(MODEL));
  const file = parseGguf(bytes, MODEL);
  const embedding = file.tensorInfos.find((t) => t.name === "token_embd.weight");
  assert.ok(embedding !== undefined && embedding.dtype === "f32", "an f32 token_embd.weight");
  const [vocab, dim] = embedding.shape;
  const rows = new Float32Array(bytes.buffer, embedding.byteOffset, vocab * dim);
  const keep = new Set(model.tokenizer.encode(PROMPT, { addSpecialTokens: true }));
  for (let token = 0; token < vocab; token++)
    if (!keep.has(token)) rows.fill(NaN, token * dim, (token + 1) * dim);
  const path = join(dir, "nan-after-first-step.gguf");
  writeFileSync(path, bytes);
  return path;
}

let dir: string;
before(async () => {
  const model = await loadModel(MODEL);
  const options = { modelId: "stories260K", port: 0, log: () => {} };
  healthy = await startServer(model, options);
  dir = mkdtempSync(join(tmpdir(), "nextoken-nan-"));
  const source = nanAfterFirstStep(model, dir);
  broken = await startServer({ source, options: { checkWeights: false } }, options);
});

after(async () => {
  await healthy.close();
  await broken.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  choices?: unknown[];
  error?: { message: string; type: string; param: string | null; code: string | null };
}

async function complete(server: RunningServer, body: object): Promise<{ status: number; json: Answer }> {
  const response = await fetch(`${server.url}/v1/completions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ model: "stories260K", prompt: PROMPT, max_tokens: 4, ...body }),
  });
  return { status: response.status, json: (await response.json()) as Answer };
}

test("temperature 1e-320 (inside [0, 2]) is a 400 naming temperature and the accepted range", async () => {
  for (const temperature of [1e-320, 1e-31]) {
    const { status, json } = await complete(healthy, { temperature });
    assert.equal(status, 400, JSON.stringify(json));
    assert.equal(json.error!.param, "temperature");
    assert.match(json.error!.message, /1e-30/);
    assert.match(json.error!.message, new RegExp(String(temperature)));
  }
  const { status, json } = await complete(healthy, { temperature: 1e-30, seed: 1 });
  assert.equal(status, 200, JSON.stringify(json));
  assert.equal(json.choices!.length, 1);
});

test("NaN logits: greedy, sampling, n = 2 and beam search each answer a JSON no_finite_mass error", async () => {
  const requests = [{ temperature: 0 }, { temperature: 0.8, seed: 1 }, { n: 2, seed: 1 }, { num_beams: 3 }];
  for (const body of requests) {
    const { status, json } = await complete(broken, body);
    assert.equal(status, 500, JSON.stringify(json));
    assert.equal(json.error!.code, "no_finite_mass");
    assert.equal(json.error!.type, "server_error");
    assert.match(json.error!.message, /step 1: in the model's logits, a score is NaN/);
    assert.doesNotMatch(json.error!.message, /at .*\.js/);
  }
  const health = await fetch(`${broken.url}/health`);
  assert.equal(health.status, 200);
  const ok = await complete(healthy, { num_beams: 3 });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.choices!.length, 1, "healthy beam search still answers");
});
