// Cross-site requests and DNS rebinding (issue 14, item 2), on real servers on loopback: a web page's
// "simple" POST (text/plain, no preflight) and a foreign Host header were executed before.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadModel, type Model } from "../load-model.js";
import { sharedPath } from "../testing/shared.js";
import { Hono } from "hono";
import { errorResponse } from "./engine-client.js";
import { toApiError } from "./errors.js";
import { hostName, originGuard } from "./origin-guard.js";
import { errorCode, rawRequest } from "./raw-http.js";
import { type RunningServer, startServer } from "./server.js";

let model: Model;
let plain: RunningServer;
let withCors: RunningServer;
const quiet = { log: () => {} };
const COMPLETION = JSON.stringify({ model: "m", prompt: "Once upon a time", max_tokens: 2, temperature: 0 });

before(async () => {
  model = await loadModel(sharedPath("models", "stories260K", "stories260K-f32.gguf"));
  plain = await startServer(model, { modelId: "m", port: 0, allowedHosts: ["nextoken.lan"], ...quiet });
  withCors = await startServer(model, { modelId: "m", port: 0, corsOrigin: "https://app.example", ...quiet });
});

after(async () => {
  await plain.close();
  await withCors.close();
});

const hostOf = (server: RunningServer) => new URL(server.url).host;

test("a web page's text/plain POST (no preflight) from a foreign Origin is refused with 403", async () => {
  for (const path of ["/v1/completions", "/api/sessions"]) {
    const res = await rawRequest(
      `${plain.url}${path}`,
      "POST",
      { Host: hostOf(plain), Origin: "http://evil.example", "Content-Type": "text/plain" },
      path === "/api/sessions" ? JSON.stringify({ prompt: "Once" }) : COMPLETION,
    );
    assert.equal(res.status, 403, path);
    assert.equal(errorCode(res.json), "cross_origin_refused", path);
    assert.match(String((res.json.error as { message: string }).message), /evil\.example.*--cors/);
  }
});

test("Sec-Fetch-Site: cross-site without an Origin is refused; a link followed to the page is not", async () => {
  const res = await rawRequest(
    `${plain.url}/v1/completions`,
    "POST",
    { Host: hostOf(plain), "Sec-Fetch-Site": "cross-site", "Content-Type": "text/plain" },
    COMPLETION,
  );
  assert.equal(res.status, 403);
  assert.equal(errorCode(res.json), "cross_origin_refused");
  const page = await rawRequest(`${plain.url}/health`, "GET", {
    Host: hostOf(plain),
    "Sec-Fetch-Site": "cross-site",
    "Sec-Fetch-Mode": "navigate",
  });
  assert.equal(page.status, 200);
});

test("curl -d (form content type, no Origin) and the page's own same-origin calls keep working", async () => {
  const curl = await rawRequest(
    `${plain.url}/v1/completions`,
    "POST",
    { Host: hostOf(plain), "Content-Type": "application/x-www-form-urlencoded", Accept: "*/*" },
    COMPLETION,
  );
  assert.equal(curl.status, 200);
  assert.equal((curl.json.choices as unknown[]).length, 1);
  const page = await rawRequest(
    `${plain.url}/v1/completions`,
    "POST",
    {
      Host: hostOf(plain),
      Origin: `http://${hostOf(plain)}`,
      "Sec-Fetch-Site": "same-origin",
      "Content-Type": "application/json",
    },
    COMPLETION,
  );
  assert.equal(page.status, 200);
});

test("a page on another port of localhost is a foreign origin too", async () => {
  const res = await rawRequest(
    `${plain.url}/v1/completions`,
    "POST",
    { Host: hostOf(plain), Origin: "http://localhost:3000", "Sec-Fetch-Site": "same-site" },
    COMPLETION,
  );
  assert.equal(res.status, 403);
  assert.equal(errorCode(res.json), "cross_origin_refused");
});

test("only loopback Host names (and --allowed-hosts) are accepted: DNS rebinding gets 403", async () => {
  const port = new URL(plain.url).port;
  for (const host of [
    `localhost:${port}`,
    `127.0.0.1:${port}`,
    `[::1]:${port}`,
    "localhost",
    `nextoken.lan:${port}`,
  ]) {
    const res = await rawRequest(`${plain.url}/health`, "GET", { Host: host });
    assert.equal(res.status, 200, host);
  }
  for (const host of [`rebind.evil.example:${port}`, `192.168.1.20:${port}`]) {
    const res = await rawRequest(`${plain.url}/v1/models`, "GET", { Host: host });
    assert.equal(res.status, 403, host);
    assert.equal(errorCode(res.json), "host_not_allowed", host);
    assert.match(String((res.json.error as { message: string }).message), /--allowed-hosts/);
  }
  for (const host of ["", `localhost:${port}@evil`]) {
    // Malformed: refused before the app (by @hono/node-server, which cannot build a URL from it).
    const res = await rawRequest(`${plain.url}/v1/models`, "GET", { Host: host });
    assert.equal(res.status, 400, host);
  }
  const after = await rawRequest(`${plain.url}/health`, "GET", { Host: hostOf(plain) });
  assert.equal(after.status, 200, "the server keeps serving");
});

test("--cors ORIGIN lets that origin call (with CORS headers) and no other", async () => {
  const allowed = await rawRequest(
    `${withCors.url}/v1/completions`,
    "POST",
    {
      Host: hostOf(withCors),
      Origin: "https://app.example",
      "Sec-Fetch-Site": "cross-site",
      "Content-Type": "text/plain",
    },
    COMPLETION,
  );
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers["access-control-allow-origin"], "https://app.example");
  const preflight = await rawRequest(`${withCors.url}/v1/completions`, "OPTIONS", {
    Host: hostOf(withCors),
    Origin: "https://app.example",
    "Access-Control-Request-Method": "POST",
  });
  assert.equal(preflight.status, 204);
  const other = await rawRequest(
    `${withCors.url}/v1/completions`,
    "POST",
    { Host: hostOf(withCors), Origin: "https://other.example", "Content-Type": "text/plain" },
    COMPLETION,
  );
  assert.equal(other.status, 403);
  assert.equal(errorCode(other.json), "cross_origin_refused");
});

test("bound to a wildcard address, IP-literal Hosts are accepted and names still refused", async () => {
  // The guard as the HTTP thread mounts it, on an app that does not listen, so the test exposes
  // nothing on other interfaces.
  const guarded = (boundHost: string) => {
    const app = new Hono();
    app.use("*", originGuard({ boundHost }));
    app.get("/health", (c) => c.text("ok"));
    app.onError((err) => errorResponse(toApiError(err)));
    return app;
  };
  const app = guarded("0.0.0.0");
  for (const host of ["192.168.1.20:8080", "[fe80::1]:8080", "localhost:8080"]) {
    assert.equal((await app.request("/health", { headers: { Host: host } })).status, 200, host);
  }
  const name = await app.request("/health", { headers: { Host: "rebind.evil.example:8080" } });
  assert.equal(name.status, 403);
  const bound = guarded("10.0.0.5");
  assert.equal((await bound.request("/health", { headers: { Host: "10.0.0.5:8080" } })).status, 200);
  assert.equal((await bound.request("/health", { headers: { Host: "10.0.0.6:8080" } })).status, 403);
});

test("hostName parses Host headers strictly", () => {
  assert.equal(hostName("localhost:8080"), "localhost");
  assert.equal(hostName("[::1]:8080"), "[::1]");
  assert.equal(hostName("localhost."), "localhost");
  assert.equal(hostName("a:b:c"), undefined);
  assert.equal(hostName("localhost:8080@evil"), undefined);
  assert.equal(hostName(""), undefined);
});
