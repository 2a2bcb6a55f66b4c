import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { UsageError } from "../errors.js";
import { sharedPath } from "../testing/shared.js";
import { usageErrorOf, withNegativeValues } from "./flag-syntax.js";
import { GENERATION_FLAGS, MODEL_FLAGS, parseFlags } from "./flags.js";

const CLI = join(process.cwd(), "dist", "cli", "main.js");
const STORIES = sharedPath("models", "stories260K", "stories260K-f32.gguf");
const FLAGS = { ...MODEL_FLAGS, ...GENERATION_FLAGS, json: { type: "boolean" as const } };

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("withNegativeValues joins a negative number to the flag before it that takes a value", () => {
  assert.deepEqual(withNegativeValues(["--temperature", "-1", "hi"], FLAGS), ["--temperature=-1", "hi"]);
  assert.deepEqual(withNegativeValues(["-t", "-0.5"], FLAGS), ["--temperature=-0.5"]);
  for (const value of ["-.5", "-1e-3", "-2E+4", "-inf", "-Infinity", "-3."])
    assert.deepEqual(withNegativeValues(["--top-k", value], FLAGS), [`--top-k=${value}`], value);
  // not numbers, a boolean flag, and everything after "--" are left to parseArgs
  assert.deepEqual(withNegativeValues(["--stop", "-x"], FLAGS), ["--stop", "-x"]);
  assert.deepEqual(withNegativeValues(["--top-k", "-1x"], FLAGS), ["--top-k", "-1x"]);
  assert.deepEqual(withNegativeValues(["--do-sample", "-1"], FLAGS), ["--do-sample", "-1"]);
  assert.deepEqual(withNegativeValues(["--", "--seed", "-1"], FLAGS), ["--", "--seed", "-1"]);
});

test("parseFlags takes `--flag -N` as the value -N", () => {
  const { values, positionals } = parseFlags(["--seed", "-3", "-t", "-1", "--", "-2"], FLAGS);
  assert.equal(values.seed, "-3");
  assert.equal(values.temperature, "-1");
  assert.deepEqual(positionals, ["-2"]);
});

test("parseFlags' errors are UsageErrors in plain words, a typo naming the nearest flag", () => {
  const error = (args: string[]) => {
    try {
      parseFlags(args, FLAGS);
    } catch (e) {
      assert.ok(e instanceof UsageError, String(e));
      return e.message;
    }
    assert.fail(`${args.join(" ")} parsed`);
  };
  assert.equal(error(["--temprature", "1"]), "unknown option --temprature; did you mean --temperature?");
  assert.equal(error(["--top-pp=0.5"]), "unknown option --top-pp; did you mean --top-p?");
  assert.equal(error(["--frobnicate"]), "unknown option --frobnicate");
  assert.equal(error(["-x"]), "unknown option -x");
  assert.equal(error(["--temperature"]), "--temperature needs a value");
  assert.equal(error(["--json=yes"]), "--json takes no value");
  assert.equal(
    error(["--stop", "-x"]),
    '--stop needs a value (one that starts with "-" is written --stop=-VALUE)',
  );
  const other = new Error("something else");
  assert.equal(usageErrorOf(other, FLAGS), other);
});

test("a negative value gets the same error as --flag=-N, and nothing reaches stdout", () => {
  for (const [flag, short] of [
    ["--temperature", "-t"],
    ["--top-k", undefined],
    ["--max-new-tokens", "-n"],
  ] as const) {
    const joined = run(["generate", "-m", STORIES, `${flag}=-1`, "hi"]);
    assert.equal(joined.code, 2, joined.stderr);
    assert.match(joined.stderr, new RegExp(`^nextoken: ${flag} must be .*, got -1\\n$`));
    for (const spelling of [flag, short].filter((s) => s !== undefined)) {
      const separate = run(["generate", "-m", STORIES, spelling, "-1", "hi"]);
      assert.deepEqual(separate, { ...joined }, `${spelling} -1`);
      assert.equal(separate.stdout, "");
    }
  }
});

test("a valid negative value after its flag is used: --frequency-penalty -2 changes the text", () => {
  const base = ["generate", "-m", STORIES, "-n", "24", "Once upon a time"];
  const plain = run(base);
  const separate = run([...base, "--frequency-penalty", "-2"]);
  const joined = run([...base, "--frequency-penalty=-2"]);
  assert.equal(separate.code, 0, separate.stderr);
  assert.equal(separate.stdout, joined.stdout);
  assert.notEqual(separate.stdout, plain.stdout);
});

test("every refusal happens before the first byte of output: stdout stays empty", () => {
  const longPrompt = "Once upon a time ".repeat(200); // past stories260K's 512-token context
  const cases: Array<[string[], number, RegExp]> = [
    [["generate", "--top-p", "2", "hi"], 2, /--top-p must be a number in \[0, 1\], got 2/],
    [["generate", "--seed", "1.5", "hi"], 2, /--seed must be .*, got 1\.5/],
    [["generate", "--do-sample", "--min-p", "-0.1", "hi"], 2, /--min-p must be .*, got -0\.1/],
    [["generate", "--json", "--trace", "--top-p", "2", "hi"], 2, /--top-p must be/],
    [["generate", "--trace=0", "hi"], 2, /--trace must be a count of candidates >= 1, or nothing, got "0"/],
    [["generate", "--temprature", "1", "hi"], 2, /unknown option --temprature; did you mean --temperature\?/],
    [["generate", longPrompt], 1, /would hold \d+ tokens, but the model's context length is 512/],
    [["generate", "--json", longPrompt], 1, /context length is 512/],
    [["inspect", longPrompt], 1, /context length is 512/],
    [["inspect", "--top", "-1", "hi"], 2, /--top must be an integer >= 1, got "-1"/],
    [["compare", "--seed", "-1", "hi"], 2, /--seed must be an integer >= 0, got "-1"/],
    [["score", longPrompt], 1, /512/],
  ];
  for (const [args, code, message] of cases) {
    const [command, ...rest] = args;
    const result = run([command, "-m", STORIES, ...rest]);
    const what = args.join(" ").slice(0, 60);
    assert.equal(result.code, code, `${what}: ${result.stderr}`);
    assert.equal(result.stdout, "", what);
    assert.match(result.stderr, message, what);
    assert.equal(result.stderr.trimEnd().split("\n").length, 1, what);
  }
});

test("an unknown command names the nearest one", () => {
  const result = run(["genrate", "hi"]);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^nextoken: unknown command "genrate"; did you mean generate\?\n/);
});
