import assert from "node:assert/strict";
import { test } from "node:test";
import { FormatError, UnsupportedError } from "../errors.js";
import { parseGguf } from "./gguf.js";
import { writeGguf, type GgufWriteValue } from "./gguf-writer.js";

const f32Tensor = (name: string, shape: number[]) => ({
  name,
  shape,
  dtype: "f32" as const,
  bytes: new Uint8Array(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5).buffer),
});

function validFile(metadata: Record<string, GgufWriteValue> = {}): Uint8Array {
  return writeGguf({ "general.architecture": { type: "string", value: "llama" }, ...metadata }, [
    f32Tensor("a.weight", [3, 32]),
    f32Tensor("b.weight", [5]),
  ]);
}

/** Overwrites a u64 at `offset` of a copy of `bytes`. */
function withU64(bytes: Uint8Array, offset: number, value: bigint): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setBigUint64(offset, value, true);
  return copy;
}

test("metadata of every value type round-trips", () => {
  const file = parseGguf(
    validFile({
      u8: { type: "u8", value: 200 },
      i8: { type: "i8", value: -5 },
      u16: { type: "u16", value: 60000 },
      i16: { type: "i16", value: -3000 },
      u32: { type: "u32", value: 4e9 },
      i32: { type: "i32", value: -2e9 },
      f32: { type: "f32", value: 0.25 },
      u64: { type: "u64", value: 2 ** 40 },
      i64: { type: "i64", value: -(2 ** 40) },
      f64: { type: "f64", value: 1e-300 },
      bool: { type: "bool", value: true },
      str: { type: "string", value: "héllo ✓" },
      strs: { type: "array", itemType: "string", value: ["a", "", "ç"] },
      f32s: { type: "array", itemType: "f32", value: [1.5, -2] },
      i32s: { type: "array", itemType: "i32", value: [7, -7] },
    }),
    "t.gguf",
  );
  const m = file.metadata;
  assert.equal(m.get("u8"), 200);
  assert.equal(m.get("i8"), -5);
  assert.equal(m.get("u16"), 60000);
  assert.equal(m.get("i16"), -3000);
  assert.equal(m.get("u32"), 4e9);
  assert.equal(m.get("i32"), -2e9);
  assert.equal(m.get("f32"), 0.25);
  assert.equal(m.get("u64"), 2 ** 40);
  assert.equal(m.get("i64"), -(2 ** 40));
  assert.equal(m.get("f64"), 1e-300);
  assert.equal(m.get("bool"), true);
  assert.equal(m.get("str"), "héllo ✓");
  assert.deepEqual(m.get("strs"), ["a", "", "ç"]);
  assert.deepEqual([...(m.get("f32s") as Float32Array)], [1.5, -2]);
  assert.deepEqual([...(m.get("i32s") as Int32Array)], [7, -7]);
  assert.deepEqual(
    file.tensorInfos.map((t) => [t.name, t.shape, t.dtype]),
    [
      ["a.weight", [3, 32], "f32"],
      ["b.weight", [5], "f32"],
    ],
  );
});

test("general.alignment is honoured", () => {
  const bytes = writeGguf(
    { "general.alignment": { type: "u32", value: 64 } },
    [f32Tensor("a", [3]), f32Tensor("b", [2])],
    64,
  );
  const file = parseGguf(bytes, "t.gguf");
  assert.equal(file.alignment, 64);
  assert.equal(file.dataOffset % 64, 0);
  assert.equal(file.tensorInfos[1].byteOffset - file.tensorInfos[0].byteOffset, 64);
});

test("a wrong magic names the file and the field", () => {
  const bytes = validFile();
  bytes[0] = 0x47 ^ 0xff;
  assert.throws(
    () => parseGguf(bytes, "bad.gguf"),
    (e: unknown) => e instanceof FormatError && /bad\.gguf: magic at byte 0/.test(e.message),
  );
});

test("an unsupported version is refused", () => {
  const bytes = validFile();
  new DataView(bytes.buffer).setUint32(4, 1, true);
  assert.throws(() => parseGguf(bytes, "v1.gguf"), UnsupportedError);
});

test("a truncated file fails with what was being read", () => {
  const bytes = validFile();
  for (const cut of [3, 10, 30, 60, bytes.byteLength - 8]) {
    assert.throws(() => parseGguf(bytes.subarray(0, cut), "cut.gguf"), FormatError, `cut at ${cut}`);
  }
});

test("absurd counts are refused before allocating for them", () => {
  const bytes = validFile();
  assert.throws(
    () => parseGguf(withU64(bytes, 8, 2n ** 40n), "t.gguf"),
    /tensor_count at byte 8: value 1099511627776 exceeds/,
  );
  assert.throws(() => parseGguf(withU64(bytes, 16, 2n ** 40n), "t.gguf"), /metadata_kv_count/);
  // the first key's length: a 4 GiB string in a file of a few hundred bytes
  assert.throws(() => parseGguf(withU64(bytes, 24, 2n ** 32n), "t.gguf"), /metadata\[0\]\.key length/);
});

test("an array longer than the file is refused before it is read", () => {
  const bytes = writeGguf({ toks: { type: "array", itemType: "string", value: ["x"] } }, []);
  // array length sits after magic, version, counts (24), key length + "toks" (12), type (4), item type (4)
  const offset = 24 + 8 + 4 + 4 + 4;
  assert.throws(
    () => parseGguf(withU64(bytes, offset, 1n << 23n), "t.gguf"),
    /metadata "toks" array data.*needs/,
  );
  assert.throws(() => parseGguf(withU64(bytes, offset, 1n << 40n), "t.gguf"), /array length.*exceeds/);
});

test("a tensor whose data lies past the end of the file is refused", () => {
  const bytes = validFile();
  const file = parseGguf(bytes, "t.gguf");
  const truncated = bytes.subarray(0, file.tensorInfos[1].byteOffset + 4);
  assert.throws(() => parseGguf(truncated, "t.gguf"), /tensor "b\.weight" data.*past the end of the file/);
});

test("unknown and not-yet-supported tensor types name the tensor", () => {
  const bytes = validFile();
  const file = parseGguf(bytes, "t.gguf");
  // the type u32 of the first tensor sits 12 bytes before the end of its info (type u32 + offset u64)
  const typeOffset = findTensorTypeOffset(bytes, "a.weight", 2);
  const unknown = bytes.slice();
  new DataView(unknown.buffer).setUint32(typeOffset, 99, true);
  assert.throws(
    () => parseGguf(unknown, "t.gguf"),
    (e: unknown) => e instanceof FormatError && /"a\.weight" type.*unknown ggml type 99/.test(e.message),
  );
  const q2k = bytes.slice();
  new DataView(q2k.buffer).setUint32(typeOffset, 10, true);
  assert.throws(
    () => parseGguf(q2k, "t.gguf"),
    (e: unknown) => e instanceof UnsupportedError && /Q2_K/.test(e.message),
  );
  assert.equal(file.tensorInfos.length, 2);
});

test("too many dimensions are refused", () => {
  const bytes = validFile();
  const nameEnd = indexOfText(bytes, "a.weight") + "a.weight".length;
  const bad = bytes.slice();
  new DataView(bad.buffer).setUint32(nameEnd, 5, true);
  assert.throws(() => parseGguf(bad, "t.gguf"), /n_dims.*5 dims, expected 1 to 4/);
});

function indexOfText(bytes: Uint8Array, text: string): number {
  const needle = new TextEncoder().encode(text);
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error(`${text} not found`);
}

function findTensorTypeOffset(bytes: Uint8Array, name: string, nDims: number): number {
  return indexOfText(bytes, name) + name.length + 4 + 8 * nDims;
}

test("GGUF v2 files parse like v3", () => {
  const bytes = validFile();
  new DataView(bytes.buffer).setUint32(4, 2, true);
  const file = parseGguf(bytes, "v2.gguf");
  assert.equal(file.version, 2);
  assert.equal(file.tensorInfos.length, 2);
});

/** The byte position of tensor `name`'s u64 offset field in its tensor info. */
function tensorOffsetField(bytes: Uint8Array, name: string, nDims: number): number {
  return findTensorTypeOffset(bytes, name, nDims) + 4;
}

test("tensor offsets must follow one another in declared order, padded, without gap or overlap", () => {
  const bytes = validFile(); // a.weight [3, 32] f32 = 384 bytes at 0, b.weight [5] at 384
  const a = tensorOffsetField(bytes, "a.weight", 2);
  const b = tensorOffsetField(bytes, "b.weight", 1);
  assert.equal(parseGguf(bytes, "t.gguf").tensorInfos.length, 2);
  const cases: Array<[string, number, bigint, RegExp]> = [
    ["overlap (both at 0)", b, 0n, /tensor "b\.weight" offset.*0, expected 384/],
    ["gap", b, 384n + 32n, /tensor "b\.weight" offset.*416, expected 384/],
    ["out of order", a, 384n, /tensor "a\.weight" offset.*384, expected 0/],
  ];
  for (const [what, at, value, message] of cases) {
    assert.throws(
      () => parseGguf(withU64(bytes, at, value), "t.gguf"),
      (e: unknown) => e instanceof FormatError && /^t\.gguf: /.test(e.message) && message.test(e.message),
      what,
    );
  }
});
