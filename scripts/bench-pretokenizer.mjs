// Speed of the pre-token scanners against the regexes they replace, on the same text.
// Usage: npx tsc -p tsconfig.json && node scripts/bench-pretokenizer.mjs [megabytes=4]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DEEPSEEK_SOURCE,
  GPT2_PATTERN,
  LLAMA3_SOURCE,
  QWEN2_SOURCE,
  TEKKEN_SOURCE,
  jsPatternOf,
  knownScanner,
  pretokenize,
} from "../dist/tokenizers/pretokenizer.js";

const megabytes = Number(process.argv[2] ?? 4);
const golden = ["gpt2", "llama2"].flatMap(
  (name) =>
    JSON.parse(readFileSync(join("..", "shared", "golden", "tokenizers", name, "encodings.json"), "utf8"))
      .cases,
);
const sample = golden.map((c) => c.text).join("\n");
const text = sample.repeat(Math.ceil((megabytes * 1e6) / sample.length)).slice(0, megabytes * 1e6);

function best(run) {
  let fastest = Infinity;
  let pieces = 0;
  for (let i = 0; i < 9; i++) {
    const t = performance.now();
    pieces = run().length;
    fastest = Math.min(fastest, performance.now() - t);
  }
  return { ms: fastest, pieces };
}

console.log(`${(text.length / 1e6).toFixed(1)} M UTF-16 units of the golden strings; best of 9 runs`);
console.log("pattern   regex ms  scanner ms  speed-up  (pieces)");
for (const [name, source] of [
  ["gpt-2", GPT2_PATTERN],
  ["llama3", LLAMA3_SOURCE],
  ["qwen2", QWEN2_SOURCE],
  ["tekken", TEKKEN_SOURCE],
  ["deepseek", DEEPSEEK_SOURCE],
]) {
  const regex = new RegExp(jsPatternOf(source, name), "gu");
  const scanner = knownScanner(source);
  const r = best(() => pretokenize(text, regex));
  const s = best(() => scanner(text));
  if (r.pieces !== s.pieces)
    throw new Error(`${name}: ${r.pieces} pieces from the regex, ${s.pieces} scanned`);
  const line = `${name.padEnd(9)} ${r.ms.toFixed(0).padStart(8)}  ${s.ms.toFixed(0).padStart(10)}  ${(r.ms / s.ms).toFixed(2).padStart(7)}x  (${r.pieces})`;
  console.log(line);
}
