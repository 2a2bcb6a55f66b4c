// Slow clients cannot hold the server: over real sockets on loopback, a request head dribbled past
// --headers-timeout-ms is answered 408 and closed, a body trickled past --body-timeout-ms gets a JSON
// 408 request_incomplete and the connection closed, connections past --max-connections are closed as
// they arrive, and a client that vanishes mid-body leaves no unhandled rejection. Two servers with
// different limits show that each option changes what happens.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { InvalidOptionError } from "../errors.js";
import { sharedPath } from "../testing/shared.js";
import { type RunningServer, startServer } from "./server.js";

const MODEL = sharedPath("models", "stories260K", "stories260K-f32.gguf");
const CLI = join(process.cwd(), "dist", "cli", "main.js");
const BODY = JSON.stringify({ model: "stories260K", prompt: "Once", max_tokens: 2, temperature: 0 });

let tight: RunningServer; // headers 300 ms, body 500 ms, 3 connections
let loose: RunningServer; // headers 1500 ms, body 1500 ms, 6 connections
const logged: string[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

before(async () => {
  process.on("unhandledRejection", onUnhandled);
  const base = { modelId: "stories260K", port: 0, log: (line: string) => void logged.push(line) };
  tight = await startServer(
    { source: MODEL },
    { ...base, headersTimeoutMs: 300, bodyTimeoutMs: 500, maxConnections: 3 },
  );
  loose = await startServer(
    { source: MODEL },
    { ...base, headersTimeoutMs: 1500, bodyTimeoutMs: 1500, maxConnections: 6 },
  );
});

after(async () => {
  await tight.close();
  await loose.close();
  process.off("unhandledRejection", onUnhandled);
});

/** A raw connection: what it received so far, and when (ms after opening) the server closed it. */
interface Raw {
  socket: Socket;
  received: () => string;
  closed: Promise<number>;
  /** Resolves once a connection is established (true) or refused/reset first (false). */
  opened: Promise<boolean>;
}

function open(server: { url: string }): Raw {
  const { hostname, port } = new URL(server.url);
  const started = performance.now();
  const socket = connect(Number(port), hostname);
  let text = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => (text += chunk));
  socket.on("error", () => {}); // a reset is one way of being closed
  const closed = new Promise<number>((resolve) =>
    socket.on("close", () => resolve(performance.now() - started)),
  );
  const opened = new Promise<boolean>((resolve) => {
    socket.once("connect", () => resolve(true));
    socket.once("close", () => resolve(false));
  });
  return { socket, received: () => text, closed, opened };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `chunks` one every `everyMs` until the socket closes or they run out. */
async function dribble(raw: Raw, chunks: string[], everyMs: number): Promise<void> {
  for (const chunk of chunks) {
    if (raw.socket.destroyed || raw.socket.writableEnded) return;
    raw.socket.write(chunk);
    await sleep(everyMs);
  }
}

function completionHead(server: RunningServer, length: number): string {
  const { host } = new URL(server.url);
  return (
    `POST /v1/completions HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${length}\r\nConnection: close\r\n\r\n`
  );
}

/** The status and JSON body of a whole HTTP/1.1 response in `text` (Content-Length or chunked). */
function parseResponse(text: string): { status: number; json: Record<string, unknown> | undefined } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  // the body starts after the head (headers such as X-Nextoken-Settings hold JSON too)
  const start = text.indexOf("{", text.indexOf("\r\n\r\n"));
  const end = text.lastIndexOf("}");
  let json: Record<string, unknown> | undefined;
  if (start >= 0 && end > start) json = JSON.parse(text.slice(start, end + 1)) as Record<string, unknown>;
  return { status, json };
}

async function health(server: RunningServer): Promise<number> {
  const raw = open(server);
  const { host } = new URL(server.url);
  raw.socket.write(`GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  await raw.closed;
  return parseResponse(raw.received()).status;
}

test("a request head dribbled past --headers-timeout-ms is answered 408 and closed", async () => {
  const headers = Array.from({ length: 200 }, (_, i) => `X-Slow-${i}: ${i}\r\n`);
  const start = (raw: Raw) => {
    raw.socket.write("GET /health HTTP/1.1\r\n");
    void dribble(raw, headers, 50);
  };
  const onTight = open(tight);
  const onLoose = open(loose);
  start(onTight);
  start(onLoose);
  const tightMs = await onTight.closed;
  assert.ok(tightMs >= 250 && tightMs < 1200, `closed after ${tightMs.toFixed(0)} ms (headers timeout 300)`);
  assert.match(onTight.received(), /^HTTP\/1\.1 408/);
  assert.equal(onLoose.socket.destroyed, false, "the 1500 ms server still waits for the head");
  const looseMs = await onLoose.closed;
  assert.ok(
    looseMs >= 1400 && looseMs < 3000,
    `closed after ${looseMs.toFixed(0)} ms (headers timeout 1500)`,
  );
});

test("a connection that never sends a byte is closed within the headers timeout too", async () => {
  const raw = open(tight);
  const ms = await raw.closed;
  assert.ok(ms < 1200, `closed after ${ms.toFixed(0)} ms`);
});

test("a body trickled past --body-timeout-ms gets 408 request_incomplete and the connection closed", async () => {
  const bytes = [...BODY];
  const everyMs = Math.ceil(900 / bytes.length); // the whole body takes ~900 ms to arrive
  const onTight = open(tight);
  const onLoose = open(loose);
  for (const raw of [onTight, onLoose]) {
    raw.socket.write(completionHead(raw === onTight ? tight : loose, Buffer.byteLength(BODY)));
    void dribble(raw, bytes, everyMs);
  }
  const tightMs = await onTight.closed;
  const answer = parseResponse(onTight.received());
  assert.equal(answer.status, 408, onTight.received());
  const error = answer.json?.error as { code: string; message: string; type: string } | undefined;
  assert.equal(error?.code, "request_incomplete");
  assert.equal(error?.type, "invalid_request_error");
  assert.match(error?.message ?? "", /within 500 ms/);
  assert.match(onTight.received(), /\r\nconnection: close\r\n/i);
  assert.ok(tightMs < 1500, `closed after ${tightMs.toFixed(0)} ms`);
  // the 1500 ms server takes the same ~900 ms body and answers it
  await onLoose.closed;
  const ok = parseResponse(onLoose.received());
  assert.equal(ok.status, 200, onLoose.received());
  assert.equal((ok.json?.choices as unknown[]).length, 1);
});

test("a normal request is answered on the tight server", async () => {
  const raw = open(tight);
  raw.socket.write(completionHead(tight, Buffer.byteLength(BODY)) + BODY);
  await raw.closed;
  const answer = parseResponse(raw.received());
  assert.equal(answer.status, 200, raw.received());
  assert.equal((answer.json?.choices as unknown[]).length, 1);
});

test("a client gone mid-body leaves no unhandled rejection and the server keeps serving", async () => {
  const raw = open(tight);
  raw.socket.write(completionHead(tight, Buffer.byteLength(BODY)) + BODY.slice(0, 10));
  await sleep(100);
  raw.socket.destroy();
  await sleep(700); // past the body timeout, so a losing read settles too
  assert.deepEqual(unhandled, []);
  assert.equal(await health(tight), 200);
  assert.deepEqual(
    logged.filter((line) => /Error|at .*\.js/.test(line)),
    [],
    "nothing reached the log as a 500",
  );
});

test("--max-connections: connection N + 1 is closed at once, and /health answers after the slow ones go", async () => {
  const slow = (server: RunningServer, count: number): Raw[] =>
    Array.from({ length: count }, () => {
      const raw = open(server);
      raw.socket.write("GET /health HTTP/1.1\r\n"); // an unfinished head holds the connection
      return raw;
    });
  const held = slow(tight, 3);
  assert.deepEqual(await Promise.all(held.map((raw) => raw.opened)), [true, true, true]);
  await sleep(50); // the server has accepted all three
  const extra = open(tight);
  const { host } = new URL(tight.url);
  extra.socket.write(`GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  const extraMs = await extra.closed;
  assert.equal(extra.received(), "", "no answer on the connection past the cap");
  assert.ok(extraMs < 250, `closed after ${extraMs.toFixed(0)} ms, before the headers timeout`);
  // the loose server (cap 6) takes a fourth connection while three are held
  const heldLoose = slow(loose, 3);
  await Promise.all(heldLoose.map((raw) => raw.opened));
  await sleep(50);
  assert.equal(await health(loose), 200);
  for (const raw of [...held, ...heldLoose]) raw.socket.destroy();
  await Promise.all([...held, ...heldLoose].map((raw) => raw.closed));
  await sleep(50); // the server sees them close
  assert.equal(await health(tight), 200);
});

test("startServer rejects a limit that is not a positive integer, naming the option", async () => {
  const cases: Array<[string, unknown]> = [
    ["headersTimeoutMs", 0],
    ["bodyTimeoutMs", 1.5],
    ["maxConnections", -1],
    ["maxConnections", "10"],
  ];
  for (const [option, value] of cases) {
    await assert.rejects(
      startServer({ source: MODEL }, { modelId: "x", port: 0, [option]: value }),
      (error: unknown) =>
        error instanceof InvalidOptionError &&
        error.option === option &&
        error.message.includes(String(value)) &&
        /an integer from 1/.test(error.message),
    );
  }
});

test("nextoken serve --headers-timeout-ms / --max-connections reach the server; a bad value exits 2 naming the flag", async () => {
  const args = [
    "serve",
    "--model",
    MODEL,
    "--port",
    "0",
    "--headers-timeout-ms",
    "300",
    "--max-connections",
    "1",
  ];
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = "";
      child.stderr.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        const match = /on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(err);
        if (match) resolve(match[1]);
      });
      child.on("exit", () => reject(new Error(`serve exited: ${err}`)));
    });
    const silent = open({ url });
    assert.equal(await silent.opened, true);
    await sleep(50);
    const second = open({ url }); // past --max-connections 1
    const secondMs = await second.closed;
    assert.ok(secondMs < 250, `second connection closed after ${secondMs.toFixed(0)} ms`);
    const silentMs = await silent.closed;
    assert.ok(silentMs >= 250 && silentMs < 1200, `silent connection closed after ${silentMs.toFixed(0)} ms`);
  } finally {
    child.kill();
  }
  for (const flag of ["--headers-timeout-ms", "--body-timeout-ms", "--max-connections"]) {
    const bad = spawnSync(process.execPath, [CLI, "serve", "--model", MODEL, "--port", "0", flag, "0"], {
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, new RegExp(`^nextoken: ${flag} must be an integer >= 1, got "0"\n$`));
  }
});
