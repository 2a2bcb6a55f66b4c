// Runs every compiled test file (dist/**/*.test.js) with node's test runner.
// Node 20's --test takes no globs, so the files are listed here.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return entry.name.endsWith(".test.js") ? [path] : [];
  });
}

const filter = process.argv.slice(2);
const files = findTests("dist")
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=2", ...files], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
