import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { loadModel, type Model } from "./load-model.js";
import { maxAbsDiff, readF32, sharedPath } from "./testing/shared.js";

interface GoldenSequence {
  ids: number[];
  file: string;
  shape: [number, number];
}
interface GoldenModel {
  sequences: Record<string, GoldenSequence>;
  greedy: { prompt: number[]; max_new_tokens: number; generated: number[] };
}
const index = JSON.parse(readFileSync(sharedPath("golden", "logits", "index.json"), "utf8")) as {
  models: Record<string, GoldenModel>;
};

const LLAMA_TOKENIZER = sharedPath("golden", "models", "llama2c-tokenizer.bin");
/** Every golden checkpoint and the logits key it must reproduce. */
const CASES: Array<{ file: string; key: string; tokenizer?: string }> = [
  { file: "llama-hf", key: "llama-hf", tokenizer: LLAMA_TOKENIZER },
  { file: "llama.gguf", key: "llama-hf" },
  { file: "llama2c.bin", key: "llama-hf", tokenizer: LLAMA_TOKENIZER },
  { file: "llama-hf-tied-bias", key: "llama-hf-tied-bias" },
  { file: "gpt2-hf", key: "gpt2-hf" },
  { file: "llama-f16.gguf", key: "llama-f16" },
  { file: "llama-q8_0.gguf", key: "llama-q8_0" },
  { file: "llama-q4_0.gguf", key: "llama-q4_0" },
];

function load(file: string, tokenizer?: string): Promise<Model> {
  // the exact path: quantized activations (the default for Q8_0/Q4_0) are checked in kernel-paths.test.ts
  return loadModel(sharedPath("golden", "models", file), { tokenizer, quantizeActivations: false });
}

for (const { file, key, tokenizer } of CASES) {
  const golden = index.models[key];

  test(`${file} reproduces the ${key} logits at every position within 1e-4`, async () => {
    const model = await load(file, tokenizer);
    for (const [name, seq] of Object.entries(golden.sequences)) {
      const expected = readF32("golden", "logits", seq.file);
      const session = model.newSession();
      const logits = session.forward(seq.ids, { allLogits: true });
      const diff = maxAbsDiff(logits, expected);
      assert.ok(diff < 1e-4, `${name}: max |diff| ${diff}`);
      assert.equal(session.position, seq.ids.length);
    }
  });

  test(`${file}: one token at a time and a 5-token prefill match the full pass within 1e-5`, async () => {
    const model = await load(file, tokenizer);
    const { ids } = golden.sequences.len40;
    const full = model.newSession().forward(ids, { allLogits: true });
    const V = model.vocabSize;
    const stepwise = model.newSession();
    let worst = 0;
    for (let t = 0; t < ids.length; t++) {
      const row = stepwise.forward([ids[t]]);
      worst = Math.max(worst, maxAbsDiff(row, full.subarray(t * V, (t + 1) * V)));
    }
    const chunked = model.newSession();
    chunked.forward(ids.slice(0, 5));
    for (let t = 5; t < ids.length; t++) {
      worst = Math.max(worst, maxAbsDiff(chunked.forward([ids[t]]), full.subarray(t * V, (t + 1) * V)));
    }
    assert.ok(worst < 1e-5, `max |diff| ${worst}`);
  });

  test(`${file}: greedy decoding with the KV cache gives the golden tokens`, async () => {
    const model = await load(file, tokenizer);
    const { prompt, max_new_tokens: count, generated } = golden.greedy;
    const session = model.newSession();
    let logits = session.forward(prompt);
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const next = argmax(logits);
      out.push(next);
      logits = session.forward([next]);
    }
    assert.deepEqual(out, generated);
  });
}

test("safetensors, GGUF and llama2.c give identical logits for the same weights", async () => {
  const { ids } = index.models["llama-hf"].sequences.len40;
  const outputs = await Promise.all(
    [
      ["llama-hf", LLAMA_TOKENIZER],
      ["llama.gguf", undefined],
      ["llama2c.bin", LLAMA_TOKENIZER],
    ].map(async ([file, tok]) => (await load(file!, tok)).newSession().forward(ids, { allLogits: true })),
  );
  assert.ok(maxAbsDiff(outputs[0], outputs[1]) < 1e-5);
  assert.ok(maxAbsDiff(outputs[0], outputs[2]) < 1e-5);
});

function argmax(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}
