// loadModel's chatTemplate option: validated, put in place of the tokenizer's own, carried to the
// server's engine worker, and used by /v1/chat/completions (real HTTP on loopback, built-in model).
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_MODEL_DIR, loadDefaultModel } from "../default-model.js";
import { InvalidOptionError } from "../errors.js";
import { type RunningServer, startServer } from "./server.js";

const CHATML =
  "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}" +
  "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";
const MESSAGES = [{ role: "user", content: "Who made the heaven?" }];
/** CHATML rendered by hand for MESSAGES. */
const CHATML_TEXT = "<|im_start|>user\nWho made the heaven?<|im_end|>\n<|im_start|>assistant\n";

/** The parts of an answer these tests read (a chat completion or an error). */
interface ChatAnswer {
  error: { code: string; message: string };
  usage: { prompt_tokens: number };
  choices: Array<{ message: { content: unknown } }>;
}

async function chat(server: RunningServer): Promise<{ status: number; json: ChatAnswer }> {
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ model: "default", messages: MESSAGES, max_tokens: 3, temperature: 0 }),
  });
  return { status: response.status, json: (await response.json()) as ChatAnswer };
}

async function serving<T>(
  model: Parameters<typeof startServer>[0],
  run: (server: RunningServer) => Promise<T>,
): Promise<T> {
  const server = await startServer(model, { modelId: "default", port: 0, log: () => {} });
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

test("chatTemplate must be a non-empty string, named in the error", async () => {
  for (const bad of [5, "", "  ", null]) {
    await assert.rejects(
      loadDefaultModel({ chatTemplate: bad as unknown as string }),
      (error: unknown) =>
        error instanceof InvalidOptionError && /^chatTemplate must be a non-empty string/.test(error.message),
      String(bad),
    );
  }
});

test("chatTemplate replaces the tokenizer's template and nothing else", async () => {
  const plain = await loadDefaultModel();
  const templated = await loadDefaultModel({ chatTemplate: CHATML });
  try {
    assert.equal(plain.tokenizer.chatTemplate, undefined, "the built-in model has no template of its own");
    assert.equal(templated.tokenizer.chatTemplate, CHATML);
    assert.deepEqual(
      templated.tokenizer.encode("In the beginning"),
      plain.tokenizer.encode("In the beginning"),
    );
    assert.equal(templated.tokenizer.vocabSize, plain.tokenizer.vocabSize);
  } finally {
    plain.dispose();
    templated.dispose();
  }
});

test("without a template, chat is a 400 that names the model and says how to pass one", async () => {
  const { status, json } = await serving({ source: DEFAULT_MODEL_DIR }, chat);
  assert.equal(status, 400);
  assert.equal(json.error.code, "no_chat_template");
  assert.match(json.error.message, /the model "default" has no chat template/);
  assert.match(json.error.message, /pass --chat-template FILE \(or chatTemplate in the library\)/);
});

test("a loaded model's chatTemplate reaches the engine worker: chat answers 200 with the template's rendering", async () => {
  const model = await loadDefaultModel({ chatTemplate: CHATML });
  const expected = model.tokenizer.encode(CHATML_TEXT, { addSpecialTokens: false }).length;
  try {
    const { status, json } = await serving(model, chat);
    assert.equal(status, 200, JSON.stringify(json));
    assert.equal(json.usage.prompt_tokens, expected, "the prompt is CHATML's rendering of the messages");
    assert.equal(typeof json.choices[0].message.content, "string");
  } finally {
    model.dispose();
  }
});

test("another template (through the engine spec's options) renders another prompt", async () => {
  const template = "Question: {{ messages[-1].content }}\nAnswer:";
  const model = await loadDefaultModel();
  const expected = model.tokenizer.encode("Question: Who made the heaven?\nAnswer:", {
    addSpecialTokens: false,
  }).length;
  const chatml = model.tokenizer.encode(CHATML_TEXT, { addSpecialTokens: false }).length;
  model.dispose();
  assert.notEqual(expected, chatml, "the two templates must render prompts of different lengths");
  const { status, json } = await serving(
    { source: DEFAULT_MODEL_DIR, options: { chatTemplate: template } },
    chat,
  );
  assert.equal(status, 200, JSON.stringify(json));
  assert.equal(json.usage.prompt_tokens, expected);
});
