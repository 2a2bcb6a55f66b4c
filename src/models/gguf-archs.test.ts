import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError } from "../errors.js";
import { ggufTensors, parseGguf, type GgufValue } from "../formats/gguf.js";
import { writeGguf, type GgufWriteTensor, type GgufWriteValue } from "../formats/gguf-writer.js";
import { loadModel } from "../load-model.js";
import { f16ToF32, f32ToF16 } from "../tensor/dtype.js";
import { toF32 } from "../tensor/rows.js";
import { maxAbsDiff, sharedPath, tempDir } from "../testing/shared.js";

/**
 * The new architectures' GGUF metadata and stacked experts: golden/archs files rewritten with one
 * key changed or one tensor dropped or re-encoded.
 */

const ARCHS = sharedPath("golden", "archs", "models");
const IDS = [1, 278, 143, 149, 291, 288, 267, 25, 164, 109, 261, 254, 108, 266, 239, 249, 40, 225];

/** `value` as the writer's typed value (integers as u32, other numbers as f32, arrays by item type). */
function typed(value: GgufValue): GgufWriteValue {
  if (typeof value === "string") return { type: "string", value };
  if (typeof value === "boolean") return { type: "bool", value };
  if (typeof value === "bigint") return { type: "u64", value: Number(value) };
  if (typeof value === "number")
    return Number.isInteger(value) && value >= 0 ? { type: "u32", value } : { type: "f32", value };
  if (value instanceof Float32Array) return { type: "array", itemType: "f32", value: [...value] };
  if (value instanceof Int32Array) return { type: "array", itemType: "i32", value: [...value] };
  if (value instanceof Uint32Array) return { type: "array", itemType: "u32", value: [...value] };
  if (value.every((v) => typeof v === "string")) return { type: "array", itemType: "string", value };
  return { type: "array", itemType: "i32", value: value as number[] };
}

/** models/<file> rewritten: metadata `changes` (undefined deletes), tensors mapped (undefined drops). */
function rewritten(
  file: string,
  changes: Record<string, GgufWriteValue | undefined>,
  mapTensor: (t: GgufWriteTensor) => GgufWriteTensor | undefined = (t) => t,
): string {
  const bytes = new Uint8Array(readFileSync(join(ARCHS, file)));
  const gguf = parseGguf(bytes, file);
  const metadata: Record<string, GgufWriteValue> = {};
  for (const [key, value] of gguf.metadata) metadata[key] = typed(value);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete metadata[key];
    else metadata[key] = value;
  }
  const tensors = [...ggufTensors(gguf, bytes).values()]
    .map((t) => mapTensor({ name: t.name, shape: [...t.shape], dtype: t.dtype, bytes: t.bytes }))
    .filter((t): t is GgufWriteTensor => t !== undefined);
  const path = join(tempDir("nextoken-gguf-"), file);
  writeFileSync(path, writeGguf(metadata, tensors));
  return path;
}

async function refused(path: string, pattern: RegExp): Promise<void> {
  await assert.rejects(
    loadModel(path),
    (e: unknown) => e instanceof FormatError && e.message.startsWith(path) && pattern.test(e.message),
  );
}

test("the rewriting itself keeps a file's logits", async () => {
  const a = (await loadModel(join(ARCHS, "qwen3moe.gguf"))).newSession().forward(IDS, { allLogits: true });
  const b = (await loadModel(rewritten("qwen3moe.gguf", {}))).newSession().forward(IDS, { allLogits: true });
  assert.equal(maxAbsDiff(a, b), 0);
});

test("GGUF: expert count 0, top-k above it, a window of 0 and a missing q_norm are named", async () => {
  await refused(
    rewritten("qwen3moe.gguf", { "qwen3moe.expert_count": { type: "u32", value: 0 } }),
    /metadata "qwen3moe.expert_count" must be an integer from 1 to 1024, got 0/,
  );
  await refused(
    rewritten("qwen3moe.gguf", { "qwen3moe.expert_used_count": { type: "u32", value: 9 } }),
    /metadata "qwen3moe.expert_used_count" must be an integer from 1 to 8, got 9/,
  );
  await refused(
    rewritten("gemma3.gguf", { "gemma3.attention.sliding_window": { type: "u32", value: 0 } }),
    /metadata "gemma3.attention.sliding_window" must be an integer from 1 to \d+, got 0/,
  );
  await refused(
    rewritten("qwen3.gguf", {}, (t) => (t.name === "blk.0.attn_q_norm.weight" ? undefined : t)),
    /missing tensor "model.layers.0.self_attn.q_norm.weight" \(expected shape \[32\]\)/,
  );
  // a stacked expert tensor whose count disagrees with expert_count
  await refused(
    rewritten("mixtral.gguf", { "llama.expert_count": { type: "u32", value: 3 } }),
    /"model.layers.0.block_sparse_moe.experts.w1.weight" has shape \[4, 32, 64\], expected \[3, rows, cols\]/,
  );
});

test("GGUF gemma3: no sliding_window_pattern key means llama.cpp's 6 (here: every layer local)", async () => {
  const given = (await loadModel(join(ARCHS, "gemma3.gguf"))).newSession().forward(IDS, { allLogits: true });
  const path = rewritten("gemma3.gguf", { "gemma3.attention.sliding_window_pattern": undefined });
  const model = await loadModel(path);
  assert.deepEqual(model.config.slidingWindow?.layers, [true, true, true]);
  assert.ok(maxAbsDiff(model.newSession().forward(IDS, { allLogits: true }), given) > 1e-3);
});

/** Q8_0 blocks of f32 values (ggml's quantize_row_q8_0 reference: d = max|x| / 127, q = round(x / d)). */
function q8_0(values: Float32Array): Uint8Array {
  const out = new Uint8Array((values.length / 32) * 34);
  for (let b = 0; b < values.length / 32; b++) {
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(values[b * 32 + j]));
    const d = amax / 127;
    const bits = f32ToF16(d);
    out[b * 34] = bits & 0xff;
    out[b * 34 + 1] = bits >> 8;
    for (let j = 0; j < 32; j++) out[b * 34 + 2 + j] = (d ? Math.round(values[b * 32 + j] / d) : 0) & 0xff;
  }
  return out;
}

/** The f32 values Q8_0 blocks decode to. */
function dequantized(blocks: Uint8Array): Float32Array {
  const out = new Float32Array((blocks.length / 34) * 32);
  for (let b = 0; b < blocks.length / 34; b++) {
    const d = f16ToF32(blocks[b * 34] | (blocks[b * 34 + 1] << 8));
    for (let j = 0; j < 32; j++) out[b * 32 + j] = ((blocks[b * 34 + 2 + j] << 24) >> 24) * d;
  }
  return out;
}

test("GGUF Q8_0 stacked experts are sliced per expert in their packed form", async () => {
  for (const file of ["mixtral.gguf", "qwen3moe.gguf"]) {
    const quantized = new Map<string, Uint8Array>();
    const asQ8 = rewritten(file, {}, (t) => {
      if (!t.name.includes("_exps.") || t.shape[2] % 32 !== 0) return t; // rows of whole blocks
      const blocks = q8_0(toF32({ ...t, name: t.name }));
      quantized.set(t.name, blocks);
      return { ...t, dtype: "q8_0", bytes: blocks };
    });
    const asF32 = rewritten(file, {}, (t) => {
      const blocks = quantized.get(t.name);
      return blocks ? { ...t, bytes: new Uint8Array(dequantized(blocks).buffer) } : t;
    });
    const q = await loadModel(asQ8, { quantizeActivations: false });
    assert.equal(q.info.dtypes.q8_0, [...quantized.values()].reduce((n, b) => n + (b.length / 34) * 32, 0));
    const a = q.newSession().forward(IDS, { allLogits: true });
    const b = (await loadModel(asF32)).newSession().forward(IDS, { allLogits: true });
    const original = (await loadModel(join(ARCHS, file))).newSession().forward(IDS, { allLogits: true });
    assert.ok(maxAbsDiff(a, b) < 1e-4, `${file}: Q8_0 experts vs their values in f32: ${maxAbsDiff(a, b)}`);
    assert.ok(maxAbsDiff(a, original) > 1e-5, `${file}: quantizing moved the logits`);
  }
});
