// Every example in README.md runs as written, so the README cannot drift from the code: shell blocks
// with bash (`nextoken` on PATH as well as `npx nextoken`), TypeScript blocks with node importing
// "nextoken"; Hub examples against a local fake Hub, server examples while their server answers.
// Files go to a temp directory (TMPDIR, HF_HUB_CACHE); nothing reaches the network.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import { randomGguf } from "./bench/random-model.js";
import { DEFAULT_MODEL_DIR } from "./default-model.js";
import { type FakeFile, startFakeHub } from "./hub/testing.js";
import {
  type Example,
  freePort,
  parseExamples,
  type RunContext,
  runExample,
  startBackgroundServer,
  typeCheckExamples,
} from "./testing/readme-examples.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");
/** One block's limit; the whole file stays well under a minute on a busy 2-core machine. */
const EXAMPLE_TIMEOUT_MS = 30_000;
/** The port the README's server examples use; each run swaps in a free one (parallel test runs). */
const README_PORT = "8080";

const work = mkdtempSync(join(tmpdir(), "nextoken-readme-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** A shim dir whose `nextoken` runs the built CLI, as an installed package's bin would. */
function shimDir(): string {
  const dir = join(work, "bin");
  mkdirSync(dir, { recursive: true });
  const shim = join(dir, "nextoken");
  writeFileSync(
    shim,
    `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, "dist", "cli", "main.js")}" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  return dir;
}

function contextFor(name: string, extraEnv: NodeJS.ProcessEnv = {}): RunContext {
  const tmp = join(work, name);
  mkdirSync(tmp, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${shimDir()}:${process.env.PATH ?? ""}`,
    TMPDIR: tmp,
    HF_HOME: join(tmp, "hf-home"),
    HF_HUB_CACHE: join(tmp, "hf-cache"),
    HF_ENDPOINT: "http://127.0.0.1:9", // nothing listens: an unmarked Hub example fails instead of downloading
    npm_config_offline: "true", // npx runs this package's bin, never a download
    NO_COLOR: "1",
    ...extraEnv,
  };
  for (const key of ["HF_TOKEN", "HF_HUB_OFFLINE", "NEXTOKEN_API_KEY"]) delete env[key];
  return { root: ROOT, cwd: ROOT, env, timeoutMs: EXAMPLE_TIMEOUT_MS };
}

/** The repositories the README's Hub examples name, served with the built-in model and tiny GGUFs. */
function fakeRepos(): Parameters<typeof startFakeHub>[0] {
  const builtIn: Record<string, FakeFile> = {};
  for (const name of readdirSync(DEFAULT_MODEL_DIR)) {
    builtIn[name] = {
      content: readFileSync(join(DEFAULT_MODEL_DIR, name)),
      lfs: name.endsWith(".safetensors"),
    };
  }
  const tiny = { dim: 64, hidden: 128, layers: 1, heads: 2, kvHeads: 2, vocab: 512, context: 64 };
  return {
    "HuggingFaceTB/SmolLM2-135M-Instruct": { commit: "a".repeat(40), files: builtIn },
    "TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF": {
      commit: "b".repeat(40),
      files: {
        "tinyllama-1.1b-chat-v1.0.Q8_0.gguf": { content: randomGguf(tiny, "q8_0", 1), lfs: true },
        "tinyllama-1.1b-chat-v1.0.Q4_0.gguf": { content: randomGguf(tiny, "q4_0", 2), lfs: true },
        "README.md": { content: Buffer.from("# fake") },
      },
    },
  };
}

/**
 * Runs one README example. They share one TMPDIR and Hub cache, in README order, as a reader's shell
 * would: the chat example's server reads the template file the block before it wrote.
 */
async function runMarked(example: Example): Promise<void> {
  const name = "readme";
  const marker = example.marker;
  if (marker.kind === "run") {
    await runExample(example, contextFor(name));
  } else if (marker.kind === "fake-hub") {
    const hub = await startFakeHub(fakeRepos());
    try {
      await runExample(example, contextFor(name, { HF_ENDPOINT: hub.endpoint }));
    } finally {
      await hub.close();
    }
  } else if (marker.kind === "with-server") {
    const port = String(await freePort());
    const context = contextFor(name);
    const command = marker.command.replaceAll(README_PORT, port);
    const server = await startBackgroundServer(command, Number(port), context);
    try {
      await runExample({ ...example, code: example.code.replaceAll(README_PORT, port) }, context);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- server (${command})\n${server.output()}`, {
        cause: error,
      });
    } finally {
      await server.stop();
    }
  }
}

const examples = parseExamples(README);

test("the README has runnable examples of the CLI, the library, the server, the Hub and the playground", () => {
  const run = examples.filter((e) => e.marker.kind !== "skip");
  assert.ok(run.length >= 8, `${run.length} runnable examples`);
  assert.ok(
    run.some((e) => e.lang === "ts" && e.marker.kind === "run"),
    "a library example",
  );
  assert.ok(
    run.some((e) => e.lang === "ts" && e.marker.kind === "with-server"),
    "an OpenAI client example",
  );
  assert.ok(
    run.some((e) => e.marker.kind === "fake-hub"),
    "a Hub example",
  );
  assert.ok(
    run.some((e) => /chat\/completions/.test(e.code)),
    "a chat example",
  );
  assert.ok(examples.filter((e) => e.marker.kind === "skip").length <= 5, "skips stay few");
});

test("the README's first block is the install / run / test contract", () => {
  const lines = examples[0].code.split("\n").map((l) => l.replace(/\s+#\s.*$/, ""));
  assert.deepEqual(lines, ["npm install", 'npx nextoken generate "In the beginning"', "npm test"]);
  assert.ok(README.trimStart().startsWith("# nextoken"));
  assert.ok(README.indexOf("```sh") < README.indexOf("\n## "), "before any other section");
});

test("what a skipped block or a server marker runs is also shown and run elsewhere in the README", () => {
  const commands = (e: Example) =>
    e.code
      .split("\n")
      .map((l) => l.replace(/\s+#\s.*$/, "").trim())
      .filter((l) => l.startsWith("npx nextoken"));
  const run = examples.filter((e) => e.marker.kind !== "skip");
  const ranCommands = new Set(run.flatMap(commands));
  for (const e of run) if (e.marker.kind === "with-server") ranCommands.add(e.marker.command);
  for (const e of examples.filter((x) => x.marker.kind === "skip")) {
    for (const command of commands(e))
      assert.ok(ranCommands.has(command), `README.md:${e.line}: "${command}" is skipped and run nowhere`);
  }
  const shown = new Set(examples.flatMap(commands));
  for (const e of run) {
    if (e.marker.kind === "with-server")
      assert.ok(
        shown.has(e.marker.command),
        `README.md:${e.line}: the server "${e.marker.command}" is in no block`,
      );
  }
});

test("the README's TypeScript examples type-check against the package's own types", () => {
  assert.deepEqual(typeCheckExamples(examples, ROOT), []);
});

for (const example of examples) {
  const what = example.marker.kind === "run" ? "" : ` (${example.marker.kind})`;
  test(
    `README.md:${example.line} ${example.lang} example runs${what}`,
    {
      skip: example.marker.kind === "skip" ? example.marker.reason : false,
    },
    () => runMarked(example),
  );
}

// The runner itself can fail: a failing block is reported with its line, and markers are checked.
test("a block that fails, or runs too long, fails naming its README line", async () => {
  const [sh, tsBlock] = parseExamples(
    "# t\n\n```sh\necho one\nfalse\necho never\n```\n\n```ts\nthrow new Error('boom');\n```\n",
  );
  await assert.rejects(runExample(sh, contextFor("self-sh")), /README\.md:3 \(sh example\): exit code 1/);
  await assert.rejects(
    runExample(tsBlock, contextFor("self-ts")),
    /README\.md:9 \(ts example\): exit code 1[\s\S]*boom/,
  );
  const [slow] = parseExamples("```sh\nsleep 5\n```\n");
  await assert.rejects(
    runExample(slow, { ...contextFor("self-slow"), timeoutMs: 300 }),
    /README\.md:1 \(sh example\): still running after 300 ms/,
  );
  const [ok] = parseExamples("```bash\necho fine\n```\n");
  assert.equal((await runExample(ok, contextFor("self-ok"))).stdout, "fine\n");
});

test("a type error in a TypeScript block is reported at its README line", () => {
  const blocks = parseExamples(
    '# t\n\n```ts\nimport { loadDefaultModel } from "nextoken";\nconst model = await loadDefaultModel();\n' +
      "model.newSesion();\n```\n",
  );
  const errors = typeCheckExamples(blocks, ROOT);
  assert.equal(errors.length, 1, errors.join("\n"));
  assert.match(errors[0], /^README\.md:6: Property 'newSesion' does not exist/);
});

test("markers: skip needs a reason, unknown ones and dangling ones are errors naming the line", () => {
  const parsed = parseExamples(
    "<!-- example: skip: slow -->\n\n```sh\nx\n```\n<!-- example: fake-hub -->\n```sh\ny\n```\n" +
      "<!-- example: with-server: nextoken serve --port 8080 -->\n\n```ts\nz\n```\n```json\n{}\n```\n",
  );
  assert.deepEqual(
    parsed.map((e) => [e.line, e.lang, e.marker]),
    [
      [3, "sh", { kind: "skip", reason: "slow" }],
      [7, "sh", { kind: "fake-hub" }],
      [12, "ts", { kind: "with-server", command: "nextoken serve --port 8080" }],
    ],
  );
  assert.throws(
    () => parseExamples("<!-- example: skip: -->\n```sh\nx\n```\n"),
    /README\.md:1: unknown example marker/,
  );
  assert.throws(
    () => parseExamples("<!-- example: later -->\n```sh\nx\n```\n"),
    /README\.md:1: unknown example marker/,
  );
  assert.throws(
    () => parseExamples("<!-- example: fake-hub -->\ntext\n```sh\nx\n```\n"),
    /README\.md:1: example marker not followed by a code block/,
  );
});

test("a with-server example runs only while its server answers", async () => {
  const [block] = parseExamples(
    `<!-- example: with-server: nextoken serve --port ${README_PORT} -->\n\`\`\`sh\n` +
      `curl -s --fail-with-body http://127.0.0.1:${README_PORT}/health\n\`\`\`\n`,
  );
  await runMarked(block);
  // the same request to a port nothing listens on: curl fails, so the block does
  const code = block.code.replaceAll(README_PORT, String(await freePort()));
  await assert.rejects(runExample({ ...block, code }, contextFor("no-server")), /exit code 7/);
});
