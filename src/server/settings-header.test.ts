// The X-Nextoken-Settings header over real HTTP on loopback: the server's defaults are the model's
// generation config (the built-in model's), and each response says which settings applied, from where.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { DEFAULT_MODEL_DIR } from "../default-model.js";
import { type RunningServer, startServer } from "./server.js";

let dir: string;
let server: RunningServer;

before(async () => {
  // the built-in model (it has a generation config) with a chat template added, for the chat endpoint
  dir = mkdtempSync(join(tmpdir(), "nextoken-settings-"));
  for (const file of ["config.json", "generation_config.json", "model.safetensors", "tokenizer.json"])
    symlinkSync(join(DEFAULT_MODEL_DIR, file), join(dir, file));
  const tokenizerConfig = JSON.parse(
    readFileSync(join(DEFAULT_MODEL_DIR, "tokenizer_config.json"), "utf8"),
  ) as Record<string, unknown>;
  tokenizerConfig.chat_template = "{% for m in messages %}{{ m.content }}\n{% endfor %}";
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(tokenizerConfig));
  server = await startServer({ source: dir }, { modelId: "default", port: 0, log: () => {} });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

type Settings = Record<string, unknown>;

async function post(
  path: string,
  body: Record<string, unknown>,
): Promise<{ status: number; settings: Settings; text: string; type: string }> {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ model: "default", ...body }),
  });
  const header = response.headers.get("x-nextoken-settings");
  const text = await response.text();
  assert.ok(header !== null, `${path}: no X-Nextoken-Settings header (status ${response.status}: ${text})`);
  return {
    status: response.status,
    settings: JSON.parse(header) as Settings,
    text,
    type: response.headers.get("content-type") ?? "",
  };
}

const completion = (text: string) =>
  (JSON.parse(text) as { choices: Array<{ text: string }> }).choices[0].text;

test("completions without temperature sample with the model's generation config, and say so", async () => {
  const { status, settings } = await post("/v1/completions", { prompt: "And God said" });
  assert.equal(status, 200);
  assert.equal(settings.strategy, "sampling");
  assert.deepEqual(settings.do_sample, [true, "default"]);
  assert.deepEqual(settings.temperature, [0.8, "generation_config"]);
  assert.deepEqual(settings.top_k, [40, "generation_config"]);
  assert.deepEqual(settings.top_p, [0.95, "generation_config"]);
  assert.deepEqual(settings.repetition_penalty, [1.1, "generation_config"]);
  assert.deepEqual(settings.max_tokens, [16, "default"], "OpenAI's completions default, not the model's 128");
  const [seed, source] = settings.seed as [number, string];
  assert.equal(source, "random");
  assert.ok(Number.isSafeInteger(seed));
});

test("the request's fields are reported as such, and the reported seed reproduces a sampled answer", async () => {
  const first = await post("/v1/completions", { prompt: "And God said", max_tokens: 12, top_p: 0.5 });
  assert.deepEqual(first.settings.top_p, [0.5, "request"]);
  assert.deepEqual(first.settings.max_tokens, [12, "request"]);
  const [seed] = first.settings.seed as [number];
  const again = await post("/v1/completions", { prompt: "And God said", max_tokens: 12, top_p: 0.5, seed });
  assert.deepEqual(again.settings.seed, [seed, "request"]);
  assert.equal(completion(again.text), completion(first.text));
});

test("temperature 0 is greedy: the header says so and leaves out the sampling knobs", async () => {
  const { settings } = await post("/v1/completions", { prompt: "And God said", temperature: 0 });
  assert.equal(settings.strategy, "greedy");
  assert.deepEqual(settings.do_sample, [false, "request"]);
  assert.equal(settings.temperature, undefined);
  assert.equal(settings.top_k, undefined);
  assert.equal(settings.seed, undefined);
  assert.deepEqual(settings.repetition_penalty, [1.1, "generation_config"], "penalties apply when greedy");
});

test("chat completions carry the header, streamed too; max_completion_tokens is named as sent", async () => {
  const messages = [{ role: "user", content: "And God said" }];
  const whole = await post("/v1/chat/completions", { messages, max_completion_tokens: 5, temperature: 0.6 });
  assert.equal(whole.status, 200);
  assert.deepEqual(whole.settings.temperature, [0.6, "request"]);
  assert.deepEqual(whole.settings.do_sample, [true, "request"]);
  assert.deepEqual(whole.settings.max_completion_tokens, [5, "request"]);
  const streamed = await post("/v1/chat/completions", { messages, max_tokens: 5, stream: true });
  assert.match(streamed.type, /^text\/event-stream/);
  assert.ok(streamed.text.endsWith("data: [DONE]\n\n"));
  assert.deepEqual(streamed.settings.temperature, [0.8, "generation_config"]);
  assert.deepEqual(streamed.settings.max_tokens, [5, "request"]);
  const beams = await post("/v1/completions", {
    prompt: "And God",
    num_beams: 2,
    max_tokens: 3,
    stream: true,
  });
  assert.equal(beams.settings.strategy, "beam search");
  assert.deepEqual(beams.settings.num_beams, [2, "request"]);
  assert.deepEqual(beams.settings.length_penalty, [1, "default"]);
});
