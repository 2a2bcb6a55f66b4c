// Runs the compiled test files (dist/**/*.test.js) with node's test runner: one line per file on the
// screen, the full TAP in artifacts/test-results.tap, then a short summary (counts, each failure by name
// and file, the time) ending in `tests: N passed, M failed`. A cancelled test counts as failed; the
// exit status is non-zero on any failure. Arguments keep only the files whose path contains one of them
// (`node scripts/run-tests.mjs server`). Needs `npm run build` first (npm test does it).
// Node 20's --test takes no globs, so the files are listed here.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const TAP = join("artifacts", "test-results.tap");
const REPORTER = join("dist", "testing", "progress-reporter.js");
const SUMMARY = new URL("../dist/testing/tap-summary.js", import.meta.url);

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return entry.name.endsWith(".test.js") ? [path] : [];
  });
}

if (!existsSync(REPORTER)) {
  console.error(`${REPORTER} is missing: build first (npm run build)`);
  process.exit(1);
}
const filter = process.argv.slice(2);
const files = findTests("dist")
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();
if (files.length === 0) {
  console.error(`no test file under dist/ matches ${filter.join(" or ")}`);
  process.exit(1);
}
mkdirSync("artifacts", { recursive: true });
rmSync(TAP, { force: true }); // a run that dies before writing must not read the last run's
const { formatSummary, runFailed, summarizeTap } = await import(SUMMARY.href);

const started = performance.now();
const result = spawnSync(
  process.execPath,
  [
    "--test",
    "--test-concurrency=2",
    "--test-reporter=tap",
    `--test-reporter-destination=${TAP}`,
    `--test-reporter=./${REPORTER}`,
    "--test-reporter-destination=stdout",
    ...files,
  ],
  { stdio: "inherit" },
);
const wallMs = performance.now() - started;
const summary = summarizeTap(existsSync(TAP) ? readFileSync(TAP, "utf8") : "", process.cwd());
process.stdout.write("\n" + formatSummary(summary, { wallMs, tapPath: TAP }));
if (result.status !== 0 && !runFailed(summary)) {
  console.log(`node --test exited with status ${result.status ?? result.signal}`);
}
process.exit(runFailed(summary) || result.status !== 0 ? 1 : 0);
