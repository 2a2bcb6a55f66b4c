import assert from "node:assert/strict";
import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError, UnsupportedError } from "../errors.js";
import { parseSafetensors } from "../formats/safetensors.js";
import { causalOf, loadModel, type Model } from "../load-model.js";
import { maxAbsDiff, sharedPath, tempDir } from "../testing/shared.js";
import { writeSafetensors } from "../train/safetensors-writer.js";
import { PreNormDecoder } from "./pre-norm-decoder.js";

/**
 * The new architectures' config fields: each bad value is a typed error naming the file and the
 * field, and each option changes the output. Models are the golden/archs HF directories with an
 * edited config.json (the weights linked, or rewritten without a tensor).
 */

const ARCHS = sharedPath("golden", "archs", "models");
const LEN40 = [1, 25, 164, 109, 261, 254, 108, 266, 239, 249, 40, 225, 193, 28, 135, 216, 226, 96, 376, 82];

/** A copy of models/<name>-hf with `changes` merged into config.json (null deletes a key). */
function edited(name: string, changes: Record<string, unknown>, dropTensor?: string): string {
  const from = join(ARCHS, `${name}-hf`);
  const dir = tempDir(`nextoken-${name}-`);
  const config = JSON.parse(readFileSync(join(from, "config.json"), "utf8")) as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete config[key];
    else config[key] = value;
  }
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  const weights = join(from, "model.safetensors");
  if (!dropTensor) symlinkSync(weights, join(dir, "model.safetensors"));
  else {
    const bytes = new Uint8Array(readFileSync(weights));
    const file = parseSafetensors(bytes, weights);
    const kept = [...file.tensors.values()]
      .filter((t) => t.name !== dropTensor)
      .map((t) => ({ name: t.name, dtype: "F32" as const, shape: [...t.shape], bytes: t.bytes }));
    assert.equal(kept.length, file.tensors.size - 1, `${dropTensor} is in the file`);
    writeFileSync(join(dir, "model.safetensors"), writeSafetensors(kept));
  }
  return dir;
}

function logits(model: Model): Float32Array {
  return model.newSession().forward(LEN40, { allLogits: true });
}

async function rejects(dir: string, error: typeof FormatError | typeof UnsupportedError, pattern: RegExp) {
  await assert.rejects(loadModel(dir), (e: unknown) => {
    assert.ok(e instanceof error, `${String(e)} is a ${error.name}`);
    assert.match((e as Error).message, pattern);
    assert.ok((e as Error).message.includes(join(dir, "config.json")) || (e as Error).message.includes(dir));
    return true;
  });
}

test("an expert count of 0 is refused, naming config.json and the field", async () => {
  await rejects(edited("qwen3moe", { num_experts: 0 }), FormatError, /"num_experts" must be a positive integer, got 0/);
  await rejects(
    edited("mixtral", { num_local_experts: 0 }),
    FormatError,
    /"num_local_experts" must be a positive integer, got 0/,
  );
});

test("top-k above the expert count is refused", async () => {
  await rejects(
    edited("qwen3moe", { num_experts_per_tok: 9 }),
    FormatError,
    /"num_experts_per_tok" must be at most num_experts 8, got 9/,
  );
  await rejects(
    edited("mixtral", { num_experts_per_tok: 5 }),
    FormatError,
    /"num_experts_per_tok" must be at most num_local_experts 4, got 5/,
  );
});

test("a sliding window <= 0 is refused", async () => {
  for (const window of [0, -8]) {
    await rejects(
      edited("gemma3", { sliding_window: window }),
      FormatError,
      new RegExp(`"sliding_window" must be a positive integer, got ${window}`),
    );
  }
});

test("a missing q_norm tensor is named with its file", async () => {
  const dir = edited("qwen3", {}, "model.layers.1.self_attn.q_norm.weight");
  await assert.rejects(
    loadModel(dir),
    (e: unknown) =>
      e instanceof FormatError &&
      e.message.includes(dir) &&
      e.message.includes('missing tensor "model.layers.1.self_attn.q_norm.weight" (expected shape [32])'),
  );
});

test("attention soft-capping and dense layers in a MoE model are refused as unsupported", async () => {
  await rejects(edited("gemma3", { attn_logit_softcapping: 50 }), UnsupportedError, /attn_logit_softcapping/);
  await rejects(edited("qwen3moe", { mlp_only_layers: [0] }), UnsupportedError, /mlp_only_layers \[0\]/);
});

test("gemma3: a window at least the context is no window; a window of 8 changes the logits", async () => {
  const windowed = logits(await loadModel(join(ARCHS, "gemma3-hf")));
  const atContext = logits(await loadModel(edited("gemma3", { sliding_window: 128 })));
  const beyond = logits(await loadModel(edited("gemma3", { sliding_window: 4096 })));
  assert.equal(maxAbsDiff(atContext, beyond), 0);
  // positions 0..7 are inside the window either way; past it the outputs part
  assert.ok(maxAbsDiff(windowed.subarray(0, 8 * 384), atContext.subarray(0, 8 * 384)) < 1e-6);
  assert.ok(maxAbsDiff(windowed, atContext) > 1e-2);
});

test("gemma3: final_logit_softcapping bounds the logits by the cap", async () => {
  const plain = logits(await loadModel(join(ARCHS, "gemma3-hf")));
  const capped = logits(await loadModel(edited("gemma3", { final_logit_softcapping: 0.5 })));
  assert.ok(capped.every((v) => Math.abs(v) < 0.5));
  for (let i = 0; i < plain.length; i += 97) assert.ok(Math.abs(capped[i] - 0.5 * Math.tanh(plain[i] / 0.5)) < 1e-6);
});

test("gemma3: query_pre_attn_scalar, layer_types and rope_local_base_freq change the logits", async () => {
  const plain = logits(await loadModel(join(ARCHS, "gemma3-hf")));
  for (const changes of [
    { query_pre_attn_scalar: 8 },
    { layer_types: ["full_attention", "full_attention", "full_attention"] },
    { rope_local_base_freq: 1e6 },
  ]) {
    const other = logits(await loadModel(edited("gemma3", changes)));
    assert.ok(maxAbsDiff(plain, other) > 1e-3, JSON.stringify(changes));
  }
});

test("phi3: partial_rotary_factor changes the logits; a factor above 1 is refused", async () => {
  const plain = logits(await loadModel(join(ARCHS, "phi3-hf")));
  const full = logits(await loadModel(edited("phi3", { partial_rotary_factor: 1 })));
  assert.ok(maxAbsDiff(plain, full) > 1e-3);
  await rejects(edited("phi3", { partial_rotary_factor: 1.5 }), FormatError, /"partial_rotary_factor" must be/);
});

test("qwen3_moe: norm_topk_prob false mixes the experts by their raw probabilities", async () => {
  const model = await loadModel(edited("qwen3moe", { norm_topk_prob: false }));
  const causal = causalOf(model);
  assert.ok(causal instanceof PreNormDecoder);
  let worst = 1;
  causal.observeRouting = (_layer, _position, _experts, weights) => {
    let sum = 0;
    for (let j = 0; j < weights.length; j++) sum += weights[j];
    worst = Math.min(worst, sum);
  };
  const raw = logits(model);
  assert.ok(worst < 0.99, `weights sum to ${worst} at least`);
  const normed = logits(await loadModel(join(ARCHS, "qwen3moe-hf")));
  assert.ok(maxAbsDiff(raw, normed) > 1e-3);
});

test("gemma3: linear rope_scaling scales the global layers' positions only", async () => {
  const plain = logits(await loadModel(join(ARCHS, "gemma3-hf")));
  const scaling = { rope_scaling: { rope_type: "linear", factor: 8 } };
  const scaled = logits(await loadModel(edited("gemma3", scaling)));
  assert.ok(maxAbsDiff(plain, scaled) > 1e-3);
  const allLocal = { layer_types: ["sliding_attention", "sliding_attention", "sliding_attention"] };
  const local = logits(await loadModel(edited("gemma3", allLocal)));
  const localScaled = logits(await loadModel(edited("gemma3", { ...allLocal, ...scaling })));
  assert.equal(maxAbsDiff(local, localScaled), 0);
});
