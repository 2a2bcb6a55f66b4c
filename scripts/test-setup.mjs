// What `npm test` needs before it builds and runs: the shared test data in ../shared (golden/ and
// models/, beside the checkout) and, for the playground's browser tests, Debian's Chromium at
// /usr/bin/chromium with CJK and emoji fonts. Missing packages are installed with apt-get when this
// runs as root on a machine that has it (as in CI); otherwise it stops at once with one line saying
// what to install. Fonts are checked with dpkg-query where there is one (Debian and its kin).
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const CHROMIUM = "/usr/bin/chromium";
export const FONTS = ["fonts-wqy-zenhei", "fonts-noto-color-emoji"];

/**
 * What to do, from what is there: `{ action: "ready" }`, `{ action: "install", packages }` (apt-get as
 * root), or `{ action: "stop", line }` with the one line to print. `fonts` maps each package in FONTS to
 * whether it is installed, or is undefined where there is no dpkg to ask.
 */
export function setupPlan({ sharedDir, shared, chromium, fonts, root, aptGet }) {
  if (!shared) {
    return {
      action: "stop",
      line:
        `npm test needs the shared test data at ${sharedDir} (golden/ and models/, the folder ` +
        "beside this checkout); it is missing",
    };
  }
  const packages = [
    ...(chromium ? [] : ["chromium"]),
    ...(fonts === undefined ? [] : FONTS.filter((name) => !fonts[name])),
  ];
  if (packages.length === 0) return { action: "ready" };
  if (root && aptGet) return { action: "install", packages };
  const what = packages.includes("chromium") ? `Chromium at ${CHROMIUM} and fonts` : "the fonts";
  const how = aptGet
    ? `run as root: apt-get install -y ${packages.join(" ")}`
    : `install the Debian packages ${packages.join(" ")} (or their equivalents)`;
  return { action: "stop", line: `npm test needs ${what} for the playground's browser tests: ${how}` };
}

/** What is on this machine, as setupPlan takes it. */
export function probe(repoRoot) {
  const sharedDir = join(repoRoot, "..", "shared");
  const fontStatus = FONTS.map((name) => [name, dpkgInstalled(name)]);
  return {
    sharedDir,
    shared: existsSync(sharedDir),
    chromium: executable(CHROMIUM),
    fonts: fontStatus.some(([, ok]) => ok === undefined) ? undefined : Object.fromEntries(fontStatus),
    root: process.getuid?.() === 0,
    aptGet: onPath("apt-get"),
  };
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** true or false, or undefined when there is no dpkg-query to ask. */
function dpkgInstalled(name) {
  const result = spawnSync("dpkg-query", ["-W", "-f=${Status}", name], { encoding: "utf8" });
  if (result.error !== undefined) return undefined;
  return result.status === 0 && result.stdout.trim() === "install ok installed";
}

function onPath(command) {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .some((dir) => dir !== "" && executable(join(dir, command)));
}

function main() {
  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
  let plan = setupPlan(probe(repoRoot));
  if (plan.action === "install") {
    console.log(`test set-up: installing ${plan.packages.join(" ")} with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const update = spawnSync("apt-get", ["update"], { stdio: "inherit", env });
    const install =
      update.status === 0
        ? spawnSync("apt-get", ["install", "-y", ...plan.packages], { stdio: "inherit", env })
        : update;
    const after = setupPlan(probe(repoRoot));
    if (install.status !== 0 || after.action !== "ready") {
      const missing = after.action === "install" ? after.packages.join(" ") : plan.packages.join(" ");
      console.error(`test set-up: apt-get could not install ${missing} (see its output above)`);
      process.exit(1);
    }
    plan = after;
  }
  if (plan.action === "stop") {
    console.error(plan.line);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
