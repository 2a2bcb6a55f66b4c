// Corrupted variants of a model, tokenizer or checkpoint file, for the file fuzzer (fuzz-files.ts):
// truncations, bit flips in the header and in the data, header fields set to 0 / -1 / NaN / Inf /
// huge, and (GGUF, safetensors) overlapping or reordered tensor offsets. Pure: bytes in, bytes out.

/** What a file is, which decides its field mutations. */
export type FileKind =
  "gguf" | "llama2c" | "safetensors" | "config-json" | "tokenizer-json" | "tokenizer-bin" | "checkpoint";

export interface Variant {
  /** How it was made: "truncate 1200", "flip header bit 85", "llama.block_count = NaN", … */
  label: string;
  bytes: Uint8Array;
}

/** A small seeded generator (mulberry32): the same seed gives the same variants. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A field of a binary header: where it lies and how to write a value into it. */
interface Field {
  name: string;
  at: number;
  type: "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "f32" | "u64" | "i64" | "f64";
  /** The value it holds now, for mutations relative to it (n_layers 6 → 7). */
  value: number;
}

const INT_VALUES = (v: number) => [0, -1, 1, 2, v + 1, v * 2, 2 ** 31 - 1, -(2 ** 31)];
const FLOAT_VALUES = [0, -1, NaN, Infinity, -Infinity, 3e38, 1e-45];

/** `count` variants of `bytes` (a file of `kind`), chosen by `random` from every mutation class. */
export function variantsOf(
  bytes: Uint8Array,
  kind: FileKind,
  count: number,
  random: () => number,
): Variant[] {
  const headerEnd = Math.min(bytes.length, headerLength(bytes, kind));
  const candidates: Array<() => Variant> = [];
  // truncations: the header's boundaries and random cuts
  for (const cut of new Set([
    0,
    1,
    4,
    8,
    24,
    28,
    headerEnd - 1,
    headerEnd,
    bytes.length >> 1,
    bytes.length - 1,
  ])) {
    if (cut >= 0 && cut < bytes.length)
      candidates.push(() => ({ label: `truncate ${cut}`, bytes: bytes.slice(0, cut) }));
  }
  const randomCut = () => {
    const cut = Math.floor(random() * bytes.length);
    return { label: `truncate ${cut}`, bytes: bytes.slice(0, cut) };
  };
  const flip = (from: number, to: number, where: string) => () => {
    const copy = bytes.slice();
    const bit = from * 8 + Math.floor(random() * (to - from) * 8);
    copy[bit >> 3] ^= 1 << (bit & 7);
    return { label: `flip ${where} bit ${bit}`, bytes: copy };
  };
  const fields = binaryFields(bytes, kind);
  const fieldMutation = () => {
    const f = fields[Math.floor(random() * fields.length)];
    const values = f.type === "f32" || f.type === "f64" ? FLOAT_VALUES : INT_VALUES(f.value);
    const value = values[Math.floor(random() * values.length)];
    const copy = bytes.slice();
    writeField(new DataView(copy.buffer), f, value);
    return { label: `${f.name} = ${value}`, bytes: copy };
  };
  const structural = structuralMutations(bytes, kind);

  const out: Variant[] = [];
  // a share for each class, so a small count still covers them all
  const classes: Array<() => Variant> = [
    randomCut,
    flip(0, Math.max(1, headerEnd), "header"),
    ...(headerEnd < bytes.length ? [flip(headerEnd, bytes.length, "data")] : []),
    ...(fields.length > 0 ? [fieldMutation, fieldMutation] : []),
    ...(structural.length > 0 ? [() => structural[Math.floor(random() * structural.length)]()] : []),
  ];
  for (const c of candidates.slice(0, Math.max(2, Math.floor(count / 6)))) out.push(c());
  for (let i = 0; out.length < count; i++) out.push(classes[i % classes.length]());
  return out;
}

/** Where the header ends: GGUF's data section, llama2.c's 7 ints, safetensors' JSON; JSON: all of it. */
function headerLength(bytes: Uint8Array, kind: FileKind): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (kind === "gguf") return ggufLayout(bytes).dataOffset;
  if (kind === "llama2c") return 28;
  if (kind === "safetensors" || kind === "checkpoint") return 8 + Number(view.getBigUint64(0, true));
  if (kind === "tokenizer-bin") return 64;
  return bytes.length;
}

function binaryFields(bytes: Uint8Array, kind: FileKind): Field[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (kind === "gguf") return ggufLayout(bytes).fields;
  if (kind === "llama2c") {
    const names = ["dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"];
    return names.map((name, i) => ({ name, at: 4 * i, type: "i32", value: view.getInt32(4 * i, true) }));
  }
  if (kind === "tokenizer-bin") {
    const fields: Field[] = [{ name: "max_token_length", at: 0, type: "i32", value: view.getInt32(0, true) }];
    let at = 4;
    for (let id = 0; id < 8 && at + 8 <= bytes.length; id++) {
      fields.push({ name: `token ${id} score`, at, type: "f32", value: view.getFloat32(at, true) });
      const length = view.getInt32(at + 4, true);
      fields.push({ name: `token ${id} length`, at: at + 4, type: "i32", value: length });
      at += 8 + Math.max(0, length);
    }
    return fields;
  }
  if (kind === "safetensors" || kind === "checkpoint") {
    return [{ name: "header length", at: 0, type: "u64", value: Number(view.getBigUint64(0, true)) }];
  }
  return [];
}

function writeField(view: DataView, f: Field, value: number): void {
  const int = Number.isFinite(value) ? Math.trunc(value) : 0;
  switch (f.type) {
    case "f32":
      return view.setFloat32(f.at, value, true);
    case "f64":
      return view.setFloat64(f.at, value, true);
    case "u8":
    case "i8":
      return view.setUint8(f.at, int & 0xff);
    case "u16":
    case "i16":
      return view.setUint16(f.at, int & 0xffff, true);
    case "u32":
    case "i32":
      return view.setUint32(f.at, int >>> 0, true);
    default:
      return view.setBigUint64(f.at, BigInt.asUintN(64, BigInt(int)), true);
  }
}

interface GgufLayout {
  fields: Field[];
  dataOffset: number;
}

const GGUF_SCALARS: Readonly<Record<number, [Field["type"], number]>> = {
  0: ["u8", 1],
  1: ["i8", 1],
  2: ["u16", 2],
  3: ["i16", 2],
  4: ["u32", 4],
  5: ["i32", 4],
  6: ["f32", 4],
  7: ["u8", 1],
  10: ["u64", 8],
  11: ["i64", 8],
  12: ["f64", 8],
};

/** Walks a valid GGUF header: its numeric metadata values and each tensor's dims, type and offset. */
function ggufLayout(bytes: Uint8Array): GgufLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  let at = 8;
  const u64 = () => {
    const v = Number(view.getBigUint64(at, true));
    at += 8;
    return v;
  };
  const u32 = () => {
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  const str = () => {
    const n = u64();
    at += n;
    return decoder.decode(bytes.subarray(at - n, at));
  };
  const read = (type: Field["type"], pos: number): number => {
    switch (type) {
      case "f32":
        return view.getFloat32(pos, true);
      case "f64":
        return view.getFloat64(pos, true);
      case "u64":
      case "i64":
        return Number(view.getBigUint64(pos, true));
      case "u32":
      case "i32":
        return view.getUint32(pos, true);
      default:
        return view.getUint8(pos);
    }
  };
  const skip = (type: number): void => {
    if (type === 8) str();
    else if (type === 9) {
      const itemType = u32();
      const n = u64();
      for (let i = 0; i < n; i++) skip(itemType);
    } else at += GGUF_SCALARS[type][1];
  };
  const tensorCount = u64();
  const metadataCount = u64();
  const fields: Field[] = [];
  let alignment = 32;
  for (let i = 0; i < metadataCount; i++) {
    const key = str();
    const type = u32();
    const scalar = GGUF_SCALARS[type];
    if (scalar) {
      fields.push({ name: key, at, type: scalar[0], value: read(scalar[0], at) });
      if (key === "general.alignment") alignment = read(scalar[0], at);
    }
    skip(type);
  }
  for (let i = 0; i < tensorCount; i++) {
    const name = str();
    const nDims = u32();
    for (let d = 0; d < nDims; d++) {
      fields.push({ name: `tensor "${name}" ne[${d}]`, at, type: "u64", value: read("u64", at) });
      at += 8;
    }
    fields.push({ name: `tensor "${name}" type`, at, type: "u32", value: read("u32", at) });
    at += 4;
    fields.push({ name: `tensor "${name}" offset`, at, type: "u64", value: read("u64", at) });
    at += 8;
  }
  return { fields, dataOffset: Math.ceil(at / alignment) * alignment };
}

/** Format-aware edits: overlapping/reordered offsets, shapes and dtypes in JSON headers, JSON fields. */
function structuralMutations(bytes: Uint8Array, kind: FileKind): Array<() => Variant> {
  const out: Array<() => Variant> = [];
  if (kind === "gguf") {
    const offsets = ggufLayout(bytes).fields.filter((f) => f.name.endsWith(" offset"));
    for (let i = 0; i + 1 < offsets.length; i++) {
      const [a, b] = [offsets[i], offsets[i + 1]];
      out.push(() => gguf64(bytes, [[b, a.value]], `${b.name} = ${a.name} (overlap)`));
      out.push(() =>
        gguf64(
          bytes,
          [
            [a, b.value],
            [b, a.value],
          ],
          `swap ${a.name} and ${b.name}`,
        ),
      );
    }
    out.push(() =>
      gguf64(
        bytes,
        offsets.map((f) => [f, 0] as [Field, number]),
        "every tensor offset = 0",
      ),
    );
  }
  if (kind === "safetensors" || kind === "checkpoint") {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = Number(view.getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<
      string,
      Record<string, unknown>
    >;
    const data = bytes.subarray(8 + n);
    const names = Object.keys(header).filter((k) => k !== "__metadata__");
    const edit = (label: string, change: (h: typeof header) => void) => () => {
      const h = structuredClone(header);
      change(h);
      return { label, bytes: safetensorsOf(h, data) };
    };
    for (const name of names.slice(0, 6)) {
      const offsets = header[name].data_offsets as number[];
      out.push(
        edit(
          `"${name}" offsets shifted by 1`,
          (h) => (h[name].data_offsets = [offsets[0] + 1, offsets[1] + 1]),
        ),
      );
      out.push(
        edit(`"${name}" at offset 0 (overlap)`, (h) => (h[name].data_offsets = [0, offsets[1] - offsets[0]])),
      );
      out.push(edit(`"${name}" shape doubled`, (h) => (h[name].shape = [...(h[name].shape as number[]), 2])));
      out.push(edit(`"${name}" shape [-1]`, (h) => (h[name].shape = [-1])));
      out.push(edit(`"${name}" dtype F16`, (h) => (h[name].dtype = "F16")));
      out.push(edit(`"${name}" dtype I64`, (h) => (h[name].dtype = "I64")));
      out.push(edit(`"${name}" removed`, (h) => delete h[name]));
    }
    if (kind === "checkpoint") {
      const meta = header.__metadata__ as Record<string, string>;
      const state = JSON.parse(meta.state) as Record<string, unknown>;
      for (const key of Object.keys(state)) {
        for (const value of [0, -1, null, "x", 1e308, [], {}]) {
          out.push(
            edit(`state.${key} = ${JSON.stringify(value)}`, (h) => {
              (h.__metadata__ as Record<string, string>).state = JSON.stringify({ ...state, [key]: value });
            }),
          );
        }
        out.push(
          edit(`state.${key} removed`, (h) => {
            const s = { ...state };
            delete s[key];
            (h.__metadata__ as Record<string, string>).state = JSON.stringify(s);
          }),
        );
      }
    }
  }
  if (kind === "config-json" || kind === "tokenizer-json") {
    const json = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    const paths = numericPaths(json, [], kind === "tokenizer-json" ? 40 : 200);
    for (const path of paths) {
      for (const raw of ["0", "-1", "1e999", "-1e999", "null", '"x"', "1.5", "9007199254740993", "[]"]) {
        out.push(() => ({
          label: `${path.join(".")} = ${raw}`,
          bytes: new TextEncoder().encode(withJsonValue(json, path, raw)),
        }));
      }
    }
  }
  return out;
}

function gguf64(bytes: Uint8Array, writes: Array<[Field, number]>, label: string): Variant {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  for (const [f, value] of writes) view.setBigUint64(f.at, BigInt(value), true);
  return { label, bytes: copy };
}

function safetensorsOf(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Paths to numbers in a JSON value (the first `limit` found, breadth-first enough for configs). */
function numericPaths(
  value: unknown,
  path: Array<string | number>,
  limit: number,
  out: Array<Array<string | number>> = [],
) {
  if (out.length >= limit) return out;
  if (typeof value === "number") out.push(path);
  else if (Array.isArray(value))
    value.slice(0, 4).forEach((v, i) => numericPaths(v, [...path, i], limit, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value).slice(0, 12)) numericPaths(v, [...path, k], limit, out);
  }
  return out;
}

/** JSON text of `json` with the value at `path` replaced by the raw JSON text `raw` (1e999 stays as written). */
function withJsonValue(json: unknown, path: Array<string | number>, raw: string): string {
  const marker = "\u0000FUZZ\u0000";
  const copy = structuredClone(json) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), raw);
}
