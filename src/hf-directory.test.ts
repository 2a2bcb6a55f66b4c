import assert from "node:assert/strict";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError } from "./errors.js";
import { parseSafetensors } from "./formats/safetensors.js";
import { loadModel } from "./load-model.js";
import { f32ToF16 } from "./tensor/dtype.js";
import { maxAbsDiff, readF32, sharedPath, tempDir } from "./testing/shared.js";

const LLAMA_HF = sharedPath("golden", "models", "llama-hf");
const TOKENIZER = sharedPath("golden", "models", "llama2c-tokenizer.bin");
const index = JSON.parse(readFileSync(sharedPath("golden", "logits", "index.json"), "utf8")) as {
  models: Record<string, { sequences: Record<string, { ids: number[]; file: string }> }>;
};

interface Entry {
  name: string;
  dtype: "F32" | "F16" | "BF16";
  shape: number[];
  bytes: Uint8Array;
}

/** A safetensors file from entries (written as any HF writer would, header padded to 8). */
function safetensors(entries: Entry[]): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  let offset = 0;
  for (const e of entries) {
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + e.bytes.byteLength] };
    offset += e.bytes.byteLength;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  let o = 8 + json.length;
  for (const e of entries) {
    out.set(e.bytes, o);
    o += e.bytes.byteLength;
  }
  return out;
}

/** The golden llama-hf tensors as f32 arrays. */
function goldenEntries(): Array<{ name: string; shape: number[]; values: Float32Array }> {
  const file = parseSafetensors(
    new Uint8Array(readFileSync(join(LLAMA_HF, "model.safetensors"))),
    "model.safetensors",
  );
  return [...file.tensors.values()].map((t) => ({
    name: t.name,
    shape: [...t.shape],
    values: new Float32Array(t.bytes.slice().buffer),
  }));
}

function modelDir(files: Record<string, Uint8Array | string>): string {
  const dir = tempDir("nextoken-hf-");
  copyFileSync(join(LLAMA_HF, "config.json"), join(dir, "config.json"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const { ids } = index.models["llama-hf"].sequences.len40;

test("sharded safetensors with model.safetensors.index.json give the golden logits", async () => {
  const entries = goldenEntries().map((e) => ({
    ...e,
    dtype: "F32" as const,
    bytes: new Uint8Array(e.values.buffer),
  }));
  const half = Math.floor(entries.length / 2);
  const shards = [entries.slice(0, half), entries.slice(half)];
  const names = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"];
  const weightMap = Object.fromEntries(shards.flatMap((shard, i) => shard.map((e) => [e.name, names[i]])));
  const dir = modelDir({
    [names[0]]: safetensors(shards[0]),
    [names[1]]: safetensors(shards[1]),
    "model.safetensors.index.json": JSON.stringify({ metadata: {}, weight_map: weightMap }),
  });
  const model = await loadModel(dir, { tokenizer: TOKENIZER });
  const logits = model.newSession().forward(ids, { allLogits: true });
  assert.ok(maxAbsDiff(logits, readF32("golden", "logits", "llama-hf.len40.f32")) < 1e-4);
});

test("an index naming a shard outside the directory is refused", async () => {
  const dir = modelDir({
    "model.safetensors.index.json": JSON.stringify({
      weight_map: { "model.norm.weight": "../elsewhere.safetensors" },
    }),
  });
  await assert.rejects(
    loadModel(dir, { tokenizer: TOKENIZER }),
    (e: unknown) =>
      e instanceof FormatError && /must name a \.safetensors file in the same directory/.test(e.message),
  );
});

test("F16 safetensors (2-D weights rounded to f16) give the llama-f16 golden logits", async () => {
  const entries = goldenEntries().map((e): Entry => {
    if (e.shape.length === 1)
      return { name: e.name, dtype: "F32", shape: e.shape, bytes: new Uint8Array(e.values.buffer) };
    const halves = Uint16Array.from(e.values, (v) => f32ToF16(v));
    return { name: e.name, dtype: "F16", shape: e.shape, bytes: new Uint8Array(halves.buffer) };
  });
  const model = await loadModel(modelDir({ "model.safetensors": safetensors(entries) }), {
    tokenizer: TOKENIZER,
  });
  const logits = model.newSession().forward(ids, { allLogits: true });
  assert.ok(maxAbsDiff(logits, readF32("golden", "logits", "llama-f16.len40.f32")) < 1e-4);
});

test("BF16 safetensors give exactly the logits of the same values stored as F32", async () => {
  const truncated = goldenEntries().map((e) => {
    const bits = new Uint32Array(e.values.slice().buffer);
    return { ...e, halves: Uint16Array.from(bits, (b) => b >>> 16) };
  });
  const bf16 = truncated.map((e): Entry => ({
    name: e.name,
    dtype: "BF16",
    shape: e.shape,
    bytes: new Uint8Array(e.halves.buffer),
  }));
  const f32 = truncated.map((e): Entry => {
    const widened = Uint32Array.from(e.halves, (h) => h << 16);
    return { name: e.name, dtype: "F32", shape: e.shape, bytes: new Uint8Array(widened.buffer) };
  });
  const a = await loadModel(modelDir({ "model.safetensors": safetensors(bf16) }), { tokenizer: TOKENIZER });
  const b = await loadModel(modelDir({ "model.safetensors": safetensors(f32) }), { tokenizer: TOKENIZER });
  const la = a.newSession().forward(ids, { allLogits: true });
  const lb = b.newSession().forward(ids, { allLogits: true });
  assert.ok(maxAbsDiff(la, lb) < 1e-6);
  // and bf16 rounding really changed the model
  assert.ok(maxAbsDiff(la, readF32("golden", "logits", "llama-hf.len40.f32")) > 1e-4);
});

test("generation_config.json defaults reach the model (list-valued eos_token_id)", async () => {
  const model = await loadModel(sharedPath("golden", "models", "llama-hf-tied-bias"));
  assert.deepEqual(model.generationConfig.eosTokenId, [398, 399]);
  assert.equal(model.generationConfig.doSample, true);
  assert.equal(model.generationConfig.topK, 20);
  assert.equal(model.config.architecture, "qwen2");
  assert.equal(model.config.tiedEmbeddings, true);
});
