import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { randomGguf } from "./bench/random-model.js";
import { InvalidOptionError } from "./errors.js";
import { loadModel, type LoadModelOptions } from "./load-model.js";
import { kernelModule } from "./tensor/wasm/module.js";
import { maxAbsDiff, readF32, sharedPath, tempDir } from "./testing/shared.js";

// The golden logits on every kernel path: plain TypeScript, WebAssembly SIMD on one thread and on
// two (every matrix split across both threads, however small) on the exact path, and quantized
// activations (the default for Q8_0/Q4_0 weights) within llama.cpp's own distance.
process.env.NEXTOKEN_PARALLEL_MIN_WORK = "0";

const index = JSON.parse(readFileSync(sharedPath("golden", "logits", "index.json"), "utf8")) as {
  models: Record<string, { sequences: Record<string, { ids: number[]; file: string }> }>;
};
const TOKENIZER = sharedPath("golden", "models", "llama2c-tokenizer.bin");
const CASES = [
  { file: "llama.gguf", key: "llama-hf" },
  { file: "gpt2-hf", key: "gpt2-hf" },
  { file: "llama-hf-tied-bias", key: "llama-hf-tied-bias" },
  { file: "llama-f16.gguf", key: "llama-f16" },
  { file: "llama-q8_0.gguf", key: "llama-q8_0" },
  { file: "llama-q4_0.gguf", key: "llama-q4_0" },
];
const PATHS: Array<[string, LoadModelOptions]> = [
  ["js", { kernels: "js" }],
  ["wasm, 1 thread", { kernels: "wasm", threads: 1, quantizeActivations: false }],
  ["wasm, 2 threads", { kernels: "wasm", threads: 2, quantizeActivations: false }],
];

async function logitsOf(file: string, key: string, options: LoadModelOptions) {
  const model = await loadModel(sharedPath("golden", "models", file), {
    ...options,
    tokenizer: file.endsWith(".gguf") || file.startsWith("gpt2") ? undefined : TOKENIZER,
  });
  // the path asked for, not a silent fallback to the TypeScript kernels
  assert.equal(model.kernels.name, expectedKernels(options));
  try {
    return Object.values(index.models[key].sequences).map((seq) => ({
      logits: model.newSession().forward(seq.ids, { allLogits: true }),
      expected: readF32("golden", "logits", seq.file),
      vocab: model.vocabSize,
    }));
  } finally {
    model.dispose();
  }
}

for (const { file, key } of CASES) {
  for (const [name, options] of PATHS) {
    test(`${file} on ${name} reproduces the golden logits within 1e-4`, async () => {
      for (const { logits, expected } of await logitsOf(file, key, options)) {
        const diff = maxAbsDiff(logits, expected);
        assert.ok(diff < 1e-4, `max |diff| ${diff}`);
      }
    });
  }
}

/** The kernels' name loadModel gives for these options: a default "wasm" is the best build. */
function expectedKernels(options: LoadModelOptions): string {
  const kernels = options.kernels ?? "wasm";
  return kernels === "wasm" ? `wasm-${kernelModule()?.build}` : kernels;
}

test("the default kernels are the relaxed SIMD build, which runs (and passes its self-test) on Node >= 20", () => {
  assert.equal(kernelModule()?.build, "relaxed-simd");
  assert.equal(kernelModule("simd128")?.build, "simd128");
});

test("kernels and NEXTOKEN_KERNELS are checked and named, and select the build", async () => {
  const file = sharedPath("golden", "models", "llama-q4_0.gguf");
  await assert.rejects(
    loadModel(file, { kernels: "wasm-avx" as never }),
    (e: unknown) =>
      e instanceof InvalidOptionError &&
      e.message === 'kernels must be "wasm", "wasm-relaxed-simd", "wasm-simd128" or "js", got "wasm-avx"',
  );
  process.env.NEXTOKEN_KERNELS = "simd";
  try {
    await assert.rejects(
      loadModel(file),
      (e: unknown) => e instanceof InvalidOptionError && e.option === "NEXTOKEN_KERNELS",
    );
    process.env.NEXTOKEN_KERNELS = "wasm-simd128";
    const plain = await loadModel(file);
    assert.equal(plain.kernels.name, "wasm-simd128");
    const relaxed = await loadModel(file, { kernels: "wasm-relaxed-simd" });
    assert.equal(relaxed.kernels.name, "wasm-relaxed-simd", "the option wins");
    plain.dispose();
    relaxed.dispose();
  } finally {
    delete process.env.NEXTOKEN_KERNELS;
  }
});

/** log-softmax of each row of `vocab` logits. */
function logProbs(logits: Float32Array, vocab: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let r = 0; r < logits.length; r += vocab) {
    let max = -Infinity;
    for (let i = r; i < r + vocab; i++) max = Math.max(max, logits[i]);
    let sum = 0;
    for (let i = r; i < r + vocab; i++) sum += Math.exp(logits[i] - max);
    for (let i = r; i < r + vocab; i++) out[i] = logits[i] - max - Math.log(sum);
  }
  return out;
}

for (const file of ["llama-q8_0.gguf", "llama-q4_0.gguf"]) {
  test(`${file} with quantized activations stays within llama.cpp's 0.04 log-prob of the golden`, async () => {
    const key = file.replace(".gguf", "");
    const first: Float32Array[] = [];
    for (const kernels of ["wasm-relaxed-simd", "wasm-simd128"] as const) {
      for (const threads of [1, 2]) {
        const runs = await logitsOf(file, key, { kernels, threads, quantizeActivations: true });
        for (const [i, { logits, expected, vocab }] of runs.entries()) {
          const diff = maxAbsDiff(logProbs(logits, vocab), logProbs(expected, vocab));
          assert.ok(diff > 0 && diff <= 0.04, `${kernels}, threads ${threads}: max |log-prob diff| ${diff}`);
          // both builds and any thread count give the same bits
          if (first[i]) assert.deepEqual(logits, first[i], `${kernels}, threads ${threads}`);
          else first[i] = logits;
        }
      }
    }
  });
}

test("a random Q4_K/Q6_K model on 8-bit activations stays within 0.04 log-prob of the exact path, in any thread count and step size", async () => {
  // Block scale 1/32768: logits within ±3. Random weights at larger scales make a chaotic network in
  // which the 8-bit activations' ~0.3% per product grows past any fixed tolerance at some positions.
  const shape = { dim: 256, hidden: 512, layers: 2, heads: 4, kvHeads: 2, vocab: 512, context: 64 };
  const path = join(tempDir("nextoken-"), "random-q4_k.gguf");
  writeFileSync(path, randomGguf(shape, "q4_k", 1, 1 / 32768));
  const ids = Array.from({ length: 20 }, (_, i) => 3 + ((i * 37) % 500));
  const logits = async (options: LoadModelOptions) => {
    const model = await loadModel(path, options);
    try {
      assert.deepEqual(Object.keys(model.info.dtypes).sort(), ["f32", "q4_k", "q6_k"]);
      return model.newSession().forward(ids, { allLogits: true });
    } finally {
      model.dispose();
    }
  };
  const exact = await logits({ threads: 1, quantizeActivations: false });
  const fast = await logits({ threads: 1, quantizeActivations: true });
  const diff = maxAbsDiff(logProbs(fast, shape.vocab), logProbs(exact, shape.vocab));
  assert.ok(diff > 0 && diff <= 0.04, `max |log-prob diff| ${diff}`);
  assert.deepEqual(await logits({ threads: 2, quantizeActivations: true }), fast, "two threads");
  // one token at a time gives the prefill's bits
  const model = await loadModel(path, { threads: 1, quantizeActivations: true });
  try {
    const session = model.newSession();
    for (const [p, id] of ids.entries()) {
      const row = fast.subarray(p * shape.vocab, (p + 1) * shape.vocab);
      assert.deepEqual(session.forward([id]), row, `position ${p}`);
    }
  } finally {
    model.dispose();
  }
});
