// A short human summary of a `node --test --test-reporter=tap` run: counts, every failure by its full
// name and file with the first lines of its error, and the time. scripts/run-tests.mjs prints it after
// writing the whole TAP to artifacts/test-results.tap. Pure: text in, plain data and text out.
// TAP 13 as node 20 writes it: https://testanything.org/tap-version-13-specification.html

/** What one test point (`ok 3 - name`) says, with its subtests (printed before it in TAP). */
export interface TapPoint {
  readonly name: string;
  readonly ok: boolean;
  readonly directive: "todo" | "skip" | undefined;
  /** `type: 'suite'` in its YAML block: a describe(), which node leaves out of its counts. */
  readonly suite: boolean;
  /** failureType in its YAML block: testCodeFailure, hookFailed, cancelledByParent, subtestsFailed, … */
  readonly failureType: string | undefined;
  /** `file:line:col` from its YAML block (absent on passing tests). */
  readonly location: string | undefined;
  readonly error: string | undefined;
  readonly children: readonly TapPoint[];
}

export interface TapCounts {
  passed: number;
  failed: number;
  cancelled: number;
  skipped: number;
  todo: number;
}

export interface TapFailure {
  /** The names from the outermost describe() down to the test, joined by " › ". */
  readonly name: string;
  /** The test's file relative to `cwd`, with `:line` when known. */
  readonly where: string | undefined;
  readonly cancelled: boolean;
  /** The first lines of its error message. */
  readonly errorLines: readonly string[];
}

export interface TapSummary {
  readonly counts: TapCounts;
  readonly failures: readonly TapFailure[];
  /** Node's own totals from the footer (`# pass 12`, …); undefined when the run ended before them. */
  readonly footer: Partial<TapCounts> | undefined;
  readonly durationMs: number | undefined;
}

/** Error lines kept per failure; the rest stays in the TAP file. */
const ERROR_LINES = 3;
/** Spaces per nesting level in node's TAP output. */
const INDENT = 4;

const POINT = /^( *)(ok|not ok) \d+ - (.*)$/;
const DIRECTIVE = /^(.*?)(?<!\\) # (TODO|SKIP)\b ?(.*)$/i;
const FOOTER = /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ([\d.]+)$/;
const FOOTER_KEYS: Record<string, keyof TapCounts> = {
  pass: "passed",
  fail: "failed",
  cancelled: "cancelled",
  skipped: "skipped",
  todo: "todo",
};

/** Parses node's TAP into its tree of test points (top-level tests and suites, in order). */
export function parseTap(text: string): TapPoint[] {
  const lines = text.split(/\r?\n/);
  // pending[n]: points at nesting n whose parent (at n - 1) has not been printed yet
  const pending: TapPoint[][] = [[]];
  for (let i = 0; i < lines.length; i++) {
    const match = POINT.exec(lines[i]);
    if (!match) continue;
    const nesting = Math.floor(match[1].length / INDENT);
    const directive = DIRECTIVE.exec(match[3]);
    const yaml = readYaml(lines, i + 1, match[1].length + 2);
    i = yaml.end - 1;
    while (pending.length <= nesting + 1) pending.push([]);
    const point: TapPoint = {
      name: unescape(directive ? directive[1] : match[3]),
      ok: match[2] === "ok",
      directive: directive ? (directive[2].toLowerCase() as "todo" | "skip") : undefined,
      suite: yaml.fields.get("type") === "suite",
      failureType: yaml.fields.get("failureType"),
      location: yaml.fields.get("location"),
      error: yaml.fields.get("error"),
      children: pending[nesting + 1],
    };
    pending[nesting + 1] = [];
    pending[nesting].push(point);
  }
  return pending[0];
}

/** Counts and failures of a TAP run, names and files as a person reads them. */
export function summarizeTap(text: string, cwd: string): TapSummary {
  const counts: TapCounts = { passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0 };
  const failures: TapFailure[] = [];
  const visit = (point: TapPoint, path: readonly string[]) => {
    const names = [...path, relativeTo(point.name, cwd)];
    const cancelled = point.failureType === "cancelledByParent";
    // node counts every test but not suites; a failing todo is a todo
    if (!point.suite) {
      if (point.directive === "todo") counts.todo++;
      else if (point.directive === "skip") counts.skipped++;
      else if (point.ok) counts.passed++;
      else if (cancelled) counts.cancelled++;
      else counts.failed++;
    }
    // "2 subtests failed" only repeats what its subtests' own entries say; a suite cancelled by its
    // parent lists its tests as cancelled
    const own = point.failureType !== "subtestsFailed" && !(point.suite && cancelled);
    if (!point.ok && point.directive !== "todo" && own) {
      failures.push({
        name: names.join(" › "),
        where: point.location === undefined ? undefined : whereOf(point.location, cwd),
        cancelled,
        errorLines: firstLines(point.error ?? "(no error message)"),
      });
    }
    // after the point's own failure, so that a suite's failed hook comes before the tests it cancelled
    for (const child of point.children) visit(child, names);
  };
  for (const point of parseTap(text)) visit(point, []);
  const footer = readFooter(text);
  return { counts, failures, footer: footer.counts, durationMs: footer.durationMs };
}

/** Whether the run failed: a failed or cancelled test, or a TAP that stopped before node's totals. */
export function runFailed(summary: TapSummary): boolean {
  return summary.counts.failed + summary.counts.cancelled > 0 || summary.footer === undefined;
}

/**
 * The summary as lines: counts, each failure (an error repeated from the failure before it is not
 * printed again, as when a hook cancels a whole suite), the time, and last `tests: N passed, M failed`
 * where a cancelled test counts as failed.
 */
export function formatSummary(summary: TapSummary, options: { wallMs: number; tapPath: string }): string {
  const { counts } = summary;
  const out: string[] = [];
  out.push(
    `passed ${counts.passed} · failed ${counts.failed} · cancelled ${counts.cancelled} · ` +
      `skipped ${counts.skipped} · todo ${counts.todo} · ${(options.wallMs / 1000).toFixed(1)} s`,
  );
  if (summary.failures.length > 0) out.push("", "Failures:");
  let previousError = "";
  for (const failure of summary.failures) {
    const mark = failure.cancelled ? "cancelled" : "failed";
    out.push(`  ${mark}: ${failure.name}${failure.where === undefined ? "" : `  (${failure.where})`}`);
    const error = failure.errorLines.join("\n");
    if (error !== previousError) out.push(...failure.errorLines.map((line) => `      ${line}`));
    previousError = error;
  }
  if (summary.footer === undefined) {
    out.push("", "The TAP ended before node's totals: the run stopped early (see the TAP file).");
  }
  out.push("", `Full TAP: ${options.tapPath}`);
  out.push(`tests: ${counts.passed} passed, ${counts.failed + counts.cancelled} failed`);
  return out.join("\n") + "\n";
}

/** The scalar fields of the YAML block that starts at `lines[start]` (`---` ... `...`), if any. */
function readYaml(
  lines: string[],
  start: number,
  indent: number,
): { fields: Map<string, string>; end: number } {
  const fields = new Map<string, string>();
  const pad = " ".repeat(indent);
  if (lines[start] !== `${pad}---`) return { fields, end: start };
  let i = start + 1;
  for (; i < lines.length && lines[i] !== `${pad}...`; i++) {
    const line = lines[i];
    if (!line.startsWith(pad) || line[indent] === " ") continue; // nested values, block lines
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(indent, colon);
    const value = line.slice(colon + 1).trim();
    if (value === "|-" || value === "|" || value === ">-") {
      const block: string[] = [];
      const inner = pad + "  ";
      while (i + 1 < lines.length && (lines[i + 1].startsWith(inner) || lines[i + 1].trim() === "")) {
        block.push(lines[++i].slice(inner.length));
      }
      fields.set(key, block.join("\n").trimEnd());
    } else {
      fields.set(key, unquote(value));
    }
  }
  return { fields, end: i + 1 };
}

function readFooter(text: string): {
  counts: Partial<TapCounts> | undefined;
  durationMs: number | undefined;
} {
  const counts: Partial<TapCounts> = {};
  let durationMs: number | undefined;
  let seen = false;
  for (const line of text.split(/\r?\n/)) {
    const match = FOOTER.exec(line);
    if (!match) continue;
    seen = true;
    if (match[1] === "duration_ms") durationMs = Number(match[2]);
    const key = FOOTER_KEYS[match[1]];
    if (key !== undefined) counts[key] = Number(match[2]);
  }
  return { counts: seen ? counts : undefined, durationMs };
}

/** A YAML scalar as node writes one: 'single' ('' for '), "double", or plain. */
function unquote(value: string): string {
  if (value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replaceAll("''", "'");
  if (value.startsWith('"') && value.endsWith('"')) return JSON.parse(value) as string;
  return value;
}

function firstLines(error: string): string[] {
  return error
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(0, ERROR_LINES);
}

/** node escapes `#` and `\` in test names. */
function unescape(name: string): string {
  return name.replace(/\\([#\\])/g, "$1");
}

function relativeTo(path: string, cwd: string): string {
  const prefix = cwd.endsWith("/") ? cwd : `${cwd}/`;
  const plain = path.startsWith("file://") ? path.slice("file://".length) : path;
  return plain.startsWith(prefix) ? plain.slice(prefix.length) : plain;
}

/** `/abs/dist/x.test.js:4:3` -> `dist/x.test.js:4`. */
function whereOf(location: string, cwd: string): string {
  const match = /^(.*):(\d+):\d+$/.exec(location);
  return match ? `${relativeTo(match[1], cwd)}:${match[2]}` : relativeTo(location, cwd);
}
