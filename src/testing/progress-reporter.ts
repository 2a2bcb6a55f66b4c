// A node:test reporter that prints one line per test file (`ok  dist/x.test.js  12 tests`), so a run's
// progress fits on a screen; scripts/run-tests.mjs writes the full TAP to a file beside it. Node reports
// the results of one file after another (in the order the files were given), so a change of file in the
// pass/fail events means the previous file is done.
import type { TestEvent } from "node:test/reporters";

export interface FileTally {
  file: string;
  tests: number;
  failed: number;
  cancelled: number;
  skipped: number;
  todo: number;
  /** A before/after hook of a suite failed: its tests were cancelled or never ran. */
  hookFailed: boolean;
}

const newTally = (file: string): FileTally => ({
  file,
  tests: 0,
  failed: 0,
  cancelled: 0,
  skipped: 0,
  todo: 0,
  hookFailed: false,
});

/** The line for a finished file: `ok` or `FAIL`, its path relative to cwd, and what happened. */
export function fileLine(tally: FileTally, cwd: string): string {
  const path = tally.file.startsWith(`${cwd}/`) ? tally.file.slice(cwd.length + 1) : tally.file;
  const notes = [
    tally.failed > 0 ? `${tally.failed} failed` : "",
    tally.cancelled > 0 ? `${tally.cancelled} cancelled` : "",
    tally.skipped > 0 ? `${tally.skipped} skipped` : "",
    tally.todo > 0 ? `${tally.todo} todo` : "",
    tally.hookFailed ? "a hook failed" : "",
  ].filter(Boolean);
  const status = tally.failed + tally.cancelled > 0 || tally.hookFailed ? "FAIL" : "ok  ";
  const count = `${tally.tests} test${tally.tests === 1 ? "" : "s"}`;
  return `${status} ${path}  ${count}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}\n`;
}

export default async function* progressReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const cwd = process.cwd();
  let tally: FileTally | undefined;
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { data } = event;
    const file = data.file ?? "(no file)";
    if (tally !== undefined && tally.file !== file) yield fileLine(tally, cwd);
    if (tally === undefined || tally.file !== file) tally = newTally(file);
    if (data.details.type === "suite") {
      // a suite is not a test (node does not count it), but a failed hook in it fails the file
      if (event.type === "test:fail" && failureType(event.data.details.error) === "hookFailed") {
        tally.hookFailed = true;
      }
      continue;
    }
    tally.tests++;
    if (data.todo !== undefined && data.todo !== false) tally.todo++;
    else if (data.skip !== undefined && data.skip !== false) tally.skipped++;
    else if (event.type === "test:fail") {
      if (failureType(event.data.details.error) === "cancelledByParent") tally.cancelled++;
      else tally.failed++;
    }
  }
  if (tally !== undefined) yield fileLine(tally, cwd);
}

function failureType(error: Error): unknown {
  return (error as Error & { failureType?: unknown }).failureType;
}
