// The server over real HTTP on loopback, with the official `openai` client as one of the clients.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import OpenAI from "openai";
import { generate } from "../generation/generate.js";
import { scoreText } from "../generation/score.js";
import { loadModel, type Model } from "../load-model.js";
import { sharedPath } from "../testing/shared.js";
import { ChatTemplate } from "./chat-template.js";
import { type RunningServer, startServer } from "./server.js";
import { ggufWithChatTemplate, TEST_CHAT_TEMPLATE } from "./testing.js";

const MODEL_ID = "stories260K";
const MAX_BODY_BYTES = 64 * 1024;
let dir: string;
let model: Model;
let server: RunningServer;
let client: OpenAI;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nextoken-server-"));
  const path = ggufWithChatTemplate(
    sharedPath("models", "stories260K", "stories260K-f32.gguf"),
    dir,
    TEST_CHAT_TEMPLATE,
  );
  model = await loadModel(path);
  server = await startServer(model, {
    modelId: MODEL_ID,
    port: 0,
    maxBodyBytes: MAX_BODY_BYTES,
    queue: { slots: 4, waiting: 64 },
    log: () => {},
  });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const PROMPT = "Once upon a time";
const MESSAGES = [
  { role: "system" as const, content: "Tell a story" },
  { role: "user" as const, content: "Lily went to the park" },
];

test("the fixture model carries a chat template that renders the messages", () => {
  assert.equal(model.tokenizer.chatTemplate, TEST_CHAT_TEMPLATE);
  const text = new ChatTemplate(model.tokenizer).render(MESSAGES);
  assert.equal(text, "<s>Tell a story. Lily went to the park");
});

test("openai client: greedy completion equals generate()", async () => {
  const completion = await client.completions.create({
    model: MODEL_ID,
    prompt: PROMPT,
    max_tokens: 12,
    temperature: 0,
  });
  const expected = await generate(model, PROMPT, { maxNewTokens: 12, temperature: 0 });
  assert.equal(completion.choices[0].text, expected.sequences[0].text);
  assert.equal(completion.choices[0].finish_reason, "length");
  assert.deepEqual(completion.usage, { prompt_tokens: 5, completion_tokens: 12, total_tokens: 17 });
  assert.match(completion.system_fingerprint ?? "", /^fp_/);
});

test("openai client: chat renders the template and equals generate() on the rendered prompt", async () => {
  const chat = await client.chat.completions.create({
    model: MODEL_ID,
    messages: MESSAGES,
    max_tokens: 10,
    temperature: 0,
  });
  const prompt = new ChatTemplate(model.tokenizer).encode(MESSAGES);
  const expected = await generate(model, prompt, { maxNewTokens: 10, temperature: 0 });
  assert.equal(chat.choices[0].message.role, "assistant");
  assert.equal(chat.choices[0].message.content, expected.sequences[0].text);
  assert.equal(chat.usage?.prompt_tokens, prompt.length);
});

test("openai client: streamed chat equals the whole answer; usage comes last; [DONE] ends it", async () => {
  const body = { model: MODEL_ID, messages: MESSAGES, max_tokens: 16, seed: 7, temperature: 0.9 };
  const whole = await client.chat.completions.create(body);
  const stream = await client.chat.completions.create({
    ...body,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  let finish: string | null = null;
  let usage: unknown = undefined;
  for await (const chunk of stream) {
    for (const choice of chunk.choices) {
      text += choice.delta.content ?? "";
      finish = choice.finish_reason ?? finish;
    }
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, whole.choices[0].message.content);
  assert.equal(finish, whole.choices[0].finish_reason);
  assert.deepEqual(usage, whole.usage);
});

test("openai client: streamed completions with n = 2 equal the whole answers", async () => {
  const body = { model: MODEL_ID, prompt: PROMPT, max_tokens: 10, n: 2, seed: 3 };
  const whole = await client.completions.create(body);
  const texts = ["", ""];
  for await (const chunk of await client.completions.create({ ...body, stream: true })) {
    for (const choice of chunk.choices) texts[choice.index] += choice.text;
  }
  assert.deepEqual(
    texts,
    whole.choices.map((c) => c.text),
  );
  assert.ok(texts.every((t) => t.length > 0));
});

test("raw logprobs equal scoreText of the same tokens; top_logprobs carry bytes", async () => {
  const chat = await client.chat.completions.create({
    model: MODEL_ID,
    messages: MESSAGES,
    max_tokens: 12,
    seed: 11,
    logprobs: true,
    top_logprobs: 5,
  });
  const content = chat.choices[0].logprobs?.content ?? [];
  assert.equal(content.length, 12);
  const prompt = new ChatTemplate(model.tokenizer).encode(MESSAGES);
  const generated = await generate(model, prompt, { maxNewTokens: 12, seed: 11, doSample: true, topK: 0 });
  const tokens = [...prompt, ...generated.sequences[0].tokens];
  const scores = scoreText(model, tokens).scores.slice(prompt.length - 1);
  for (const [i, entry] of content.entries()) {
    assert.ok(
      Math.abs(entry.logprob - scores[i].logprob) < 1e-4,
      `token ${i}: ${entry.logprob} vs ${scores[i].logprob}`,
    );
    assert.deepEqual(entry.bytes, [...model.tokenizer.tokenBytes(tokens[prompt.length + i])]);
    assert.equal(entry.top_logprobs.length, 5);
    assert.ok(entry.top_logprobs[0].logprob >= entry.logprob - 1e-9);
    assert.ok(entry.top_logprobs.every((t) => Array.isArray(t.bytes)));
  }
});

test("processed logprobs equal the trace's last stage", async () => {
  const body = {
    model: MODEL_ID,
    prompt: PROMPT,
    max_tokens: 8,
    seed: 5,
    temperature: 0.7,
    top_k: 10,
    top_p: 0.9,
    logprobs: 3,
    logprobs_mode: "processed",
  };
  const { status, json } = await post("/v1/completions", body);
  assert.equal(status, 200);
  const lp = (
    json.choices as Array<{
      logprobs: { token_logprobs: number[]; top_logprobs: Array<Record<string, number>> };
    }>
  )[0].logprobs;
  const traced = await generate(model, PROMPT, {
    maxNewTokens: 8,
    seed: 5,
    temperature: 0.7,
    topK: 10,
    topP: 0.9,
    doSample: true,
    trace: 3,
  });
  const steps = traced.sequences[0].steps ?? [];
  assert.equal(lp.token_logprobs.length, steps.length);
  for (const [i, step] of steps.entries()) {
    assert.ok(Math.abs(lp.token_logprobs[i] - step.processedLogprob) < 1e-12);
    const last = step.trace?.stages.at(-1)?.top ?? [];
    assert.deepEqual(Object.values(lp.top_logprobs[i]).sort(), last.map((c) => c.logprob).sort());
    assert.notEqual(step.processedLogprob, step.logprob);
  }
});

test("legacy echo scores the prompt (first token null) and max_tokens 0 generates nothing", async () => {
  const { status, json } = await post("/v1/completions", {
    model: MODEL_ID,
    prompt: PROMPT,
    max_tokens: 0,
    echo: true,
    logprobs: 1,
  });
  assert.equal(status, 200);
  const choice = (
    json.choices as Array<{ text: string; logprobs: { token_logprobs: Array<number | null> } }>
  )[0];
  assert.equal(choice.text, PROMPT);
  const scores = scoreText(model, PROMPT).scores;
  assert.equal(choice.logprobs.token_logprobs[0], null);
  for (const [i, s] of scores.entries())
    assert.ok(Math.abs((choice.logprobs.token_logprobs[i + 1] ?? 0) - s.logprob) < 1e-9);
});

test("32 clients × 3 seeded requests at once each get what the request gets alone", async () => {
  const requestOf = (client: number, k: number) => ({
    model: MODEL_ID,
    prompt: ["Once upon a time", "Lily saw a", "The dog"][k],
    max_tokens: 6 + (client % 5),
    seed: client * 10 + k,
    temperature: 0.8,
  });
  const textOf = async (body: unknown) => {
    const { status, json } = await post("/v1/completions", body);
    assert.equal(status, 200, JSON.stringify(json));
    return (json.choices as Array<{ text: string }>)[0].text;
  };
  const alone = new Map<string, string>();
  for (let c = 0; c < 32; c++)
    for (let k = 0; k < 3; k++) alone.set(`${c}/${k}`, await textOf(requestOf(c, k)));
  const together = await Promise.all(
    Array.from({ length: 32 }, async (_, c) => {
      const out: string[] = [];
      for (let k = 0; k < 3; k++) out.push(await textOf(requestOf(c, k)));
      return out;
    }),
  );
  for (let c = 0; c < 32; c++)
    for (let k = 0; k < 3; k++) assert.equal(together[c][k], alone.get(`${c}/${k}`));
  assert.equal((await server.context.engine.stats()).liveSessions, 0);
});

test("a client that disconnects mid-stream stops generation and frees its sessions", async () => {
  const abort = new AbortController();
  const response = await fetch(`${server.url}/v1/completions`, {
    method: "POST",
    body: JSON.stringify({ model: MODEL_ID, prompt: PROMPT, max_tokens: 500, stream: true, n: 2 }),
    signal: abort.signal,
  });
  const reader = response.body!.getReader();
  await reader.read();
  assert.ok((await server.context.engine.stats()).liveSessions > 0);
  abort.abort();
  for (
    let i = 0;
    i < 200 &&
    ((await server.context.engine.stats()).liveSessions > 0 || server.context.queue.load.active > 0);
    i++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal((await server.context.engine.stats()).liveSessions, 0);
  assert.deepEqual(server.context.queue.load, { active: 0, waiting: 0 });
});

test("100 malformed requests each get a 4xx with a message, and the server keeps answering", async () => {
  const raw = (body: string | Buffer) => ({ body });
  const completions = (fields: Record<string, unknown>) =>
    raw(JSON.stringify({ model: MODEL_ID, prompt: "a", ...fields }));
  const chat = (fields: Record<string, unknown>) =>
    raw(JSON.stringify({ model: MODEL_ID, messages: [{ role: "user", content: "hi" }], ...fields }));
  const cases: Array<[string, { body: string | Buffer }]> = [];
  const badJson = ["{", "[", "nul", '{"model":}', "", "   ", "{'a':1}", "[1,2]", '"text"', "123", '{"a":1,}'];
  for (const text of badJson) cases.push(["/v1/completions", raw(text)], ["/v1/chat/completions", raw(text)]);
  for (const bytes of [
    [0xff],
    [0xc3, 0x28],
    [0xe2, 0x82],
    [0xed, 0xa0, 0x80],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
  ]) {
    const body = Buffer.concat([
      Buffer.from('{"model":"stories260K","prompt":"'),
      Buffer.from(bytes),
      Buffer.from('"}'),
    ]);
    cases.push(["/v1/completions", raw(body)]);
  }
  cases.push([
    "/v1/completions",
    raw(JSON.stringify({ model: MODEL_ID, prompt: "x".repeat(MAX_BODY_BYTES) })),
  ]);
  cases.push(["/v1/chat/completions", raw("x".repeat(4 * MAX_BODY_BYTES))]);
  for (const name of ["gpt-4", "", "STORIES260K", "../etc/passwd"])
    cases.push(["/v1/completions", completions({ model: name })]);
  cases.push(
    ["/v1/completions", raw(JSON.stringify({ prompt: "a" }))],
    ["/v1/chat/completions", chat({ model: 12 })],
  );
  const bad: Record<string, unknown[]> = {
    max_tokens: ["10", -1, 1.5, 0, {}],
    temperature: ["hot", -0.1, 2.5, []],
    top_p: [1.5, -1, "0.5"],
    n: [0, 17, 2.5, "2"],
    stop: [5, [""], [1], Array(17).fill("a")],
    seed: ["1", 1.5],
    frequency_penalty: [3, -3, "x"],
    presence_penalty: [2.5, true],
    logit_bias: [[1], { "-1": 5 }, { "1": 500 }, { "99999": 1 }, { abc: 1 }, "x"],
    top_k: [-2, 1.5, "k"],
    min_p: [2, -0.5],
    typical_p: [0, 1.5],
    repetition_penalty: [0, -1, "x"],
    num_beams: [0, 99, "2"],
    sampler_order: ["random", ["nope"], 5, ["top_k", "top_k"]],
    logprobs_mode: ["cooked", 1],
    stream: ["yes", 1],
    stream_options: [{ include_usage: true }],
    suffix: ["tail"],
    best_of: [3],
    echo: ["no"],
    logprobs: [-1, 21, "3"],
    prompt: [null, 5, [], [[-1]], [[1, 99999]], [{}], [1.5]],
  };
  for (const [field, values] of Object.entries(bad))
    for (const value of values) cases.push(["/v1/completions", completions({ [field]: value })]);
  const badChat: Record<string, unknown[]> = {
    messages: [
      [],
      "hi",
      [{ role: "robot", content: "x" }],
      [{ role: "user" }],
      [{ role: "user", content: 5 }],
      [{ role: "user", content: [{ type: "image_url" }] }],
    ],
    top_logprobs: [5, 21],
    logprobs: ["true"],
    tools: [[{ type: "function", function: { name: "f" } }]],
    response_format: [{ type: "json_object" }],
  };
  for (const [field, values] of Object.entries(badChat))
    for (const value of values) cases.push(["/v1/chat/completions", chat({ [field]: value })]);
  cases.push([
    "/v1/chat/completions",
    chat({ logprobs: true, top_logprobs: 3, num_beams: 2, logprobs_mode: "processed" }),
  ]);
  cases.push(["/v1/completions", completions({ n: 2, temperature: 0 })]);
  cases.push(["/v1/completions", completions({ prompt: Array(600).fill(5) })]);
  assert.ok(cases.length >= 100, `${cases.length} cases`);

  for (const [path, init] of cases) {
    const response = await fetch(`${server.url}${path}`, { method: "POST", ...init });
    const text = await response.text();
    assert.ok(
      response.status >= 400 && response.status < 500,
      `${response.status} for ${String(init.body).slice(0, 100)}: ${text}`,
    );
    const error = (JSON.parse(text) as { error: { message: string; type: string } }).error;
    assert.ok(error.message.length > 0);
  }
  const ok = await client.completions.create({ model: MODEL_ID, prompt: PROMPT, max_tokens: 3 });
  assert.equal(ok.choices.length, 1);
});

test("GET /v1/models, /health, unknown routes and methods", async () => {
  const models = await client.models.list();
  assert.deepEqual(
    models.data.map((m) => m.id),
    [MODEL_ID],
  );
  const health = (await (await fetch(`${server.url}/health`)).json()) as { status: string };
  assert.equal(health.status, "ok");
  assert.equal((await fetch(`${server.url}/v1/nothing`)).status, 404);
  assert.equal((await fetch(`${server.url}/v1/completions`)).status, 405);
  assert.equal((await fetch(`${server.url}/v1/models/other`)).status, 404);
});

test("api key, CORS only when asked, 503 with Retry-After when the queue is full", async () => {
  const guarded = await startServer(model, {
    modelId: MODEL_ID,
    port: 0,
    apiKey: "sekret",
    corsOrigin: "http://app.example",
    queue: { slots: 1, waiting: 1 },
    log: () => {},
  });
  try {
    assert.equal(server.url.startsWith("http://127.0.0.1:"), true);
    const noKey = await fetch(`${guarded.url}/v1/models`);
    assert.equal(noKey.status, 401);
    assert.equal(((await noKey.json()) as { error: { code: string } }).error.code, "invalid_api_key");
    assert.equal(
      (await fetch(`${guarded.url}/v1/models`, { headers: { Authorization: "Bearer wrong" } })).status,
      401,
    );
    const ok = await fetch(`${guarded.url}/v1/models`, {
      headers: { Authorization: "Bearer sekret", Origin: "http://app.example" },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("access-control-allow-origin"), "http://app.example");
    const plain = await fetch(`${server.url}/v1/models`, { headers: { Origin: "http://app.example" } });
    assert.equal(plain.headers.get("access-control-allow-origin"), null);

    const keyed = new OpenAI({ baseURL: `${guarded.url}/v1`, apiKey: "sekret", maxRetries: 0 });
    const streams = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        keyed.completions.create({ model: MODEL_ID, prompt: PROMPT, max_tokens: 400 }),
      ),
    );
    const refused = streams.filter((s) => s.status === "rejected");
    assert.equal(streams.filter((s) => s.status === "fulfilled").length, 2);
    for (const s of refused) {
      const error = s.reason as { status: number; headers: Headers };
      assert.equal(error.status, 503);
      assert.equal(error.headers.get("retry-after"), "1");
    }
  } finally {
    await guarded.close();
  }
});
