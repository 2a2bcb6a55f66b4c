// No request can freeze the server: every size a request names is capped (a 400 naming the field,
// the value and the cap), the model runs in the engine's worker so /health answers at once while the
// heaviest request allowed runs, a request past its time budget is cut (504, or an SSE error event)
// and the server keeps serving; the real CLI stops within 1 s of SIGTERM mid-request.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { sharedPath } from "../testing/shared.js";
import { LIMITS } from "./limits.js";
import { type RunningServer, startServer } from "./server.js";

const MODEL = sharedPath("models", "stories260K", "stories260K-f32.gguf");
const MODEL_ID = "stories260K";
const CLI = join(process.cwd(), "dist", "cli", "main.js");
/** The heaviest /api/compare the caps allow: every strategy the widest beam, the most tokens. */
const HEAVIEST_COMPARE = {
  prompt: "Once upon a time",
  strategies: Array(LIMITS.compareStrategies).fill(`beam:${LIMITS.beams}`).join(";"),
  maxNewTokens: LIMITS.compareTokens,
};

interface Answer {
  status: number;
  json: { error?: { message: string; param: string | null; code: string | null } } & Record<string, unknown>;
}

async function post(url: string, path: string, body: unknown, signal?: AbortSignal): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  return { status: response.status, json: (await response.json()) as Answer["json"] };
}

/** The slowest of `times` /health round trips, in milliseconds. */
async function slowestHealth(url: string, times: number): Promise<number> {
  let slowest = 0;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const response = await fetch(`${url}/health`);
    assert.equal(response.status, 200);
    await response.json();
    slowest = Math.max(slowest, performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return slowest;
}

describe("request caps", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ source: MODEL }, { modelId: MODEL_ID, port: 0, log: () => {} });
  });
  after(() => server.close());

  const base = { model: MODEL_ID, prompt: "Once" };
  const chat = { model: MODEL_ID, messages: [{ role: "user", content: "hi" }] };
  const many = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [i, 1]));
  // [path, body, field named, value named, cap named]
  const cases: Array<[string, Record<string, unknown>, string, number, number]> = [
    ["/v1/completions", { ...base, n: 17 }, "n", 17, LIMITS.choices],
    ["/v1/completions", { ...base, num_beams: 17 }, "num_beams", 17, LIMITS.beams],
    ["/v1/completions", { ...base, max_tokens: 8193 }, "max_tokens", 8193, LIMITS.maxTokens],
    ["/v1/completions", { ...base, logprobs: 21 }, "logprobs", 21, LIMITS.topLogprobs],
    ["/v1/completions", { ...base, logit_bias: many(1025) }, "logit_bias", 1025, LIMITS.logitBiasEntries],
    ["/v1/completions", { ...base, stop: Array(17).fill("x") }, "stop", 17, LIMITS.stops],
    ["/v1/completions", { ...base, stop: ["x".repeat(1001)] }, "stop", 1001, LIMITS.stopChars],
    ["/v1/completions", { ...base, prompt: Array(17).fill("x") }, "prompt", 17, LIMITS.prompts],
    [
      "/v1/completions",
      { ...base, prompt: "é".repeat(LIMITS.promptBytes / 2 + 1) },
      "prompt",
      LIMITS.promptBytes + 2,
      LIMITS.promptBytes,
    ],
    ["/v1/chat/completions", { ...chat, max_completion_tokens: 9000 }, "max_completion_tokens", 9000, 8192],
    ["/v1/chat/completions", { ...chat, top_logprobs: 21 }, "top_logprobs", 21, LIMITS.topLogprobs],
    [
      "/v1/chat/completions",
      { ...chat, messages: Array(LIMITS.messages + 1).fill({ role: "user", content: "" }) },
      "messages",
      LIMITS.messages + 1,
      LIMITS.messages,
    ],
    [
      "/v1/chat/completions",
      { ...chat, messages: [{ role: "user", content: "x".repeat(LIMITS.promptBytes + 1) }] },
      "messages",
      LIMITS.promptBytes + 1,
      LIMITS.promptBytes,
    ],
    ["/api/generate", { prompt: "x", options: { numBeams: 17 } }, "options.numBeams", 17, LIMITS.beams],
    [
      "/api/generate",
      { prompt: "x", options: { numReturnSequences: 17 } },
      "options.numReturnSequences",
      17,
      LIMITS.choices,
    ],
    ["/api/generate", { prompt: "x", options: { maxNewTokens: 1025 } }, "options.maxNewTokens", 1025, 1024],
    [
      "/api/generate",
      { prompt: "x", options: { logitBias: many(1025) } },
      "options.logitBias",
      1025,
      LIMITS.logitBiasEntries,
    ],
    ["/api/generate", { prompt: "x", options: { stop: Array(17).fill("a") } }, "options.stop", 17, 16],
    [
      "/api/generate",
      { prompt: "x", options: { suppressTokens: Array(LIMITS.tokenLists + 1).fill(1) } },
      "options.suppressTokens/badWordsIds",
      LIMITS.tokenLists + 1,
      LIMITS.tokenLists,
    ],
    ["/api/generate", { prompt: "x", top: 51 }, "top", 51, LIMITS.playgroundTop],
    ["/api/compare", { prompt: "x", strategies: Array(13).fill("greedy").join(";") }, "strategies", 13, 12],
    ["/api/compare", { prompt: "x", strategies: "greedy;beam:100000" }, "strategies", 100000, LIMITS.beams],
    ["/api/compare", { prompt: "x", samples: 6 }, "samples", 6, LIMITS.compareSamples],
    ["/api/compare", { prompt: "x", maxNewTokens: 513 }, "maxNewTokens", 513, LIMITS.compareTokens],
    [
      "/api/tokenize",
      { text: "x".repeat(LIMITS.promptBytes + 1) },
      "text",
      LIMITS.promptBytes + 1,
      LIMITS.promptBytes,
    ],
  ];

  test("each cap gives its 400, naming the field, the value and the cap", async () => {
    for (const [path, body, field, value, cap] of cases) {
      const what = `${path} ${field}`;
      const { status, json } = await post(server.url, path, body);
      assert.equal(status, 400, what);
      assert.equal(json.error?.param, field, what);
      assert.equal(json.error?.code, "limit_exceeded", what);
      assert.ok(json.error?.message.includes(String(value)), `${what}: ${json.error?.message}`);
      assert.ok(json.error?.message.includes(`at most ${cap}`), `${what}: ${json.error?.message}`);
    }
  });

  test("a value at the cap passes the caps (the handler answers)", async () => {
    const { status } = await post(server.url, "/v1/completions", {
      ...base,
      n: LIMITS.choices,
      max_tokens: 1,
    });
    assert.equal(status, 200);
  });

  test("a prompt that cannot fit the context is refused before tokenizing, by its size", async () => {
    // 512 tokens of context: 100 kB of text cannot fit, whatever the tokenizer makes of it
    const started = performance.now();
    const { status, json } = await post(server.url, "/v1/completions", {
      ...base,
      prompt: "a".repeat(100_000),
    });
    assert.equal(status, 400);
    assert.equal(json.error?.code, "context_length_exceeded");
    assert.match(
      json.error?.message ?? "",
      /100000 bytes of text cannot fit the model's context length of 512/,
    );
    assert.ok(performance.now() - started < 1000);
    // a token array longer than the context is refused as cheaply, on the HTTP thread
    const ids = await post(server.url, "/api/logits", { tokens: Array(513).fill(1) });
    assert.equal(ids.status, 400);
    assert.equal(ids.json.error?.code, "context_length_exceeded");
  });
});

describe("the engine thread", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(
      { source: MODEL },
      { modelId: MODEL_ID, port: 0, requestTimeoutSeconds: 2, timeoutGraceMs: 0, log: () => {} },
    );
  });
  after(() => server.close());

  test("while the heaviest compare runs, /health answers within 100 ms; past its budget it gets 504", async () => {
    const started = performance.now();
    const heavy = post(server.url, "/api/compare", HEAVIEST_COMPARE);
    for (let i = 0; i < 50 && server.context.queue.load.active === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20)); // until the engine is busy with it
    }
    assert.equal(server.context.queue.load.active, 1);
    const slowest = await slowestHealth(server.url, 10);
    assert.ok(slowest < 100, `slowest /health took ${slowest.toFixed(1)} ms`);
    const { status, json } = await heavy;
    const took = performance.now() - started;
    assert.equal(status, 504);
    assert.equal(json.error?.code, "request_timeout");
    assert.match(json.error?.message ?? "", /time budget of 2 s/);
    assert.ok(took >= 2000 && took < 3500, `cut after ${took.toFixed(0)} ms`);
    // no grace: the worker was terminated and a fresh one loaded the model; the server keeps serving
    assert.equal(server.context.engine.restarts, 1);
    const after = await post(server.url, "/v1/completions", {
      model: MODEL_ID,
      prompt: "Once",
      max_tokens: 5,
      temperature: 0,
    });
    assert.equal(after.status, 200);
  });

  test("a stream past its budget ends with a request_timeout error event and [DONE]", async () => {
    const response = await fetch(`${server.url}/v1/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        model: MODEL_ID,
        // 16 prompts, each a 16-beam search to 500 tokens: 16 x 16 beams takes well past the 2 s
        // budget even on a fast machine (one prompt's search alone can end within it)
        prompt: Array(LIMITS.prompts).fill("Once"),
        num_beams: LIMITS.beams,
        max_tokens: 500,
        stream: true,
      }),
    });
    const text = await response.text();
    assert.equal(response.status, 200, text);
    const events = text.split("\n\n").filter((e) => e !== "");
    assert.equal(events[events.length - 1], "data: [DONE]");
    const error = JSON.parse(events[events.length - 2].slice("data: ".length)) as Answer["json"];
    assert.equal(error.error?.code, "request_timeout", events.slice(-3).join("\n").slice(0, 600));
  });
});

describe("the engine thread, with a grace period", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(
      { source: MODEL },
      { modelId: MODEL_ID, port: 0, requestTimeoutSeconds: 1, log: () => {} },
    );
  });
  after(() => server.close());

  test("cancelled work that ends within the grace period keeps the worker (and its sessions)", async () => {
    const session = await post(server.url, "/api/sessions", { prompt: "Once" });
    assert.equal(session.status, 201);
    const { status, json } = await post(server.url, "/api/compare", HEAVIEST_COMPARE);
    assert.equal(status, 504);
    assert.equal(json.error?.code, "request_timeout");
    // generation sees the cancel between steps: the worker is not restarted, the session lives on
    for (let i = 0; i < 100 && server.context.queue.load.active > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(server.context.queue.load, { active: 0, waiting: 0 });
    assert.equal(server.context.engine.restarts, 0);
    const held = await fetch(`${server.url}/api/sessions/${String(session.json.session)}`);
    assert.equal(held.status, 200);
  });
});

test("the real CLI: /health within 100 ms and SIGTERM within 1 s while the heaviest request runs", async () => {
  const child = spawn(process.execPath, [CLI, "serve", "--model", MODEL, "--port", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = "";
      child.stderr.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        const match = /on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(err);
        if (match) resolve(match[1]);
      });
      void exited.then(() => reject(new Error(`serve exited: ${err}`)));
    });
    const heavy = post(url, "/api/compare", HEAVIEST_COMPARE).catch((error: unknown) => error);
    let active = 0;
    for (let i = 0; i < 50 && active === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      active = ((await (await fetch(`${url}/health`)).json()) as { active: number }).active;
    }
    assert.equal(active, 1, "the heavy request is running");
    const slowest = await slowestHealth(url, 10);
    assert.ok(slowest < 100, `slowest /health took ${slowest.toFixed(1)} ms`);
    const signalled = performance.now();
    child.kill("SIGTERM");
    const code = await exited;
    const took = performance.now() - signalled;
    assert.equal(code, 0);
    assert.ok(took < 1000, `stopped ${took.toFixed(0)} ms after SIGTERM`);
    await heavy; // answered 503 or cut: either way it does not hang
  } finally {
    child.kill("SIGKILL");
  }
});
