import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { sharedPath } from "../testing/shared.js";
import { DEFAULT_COLUMNS, terminalColumns } from "./terminal-width.js";
import { displayWidth, truncateToWidth, wrapLine, wrapText } from "./text-width.js";

const CLI = join(process.cwd(), "dist", "cli", "main.js");
const GOLDEN = sharedPath("golden", "models", "llama.gguf");
const STORIES = sharedPath("models", "stories260K", "stories260K-f32.gguf");

function run(args: string[], columns: string | undefined): string {
  const env = { ...process.env, COLUMNS: columns };
  if (columns === undefined) delete env.COLUMNS;
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env, timeout: 120_000 });
  assert.equal(result.status, 0, `${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

function widest(text: string): number {
  return Math.max(...text.split("\n").map(displayWidth));
}

test("terminalColumns: the terminal's own count, else $COLUMNS, else 80", () => {
  assert.equal(terminalColumns({ isTTY: true, columns: 132 }, { COLUMNS: "50" }), 132);
  assert.equal(terminalColumns({ isTTY: false }, { COLUMNS: "50" }), 50);
  assert.equal(terminalColumns({}, {}), DEFAULT_COLUMNS);
  for (const bad of ["", "0", "-3", "wide", "1.5"])
    assert.equal(terminalColumns({}, { COLUMNS: bad }), 80, bad);
});

test("displayWidth counts wide characters and emoji as 2, combining marks and colour codes as 0", () => {
  assert.equal(displayWidth("abc"), 3);
  assert.equal(displayWidth("漢字"), 4);
  assert.equal(displayWidth("한국어"), 6);
  assert.equal(displayWidth("😀!"), 3);
  assert.equal(displayWidth("e\u0301"), 1);
  assert.equal(displayWidth("\x1b[1mbold\x1b[0m"), 4);
});

test("truncateToWidth cuts to the width with an ellipsis, never splitting a wide character", () => {
  assert.equal(truncateToWidth("hello world", 20), "hello world");
  assert.equal(truncateToWidth("hello world", 6), "hello…");
  assert.equal(truncateToWidth("漢字漢字", 6), "漢字…");
  assert.equal(truncateToWidth("漢字漢字", 5), "漢字…");
  assert.equal(displayWidth(truncateToWidth("😀😀😀😀", 5)), 5);
  assert.equal(truncateToWidth("\x1b[1mhello world\x1b[0m", 6), "\x1b[1mhello…\x1b[0m");
});

test("wrapLine breaks at spaces, then commas, then anywhere, hanging under the description", () => {
  assert.deepEqual(wrapLine("  --top-p P   keep the smallest set of tokens", 30), [
    "  --top-p P   keep the",
    "              smallest set of",
    "              tokens",
  ]);
  assert.deepEqual(wrapLine('defaults  {"a":1,"b":2,"c":3}', 20, 10), [
    'defaults  {"a":1,',
    '          "b":2,',
    '          "c":3}',
  ]);
  assert.deepEqual(wrapLine("abcdefghij", 4, 0), ["abcd", "efgh", "ij"]);
  for (const line of wrapText("漢字 ".repeat(30), 11).split("\n")) assert.ok(displayWidth(line) <= 11, line);
});

test("help, info, inspect, compare and score fit COLUMNS=100 and COLUMNS=60, on the built-in and golden models", () => {
  const commands: string[][] = [
    ["help"],
    ["serve", "--help"],
    ["info"],
    ["info", "-m", GOLDEN],
    ["info", "-m", STORIES],
    [
      "inspect",
      "--do-sample",
      "--top-k",
      "40",
      "--top-p",
      "0.9",
      "--min-p",
      "0.05",
      "--repetition-penalty",
      "1.2",
      "Once upon a time",
    ],
    ["inspect", "-m", GOLDEN, "--do-sample", "--temperature", "0.8", "--top-k", "5", "Once"],
    ["compare", "-n", "12", "--samples", "2", "Once upon a time"],
    ["compare", "-m", STORIES, "-n", "12", "--samples", "1", "Once upon a time"],
    ["score", "Once upon a time, in the land of Egypt"],
  ];
  for (const args of commands) {
    const wide = run(args, "100");
    const narrow = run(args, "60");
    assert.ok(widest(wide) <= 100, `${args.join(" ")} at 100: ${widest(wide)}`);
    assert.ok(widest(narrow) <= 60, `${args.join(" ")} at 60: ${widest(narrow)}`);
  }
  // the width is used, not just a fixed narrow layout: at 100 the help has lines past 60, and
  // without COLUMNS (piped) it is 80
  assert.ok(widest(run(["help"], "100")) > 80);
  const piped = widest(run(["help"], undefined));
  assert.ok(piped <= 80 && piped > 60, String(piped));
});
