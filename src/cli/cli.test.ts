import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { sharedPath } from "../testing/shared.js";

const CLI = join(process.cwd(), "dist", "cli", "main.js");
const STORIES = sharedPath("models", "stories260K");

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The reference greedy output block and its sha256, from the model's README. */
function referenceOutput(): { text: string; sha256: string } {
  const readme = readFileSync(join(STORIES, "README.md"), "utf8");
  const text = /```text\n([\s\S]*?)```/.exec(readme)?.[1];
  const sha256 = /exact stdout.*sha256 `([0-9a-f]{64})`/.exec(readme)?.[1];
  assert.ok(text && sha256, "README has the reference block");
  return { text, sha256 };
}

test("stories260K generates, greedily from 'Once upon a time', run.c's output byte for byte", () => {
  const { text, sha256 } = referenceOutput();
  // run.c -n 256 counts positions: 5 prompt tokens (BOS included), then 252 generated tokens
  const { code, stdout, stderr } = run([
    "generate",
    "--model",
    join(STORIES, "stories260K.bin"),
    "--tokenizer",
    join(STORIES, "tok512.bin"),
    "--max-new-tokens",
    "252",
    "Once upon a time",
  ]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, text);
  assert.equal(createHash("sha256").update(stdout).digest("hex"), sha256);
});

test("the same model through its GGUF conversion generates the same text", () => {
  const { text } = referenceOutput();
  const { code, stdout, stderr } = run([
    "generate",
    "-m",
    join(STORIES, "stories260K-f32.gguf"),
    "-n",
    "252",
    "Once upon a time",
  ]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, text);
});

test("--kv-cache-type f16 generates run.c's text too, bench reports it, and a bad type is refused", () => {
  const { text } = referenceOutput();
  const model = join(STORIES, "stories260K-f32.gguf");
  const f16 = run(["generate", "-m", model, "--kv-cache-type", "f16", "-n", "252", "Once upon a time"]);
  assert.equal(f16.code, 0, f16.stderr);
  assert.equal(f16.stdout, text);
  const bench = run(["bench", "-m", model, "--kv-cache-type", "f16", "--prompt", "8", "--tokens", "4"]);
  assert.equal(bench.code, 0, bench.stderr);
  assert.match(bench.stdout, /\| wasm-relaxed-simd f16 KV \| 1 \|/);
  const json = run([
    "bench",
    "-m",
    model,
    "--kv-cache-type",
    "f16",
    "--runs",
    "1",
    "--tokens",
    "4",
    "--json",
  ]);
  assert.equal((JSON.parse(json.stdout) as Array<{ kvCacheType: string }>)[0].kvCacheType, "f16");
  const bad = run(["generate", "-m", model, "--kv-cache-type", "q8_0", "hi"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--kv-cache-type must be "f32" or "f16", got "q8_0"/);
});

test("info describes a checkpoint", () => {
  const { code, stdout } = run([
    "info",
    "--model",
    join(STORIES, "stories260K.bin"),
    "--tokenizer",
    join(STORIES, "tok512.bin"),
  ]);
  assert.equal(code, 0);
  assert.match(stdout, /architecture\s+llama/);
  assert.match(stdout, /layers\s+5/);
  assert.match(stdout, /heads\s+8 query, 4 key\/value, head size 8/);
  assert.match(stdout, /context length\s+512/);
  assert.match(stdout, /vocabulary\s+512/);
  assert.match(stdout, /file size\s+1,056,540 bytes/);
  const json = run(["info", "--model", join(STORIES, "stories260K-Q8_0.gguf"), "--json"]);
  const parsed = JSON.parse(json.stdout) as { format: string; dtypes: Record<string, number> };
  assert.equal(parsed.format, "gguf");
  assert.ok(parsed.dtypes.q8_0 > 0);
});

test("bad flags and missing files give one clear line and a non-zero exit", () => {
  const badNumber = run([
    "generate",
    "--model",
    join(STORIES, "stories260K-f32.gguf"),
    "--top-p",
    "lots",
    "hi",
  ]);
  assert.equal(badNumber.code, 2);
  assert.match(badNumber.stderr, /--top-p must be a number, got "lots"/);
  const missing = run(["generate", "--model", "no/such/model.gguf", "hi"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no\/such\/model\.gguf: no such file or directory/);
  const unknown = run(["frobnicate"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
});

test("serve without --model serves the built-in model and the playground", async () => {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = "";
      child.stderr.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        const match = /on (http:\/\/127\.0\.0\.1:\d+)\/v1, playground at/.exec(err);
        if (match) resolve(match[1]);
      });
      child.on("exit", () => reject(new Error(`serve exited: ${err}`)));
    });
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    assert.deepEqual(
      models.data.map((m) => m.id),
      ["default"],
    );
    assert.equal((await fetch(`${url}/`)).status, 200);
  } finally {
    child.kill();
  }
});

test("every model command takes the model flags, --file included, and serve/playground --help list them", () => {
  const usage = run(["help"]);
  assert.equal(usage.code, 0);
  assert.equal(usage.stdout.match(/--file NAME/g)?.length, 2, "once under Model, once for pull");
  assert.match(usage.stdout, /nextoken version /);
  for (const command of ["serve", "playground"]) {
    const { code, stdout } = run([command, "--help"]);
    assert.equal(code, 0);
    assert.match(stdout, /^Model \(/m, command);
    for (const flag of ["--model", "--file", "--tokenizer", "--threads", "--kv-cache-type"])
      assert.ok(stdout.includes(flag), `${command} --help lists ${flag}`);
  }
  // --file parses everywhere (a local model ignores it; the hub tests resolve a repository with it)
  for (const command of ["info", "score", "inspect", "compare", "generate"]) {
    const { code, stderr } = run([command, "--file", "x.gguf", "--help"]);
    assert.equal(code, 0, `${command}: ${stderr}`);
  }
  const version = run(["version"]);
  assert.equal(
    version.stdout,
    `${(JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version}\n`,
  );
});
