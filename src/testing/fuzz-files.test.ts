import assert from "node:assert/strict";
import { test } from "node:test";
import { fuzzFiles } from "./fuzz-files.js";

// Fast default: a few variants of every file kind. FUZZ_FULL=1 (or scripts/fuzz-files.mjs) runs
// many more; its figures are in docs/fuzzing.md.
const FULL = process.env.FUZZ_FULL === "1";

test(
  "every corrupted model, tokenizer and checkpoint file is refused with a typed error naming it, or loads and gives finite logits",
  { timeout: FULL ? 3_600_000 : 120_000 },
  async () => {
    const result = await fuzzFiles({ variantsPerFile: FULL ? 300 : 8, seed: 1 });
    const lines = result.failures.map((f) => `${f.target} [${f.variant}] ${f.detail}`);
    assert.deepEqual(lines, [], `${lines.length} failures`);
    let total = 0;
    for (const [group, counts] of result.groups) {
      assert.equal(counts.refused + counts.loaded + counts.failures, counts.variants, group);
      total += counts.variants;
    }
    assert.ok(total > 100, `${total} variants`);
  },
);
