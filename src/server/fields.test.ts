// Unknown request fields over real HTTP on loopback: a 400 naming the field and the nearest known
// one; the OpenAI fields listed as ignored still answer 200; every accepted field is really read.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { sharedPath } from "../testing/shared.js";
import { ACCEPTED_FIELDS, IGNORED_FIELDS } from "./fields.js";
import { type RunningServer, startServer } from "./server.js";
import { ggufWithChatTemplate, TEST_CHAT_TEMPLATE } from "./testing.js";

let dir: string;
let server: RunningServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "nextoken-fields-"));
  const source = ggufWithChatTemplate(
    sharedPath("models", "stories260K", "stories260K-f32.gguf"),
    dir,
    TEST_CHAT_TEMPLATE,
  );
  server = await startServer({ source }, { modelId: "m", port: 0, log: () => {} });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface ErrorJson {
  error?: { message: string; param: string | null; code: string | null };
}

const BASE = {
  completions: { model: "m", prompt: "Once", max_tokens: 2, temperature: 0 },
  chat: { model: "m", messages: [{ role: "user", content: "Lily" }], max_tokens: 2, temperature: 0 },
} as const;
const PATH = { completions: "/v1/completions", chat: "/v1/chat/completions" } as const;

async function post(endpoint: keyof typeof PATH, extra: Record<string, unknown>) {
  const response = await fetch(`${server.url}${PATH[endpoint]}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...BASE[endpoint], ...extra }),
  });
  return { status: response.status, json: (await response.json()) as ErrorJson };
}

test("an unknown field is a 400 unknown_field naming it and the field meant", async () => {
  const cases: Array<[keyof typeof PATH, string, string | undefined]> = [
    ["completions", "top_pp", "top_p"],
    ["completions", "temprature", "temperature"],
    ["chat", "maxTokens", "max_tokens"],
    ["chat", "topP", "top_p"],
    ["chat", "reasoning_effort", undefined],
    ["completions", "store", undefined], // accepted and ignored by chat only
  ];
  for (const [endpoint, field, nearest] of cases) {
    const { status, json } = await post(endpoint, { [field]: 1 });
    assert.equal(status, 400, `${endpoint} ${field}`);
    assert.equal(json.error?.code, "unknown_field");
    assert.equal(json.error?.param, field);
    assert.match(json.error?.message ?? "", new RegExp(`^${field}: unknown field`));
    if (nearest !== undefined) assert.ok(json.error?.message.includes(`did you mean "${nearest}"?`));
    else assert.ok(!json.error?.message.includes("did you mean"), json.error?.message);
  }
});

test("the OpenAI fields listed as ignored are accepted (200) and type-checked", async () => {
  const values = { string: "x", boolean: true, object: { k: "v" } };
  for (const endpoint of ["completions", "chat"] as const) {
    const ignored = Object.entries(IGNORED_FIELDS[endpoint]);
    const body = Object.fromEntries(ignored.map(([field, kind]) => [field, values[kind]]));
    const ok = await post(endpoint, body);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    for (const [field] of ignored) {
      const bad = await post(endpoint, { [field]: 42 });
      assert.equal(bad.status, 400, field);
      assert.equal(bad.json.error?.param, field);
    }
  }
  assert.deepEqual(Object.keys(IGNORED_FIELDS.completions), ["user"]);
});

test("every accepted field is read: a wrong value in it is a 400 naming it", async () => {
  for (const endpoint of ["completions", "chat"] as const) {
    for (const field of ACCEPTED_FIELDS[endpoint]) {
      const { status, json } = await post(endpoint, { [field]: { bogus: 1 } });
      assert.ok(status === 400 || status === 404, `${endpoint} ${field}: ${status}`);
      assert.ok(json.error?.param?.startsWith(field), `${endpoint} ${field}: ${JSON.stringify(json)}`);
      assert.notEqual(json.error?.code, "unknown_field");
    }
  }
});
