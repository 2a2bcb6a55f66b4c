import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { spawnSync } from "node:child_process";
import { FormatError } from "./errors.js";
import { parseGguf } from "./formats/gguf.js";
import { parseSafetensors } from "./formats/safetensors.js";
import { loadModel } from "./load-model.js";
import { sharedPath } from "./testing/shared.js";

// Golden checkpoints with one weight (or one block scale) made non-finite, byte by byte, in a temp
// directory: refused at load naming the tensor, and loaded when the check is turned off.

const dir = mkdtempSync(join(tmpdir(), "nextoken-check-weights-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const golden = (file: string) => sharedPath("golden", "models", file);
const TOKENIZER = golden("llama2c-tokenizer.bin");

/** A copy of `file` with the f32 at byte `at` set to `value`. */
function withF32(file: string, at: number, value: number, name: string): string {
  const bytes = new Uint8Array(readFileSync(file));
  new DataView(bytes.buffer).setFloat32(at, value, true);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** `source` (a file, or the directory of `file`) is refused naming `file` and `tensor`, and loads unchecked. */
async function assertRefused(
  source: string,
  tensor: RegExp,
  options: { tokenizer?: string; file?: string } = {},
) {
  const { file = source, tokenizer } = options;
  await assert.rejects(
    loadModel(source, { tokenizer }),
    (e: unknown) =>
      e instanceof FormatError && e.message.startsWith(`${file}: tensor "`) && tensor.test(e.message),
  );
  const model = await loadModel(source, { tokenizer, checkWeights: false });
  model.dispose();
}

test("a NaN in an f32 GGUF tensor is refused with the tensor's name; checkWeights: false loads it", async () => {
  const bytes = readFileSync(golden("llama.gguf"));
  const info = parseGguf(bytes, "llama.gguf").tensorInfos.find((t) => t.name === "blk.1.ffn_down.weight")!;
  const path = withF32(golden("llama.gguf"), info.byteOffset + 4 * 7, NaN, "nan.gguf");
  await assertRefused(
    path,
    /tensor "blk\.1\.ffn_down\.weight" \(f32\) holds a NaN, an infinity or a magnitude of 2\^64 or more: value 7 is NaN/,
  );
});

test("an infinite Q8_0 block scale is refused with the block's index", async () => {
  const bytes = new Uint8Array(readFileSync(golden("llama-q8_0.gguf")));
  const info = parseGguf(bytes, "q8.gguf").tensorInfos.find((t) => t.dtype === "q8_0")!;
  const at = info.byteOffset + 34 * 2; // block 2's d
  bytes[at] = 0x00;
  bytes[at + 1] = 0x7c; // f16 +Inf
  const path = join(dir, "inf-scale.gguf");
  writeFileSync(path, bytes);
  await assertRefused(
    path,
    new RegExp(`tensor "${info.name.replace(/\./g, "\\.")}" \\(q8_0\\).*block 2's scale d is not finite`),
  );
});

test("llama2.c and safetensors checkpoints are checked too", async () => {
  await assertRefused(
    withF32(golden("llama2c.bin"), 28 + 4 * 5, -Infinity, "inf.bin"),
    /"model\.embed_tokens\.weight" \(f32\).*value 5 is -Infinity/,
    { tokenizer: TOKENIZER },
  );
  mkdirSync(join(dir, "hf"));
  for (const f of ["config.json", "generation_config.json"])
    copyFileSync(join(golden("llama-hf"), f), join(dir, "hf", f));
  const st = readFileSync(join(golden("llama-hf"), "model.safetensors"));
  const headerLength = Number(st.readBigUInt64LE(0));
  const file = parseSafetensors(st, "model.safetensors");
  const name = [...file.tensors.values()].find((t) => t.dtype === "f32")!.name;
  const t = file.tensors.get(name)!;
  const at = t.bytes.byteOffset - st.byteOffset;
  assert.ok(at >= 8 + headerLength);
  const path = withF32(join(golden("llama-hf"), "model.safetensors"), at, NaN, "hf/model.safetensors");
  await assertRefused(join(dir, "hf"), new RegExp(`tensor "${name.replace(/\./g, "\\.")}".*value 0 is NaN`), {
    tokenizer: TOKENIZER,
    file: path,
  });
});

test("nextoken --no-check-weights loads what the check refuses", () => {
  const bytes = readFileSync(golden("llama.gguf"));
  const info = parseGguf(bytes, "llama.gguf").tensorInfos.find((t) => t.name === "output_norm.weight")!;
  // a huge but finite norm weight would be allowed; an infinity is refused
  const path = withF32(golden("llama.gguf"), info.byteOffset, Infinity, "cli-inf.gguf");
  const cli = join(process.cwd(), "dist", "cli", "main.js");
  const refused = spawnSync(process.execPath, [cli, "info", "-m", path], { encoding: "utf8" });
  assert.equal(refused.status, 1);
  assert.match(
    refused.stderr,
    /cli-inf\.gguf: tensor "output_norm\.weight" \(f32\) holds a NaN, an infinity or a magnitude of 2\^64 or more/,
  );
  const skipped = spawnSync(process.execPath, [cli, "info", "-m", path, "--no-check-weights"], {
    encoding: "utf8",
  });
  assert.equal(skipped.status, 0, skipped.stderr);
});

test("checkWeights must be a boolean", async () => {
  await assert.rejects(
    loadModel(golden("llama.gguf"), { checkWeights: "no" as unknown as boolean }),
    /checkWeights must be true or false, got "no"/,
  );
});
