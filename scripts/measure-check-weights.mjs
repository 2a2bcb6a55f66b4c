// Load time with and without the non-finite weight check (LoadModelOptions.checkWeights), and the
// check's own time, on the golden models, stories260K and random stories110M-shaped models.
// Usage: npm run build && node scripts/measure-check-weights.mjs [runs]   (figures: docs/loading.md)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel } from "../dist/load-model.js";
import { randomGguf, SHAPES } from "../dist/bench/random-model.js";
import { parseGguf, ggufTensors } from "../dist/formats/gguf.js";
import { checkFiniteWeights } from "../dist/formats/check-finite.js";
import { readWholeFile } from "../dist/formats/read-file.js";

const runs = Number(process.argv[2] ?? 5);
const shared = (...p) => join(import.meta.dirname, "..", "..", "shared", ...p);
const dir = mkdtempSync(join(tmpdir(), "nextoken-measure-"));
const tok = shared("golden", "models", "llama2c-tokenizer.bin");
const cases = [
  ["golden llama.gguf (f32)", shared("golden", "models", "llama.gguf")],
  ["golden llama-q8_0.gguf", shared("golden", "models", "llama-q8_0.gguf")],
  ["golden llama-hf (safetensors)", shared("golden", "models", "llama-hf"), tok],
  [
    "stories260K.bin",
    shared("models", "stories260K", "stories260K.bin"),
    shared("models", "stories260K", "tok512.bin"),
  ],
];
for (const type of ["f32", "q8_0", "q4_k"]) {
  const path = join(dir, `random110M-${type}.gguf`);
  writeFileSync(path, randomGguf(SHAPES.stories110M, type));
  cases.push([`random stories110M ${type}`, path]);
}

const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
/** [load ms, load + the first forward pass of one token ms]: the first pass over fresh memory is slow. */
async function loadMs(path, tokenizer, checkWeights) {
  const start = performance.now();
  const model = await loadModel(path, { tokenizer, checkWeights });
  const loaded = performance.now() - start;
  model.newSession().forward([1]);
  const first = performance.now() - start;
  model.dispose();
  return [loaded, first];
}
console.log(
  "| model | load checked | load unchecked | load + 1st token checked | load + 1st token unchecked | the check alone, warm |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const [name, path, tokenizer] of cases) {
  const on = [],
    off = [],
    onFirst = [],
    offFirst = [],
    alone = [];
  for (let i = 0; i < runs; i++) {
    // alternate which goes first, so neither always meets a warmer page cache
    for (const check of i % 2 ? [true, false] : [false, true]) {
      const [loaded, first] = await loadMs(path, tokenizer, check);
      (check ? on : off).push(loaded);
      (check ? onFirst : offFirst).push(first);
    }
  }
  if (path.endsWith(".gguf")) {
    const bytes = await readWholeFile(path);
    const tensors = [...ggufTensors(parseGguf(bytes, path), bytes).values()];
    checkFiniteWeights(tensors, path); // first touch of fresh memory: see loadMs
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      checkFiniteWeights(tensors, path);
      alone.push(performance.now() - start);
    }
  }
  const f = (x) => x.toFixed(x < 10 ? 2 : 0);
  const cells = [on, off, onFirst, offFirst].map((x) => f(median(x)));
  console.log(`| ${name} | ${cells.join(" | ")} | ${alone.length ? f(median(alone)) : "—"} |`);
}
rmSync(dir, { recursive: true, force: true });
