// Pulling from a loopback server that answers like the Hub: the cache layout, resume, verification,
// gated models, offline mode, choosing a GGUF file, and --model ORG/NAME end to end.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { HubError } from "../errors.js";
import { loadModel } from "../load-model.js";
import { sharedPath } from "../testing/shared.js";
import { hubCacheDir } from "./cache.js";
import { HubClient } from "./client.js";
import { chooseFiles, pullModel } from "./pull.js";
import { looksLikeRepoRef, parseRepoRef } from "./repo-ref.js";
import { resolveModelSource } from "./resolve-model.js";
import { type FakeHub, sha256Hex, startFakeHub } from "./testing.js";

const execFileAsync = promisify(execFile);
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const weights = randomBytes(50_000);
const config = Buffer.from('{"architectures": ["LlamaForCausalLM"]}');
let hub: FakeHub;
let root: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), "nextoken-hub-"));
  hub = await startFakeHub({
    "org/tiny": {
      commit: COMMIT,
      files: {
        "config.json": { content: config },
        "tokenizer.json": { content: Buffer.from("{}") },
        "model.safetensors": { content: weights, lfs: true },
        "README.md": { content: Buffer.from("# tiny") },
      },
    },
    "org/gated": {
      commit: COMMIT,
      token: "hf_secret",
      files: { "config.json": { content: config }, "model.safetensors": { content: weights, lfs: true } },
    },
    "org/quants": {
      commit: COMMIT,
      files: {
        "m-Q4_K_M.gguf": { content: randomBytes(3000), lfs: true },
        "m-Q8_0.gguf": { content: randomBytes(4000), lfs: true },
        "../../evil.gguf": { content: randomBytes(10), lfs: true },
      },
    },
    "org/two-stories": {
      commit: COMMIT,
      files: {
        "stories260K-f32.gguf": {
          content: readFileSync(sharedPath("models", "stories260K", "stories260K-f32.gguf")),
          lfs: true,
        },
        "stories260K-Q8_0.gguf": {
          content: readFileSync(sharedPath("models", "stories260K", "stories260K-Q8_0.gguf")),
          lfs: true,
        },
      },
    },
    "org/stories": {
      commit: COMMIT,
      files: {
        "stories260K-f32.gguf": {
          content: readFileSync(sharedPath("models", "stories260K", "stories260K-f32.gguf")),
          lfs: true,
        },
      },
    },
  });
});

after(async () => {
  await hub.close();
  rmSync(root, { recursive: true, force: true });
});

let cacheCount = 0;
function freshEnv(extra: Record<string, string> = {}): Record<string, string> {
  const cache = join(root, `cache-${cacheCount++}`);
  return { HF_HOME: cache, HF_HUB_CACHE: cache, HF_ENDPOINT: hub.endpoint, ...extra };
}
const client = (token?: string) => new HubClient({ endpoint: hub.endpoint, token });

test("repository references: ORG/NAME[@REVISION][:QUANT]", () => {
  assert.deepEqual(parseRepoRef("org/name"), { repo: "org/name", revision: "main" });
  assert.deepEqual(parseRepoRef("org/name@v1.0:Q4_K_M"), {
    repo: "org/name",
    revision: "v1.0",
    quant: "Q4_K_M",
  });
  for (const bad of ["name", "/abs/path", "org/../x", "a/b/c", "org/name@"])
    assert.equal(looksLikeRepoRef(bad), false, bad);
  assert.throws(() => parseRepoRef("nope"), /ORG\/NAME/);
});

test("pull writes the HF cache layout: blobs by hash, snapshot links, refs", async () => {
  const env = freshEnv();
  const pulled = await pullModel(parseRepoRef("org/tiny"), { env, client: client() });
  const repoDir = join(hubCacheDir(env), "models--org--tiny");
  assert.equal(pulled.modelPath, join(repoDir, "snapshots", COMMIT));
  assert.deepEqual(pulled.files, ["config.json", "tokenizer.json", "model.safetensors"]);
  assert.equal(readFileSync(join(repoDir, "refs", "main"), "utf8"), COMMIT);
  const link = join(pulled.snapshot, "model.safetensors");
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readlinkSync(link), join("..", "..", "blobs", sha256Hex(weights)));
  assert.deepEqual(readFileSync(link), weights);
  assert.deepEqual(readFileSync(join(pulled.snapshot, "config.json")), config);
  assert.ok(!existsSync(join(pulled.snapshot, "README.md")));

  const before = hub.requests.length;
  await pullModel(parseRepoRef("org/tiny"), { env, client: client() });
  assert.ok(hub.requests.slice(before).every((r) => !r.startsWith("GET /cdn") && !r.startsWith("GET /org")));
});

test("a cut connection resumes with a Range request and the file verifies", async () => {
  const env = freshEnv();
  hub.cutAfter.set("model.safetensors", 20_000);
  const before = hub.requests.length;
  const pulled = await pullModel(parseRepoRef("org/tiny"), { env, client: client() });
  assert.deepEqual(readFileSync(join(pulled.snapshot, "model.safetensors")), weights);
  const ranged = hub.requests.slice(before).filter((r) => r.startsWith("GET /cdn/") && r.includes("bytes="));
  assert.equal(ranged.length, 1);
  const resumedAt = Number(/ bytes=(\d+)-$/.exec(ranged[0])?.[1]);
  assert.ok(resumedAt > 0 && resumedAt <= 20_000, ranged[0]); // what reached the client before the cut
});

test("a hash mismatch discards the download with a clear error and leaves the cache clean", async () => {
  const env = freshEnv();
  hub.corrupt.add("model.safetensors");
  try {
    await assert.rejects(pullModel(parseRepoRef("org/tiny"), { env, client: client() }), (error: unknown) => {
      assert.ok(error instanceof HubError);
      assert.equal(error.code, "hub_integrity");
      assert.match(error.message, /model\.safetensors: sha256 [0-9a-f]{64} does not match/);
      return true;
    });
  } finally {
    hub.corrupt.delete("model.safetensors");
  }
  const blobsDir = join(hubCacheDir(env), "models--org--tiny", "blobs");
  assert.ok(!readdirSync(blobsDir).some((f) => f.startsWith(sha256Hex(weights))), "no blob, no .incomplete");
  assert.ok(
    !existsSync(join(hubCacheDir(env), "models--org--tiny", "snapshots", COMMIT, "model.safetensors")),
  );
  const pulled = await pullModel(parseRepoRef("org/tiny"), { env, client: client() });
  assert.deepEqual(readFileSync(join(pulled.snapshot, "model.safetensors")), weights);
});

test("a gated model answers 401 without HF_TOKEN and downloads with it", async () => {
  const env = freshEnv();
  await assert.rejects(pullModel(parseRepoRef("org/gated"), { env, client: client() }), (error: unknown) => {
    assert.ok(error instanceof HubError);
    assert.equal(error.code, "hub_unauthorized");
    assert.match(error.message, /gated or private.*HF_TOKEN/);
    return true;
  });
  const pulled = await pullModel(parseRepoRef("org/gated"), { env: { ...env, HF_TOKEN: "hf_secret" } });
  assert.deepEqual(readFileSync(join(pulled.snapshot, "model.safetensors")), weights);
});

test("HF_HUB_OFFLINE=1 answers from the cache without a single request", async () => {
  const env = freshEnv();
  const online = await pullModel(parseRepoRef("org/tiny"), { env, client: client() });
  const before = hub.requests.length;
  const offline = await pullModel(parseRepoRef("org/tiny"), { env: { ...env, HF_HUB_OFFLINE: "1" } });
  assert.deepEqual(offline, online);
  await assert.rejects(
    pullModel(parseRepoRef("org/quants:Q8_0"), { env: { ...env, HF_HUB_OFFLINE: "1" } }),
    /not in the cache.*HF_HUB_OFFLINE/,
  );
  assert.equal(hub.requests.length, before);
});

test("a GGUF repository with several files needs --file or :QUANT", async () => {
  const env = freshEnv();
  await assert.rejects(
    pullModel(parseRepoRef("org/quants"), { env, client: client() }),
    /2 GGUF files; choose one with --file NAME or org\/quants:QUANT \(available: Q4_K_M, Q8_0\)/,
  );
  await assert.rejects(
    pullModel(parseRepoRef("org/quants:Q2_K"), { env, client: client() }),
    /no GGUF file for quantization "Q2_K"/,
  );
  const byQuant = await pullModel(parseRepoRef("org/quants:q4_k_m"), { env, client: client() });
  assert.equal(byQuant.modelPath, join(byQuant.snapshot, "m-Q4_K_M.gguf"));
  const byFile = await pullModel(parseRepoRef("org/quants"), { env, client: client(), file: "m-Q8_0.gguf" });
  assert.deepEqual(byFile.files, ["m-Q8_0.gguf"]);
  assert.equal(chooseFiles("r", ["../x.gguf", "a/b.gguf", "ok.gguf"], {}).modelFile, "ok.gguf");
});

test("--model ORG/NAME:QUANT resolves through the hub and loads", async () => {
  const env = freshEnv();
  const path = await resolveModelSource("org/stories:F32", { env });
  assert.ok(path.endsWith(join(COMMIT, "stories260K-f32.gguf")));
  const model = await loadModel(path);
  assert.equal(model.vocabSize, 512);
  assert.equal(await resolveModelSource("missing/file.gguf", { env }), "missing/file.gguf");
});

/** The CLI in a child process (asynchronously: the fake hub answers from this one). */
async function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = join(process.cwd(), "dist", "cli", "main.js");
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cli, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test("info --model ORG/NAME --file NAME picks that file of a repository with several", async () => {
  const env = freshEnv();
  const ambiguous = await runCli(["info", "--model", "org/two-stories", "--json"], env);
  assert.equal(ambiguous.code, 1);
  assert.match(ambiguous.stderr, /2 GGUF files; choose one with --file NAME/);
  const picked = await runCli(
    ["info", "--model", "org/two-stories", "--file", "stories260K-Q8_0.gguf", "--json"],
    env,
  );
  assert.equal(picked.code, 0, picked.stderr);
  const info = JSON.parse(picked.stdout) as { source: string };
  assert.ok(info.source.endsWith(join(COMMIT, "stories260K-Q8_0.gguf")), info.source);
});

/** The blob of model.safetensors and its partial download in a cache. */
function weightsBlob(env: Record<string, string>): string {
  return join(hubCacheDir(env), "models--org--tiny", "blobs", sha256Hex(weights));
}

test("a server that keeps sending past the announced size is stopped there and nothing is cached", async () => {
  const env = freshEnv();
  let most = 0;
  const onFile = () => (done: number) => void (most = Math.max(most, done));
  hub.endless.add("model.safetensors");
  await assert.rejects(
    pullModel(parseRepoRef("org/tiny"), { env, client: client(), onFile }),
    (error: unknown) => {
      assert.ok(error instanceof HubError);
      assert.equal(error.code, "hub_integrity");
      assert.match(
        error.message,
        /model\.safetensors: the Hub gave the file's size as 50000 bytes but the server sent more \(\d+ bytes so far\)/,
      );
      return true;
    },
  );
  assert.ok(most <= weights.byteLength, `wrote ${most} bytes`);
  // the client stopped reading: what the server got out is the socket buffers' worth, not a stream
  assert.ok(hub.endlessSent < 32 * 1024 * 1024, `the server sent ${hub.endlessSent} bytes`);
  assert.ok(!existsSync(weightsBlob(env)) && !existsSync(`${weightsBlob(env)}.incomplete`));
  const pulled = await pullModel(parseRepoRef("org/tiny"), { env, client: client() });
  assert.deepEqual(readFileSync(join(pulled.snapshot, "model.safetensors")), weights);
});

test("a Content-Length above the file's size is refused before the body is read", async () => {
  const env = freshEnv();
  hub.overAnnounce.set("model.safetensors", 1_000_000);
  await assert.rejects(
    pullModel(parseRepoRef("org/tiny"), { env, client: client() }),
    (error: unknown) =>
      error instanceof HubError &&
      error.code === "hub_integrity" &&
      /size as 50000 bytes but the server announces 1050000 bytes/.test(error.message),
  );
  assert.ok(!existsSync(`${weightsBlob(env)}.incomplete`));
});

test("a stalled transfer times out, keeps its bytes, and the next pull resumes with a Range", async () => {
  const env = freshEnv();
  hub.stallAfter.set("model.safetensors", 20_000);
  const started = performance.now();
  await assert.rejects(
    pullModel(parseRepoRef("org/tiny"), { env, client: client(), stallTimeoutMs: 300 }),
    (error: unknown) => {
      assert.ok(error instanceof HubError);
      assert.equal(error.code, "hub_stalled");
      assert.match(
        error.message,
        /model\.safetensors: .* sent no data for 0\.3 s \(--stall-timeout\) after \d+ of 50000 bytes, which are kept; run the command again to resume/,
      );
      return true;
    },
  );
  assert.ok(performance.now() - started < 5000, "gave up within the timeout, give or take");
  const kept = readFileSync(`${weightsBlob(env)}.incomplete`);
  assert.ok(kept.byteLength > 0 && kept.byteLength <= 20_000, `${kept.byteLength} bytes kept`);
  assert.deepEqual(kept, weights.subarray(0, kept.byteLength));

  const before = hub.requests.length;
  const pulled = await pullModel(parseRepoRef("org/tiny"), { env, client: client() });
  assert.deepEqual(readFileSync(join(pulled.snapshot, "model.safetensors")), weights);
  const gets = hub.requests.slice(before).filter((r) => r.startsWith("GET /cdn/"));
  assert.deepEqual(gets, [`GET /cdn/${sha256Hex(weights)} bytes=${kept.byteLength}-`]);
});

test("pull --stall-timeout sets how long a silent transfer may last; a bad value is refused", async () => {
  const env = freshEnv();
  hub.stallAfter.set("model.safetensors", 1000);
  const stalled = await runCli(["pull", "org/tiny", "--stall-timeout", "0.2"], env);
  assert.equal(stalled.code, 1);
  assert.match(stalled.stderr, /sent no data for 0\.2 s \(--stall-timeout\)/);
  for (const bad of ["0", "-1", "soon", ""]) {
    const refused = await runCli(["pull", "org/tiny", `--stall-timeout=${bad}`], env);
    assert.equal(refused.code === 0, false, bad);
    assert.match(refused.stderr, /--stall-timeout must be a number of seconds above 0/, bad);
  }
  const pulled = await runCli(["pull", "org/tiny", "--stall-timeout", "30"], env);
  assert.equal(pulled.code, 0, pulled.stderr);
});
