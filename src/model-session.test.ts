import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  ContextOverflowError,
  DisposedError,
  FormatError,
  InvalidOptionError,
  UnsupportedError,
} from "./errors.js";
import { parseGguf } from "./formats/gguf.js";
import { writeGguf, type GgufWriteValue } from "./formats/gguf-writer.js";
import { loadModel } from "./load-model.js";
import { maxAbsDiff, sharedPath, tempDir } from "./testing/shared.js";

const LLAMA_HF = sharedPath("golden", "models", "llama-hf");
const TOKENIZER = sharedPath("golden", "models", "llama2c-tokenizer.bin");
const ids = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => 3 + ((i * 37 + offset) % 380));

test("fork() then diverging leaves the parent untouched", async () => {
  const model = await loadModel(LLAMA_HF, { tokenizer: TOKENIZER });
  const parent = model.newSession();
  parent.forward(ids(6));
  const child = parent.fork();
  child.forward([50, 60, 70]);
  assert.equal(child.position, 9);
  assert.equal(parent.position, 6);
  const fresh = model.newSession();
  const expected = fresh.forward([...ids(6), 99]);
  assert.ok(maxAbsDiff(parent.forward([99]), expected) < 1e-6);
  // and the child still continues its own branch
  const branch = model.newSession().forward([...ids(6), 50, 60, 70, 80]);
  assert.ok(maxAbsDiff(child.forward([80]), branch) < 1e-6);
});

test("rewind() then re-feeding reproduces the logits", async () => {
  const model = await loadModel(LLAMA_HF, { tokenizer: TOKENIZER });
  const session = model.newSession();
  const seq = ids(12);
  const first = session.forward(seq, { allLogits: true });
  session.rewind(5);
  assert.equal(session.position, 5);
  const again = session.forward(seq.slice(5), { allLogits: true });
  assert.ok(maxAbsDiff(again, first.subarray(5 * model.vocabSize)) < 1e-6);
  session.rewind(0);
  assert.ok(maxAbsDiff(session.forward(seq), first.subarray(11 * model.vocabSize)) < 1e-5);
  assert.throws(() => session.rewind(13), InvalidOptionError);
  assert.throws(() => session.rewind(-1), InvalidOptionError);
});

test("forward({ out }) writes the logits into the caller's buffer, checked", async () => {
  const model = await loadModel(LLAMA_HF, { tokenizer: TOKENIZER });
  const [a, b] = [model.newSession(), model.newSession()];
  const V = model.vocabSize;
  const seq = ids(6);
  const buffer = new Float32Array(V);
  const expected = a.forward(seq.slice(0, 3));
  const got = b.forward(seq.slice(0, 3), { out: buffer });
  assert.equal(got, buffer, "the same array comes back");
  assert.deepEqual(got, expected);
  // reused for the next step, and a longer buffer gives a view of its start
  assert.equal(b.forward([seq[3]], { out: buffer }), buffer);
  assert.deepEqual(buffer, a.forward([seq[3]]));
  const long = new Float32Array(4 * V + 7).fill(9);
  const rows = b.forward(seq.slice(4), { allLogits: true, out: long });
  assert.equal(rows.buffer, long.buffer);
  assert.equal(rows.length, 2 * V);
  assert.deepEqual(rows, a.forward(seq.slice(4), { allLogits: true }));
  assert.equal(long[2 * V], 9, "nothing written past the result");
  // too short, or not a Float32Array: a typed error, and the session did not advance
  const position = b.position;
  assert.throws(
    () => b.forward([1], { out: new Float32Array(V - 1) }),
    (e: unknown) =>
      e instanceof InvalidOptionError && /out/.test(e.message) && new RegExp(`${V}`).test(e.message),
  );
  assert.throws(() => b.forward([1], { out: new Array(V) as unknown as Float32Array }), InvalidOptionError);
  assert.equal(b.position, position);
});

test("exceeding the context length is a clear error and leaves the session usable", async () => {
  const model = await loadModel(LLAMA_HF, { tokenizer: TOKENIZER });
  assert.equal(model.contextLength, 128);
  assert.throws(() => model.newSession().forward(ids(129)), ContextOverflowError);
  const session = model.newSession();
  session.forward(ids(128));
  assert.throws(
    () => session.forward([5]),
    (e: unknown) => e instanceof ContextOverflowError && /129 tokens.*context length is 128/.test(e.message),
  );
  assert.equal(session.position, 128);
  session.rewind(127);
  assert.equal(session.forward([5]).length, model.vocabSize);
});

test("bad token ids, empty input and use after dispose are refused", async () => {
  const model = await loadModel(LLAMA_HF, { tokenizer: TOKENIZER });
  const session = model.newSession();
  for (const bad of [-1, 384, 1.5, NaN]) {
    assert.throws(() => session.forward([1, bad]), /tokens\[1\] must be an integer token id in \[0, 384\)/);
  }
  assert.throws(() => session.forward([]), InvalidOptionError);
  assert.equal(session.position, 0);
  session.dispose();
  assert.throws(() => session.forward([1]), DisposedError);
});

/** A copy of the golden llama-hf directory with its config edited. */
function editedHfDir(edit: (config: Record<string, unknown>) => void): string {
  const dir = tempDir("nextoken-");
  const config = JSON.parse(readFileSync(join(LLAMA_HF, "config.json"), "utf8")) as Record<string, unknown>;
  edit(config);
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  copyFileSync(join(LLAMA_HF, "model.safetensors"), join(dir, "model.safetensors"));
  return dir;
}

test("an unknown architecture is unsupported and named", async () => {
  const dir = editedHfDir((c) => (c.model_type = "mamba"));
  await assert.rejects(
    loadModel(dir),
    (e: unknown) => e instanceof UnsupportedError && /config\.json: model_type "mamba"/.test(e.message),
  );
});

test("a config that disagrees with the tensors names the tensor and both shapes", async () => {
  const dir = editedHfDir((c) => (c.intermediate_size = 161));
  await assert.rejects(
    loadModel(dir),
    (e: unknown) =>
      e instanceof FormatError &&
      /tensor "model\.layers\.0\.mlp\.gate_proj\.weight" has shape \[160, 64\], expected \[161, 64\]/.test(
        e.message,
      ),
  );
});

test("a GGUF missing a tensor names it", async () => {
  const bytes = readFileSync(sharedPath("golden", "models", "llama.gguf"));
  const file = parseGguf(bytes, "llama.gguf");
  const metadata: Record<string, GgufWriteValue> = {};
  for (const [key, value] of file.metadata) {
    if (typeof value === "string") metadata[key] = { type: "string", value };
    else if (typeof value === "number")
      metadata[key] = { type: key.includes("eps") || key.includes("freq") ? "f32" : "u32", value };
  }
  const tensors = file.tensorInfos
    .filter((t) => t.name !== "blk.1.ffn_up.weight")
    .map((t) => ({
      name: t.name,
      shape: t.shape,
      dtype: t.dtype,
      bytes: bytes.subarray(t.byteOffset, t.byteOffset + t.byteLength),
    }));
  const dir = tempDir("nextoken-");
  const path = join(dir, "broken.gguf");
  writeFileSync(path, writeGguf(metadata, tensors));
  await assert.rejects(
    loadModel(path, { tokenizer: TOKENIZER }),
    (e: unknown) =>
      e instanceof FormatError &&
      /broken\.gguf: missing tensor "model\.layers\.1\.mlp\.up_proj\.weight"/.test(e.message),
  );
});

test("a tokenizer that does not match the model's vocabulary is refused", async () => {
  await assert.rejects(
    loadModel(LLAMA_HF, { tokenizer: sharedPath("models", "llama2-tokenizer", "tokenizer.bin") }),
    (e: unknown) => e instanceof FormatError && /32000/.test(e.message) && /384/.test(e.message),
  );
});
