import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "./errors.js";
import { argmax } from "./generation/distribution.js";
import { generate } from "./generation/generate.js";
import { loadModel, type LoadModelOptions, type Model } from "./load-model.js";
import type { ModelSession } from "./models/session.js";
import { kernelModule } from "./tensor/wasm/module.js";
import { maxAbsDiff, sharedPath } from "./testing/shared.js";

// kvCacheType "f16" against the default f32 cache, on every kernel path (2 threads split even tiny
// matrices and every attention head).
process.env.NEXTOKEN_PARALLEL_MIN_WORK = "0";

const STORIES = sharedPath("models", "stories260K", "stories260K-f32.gguf");
const TOKENIZER = sharedPath("golden", "models", "llama2c-tokenizer.bin");
/**
 * Largest |f16 logit - f32 logit| allowed over a greedy 200-token (or whole-context) sequence: a
 * little above what was measured on every kernel path (stories260K: 0.0247 on logits up to 22,
 * trained weights, 8 query / 4 KV heads; the golden random tiny models: 3.5e-4 and 2.6e-4).
 */
const CASES = [
  { name: "stories260K (llama, GQA)", path: STORIES, tokenizer: undefined, bound: 0.03 },
  {
    name: "golden llama-hf (GQA)",
    path: sharedPath("golden", "models", "llama-hf"),
    tokenizer: TOKENIZER,
    bound: 5e-4,
  },
  {
    name: "golden gpt2-hf",
    path: sharedPath("golden", "models", "gpt2-hf"),
    tokenizer: undefined,
    bound: 4e-4,
  },
];
const PATHS: Array<[string, LoadModelOptions]> = [
  ["js", { kernels: "js" }],
  ["wasm, 1 thread", { kernels: "wasm", threads: 1, quantizeActivations: false }],
  ["wasm, 2 threads", { kernels: "wasm", threads: 2, quantizeActivations: false }],
];

/** A greedy continuation of a short prompt, up to 200 tokens or the context length. */
function greedyIds(model: Model): number[] {
  const ids = [1, 403, 407, 261, 378].map((id) => id % model.vocabSize);
  const session = model.newSession();
  let logits = session.forward(ids);
  while (ids.length < Math.min(200, model.config.contextLength)) {
    const next = argmax(logits);
    ids.push(next);
    logits = session.forward([next]);
  }
  return ids;
}

const cacheOf = (session: unknown) => (session as ModelSession).kvCache;

for (const { name, path, tokenizer, bound } of CASES) {
  test(`${name}: an f16 KV cache gives logits within ${bound} of f32 in half the memory, on every kernel path`, async () => {
    const ids = greedyIds(await loadModel(path, { tokenizer, kernels: "js" }));
    const f16Logits: Float32Array[] = [];
    for (const [pathName, options] of PATHS) {
      const [m32, m16] = await Promise.all([
        loadModel(path, { ...options, tokenizer }),
        loadModel(path, { ...options, tokenizer, kvCacheType: "f16" }),
      ]);
      try {
        assert.equal(m16.kvCacheType, "f16");
        assert.equal(
          m16.kernels.name,
          options.kernels === "js" ? "js" : `wasm-${kernelModule()?.build}`,
          pathName,
        );
        const [s32, s16] = [m32.newSession(), m16.newSession()];
        const [a, b] = [s32.forward(ids, { allLogits: true }), s16.forward(ids, { allLogits: true })];
        const diff = maxAbsDiff(a, b);
        assert.ok(diff > 0 && diff < bound, `${pathName}: max |f16 - f32| ${diff}`);
        assert.equal(cacheOf(s16).type, "f16");
        assert.equal(cacheOf(s32).type, "f32");
        assert.equal(cacheOf(s16).byteLength * 2, cacheOf(s32).byteLength, pathName);
        f16Logits.push(b);
      } finally {
        m32.dispose();
        m16.dispose();
      }
    }
    const [js, wasm1, wasm2] = f16Logits;
    assert.deepEqual(wasm2, wasm1, "2 threads give the bits of 1");
    // (the paths' f32 keys and values differ in the last bits, which can round to neighbouring f16
    // values: the two f16 paths are as far apart as f16 is from f32, not as close as the f32 paths)
    const jsDiff = maxAbsDiff(js, wasm1);
    assert.ok(jsDiff < bound, `js and wasm f16 paths: max |diff| ${jsDiff}`);
  });
}

test("stories260K greedy with an f16 KV cache writes the same 252 tokens as with f32", async () => {
  const texts = await Promise.all(
    (["f32", "f16"] as const).map(async (kvCacheType) => {
      const model = await loadModel(STORIES, { kvCacheType });
      return (await generate(model, "Once upon a time", { maxNewTokens: 252 })).sequences[0].text;
    }),
  );
  assert.ok(texts[0].length > 500);
  assert.equal(texts[1], texts[0]);
});

const ids = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => 3 + ((i * 37 + offset) % 500));

test("fork() and rewind() on f16 sessions", async () => {
  const model = await loadModel(STORIES, { kvCacheType: "f16" });
  const parent = model.newSession();
  parent.forward(ids(70)); // past the first growth (64 positions)
  const child = parent.fork();
  assert.equal(cacheOf(child).type, "f16");
  child.forward([50, 60, 70]);
  assert.equal(parent.position, 70);
  const fresh = model.newSession().forward([...ids(70), 99]);
  assert.ok(maxAbsDiff(parent.forward([99]), fresh) < 1e-5, "the parent is untouched by its child");
  const branch = model.newSession().forward([...ids(70), 50, 60, 70, 80]);
  assert.ok(maxAbsDiff(child.forward([80]), branch) < 1e-5, "the child continues its own branch");

  const session = model.newSession();
  const seq = ids(90, 1);
  const first = session.forward(seq, { allLogits: true });
  session.rewind(40);
  const again = session.forward(seq.slice(40), { allLogits: true });
  assert.ok(maxAbsDiff(again, first.subarray(40 * model.vocabSize)) < 1e-5);
});

test("kvCacheType and NEXTOKEN_KV_CACHE_TYPE are checked and named", async () => {
  await assert.rejects(
    loadModel(STORIES, { kvCacheType: "q8_0" as never }),
    (e: unknown) =>
      e instanceof InvalidOptionError && e.message === 'kvCacheType must be "f32" or "f16", got "q8_0"',
  );
  process.env.NEXTOKEN_KV_CACHE_TYPE = "bf16";
  try {
    await assert.rejects(
      loadModel(STORIES),
      (e: unknown) =>
        e instanceof InvalidOptionError &&
        e.message === 'NEXTOKEN_KV_CACHE_TYPE must be "f32" or "f16", got "bf16"',
    );
    process.env.NEXTOKEN_KV_CACHE_TYPE = "f16";
    const model = await loadModel(STORIES);
    assert.equal(model.kvCacheType, "f16");
    assert.equal(cacheOf(model.newSession()).type, "f16");
    assert.equal((await loadModel(STORIES, { kvCacheType: "f32" })).kvCacheType, "f32", "the option wins");
  } finally {
    delete process.env.NEXTOKEN_KV_CACHE_TYPE;
  }
  assert.equal((await loadModel(STORIES)).kvCacheType, "f32", "the default");
});
