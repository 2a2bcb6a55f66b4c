// Special-token text in raw prompts: parsed by default (llama.cpp's and HF's behaviour), plain text
// when turned off, in the library (parseSpecialTokens) and on /v1/completions (parse_special_tokens).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { InvalidOptionError } from "../errors.js";
import { generate } from "../generation/generate.js";
import { loadModel, type Model } from "../load-model.js";
import { sharedPath } from "../testing/shared.js";
import { type RunningServer, startServer } from "./server.js";

const MODEL = sharedPath("models", "stories260K", "stories260K-f32.gguf");
const PROMPT = "<s>Once";

let model: Model;
let server: RunningServer;
before(async () => {
  model = await loadModel(MODEL);
  server = await startServer({ source: MODEL }, { modelId: "m", port: 0, log: () => {} });
});
after(() => server.close());

test("library: <s> in a prompt is BOS by default and plain text with parseSpecialTokens: false", async () => {
  const bos = model.tokenizer.bosTokenId;
  assert.equal(bos, 1);
  const parsed = await generate(model, PROMPT, { maxNewTokens: 1, temperature: 0 });
  const plain = await generate(model, PROMPT, { maxNewTokens: 1, temperature: 0, parseSpecialTokens: false });
  // parsed: the added BOS, then "<s>" as BOS again, then "Once"
  assert.deepEqual(parsed.promptTokens.slice(0, 2), [bos, bos]);
  assert.deepEqual(
    plain.promptTokens,
    model.tokenizer.encode(PROMPT, { addSpecialTokens: true, parseSpecialTokens: false }),
  );
  assert.equal(plain.promptTokens.filter((id) => id === bos).length, 1, "only the added BOS");
  assert.ok(plain.promptTokens.length > parsed.promptTokens.length, "<s> spelled out takes several tokens");
  await assert.rejects(
    generate(model, PROMPT, { parseSpecialTokens: "no" as unknown as boolean }),
    (e: unknown) => e instanceof InvalidOptionError && /parseSpecialTokens/.test(e.message),
  );
});

interface Answer {
  status: number;
  json: { usage: { prompt_tokens: number } };
}

async function promptTokens(body: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(`${server.url}/v1/completions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ model: "m", prompt: PROMPT, max_tokens: 1, temperature: 0, ...body }),
  });
  return { status: response.status, json: (await response.json()) as Answer["json"] };
}

test("server: parse_special_tokens (default true) decides whether <s> in a prompt is one token", async () => {
  const parsed = await promptTokens({});
  const explicit = await promptTokens({ parse_special_tokens: true });
  const plain = await promptTokens({ parse_special_tokens: false });
  assert.equal(parsed.status, 200);
  assert.equal(plain.status, 200);
  const expectedPlain = model.tokenizer.encode(PROMPT, { addSpecialTokens: true, parseSpecialTokens: false });
  const expectedParsed = model.tokenizer.encode(PROMPT, { addSpecialTokens: true });
  assert.equal(parsed.json.usage.prompt_tokens, expectedParsed.length);
  assert.equal(explicit.json.usage.prompt_tokens, expectedParsed.length);
  assert.equal(plain.json.usage.prompt_tokens, expectedPlain.length);
  assert.notEqual(expectedPlain.length, expectedParsed.length);
  const bad = await promptTokens({ parse_special_tokens: "yes" });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.json), /parse_special_tokens/);
});
