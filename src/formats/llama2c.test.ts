import assert from "node:assert/strict";
import { test } from "node:test";
import { FormatError, UnsupportedError } from "../errors.js";
import { parseLlama2c } from "./llama2c.js";

function header(values: number[], extraBytes = 0): Uint8Array {
  const out = new Uint8Array(28 + extraBytes);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setInt32(i * 4, v, true));
  return out;
}

/** dim 8, hidden 16, 1 layer, 2 heads, 1 kv head, vocab 10 (shared), seq 4: the bytes it needs. */
const SMALL = [8, 16, 1, 2, 1, 10, 4];
const SMALL_FLOATS = 10 * 8 + (8 + 64 + 32 + 32 + 64 + 8 + 128 + 128 + 128) + 8 + 2 * 4 * 2;

test("a complete small checkpoint parses with shared and unshared classifiers", () => {
  const shared = parseLlama2c(header(SMALL, SMALL_FLOATS * 4), "m.bin");
  assert.equal(shared.config.tiedEmbeddings, true);
  assert.equal(shared.tensors.has("lm_head.weight"), false);
  assert.deepEqual(shared.tensors.get("model.layers.0.self_attn.k_proj.weight")?.shape, [4, 8]);
  const unsharedHeader = [...SMALL];
  unsharedHeader[5] = -10;
  const unshared = parseLlama2c(header(unsharedHeader, (SMALL_FLOATS + 80) * 4), "m.bin");
  assert.deepEqual(unshared.tensors.get("lm_head.weight")?.shape, [10, 8]);
});

test("a truncated checkpoint names what the header needs", () => {
  assert.throws(
    () => parseLlama2c(header(SMALL, SMALL_FLOATS * 4 - 4), "m.bin"),
    /m\.bin: file has \d+ bytes, but its header .* needs \d+ \(file truncated\?\)/,
  );
  assert.throws(
    () => parseLlama2c(new Uint8Array(10), "m.bin"),
    /m\.bin: n_layers at byte 8: needs 4 bytes but only 2 remain/,
  );
});

test("a file larger than its header implies is refused: a corrupt header must not load as another model", () => {
  const layers = [...SMALL];
  layers[2] = 2; // a 2-layer header on a 1-layer file is too short; the opposite is the silent case
  const twoLayers = header(layers, (SMALL_FLOATS + 8 + 64 + 32 + 32 + 64 + 8 + 128 + 128 + 128) * 4);
  assert.equal(parseLlama2c(twoLayers, "m.bin").config.nLayers, 2);
  const oneLayerHeaderOnTwoLayerFile = twoLayers.slice();
  new DataView(oneLayerHeaderOnTwoLayerFile.buffer).setInt32(8, 1, true);
  assert.throws(
    () => parseLlama2c(oneLayerHeaderOnTwoLayerFile, "m.bin"),
    (e: unknown) =>
      e instanceof FormatError &&
      /^m\.bin: file has \d+ bytes, but its header \(dim 8, .*n_layers 1.*\) needs \d+ \(with a shared classifier; \d+ without\): the header is corrupt/.test(
        e.message,
      ),
  );
  // shared header on an unshared-size file: the classifier sign is what is wrong
  assert.throws(
    () => parseLlama2c(header(SMALL, (SMALL_FLOATS + 80) * 4), "m.bin"),
    /without a shared classifier: is vocab_size's sign wrong\?/,
  );
  assert.throws(() => parseLlama2c(header(SMALL, SMALL_FLOATS * 4 + 1), "m.bin"), FormatError);
});

test("impossible header values are refused by field", () => {
  const cases: Array<[number, number, RegExp]> = [
    [0, -8, /dim at byte 0: expected 1 to 65536, got -8/],
    [2, 0, /n_layers at byte 8/],
    [3, 3, /dim 8 is not divisible by n_heads 3/],
    [4, 3, /n_kv_heads at byte 16: expected 1 to 2, got 3/],
    [5, 2 ** 30, /vocab_size at byte 20/],
    [6, -1, /seq_len at byte 24/],
  ];
  for (const [field, value, pattern] of cases) {
    const values = [...SMALL];
    values[field] = value;
    assert.throws(
      () => parseLlama2c(header(values, SMALL_FLOATS * 4), "m.bin"),
      (e: unknown) => e instanceof FormatError && pattern.test(e.message),
    );
  }
});

test("a versioned llama2.c export is reported as unsupported", () => {
  assert.throws(() => parseLlama2c(header([0x616b3432, 1, 1, 1, 1, 1, 1]), "v1.bin"), UnsupportedError);
});
