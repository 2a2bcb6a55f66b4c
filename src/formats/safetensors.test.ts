import assert from "node:assert/strict";
import { test } from "node:test";
import { FormatError, UnsupportedError } from "../errors.js";
import { parseSafetensors } from "./safetensors.js";

/** A safetensors file from a header object and a data block. */
function build(header: unknown, data = new Uint8Array(0), headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

const eight = new Uint8Array(new Float32Array([1, 2]).buffer);

test("reads F32, F16 and BF16 tensors as views with their shapes", () => {
  const input = build(
    {
      __metadata__: { format: "pt" },
      a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
      b: { dtype: "F16", shape: [2, 1], data_offsets: [8, 12] },
      c: { dtype: "BF16", shape: [2], data_offsets: [12, 16] },
    },
    new Uint8Array(16),
  );
  const file = parseSafetensors(input, "m.safetensors");
  // views into the file, except an f32 tensor at an offset not a multiple of 4 (copied to align it)
  const dataStart = input.byteLength - 16;
  for (const t of file.tensors.values()) {
    const misaligned = t.dtype === "f32" && dataStart % 4 !== 0;
    assert.equal(t.bytes.buffer === input.buffer, !misaligned, `${t.name}: a view unless misaligned f32`);
  }
  assert.deepEqual(
    [...file.tensors.values()].map((t) => [t.name, t.dtype, t.shape, t.bytes.byteLength]),
    [
      ["a", "f32", [2], 8],
      ["b", "f16", [2, 1], 4],
      ["c", "bf16", [2], 4],
    ],
  );
  assert.equal(file.metadata.format, "pt");
});

test("a misaligned F32 tensor in a Node Buffer is copied to an aligned one", () => {
  // metadata padded so the data starts at an odd offset; the file in a Buffer, as readFile gives
  const withPad = (pad: number) =>
    build(
      { __metadata__: { pad: "x".repeat(pad) }, a: { dtype: "F32", shape: [2], data_offsets: [0, 8] } },
      eight,
    );
  let pad = 0;
  while ((withPad(pad).byteLength - 8) % 4 === 0) pad++;
  const buffer = Buffer.alloc(withPad(pad).byteLength); // not pooled: byteOffset 0
  buffer.set(withPad(pad));
  const a = parseSafetensors(buffer, "m.safetensors").tensors.get("a")!;
  assert.equal(a.bytes.byteOffset % 4, 0);
  assert.notEqual(a.bytes.buffer, buffer.buffer, "a copy, not a view");
  assert.deepEqual(new Float32Array(a.bytes.buffer, a.bytes.byteOffset, 2), new Float32Array([1, 2]));
});

test("a header length past the end of the file is refused without allocating it", () => {
  const bytes = build({}, new Uint8Array(0), 2 ** 26);
  assert.throws(
    () => parseSafetensors(bytes, "m.safetensors"),
    /m\.safetensors: header at byte 8: needs 67108864 bytes/,
  );
  assert.throws(
    () => parseSafetensors(build({}, new Uint8Array(0), 2 ** 40), "m.safetensors"),
    /header length.*exceeds/,
  );
});

test("a truncated file is refused", () => {
  assert.throws(
    () => parseSafetensors(new Uint8Array(5), "m.safetensors"),
    /header length at byte 0: needs 8 bytes/,
  );
});

test("a header that is not JSON is refused", () => {
  const bytes = build({ a: 1 });
  bytes[8] = 0x21;
  assert.throws(() => parseSafetensors(bytes, "m.safetensors"), /header at byte 8: is not valid JSON/);
});

test("an unknown dtype is unsupported and named", () => {
  assert.throws(
    () =>
      parseSafetensors(
        build({ a: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, eight),
        "m.safetensors",
      ),
    (e: unknown) => e instanceof UnsupportedError && /tensor "a" has dtype I64/.test(e.message),
  );
});

test("data offsets that disagree with the shape or lie past the data are refused", () => {
  assert.throws(
    () =>
      parseSafetensors(
        build({ a: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, eight),
        "m.safetensors",
      ),
    (e: unknown) =>
      e instanceof FormatError && /tensor "a" data_offsets.*hold 8 bytes, shape needs 12/.test(e.message),
  );
  assert.throws(
    () =>
      parseSafetensors(
        build({ a: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, eight),
        "m.safetensors",
      ),
    /lies past the data block/,
  );
  assert.throws(
    () =>
      parseSafetensors(
        build({ a: { dtype: "F32", shape: [-1], data_offsets: [0, 8] } }, eight),
        "m.safetensors",
      ),
    /tensor "a" shape/,
  );
});

test("tensors must cover the data block exactly, without gap or overlap", () => {
  const data = new Uint8Array(16);
  const ok = {
    a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
    b: { dtype: "F32", shape: [2], data_offsets: [8, 16] },
  };
  assert.equal(parseSafetensors(build(ok, data), "m.safetensors").tensors.size, 2);
  const cases: Array<[string, Uint8Array, RegExp]> = [
    [
      "overlap",
      build({ a: ok.a, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, data),
      /m\.safetensors: tensor "b" data_offsets .*\[4, 12\] overlaps tensor "a" \(which ends at 8\)/,
    ],
    [
      "gap",
      build({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] }, b: ok.b }, data),
      /tensor "b" data_offsets .*\[8, 16\] leaves a gap of 4 bytes after tensor "a"/,
    ],
    [
      "gap at the start",
      build({ b: ok.b }, data),
      /tensor "b" data_offsets .*leaves a gap of 8 bytes after the start of the data block/,
    ],
    ["bytes left over", build(ok, new Uint8Array(20)), /data block .*is 20 bytes but the tensors cover 16/],
  ];
  for (const [what, bytes, message] of cases) {
    assert.throws(
      () => parseSafetensors(bytes, "m.safetensors"),
      (e: unknown) => e instanceof FormatError && message.test(e.message),
      what,
    );
  }
  // header length one short: the JSON loses its last byte; one long: the data block shifts by a byte
  const good = build(ok, data);
  const headerLength = Number(new DataView(good.buffer).getBigUint64(0, true));
  for (const delta of [-1, 1]) {
    const shifted = good.slice();
    new DataView(shifted.buffer).setBigUint64(0, BigInt(headerLength + delta), true);
    assert.throws(() => parseSafetensors(shifted, "m.safetensors"), FormatError, `header length ${delta}`);
  }
});
