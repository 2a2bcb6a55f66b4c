// The summary scripts/run-tests.mjs prints: a hand-written TAP sample as node 20 writes it, and the
// TAP (and the per-file progress lines) of a real `node --test` run over a small file written here.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { tempDir } from "./shared.js";
import { formatSummary, parseTap, runFailed, summarizeTap } from "./tap-summary.js";

const SAMPLE = `TAP version 13
# Subtest: adds
ok 1 - adds
  ---
  duration_ms: 0.7
  ...
# Subtest: parser
    # Subtest: reads \\# comments
    ok 1 - reads \\# comments
      ---
      duration_ms: 0.2
      ...
    # Subtest: rejects a bad header
    not ok 2 - rejects a bad header
      ---
      duration_ms: 1.1
      location: '/repo/dist/formats/gguf.test.js:40:3'
      failureType: 'testCodeFailure'
      error: |-
        Expected values to be strictly equal:
        
        1 !== 2
        
      code: 'ERR_ASSERTION'
      expected: 2
      actual: 1
      stack: |-
        TestContext.<anonymous> (file:///repo/dist/formats/gguf.test.js:41:12)
      ...
    1..2
not ok 2 - parser
  ---
  duration_ms: 1.5
  type: 'suite'
  location: '/repo/dist/formats/gguf.test.js:30:1'
  failureType: 'subtestsFailed'
  error: '1 subtest failed'
  code: 'ERR_TEST_FAILURE'
  ...
# Subtest: page
    # Subtest: steps
    not ok 1 - steps
      ---
      duration_ms: 0.1
      location: '/repo/dist/server/page.test.js:12:3'
      failureType: 'cancelledByParent'
      error: 'test did not finish before its parent and was cancelled'
      code: 'ERR_TEST_FAILURE'
      ...
    1..1
not ok 3 - page
  ---
  duration_ms: 9.0
  type: 'suite'
  location: '/repo/dist/server/page.test.js:8:1'
  failureType: 'hookFailed'
  error: '/usr/bin/chromium isn''t there'
  code: 'ERR_TEST_FAILURE'
  ...
# Subtest: streams
ok 4 - streams # TODO wait for the worker
  ---
  duration_ms: 0.1
  ...
# Subtest: mmap
ok 5 - mmap # SKIP not on this platform
  ---
  duration_ms: 0.1
  ...
1..5
# tests 6
# suites 2
# pass 2
# fail 1
# cancelled 1
# skipped 1
# todo 1
# duration_ms 52.5
`;

test("parseTap nests subtests under the point printed after them", () => {
  const roots = parseTap(SAMPLE);
  assert.deepEqual(
    roots.map((p) => [p.name, p.ok, p.suite, p.directive, p.children.map((c) => c.name)]),
    [
      ["adds", true, false, undefined, []],
      ["parser", false, true, undefined, ["reads # comments", "rejects a bad header"]],
      ["page", false, true, undefined, ["steps"]],
      ["streams", true, false, "todo", []],
      ["mmap", true, false, "skip", []],
    ],
  );
  assert.equal(roots[2].error, "/usr/bin/chromium isn't there");
  assert.equal(roots[1].children[1].location, "/repo/dist/formats/gguf.test.js:40:3");
});

test("summarizeTap counts tests as node does and names each failure with its file and error", () => {
  const summary = summarizeTap(SAMPLE, "/repo");
  assert.deepEqual(summary.counts, { passed: 2, failed: 1, cancelled: 1, skipped: 1, todo: 1 });
  assert.deepEqual(summary.footer, summary.counts);
  assert.equal(summary.durationMs, 52.5);
  assert.deepEqual(summary.failures, [
    {
      name: "parser › rejects a bad header",
      where: "dist/formats/gguf.test.js:40",
      cancelled: false,
      errorLines: ["Expected values to be strictly equal:", "1 !== 2"],
    },
    {
      name: "page",
      where: "dist/server/page.test.js:8",
      cancelled: false,
      errorLines: ["/usr/bin/chromium isn't there"],
    },
    {
      name: "page › steps",
      where: "dist/server/page.test.js:12",
      cancelled: true,
      errorLines: ["test did not finish before its parent and was cancelled"],
    },
  ]);
  assert.equal(runFailed(summary), true);
});

test("formatSummary ends with passed and failed counts, a cancelled test counting as failed", () => {
  const text = formatSummary(summarizeTap(SAMPLE, "/repo"), { wallMs: 61_234, tapPath: "artifacts/t.tap" });
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.at(-1), "tests: 2 passed, 2 failed");
  assert.equal(lines[0], "passed 2 · failed 1 · cancelled 1 · skipped 1 · todo 1 · 61.2 s");
  assert.ok(lines.includes("  failed: parser › rejects a bad header  (dist/formats/gguf.test.js:40)"));
  assert.ok(lines.includes("  cancelled: page › steps  (dist/server/page.test.js:12)"));
  assert.ok(lines.includes("      1 !== 2"));
  assert.ok(lines.includes("Full TAP: artifacts/t.tap"));
  assert.ok(!text.includes("TestContext"), "no stack traces");
});

test("a run that passes is not failed; one cut off before node's totals is", () => {
  const passing = SAMPLE.split("# Subtest: parser")[0] + "1..1\n# tests 1\n# pass 1\n# fail 0\n";
  const summary = summarizeTap(passing, "/repo");
  assert.deepEqual(summary.counts, { passed: 1, failed: 0, cancelled: 0, skipped: 0, todo: 0 });
  assert.equal(runFailed(summary), false);
  assert.match(formatSummary(summary, { wallMs: 0, tapPath: "t" }), /tests: 1 passed, 0 failed\n$/);
  const cut = summarizeTap(SAMPLE.split("1..5")[0], "/repo");
  assert.equal(cut.footer, undefined);
  assert.equal(runFailed(cut), true);
  assert.match(formatSummary(cut, { wallMs: 0, tapPath: "t" }), /stopped early/);
});

const REAL = `import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
test("passes", () => {});
test("fails", () => assert.equal(1, 2, "one is not two"));
test("later", { todo: "not yet" }, () => {});
describe("outer", () => {
  test("inner pass", () => {});
  describe("deeper", () => {
    before(() => {
      throw new Error("hook broke");
    });
    test("never runs", () => {});
  });
});
test("parent", async (t) => {
  await t.test("child broke", () => { throw new Error("child error\\nline two"); });
});
`;

test("node's own TAP of a real run gives node's totals, and the progress reporter one line per file", () => {
  const dir = tempDir("tap-summary-");
  const file = join(dir, "sample.test.mjs");
  writeFileSync(file, REAL);
  const tap = join(dir, "out.tap");
  const reporter = fileURLToPath(new URL("./progress-reporter.js", import.meta.url));
  const run = spawnSync(
    process.execPath,
    [
      "--test",
      "--test-reporter=tap",
      `--test-reporter-destination=${tap}`,
      `--test-reporter=${reporter}`,
      "--test-reporter-destination=stdout",
      file,
    ],
    // without NODE_TEST_CONTEXT, which would make the child think it runs inside this test
    { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_TEST_CONTEXT: undefined } },
  );
  assert.equal(run.status, 1, run.stderr);
  assert.equal(run.stdout, "FAIL sample.test.mjs  7 tests (3 failed, 1 cancelled, 1 todo, a hook failed)\n");
  const summary = summarizeTap(readFileSync(tap, "utf8"), dir);
  assert.deepEqual(summary.counts, { passed: 2, failed: 3, cancelled: 1, skipped: 0, todo: 1 });
  assert.deepEqual(summary.footer, summary.counts, "the same counts as node's footer");
  assert.deepEqual(
    summary.failures.map((f) => [f.name, f.where, f.cancelled, f.errorLines[0]]),
    [
      ["fails", "sample.test.mjs:4", false, "one is not two"],
      ["outer › deeper", "sample.test.mjs:8", false, "hook broke"],
      ["outer › deeper › never runs", "sample.test.mjs:12", true, summary.failures[2].errorLines[0]],
      ["parent › child broke", "sample.test.mjs:16", false, "child error"],
    ],
  );
  assert.match(summary.failures[2].errorLines[0], /cancelled/);
});
