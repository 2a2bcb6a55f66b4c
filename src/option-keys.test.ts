import assert from "node:assert/strict";
import { test } from "node:test";
import { LlmError, UnknownOptionError } from "./errors.js";
import { generate, stream } from "./generation/generate.js";
import { GENERATION_OPTION_KEYS, resolveOptions } from "./generation/options.js";
import { processLogits } from "./generation/pipeline.js";
import { scoreText } from "./generation/score.js";
import { TableModel } from "./generation/table-model.js";
import type { GenerationOptions } from "./generation/types.js";
import { loadModel } from "./load-model.js";
import { checkOptionKeys, type KeyRecord } from "./option-keys.js";
import { sharedPath } from "./testing/shared.js";

const V = 5;
const model = new TableModel(
  Float32Array.from({ length: V ** 3 }, (_, i) => Math.cos(i)),
  V,
);

/** Asserts `run` throws UnknownOptionError for `key` suggesting `nearest`, with both in the message. */
function rejects(run: () => unknown, key: string, nearest: string | undefined): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof UnknownOptionError, String(error));
    assert.ok(error instanceof LlmError);
    assert.equal(error.code, "unknown_option");
    assert.deepEqual([error.key, error.nearest], [key, nearest]);
    assert.ok(error.message.includes(`"${key}"`), error.message);
    if (nearest !== undefined) assert.ok(error.message.includes(`did you mean "${nearest}"?`), error.message);
    return true;
  });
}

async function rejectsAsync(run: () => Promise<unknown>, key: string, nearest: string | undefined) {
  const outcome = await run().then(
    () => new Error("resolved"),
    (error: unknown) => error,
  );
  rejects(
    () => {
      throw outcome;
    },
    key,
    nearest,
  );
}

test("generate() rejects an option nextoken does not have instead of running unconstrained", async () => {
  const jsonSchema = { type: "object" };
  await rejectsAsync(
    () => generate(model, [1], { jsonSchema } as unknown as GenerationOptions),
    "jsonSchema",
    undefined,
  );
  const plain = await generate(model, [1], { maxNewTokens: 3 });
  assert.equal(plain.sequences[0].tokens.length, 3, "known options still run");
});

test("a misspelt topP names the key and the option meant, in every entry that takes generation options", async () => {
  for (const typo of ["top_p", "topp", "tpoP"]) {
    const options = { doSample: true, [typo]: 0.5 } as GenerationOptions;
    await rejectsAsync(() => generate(model, [1], options), typo, "topP");
    rejects(() => stream(model, [1], options), typo, "topP"); // checked when stream() is called
    rejects(() => resolveOptions(options), typo, "topP");
    rejects(
      () => processLogits(new Float32Array(V), { tokens: [1], promptLength: 1 }, options),
      typo,
      "topP",
    );
  }
  await rejectsAsync(
    () => generate(model, [1], { tokeniser: undefined } as unknown as GenerationOptions),
    "tokeniser",
    "tokenizer",
  );
  // an unknown key is refused even when its value is undefined: it still says the caller meant something
  rejects(() => resolveOptions({ temprature: undefined } as GenerationOptions), "temprature", "temperature");
});

test("loadModel(), Session.forward() and scoreText() reject unknown option keys too", async () => {
  const path = sharedPath("models", "stories260K", "stories260K-f32.gguf");
  await rejectsAsync(
    () => loadModel(path, { threds: 2 } as unknown as Parameters<typeof loadModel>[1]),
    "threds",
    "threads",
  );
  const session = model.newSession();
  rejects(
    () => session.forward([1, 2], { allLogit: true } as unknown as { allLogits: boolean }),
    "allLogit",
    "allLogits",
  );
  assert.equal(session.forward([1, 2], { allLogits: true }).length, 2 * V);
  rejects(
    () => scoreText(model, [1, 2, 3], { tokenize: undefined } as unknown as object),
    "tokenize",
    "tokenizer",
  );
});

test("checkOptionKeys ignores inherited keys and the key lists cover their types", () => {
  const known: KeyRecord<{ a?: number; b?: string }> = { a: true, b: true };
  checkOptionKeys(Object.create({ inherited: 1 }) as object, known, "test options");
  rejects(() => checkOptionKeys({ a: 1, c: 2 }, known, "test options"), "c", "a");
  // @ts-expect-error a key the type lacks does not compile
  const extra: KeyRecord<{ a?: number }> = { a: true, z: true };
  // @ts-expect-error a key of the type missing from the list does not compile
  const missing: KeyRecord<{ a?: number; b?: number }> = { a: true };
  assert.ok(extra && missing);
  assert.ok(Object.hasOwn(GENERATION_OPTION_KEYS, "samplerOrder"));
});
