// The file fuzzer's full run (the fast one is in npm test): corrupted variants of every model,
// tokenizer and checkpoint file the tests use; prints the table for docs/fuzzing.md.
// Usage: npm run build && node scripts/fuzz-files.mjs [variants per file, default 300] [seed]
import { fuzzFiles } from "../dist/testing/fuzz-files.js";

const variantsPerFile = Number(process.argv[2] ?? 300);
const seed = Number(process.argv[3] ?? 1);
const result = await fuzzFiles({ variantsPerFile, seed, log: (line) => console.error(line) });
console.log(`| file kind | variants | refused (typed, naming the file) | loaded, finite logits | failures |`);
console.log(`| --- | ---: | ---: | ---: | ---: |`);
for (const [group, c] of result.groups) {
  console.log(`| ${group} | ${c.variants} | ${c.refused} | ${c.loaded} | ${c.failures} |`);
}
console.log(
  `\n${variantsPerFile} variants per file, seed ${seed}, ${(result.ms / 1000).toFixed(0)} s, peak RSS ${result.maxRssMb.toFixed(0)} MiB (after ${result.maxRssVariant})`,
);
for (const f of result.failures) console.log(`- ${f.target} [${f.variant}] ${f.detail}`);
process.exit(result.failures.length === 0 ? 0 : 1);
