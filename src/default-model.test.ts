import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { DEFAULT_MODEL_DIR, loadDefaultModel } from "./default-model.js";
import { generate } from "./generation/generate.js";

test("the built-in model sits in models/default at the package root and fits the 8 MiB budget", () => {
  assert.equal(DEFAULT_MODEL_DIR, join(process.cwd(), "models", "default"));
  const files = ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"];
  const bytes = [...files, "generation_config.json", "README.md"].reduce(
    (sum, f) => sum + statSync(join(DEFAULT_MODEL_DIR, f)).size,
    0,
  );
  assert.ok(bytes <= 8 * 2 ** 20, `${bytes} bytes`);
});

test("the built-in model loads, round-trips text and continues a prompt", async () => {
  const model = await loadDefaultModel();
  assert.equal(model.config.architecture, "llama");
  const prompt = "In the beginning God created the heaven and the earth.";
  assert.equal(model.tokenizer.decode(model.tokenizer.encode(prompt)), prompt);
  const result = await generate(model, "In the beginning", { maxNewTokens: 8, doSample: false });
  assert.ok(result.sequences[0].text.trim().length > 0);
});
