import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { InvalidOptionError, PortUnavailableError, UsageError } from "../errors.js";
import { sharedPath } from "../testing/shared.js";
import { debugRequested, describeFailure, withoutDebugFlag } from "./failure.js";

const CLI = join(process.cwd(), "dist", "cli", "main.js");
const STORIES = sharedPath("models", "stories260K", "stories260K-f32.gguf");
/** A line of a JavaScript stack trace. */
const STACK_LINE = /^\s+at /m;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Ran {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, NEXTOKEN_DEBUG: "", ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs the CLI with one of its pipes closed by the reader, as `| head` does: after `afterBytes`
 * bytes (0: before anything is written). Resolves with the exit status and what stderr said.
 */
function runWithClosedPipe(
  args: string[],
  which: "stdout" | "stderr",
  afterBytes: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; received: number }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NEXTOKEN_DEBUG: "" },
  });
  const closing = child[which];
  const other = which === "stdout" ? child.stderr : child.stdout;
  let received = 0;
  let stderr = "";
  if (afterBytes === 0) closing.destroy();
  else
    closing.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received >= afterBytes) closing.destroy();
    });
  other.on("data", (chunk: Buffer) => {
    if (which === "stdout") stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, received });
    }),
  );
}

async function occupiedPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === "object");
  return { server, port: address.port };
}

test("a reader closing stdout mid-stream (generate | head -c 8) ends generate quietly with status 0", async () => {
  const result = await runWithClosedPipe(
    ["generate", "-m", STORIES, "-n", "200", "Once upon a time"],
    "stdout",
    8,
  );
  assert.ok(result.received >= 8, "some text arrived before the pipe was closed");
  assert.equal(result.signal, null);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, "");
});

test("a closed stdout ends compare, inspect, score, info and help quietly with status 0", async () => {
  const commands = [
    ["compare", "-m", STORIES, "-n", "8", "--samples", "1", "Once"],
    ["inspect", "-m", STORIES, "Once"],
    ["score", "-m", STORIES, "Once upon a time"],
    ["info", "-m", STORIES],
    ["help"],
  ];
  for (const args of commands) {
    const result = await runWithClosedPipe(args, "stdout", 0);
    assert.equal(result.code, 0, `${args[0]}: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, /EPIPE|Error/, args[0]);
  }
});

test("a closed stderr (generate -v 2>&1 | head) ends quietly with status 0 too", async () => {
  const result = await runWithClosedPipe(["generate", "-m", STORIES, "-n", "4", "-v", "Once"], "stderr", 0);
  assert.equal(result.code, 0);
});

test("serve on a busy port names the port, suggests --port and prints no stack; --debug adds it", async () => {
  const { server, port } = await occupiedPort();
  try {
    const busy = run(["serve", "-m", STORIES, "--port", String(port)]);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, new RegExp(`^nextoken: port ${port} on 127\\.0\\.0\\.1 is already in use`));
    assert.match(busy.stderr, /--port N, or --port 0 for any free one/);
    assert.doesNotMatch(busy.stderr, STACK_LINE);
    assert.equal(busy.stderr.trimEnd().split("\n").length, 2, busy.stderr);

    const debug = run(["serve", "-m", STORIES, "--port", String(port), "--debug"]);
    assert.equal(debug.code, 1);
    assert.match(debug.stderr, /is already in use/);
    assert.match(debug.stderr, STACK_LINE);
    assert.match(debug.stderr, /caused by: Error: listen EADDRINUSE/);

    const env = run(["serve", "-m", STORIES, "--port", String(port)], { NEXTOKEN_DEBUG: "1" });
    assert.match(env.stderr, STACK_LINE);
  } finally {
    server.close();
  }
});

test("--port takes integers from 0 to 65535 only: anything else is a usage error naming the flag", () => {
  for (const command of ["serve", "playground"]) {
    for (const value of ["99999", "65536", "1.5", "abc"]) {
      const result = run([command, "--port", value]);
      assert.equal(result.code, 2, `${command} --port ${value}: ${result.stderr}`);
      assert.equal(
        result.stderr,
        `nextoken: --port must be an integer from 0 to 65535, got "${value}"\n`,
        `${command} --port ${value}`,
      );
    }
  }
});

test("describeFailure: typed errors are one line; usage errors exit 2, the rest 1", () => {
  const usage = describeFailure(new UsageError("unknown option --x"), false);
  assert.deepEqual(usage, { text: "nextoken: unknown option --x\n", exitCode: 2 });
  const option = describeFailure(new InvalidOptionError("--top-p", 2, "a number in (0, 1]"), false);
  assert.deepEqual(option, { text: "nextoken: --top-p must be a number in (0, 1], got 2\n", exitCode: 2 });
  const port = describeFailure(new PortUnavailableError(80, "127.0.0.1", "permission_denied"), false);
  assert.equal(port.exitCode, 1);
  assert.match(port.text, /^nextoken: port 80 on 127\.0\.0\.1 needs privileges/);
  assert.match(port.text, /--port/);
});

test("describeFailure: an unexpected error is one line pointing at --debug; with debug, its stack", () => {
  const error = new TypeError("x is not a function\n  and a second line");
  const plain = describeFailure(error, false);
  assert.deepEqual(plain, {
    text: "nextoken: unexpected error: x is not a function (run with --debug for the stack)\n",
    exitCode: 1,
  });
  const debug = describeFailure(new Error("outer", { cause: error }), true);
  assert.match(debug.text, /^nextoken: unexpected error: outer\nError: outer\n\s+at /);
  assert.match(debug.text, /caused by: TypeError: x is not a function/);
  assert.equal(describeFailure("a string", false).text.split("\n").length, 2);
});

test("--debug is global (anywhere before --) and NEXTOKEN_DEBUG turns it on", () => {
  assert.equal(debugRequested(["generate", "--debug", "hi"], {}), true);
  assert.equal(debugRequested(["generate", "--", "--debug"], {}), false);
  assert.equal(debugRequested(["generate"], { NEXTOKEN_DEBUG: "1" }), true);
  assert.equal(debugRequested(["generate"], { NEXTOKEN_DEBUG: "0" }), false);
  assert.equal(debugRequested(["generate"], {}), false);
  assert.deepEqual(withoutDebugFlag(["--debug", "generate", "--debug", "hi", "--", "--debug"]), [
    "generate",
    "hi",
    "--",
    "--debug",
  ]);
});
