// scripts/test-setup.mjs, which `npm test` runs first: what it decides from what a machine has, and
// the script itself on this machine (where CI has set everything up) and without ../shared.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { tempDir } from "./shared.js";

interface Machine {
  sharedDir: string;
  shared: boolean;
  chromium: boolean;
  fonts: Record<string, boolean> | undefined;
  root: boolean;
  aptGet: boolean;
}
type Plan =
  { action: "ready" } | { action: "install"; packages: string[] } | { action: "stop"; line: string };
interface SetupModule {
  setupPlan(machine: Machine): Plan;
  probe(repoRoot: string): Machine;
}

const SCRIPT = fileURLToPath(new URL("../../scripts/test-setup.mjs", import.meta.url));
const setup = (await import(SCRIPT)) as SetupModule;

const ALL_FONTS = { "fonts-wqy-zenhei": true, "fonts-noto-color-emoji": true };
const READY: Machine = {
  sharedDir: "/repo/../shared",
  shared: true,
  chromium: true,
  fonts: ALL_FONTS,
  root: false,
  aptGet: true,
};

test("a machine with the shared data, chromium and the fonts is ready", () => {
  assert.deepEqual(setup.setupPlan(READY), { action: "ready" });
  assert.deepEqual(setup.setupPlan({ ...READY, fonts: undefined }), { action: "ready" }, "no dpkg to ask");
});

test("as root with apt-get it installs exactly what is missing", () => {
  const machine = {
    ...READY,
    root: true,
    chromium: false,
    fonts: { ...ALL_FONTS, "fonts-wqy-zenhei": false },
  };
  assert.deepEqual(setup.setupPlan(machine), {
    action: "install",
    packages: ["chromium", "fonts-wqy-zenhei"],
  });
  assert.deepEqual(
    setup.setupPlan({ ...READY, root: true, fonts: { ...ALL_FONTS, "fonts-noto-color-emoji": false } }),
    {
      action: "install",
      packages: ["fonts-noto-color-emoji"],
    },
  );
});

test("otherwise it stops with one line naming what to install", () => {
  const user = setup.setupPlan({ ...READY, chromium: false });
  assert.equal(user.action, "stop");
  const line = user.action === "stop" ? user.line : "";
  assert.ok(!line.includes("\n"), "one line");
  assert.match(line, /Chromium at \/usr\/bin\/chromium/);
  assert.match(line, /run as root: apt-get install -y chromium$/);
  const noApt = setup.setupPlan({
    ...READY,
    root: true,
    aptGet: false,
    fonts: { ...ALL_FONTS, "fonts-wqy-zenhei": false },
  });
  assert.deepEqual(noApt, {
    action: "stop",
    line:
      "npm test needs the fonts for the playground's browser tests: " +
      "install the Debian packages fonts-wqy-zenhei (or their equivalents)",
  });
});

test("without ../shared it stops first, naming the folder", () => {
  const plan = setup.setupPlan({ ...READY, shared: false, chromium: false, root: true });
  assert.equal(plan.action, "stop");
  assert.match(
    plan.action === "stop" ? plan.line : "",
    /shared test data at \/repo\/\.\.\/shared .* missing$/,
  );
});

test("the script passes here and stops with one line in a checkout with no ../shared beside it", () => {
  // npm test ran this script before this test, so here it must pass (and print nothing)
  const here = spawnSync(process.execPath, [SCRIPT], { encoding: "utf8" });
  assert.equal(here.status, 0, here.stderr);
  assert.equal(here.stderr, "");
  assert.equal(setup.probe(process.cwd()).sharedDir, join(process.cwd(), "..", "shared"));
  const lone = join(tempDir("test-setup-"), "checkout");
  mkdirSync(join(lone, "scripts"), { recursive: true });
  cpSync(SCRIPT, join(lone, "scripts", "test-setup.mjs"));
  const away = spawnSync(process.execPath, [join(lone, "scripts", "test-setup.mjs")], { encoding: "utf8" });
  assert.equal(away.status, 1);
  assert.equal(away.stderr.trimEnd().split("\n").length, 1, away.stderr);
  assert.match(away.stderr, /needs the shared test data at .*test-setup-\w+\/shared /);
});
