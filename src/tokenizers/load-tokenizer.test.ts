import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FormatError } from "../errors.js";
import { checkTokenizerMatchesModel, loadTokenizer } from "./load-tokenizer.js";
import { GOLDEN_TOKENIZERS, SHARED } from "./testing.js";

test("loads a tokenizer.json directory, a tokenizer.json file, a .gguf and a tokenizer.bin", async () => {
  const gpt2Dir = join(GOLDEN_TOKENIZERS, "gpt2");
  for (const source of [gpt2Dir, join(gpt2Dir, "tokenizer.json"), join(gpt2Dir, "gpt2-vocab-only.gguf")]) {
    const tokenizer = await loadTokenizer(source);
    assert.deepEqual(tokenizer.encode("Hello world"), [15496, 995], source);
  }
  const llama2Dir = join(GOLDEN_TOKENIZERS, "llama2");
  for (const source of [join(llama2Dir, "tokenizer.bin"), join(llama2Dir, "llama2-vocab-only.gguf")]) {
    const tokenizer = await loadTokenizer(source);
    assert.deepEqual(tokenizer.encode("Hello world"), [1, 15043, 3186], source);
  }
  const stories = await loadTokenizer(join(SHARED, "models", "stories260K", "tok512.bin"));
  assert.deepEqual(stories.encode("Once upon a time"), [1, 403, 407, 261, 378]);
});

test("tokenizer_config.json beside tokenizer.json is read", async () => {
  const dir = await mkdtemp(join(tmpdir(), "nextoken-tok-"));
  try {
    const vocab = { "<s>": 0, "</s>": 1, "▁": 2, a: 3 };
    const json = {
      added_tokens: [
        { id: 0, content: "<s>", special: true },
        { id: 1, content: "</s>", special: true },
      ],
      pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: false },
      model: { type: "BPE", byte_fallback: true, vocab, merges: [] },
    };
    await writeFile(join(dir, "tokenizer.json"), JSON.stringify(json));
    await writeFile(
      join(dir, "tokenizer_config.json"),
      JSON.stringify({ bos_token: "<s>", add_bos_token: true }),
    );
    const tokenizer = await loadTokenizer(dir);
    assert.deepEqual(tokenizer.encode("a"), [0, 2, 3]);
    assert.equal(tokenizer.bosTokenId, 0);
    assert.deepEqual(tokenizer.eosTokenIds, [1]);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test("missing files and directories without tokenizer.json are FormatErrors", async () => {
  await assert.rejects(loadTokenizer(join(SHARED, "no-such-file.json")), FormatError);
  await assert.rejects(loadTokenizer(join(SHARED, "golden")), /has no tokenizer\.json/);
});

test("checkTokenizerMatchesModel refuses a tokenizer larger than the model's vocabulary", async () => {
  const tokenizer = await loadTokenizer(join(GOLDEN_TOKENIZERS, "llama2", "tokenizer.bin"));
  checkTokenizerMatchesModel(tokenizer, 32000, "model.gguf");
  checkTokenizerMatchesModel(tokenizer, 32064, "model.gguf");
  assert.throws(
    () => checkTokenizerMatchesModel(tokenizer, 384, "model.gguf"),
    (e: unknown) =>
      e instanceof FormatError &&
      /model\.gguf/.test(e.message) &&
      /32000/.test(e.message) &&
      /384/.test(e.message),
  );
});
