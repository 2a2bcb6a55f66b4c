import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamingDecoder } from "./streaming-decoder.js";
import { goldenCases, gpt2FromJson, llama2FromBin } from "./testing.js";
import type { DecodeOptions, Tokenizer } from "./types.js";

function deltas(tokenizer: Tokenizer, ids: number[], options?: DecodeOptions): string[] {
  const decoder = new StreamingDecoder(tokenizer, options);
  return [...ids.map((id) => decoder.push(id)), decoder.flush()];
}

const cases: [string, () => Tokenizer, "gpt2" | "llama2"][] = [
  ["GPT-2", gpt2FromJson, "gpt2"],
  ["Llama 2", llama2FromBin, "llama2"],
];
for (const [name, load, golden] of cases) {
  test(`${name}: streamed deltas join to decode(ids) and never hold half a character`, () => {
    const tokenizer = load();
    for (const c of goldenCases(golden)) {
      for (const ids of [c.ids, c.ids_with_bos ?? c.ids]) {
        for (const options of [undefined, { skipSpecialTokens: true }]) {
          const parts = deltas(tokenizer, ids, options);
          assert.equal(parts.join(""), tokenizer.decode(ids, options), JSON.stringify(c.text));
          if (!c.text.includes("\uFFFD"))
            assert.ok(
              parts.every((p) => !p.includes("\uFFFD")),
              c.text,
            );
        }
      }
    }
  });
}

test("a character split over byte tokens comes out whole, with the leading space dropped once", () => {
  const tokenizer = llama2FromBin();
  const ids = tokenizer.encode("😀 😀", { addSpecialTokens: false });
  assert.deepEqual(ids, [29871, 243, 162, 155, 131, 29871, 243, 162, 155, 131]); // ▁ and 4 byte pieces, twice
  assert.deepEqual(deltas(tokenizer, ids), ["", "", "", "", "😀", " ", "", "", "", "😀", ""]);
});

test("flush writes an unfinished character as U+FFFD", () => {
  const tokenizer = llama2FromBin();
  const decoder = new StreamingDecoder(tokenizer);
  assert.equal(decoder.push(3 + 0xe5), "");
  assert.equal(decoder.flush(), "\uFFFD");
});
