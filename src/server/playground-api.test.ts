// The playground API over real HTTP on loopback, with the real stories260K model: logits and sessions
// match fresh forward passes, forks reuse the cache, generation matches the library, bad input is 4xx.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Hono } from "hono";
import { generate } from "../generation/generate.js";
import { loadModel, type Model } from "../load-model.js";
import type { BeamTree, SequenceReport } from "./playground-generate.js";
import { type RunningServer, startServer } from "./server.js";
import { SessionStore } from "./playground-sessions.js";
import { serveStatic } from "./static.js";
import { sharedPath, tempDir } from "../testing/shared.js";
import { countingSessions } from "./testing.js";

const MODEL = sharedPath("models", "stories260K", "stories260K-f32.gguf");
const PROMPT = "Once upon a time";

let model: Model;
let server: RunningServer;

before(async () => {
  model = await loadModel(MODEL);
  server = await startServer(model, { modelId: "stories", port: 0 });
});
after(() => server.close());

/** Tokens every session of the served model has forwarded, in total (the engine counts them). */
async function forwarded(): Promise<number> {
  return (await server.context.engine.stats()).forwardedTokens;
}

/** The fields of /api answers the tests read (each endpoint fills some). */
interface Answer {
  error: { message: string; code: string };
  models: Array<{
    id: string;
    default: boolean;
    vocabSize: number;
    contextLength: number;
    eosTokenIds: number[];
  }>;
  compare: { strategies: string };
  tokens: number[];
  count: number;
  contextLength: number;
  logits: string;
  encoding: string;
  session: string;
  appended: string[];
  promptTokens: number[];
  sequences: SequenceReport[];
  beam: BeamTree;
  rows: Array<{ spec: string; samples: Array<{ tokens: number[]; pieces: string[]; text: string }> }>;
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Answer }> {
  const response = await fetch(server.url + path, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Answer };
}

const post = (path: string, body: unknown) => call("POST", path, body);

function decode(base64: string): Float32Array {
  const bytes = Buffer.from(base64, "base64");
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Logits of a fresh session over `tokens`, prefilled in one batch. */
function freshLogits(tokens: number[]): Float32Array {
  const session = model.newSession();
  try {
    return session.forward(tokens);
  } finally {
    session.dispose();
  }
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe("playground API", () => {
  test("GET /api/models lists the served model as the default, with the compare defaults", async () => {
    const { status, json } = await call("GET", "/api/models");
    assert.equal(status, 200);
    assert.equal(json.models.length, 1);
    assert.deepEqual(
      [json.models[0].id, json.models[0].default, json.models[0].vocabSize, json.models[0].contextLength],
      ["stories", true, 512, 512],
    );
    assert.deepEqual(json.models[0].eosTokenIds, [2]);
    assert.match(json.compare.strategies, /greedy/);
  });

  test("GET /api/vocab sends every token string once", async () => {
    const { status, json } = await call("GET", "/api/vocab?model=stories");
    assert.equal(status, 200);
    assert.equal(json.tokens.length, 512);
    assert.equal(json.tokens[1], "<s>");
    assert.equal(json.tokens[403], model.tokenizer.tokenToString(403));
  });

  test("POST /api/tokenize encodes with BOS as generation does", async () => {
    const { json } = await post("/api/tokenize", { text: PROMPT });
    assert.deepEqual(json.tokens, model.tokenizer.encode(PROMPT, { addSpecialTokens: true }));
    assert.equal(json.count, json.tokens.length);
    assert.equal(json.contextLength, 512);
  });

  test("POST /api/logits returns the full-vocabulary raw logits of a fresh forward", async () => {
    const { status, json } = await post("/api/logits", { prompt: PROMPT });
    assert.equal(status, 200);
    assert.equal(json.encoding, "float32-le-base64");
    const logits = decode(json.logits);
    assert.equal(logits.length, 512);
    assert.equal(maxDiff(logits, freshLogits(json.tokens)), 0);
    const byIds = await post("/api/logits", { tokens: json.tokens });
    assert.equal(byIds.json.logits, json.logits);
  });

  test("a session steps by appending, and its logits match a fresh forward of the whole sequence", async () => {
    const created = await post("/api/sessions", { prompt: PROMPT });
    assert.equal(created.status, 201);
    const id = created.json.session;
    const before = await forwarded();
    const appended = await post(`/api/sessions/${id}/append`, { tokens: [432, 383] });
    assert.equal((await forwarded()) - before, 2, "append forwards only the new tokens");
    assert.deepEqual(appended.json.tokens, created.json.tokens.concat(432, 383));
    assert.ok(maxDiff(decode(appended.json.logits), freshLogits(appended.json.tokens)) < 1e-4);
    const got = await call("GET", `/api/sessions/${id}`);
    assert.deepEqual(got.json.tokens, appended.json.tokens);
    assert.equal((await call("DELETE", `/api/sessions/${id}`)).status, 200);
    assert.equal((await call("GET", `/api/sessions/${id}`)).status, 404);
  });

  test("fork returns the logits of a fresh forward of the branched sequence, forwarding only the new token", async () => {
    const generated = await post("/api/generate", {
      prompt: PROMPT,
      options: { maxNewTokens: 12 },
      keep: true,
    });
    assert.equal(generated.status, 200);
    const parent = generated.json.session;
    const held = (await call("GET", `/api/sessions/${parent}`)).json;
    const prompt = generated.json.promptTokens;
    const tokens = generated.json.sequences[0].tokens;
    assert.deepEqual(
      held.tokens,
      prompt.concat(tokens.slice(0, -1)),
      "the kept session holds all but the last token",
    );

    const position = prompt.length + 4;
    const alternative = generated.json.sequences[0].steps[4].alternatives[1].id;
    const before = await forwarded();
    const fork = await post(`/api/sessions/${parent}/fork`, { position, tokens: [alternative] });
    assert.equal(fork.status, 201);
    assert.equal((await forwarded()) - before, 1, "the prefix comes from the forked cache, not recomputed");
    const branched = held.tokens.slice(0, position).concat(alternative);
    assert.deepEqual(fork.json.tokens, branched);
    assert.equal(fork.json.appended.length, 1);
    assert.ok(maxDiff(decode(fork.json.logits), freshLogits(branched)) < 1e-4);

    // the parent is untouched: its cache still continues its own sequence
    const parentNext = await post(`/api/sessions/${parent}/append`, { tokens: [tokens[tokens.length - 1]] });
    assert.ok(maxDiff(decode(parentNext.json.logits), freshLogits(prompt.concat(tokens))) < 1e-4);

    // generating from the fork continues it exactly as generating from the whole branched prompt
    const from = await forwarded();
    const continued = await post("/api/generate", {
      session: fork.json.session,
      options: { maxNewTokens: 8 },
    });
    assert.equal(continued.status, 200);
    assert.equal(
      (await forwarded()) - from,
      7,
      "continuing forwards only the new tokens (the last one never is)",
    );
    const expected = await generate(model, branched, { maxNewTokens: 8 });
    assert.deepEqual(continued.json.sequences[0].tokens, expected.sequences[0].tokens);
  });

  test("generate: greedy and seeded sampling match the library, with a per-token trace", async () => {
    const greedy = await post("/api/generate", { prompt: PROMPT, options: { maxNewTokens: 10 }, top: 5 });
    const expected = await generate(model, PROMPT, { maxNewTokens: 10 });
    const seq = greedy.json.sequences[0];
    assert.deepEqual(seq.tokens, expected.sequences[0].tokens);
    assert.equal(seq.text, expected.sequences[0].text);
    assert.equal(seq.steps.length, 10);
    for (const step of seq.steps) {
      assert.equal(step.alternatives.length, 5);
      assert.equal(step.rank, 1, "greedy takes the most likely token");
      assert.ok(step.entropy >= 0);
      assert.ok(Math.abs(Math.log(step.alternatives[0].prob) - step.logprob) < 1e-6);
    }
    assert.equal(seq.steps.map((s) => s.text).join(""), seq.text);

    const options = { doSample: true, temperature: 0.9, topP: 0.9, seed: 7, maxNewTokens: 12 };
    const sampled = await post("/api/generate", { prompt: PROMPT, options });
    const library = await generate(model, PROMPT, options);
    assert.deepEqual(sampled.json.sequences[0].tokens, library.sequences[0].tokens);
    assert.ok(sampled.json.sequences[0].steps.every((s) => typeof s.coin === "number"));
    assert.deepEqual(
      sampled.json.sequences[0].steps[0].stages?.map((s) => s.name),
      ["temperature", "top_k", "top_p"],
    );
  });

  test("generate with beams returns the library's hypotheses and the tree of every step", async () => {
    const options = { numBeams: 3, numReturnSequences: 2, maxNewTokens: 10 };
    const { status, json } = await post("/api/generate", { prompt: PROMPT, options });
    assert.equal(status, 200);
    const library = await generate(model, PROMPT, options);
    assert.deepEqual(
      json.sequences.map((s) => s.tokens),
      library.sequences.map((s) => s.tokens),
    );
    assert.ok(Math.abs(json.sequences[0].score! - library.sequences[0].score!) < 1e-9);
    assert.equal(json.sequences[0].steps.length, json.sequences[0].tokens.length);
    const tree = json.beam;
    assert.equal(tree.numBeams, 3);
    assert.ok(tree.steps.length >= 1);
    for (const step of tree.steps) {
      assert.equal(step.beams.length, 3);
      for (const beam of step.beams) {
        assert.ok(beam.parent >= 0 && beam.parent < 3);
        assert.ok(Math.abs(beam.normalizedScore - beam.score / (step.step + 1)) < 1e-9);
      }
    }
    assert.equal(
      tree.steps[0].beams.every((b) => b.parent === 0),
      true,
    );
    assert.ok(
      tree.steps.some((s) => s.pruned.length > 0),
      "some beam is pruned",
    );
    assert.equal(tree.steps[tree.steps.length - 1].done, true);
    assert.match(tree.stopReason, /length limit/);
  });

  test("compare runs every strategy with metrics and per-token pieces", async () => {
    const { status, json } = await post("/api/compare", {
      prompt: PROMPT,
      strategies: "greedy;t:1.5",
      samples: 2,
      maxNewTokens: 30,
    });
    assert.equal(status, 200);
    assert.deepEqual(
      json.rows.map((r) => r.spec),
      ["greedy", "t:1.5"],
    );
    assert.equal(json.rows[0].samples.length, 1);
    assert.equal(json.rows[1].samples.length, 2);
    const sample = json.rows[0].samples[0];
    assert.equal(sample.pieces.length, sample.tokens.length);
    assert.equal(sample.pieces.join(""), sample.text);
    const empty = await post("/api/compare", { prompt: "", strategies: "greedy", maxNewTokens: 8 });
    assert.equal(empty.status, 200, "an empty prompt starts from BOS");
    const first = empty.json.rows[0].samples[0];
    assert.equal(first.pieces.length, first.tokens.length);
  });

  test("compare answers what `nextoken compare --json` prints, plus elapsedMs and each sample's pieces", async () => {
    const settings = { strategies: "greedy;t:1.5", samples: 2, seed: 3, maxNewTokens: 12 };
    const { status, json } = await call("POST", "/api/compare", { prompt: PROMPT, ...settings });
    assert.equal(status, 200);
    const cli = spawnSync(
      process.execPath,
      [
        join(process.cwd(), "dist", "cli", "main.js"),
        "compare",
        ...["-m", MODEL, "--strategies", settings.strategies, "--samples", String(settings.samples)],
        ...["--seed", String(settings.seed), "-n", String(settings.maxNewTokens), "--json", PROMPT],
      ],
      { encoding: "utf8" },
    );
    assert.equal(cli.status, 0, cli.stderr);
    type Report = Record<string, unknown> & { rows: Array<Record<string, unknown> & { samples: object[] }> };
    const api = json as unknown as Report;
    const printed = JSON.parse(cli.stdout) as Report;
    const keys = (o: object, ...extra: string[]) => [...Object.keys(o), ...extra].sort();
    assert.deepEqual(keys(api), keys(printed, "elapsedMs"));
    assert.deepEqual(keys(api.rows[0]), keys(printed.rows[0]));
    assert.deepEqual(keys(api.rows[1].samples[0]), keys(printed.rows[1].samples[0], "pieces"));
    // the same runs: the settings and every sample's tokens agree
    for (const key of ["prompt", "samples", "seed", "maxNewTokens", "repetitionNgram"])
      assert.deepEqual(api[key], printed[key], key);
    const tokens = (r: Report) =>
      r.rows.map((row) => row.samples.map((s) => (s as { tokens: number[] }).tokens));
    assert.deepEqual(tokens(api), tokens(printed));
  });

  test("bad requests are 4xx with a message naming the field", async () => {
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ["POST", "/api/logits", "{not json", 400, /not valid JSON/],
      ["POST", "/api/logits", {}, 400, /prompt: required/],
      ["POST", "/api/logits", { prompt: 3 }, 400, /prompt: must be a string/],
      ["POST", "/api/logits", { prompt: "a b ".repeat(400) }, 400, /context length is 512/],
      ["POST", "/api/logits", { tokens: [1, 512] }, 400, /tokens: token ids must be integers in \[0, 512\)/],
      ["POST", "/api/logits", { tokens: [] }, 400, /non-empty array/],
      ["POST", "/api/logits", { prompt: "x", model: "gpt-9" }, 404, /not served here/],
      ["POST", "/api/generate", { prompt: "x", options: { topP: 3 } }, 400, /options\.topP must be/],
      [
        "POST",
        "/api/generate",
        { prompt: "x", options: { signal: 1 } },
        400,
        /options\.signal: not an option/,
      ],
      ["POST", "/api/generate", { prompt: "x", options: { maxNewTokens: 5000 } }, 400, /at most 1024/],
      ["POST", "/api/generate", { prompt: "x", options: [] }, 400, /options: must be an object/],
      ["POST", "/api/generate", { prompt: "x", top: 0 }, 400, /top: must be an integer/],
      ["POST", "/api/generate", { session: "s_nope" }, 404, /does not exist/],
      ["POST", "/api/sessions/s_nope/append", { tokens: [1] }, 404, /does not exist/],
      ["POST", "/api/compare", { prompt: "x", strategies: "warp:9" }, 400, /strategies/],
      ["POST", "/api/compare", { prompt: "x", samples: 99 }, 400, /samples: 99 is over the limit: at most 5/],
      ["POST", "/api/tokenize", { text: null }, 400, /text: required/],
      ["DELETE", "/api/sessions/s_nope", undefined, 404, /does not exist/],
      ["GET", "/api/vocab?model=other", undefined, 404, /not served here/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const got = await call(method, path, body);
      assert.equal(got.status, status, `${method} ${path} ${JSON.stringify(body)}`);
      assert.match(got.json.error.message, message);
    }
    const session = (await post("/api/sessions", { prompt: PROMPT })).json;
    const tooFar = await post(`/api/sessions/${session.session}/fork`, { position: 99, tokens: [5] });
    assert.equal(tooFar.status, 400);
    assert.match(tooFar.json.error.message, /position: must be an integer in \[0, 5\]/);
    const full = await post(`/api/sessions/${session.session}/append`, { tokens: Array(508).fill(5) });
    assert.equal(full.status, 400);
    assert.match(full.json.error.message, /context length is 512/);
  });

  test("an API key guards /api as it guards /v1", async () => {
    const guarded = await startServer(model, { modelId: "stories", port: 0, apiKey: "sesame" });
    try {
      const bare = await fetch(`${guarded.url}/api/models`);
      assert.equal(bare.status, 401);
      const keyed = await fetch(`${guarded.url}/api/models`, { headers: { Authorization: "Bearer sesame" } });
      assert.equal(keyed.status, 200);
    } finally {
      await guarded.close();
    }
  });
});

describe("playground sessions", () => {
  test("the store drops the least recently used session past its bound, and idle ones, disposing each", () => {
    const { model: counted, live } = countingSessions(model);
    let now = 0;
    const store = new SessionStore({ max: 2, idleMs: 1000 }, () => now);
    const logits = new Float32Array(1);
    const a = store.add(counted.newSession(), [1], 1, logits);
    now = 10;
    const b = store.add(counted.newSession(), [1], 1, logits);
    now = 20;
    store.get(a.id); // a is now the most recent
    store.add(counted.newSession(), [1], 1, logits);
    assert.equal(store.size, 2);
    assert.equal(live(), 2);
    assert.throws(() => store.get(b.id), /does not exist/);
    now = 5000;
    store.sweep();
    assert.equal(store.size, 0);
    assert.equal(live(), 0);
    store.add(counted.newSession(), [1], 1, logits);
    store.close();
    assert.equal(live(), 0);
  });
});

describe("playground page files", () => {
  test("/ serves index.html and /assets its files; nothing outside the root; a missing build says how", async () => {
    // root one level down, so the file that ../.. reaches is ours too
    const outside = tempDir("nextoken-web-");
    const root = join(outside, "root");
    mkdirSync(join(root, "assets"), { recursive: true });
    writeFileSync(join(root, "index.html"), "<!doctype html><title>t</title>");
    writeFileSync(join(root, "assets", "app-1.js"), "export {}");
    writeFileSync(join(outside, "secret.txt"), "no");
    const app = new Hono();
    serveStatic(app, root);
    const page = await app.request("/");
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    const script = await app.request("/assets/app-1.js");
    assert.match(script.headers.get("content-type") ?? "", /javascript/);
    assert.match(script.headers.get("cache-control") ?? "", /immutable/);
    assert.equal((await app.request("/assets/..%2F..%2Fsecret.txt")).status, 404);
    assert.equal((await app.request("/assets/missing.js")).status, 404);

    const bare = new Hono();
    serveStatic(bare, join(root, "nothing-here"));
    const missing = await bare.request("/");
    assert.equal(missing.status, 503);
    assert.match(await missing.text(), /npm run build/);
  });
});
