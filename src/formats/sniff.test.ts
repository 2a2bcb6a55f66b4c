import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { FormatError } from "../errors.js";
import { sharedPath } from "../testing/shared.js";
import { SNIFF_BYTES, sniffModelFile } from "./sniff.js";

const sniff = (bytes: Uint8Array, fileSize = bytes.byteLength) =>
  sniffModelFile(bytes.subarray(0, SNIFF_BYTES), fileSize, "x.bin");
const int32s = (...values: number[]) => new Uint8Array(new Int32Array(values).buffer);

test("the golden models are recognised by their content", () => {
  for (const [file, format] of [
    ["llama.gguf", "gguf"],
    ["llama-q4_0.gguf", "gguf"],
    ["llama2c.bin", "llama2c"],
  ] as const) {
    const bytes = readFileSync(sharedPath("golden", "models", file));
    assert.equal(sniffModelFile(bytes.subarray(0, SNIFF_BYTES), bytes.byteLength, file), format, file);
  }
  assert.equal(sniff(int32s(288, 768, 6, 6, 6, -32000, 256)), "llama2c");
  // a versioned llama2.c export goes to its reader, which names it as unsupported
  assert.equal(sniff(int32s(0x616b3432, 2, 0, 0, 0, 0, 0)), "llama2c");
});

test("a text file is named for what it is, with the dim it would have had", () => {
  const text = new TextEncoder().encode("cheese and more cheese\n".repeat(4));
  assert.throws(
    () => sniff(text),
    (e: unknown) =>
      e instanceof FormatError &&
      e.message ===
        "x.bin: not a model file: no GGUF magic, no safetensors header, and not a llama2.c checkpoint " +
          "(dim 1701144675); it looks like a text file",
  );
  assert.throws(
    () => sniff(new TextEncoder().encode('{"model": {"type": "BPE"}}')),
    /looks like a JSON file/,
  );
  assert.throws(
    () => sniff(new Uint8Array([1, 2])),
    /not a llama2\.c checkpoint \(2 bytes, shorter than its header\)/,
  );
  assert.throws(() => sniff(new Uint8Array(40).fill(0xff)), /\(dim -1\)$/);
});

test("a llama2.c tokenizer.bin given as a model says so", () => {
  for (const path of [
    sharedPath("models", "stories260K", "tok512.bin"),
    sharedPath("golden", "models", "llama2c-tokenizer.bin"),
  ]) {
    const bytes = readFileSync(path);
    assert.throws(
      () => sniffModelFile(bytes.subarray(0, SNIFF_BYTES), bytes.byteLength, "tok.bin"),
      (e: unknown) =>
        e instanceof FormatError &&
        /^tok\.bin: not a model file: it looks like a llama2\.c tokenizer/.test(e.message),
      path,
    );
  }
});

test("a lone safetensors file asks for its directory", () => {
  const json = new TextEncoder().encode('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
  const bytes = new Uint8Array(8 + json.length + 4);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  assert.throws(() => sniff(bytes), /x\.bin: a safetensors file; pass the directory that holds it/);
});
