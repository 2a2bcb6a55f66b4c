// What the CLI says about what ran: the effective settings in --trace, --greedy, the context-cut
// note, raw token text in JSON, and help that matches the built-in model. The real binary, piped.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { EffectiveSettings } from "../generation/settings.js";
import { resolveSettings } from "../generation/settings.js";
import { sharedPath } from "../testing/shared.js";
import type { InspectReport } from "./inspect.js";
import type { ScoreReport } from "./score.js";
import { settingsHeader } from "./settings-header.js";

const CLI = join(process.cwd(), "dist", "cli", "main.js");
const STORIES = sharedPath("models", "stories260K", "stories260K-f32.gguf");

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface TraceLines {
  head: { options: { seed: number }; settings: EffectiveSettings };
  tokens: number[];
  done: { finishReason: string; tokens: number };
}

/** `generate --trace` piped: JSON lines (head, one per step, done). */
function trace(args: string[]): TraceLines {
  const { code, stdout, stderr } = run(["generate", "--trace", ...args]);
  assert.equal(code, 0, stderr);
  const lines = stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    head: lines[0] as unknown as TraceLines["head"],
    tokens: lines.slice(1, -1).map((step) => step.token as number),
    done: lines[lines.length - 1] as unknown as TraceLines["done"],
  };
}

test("--trace starts with the effective settings and their sources; the drawn seed repeats the run", () => {
  const first = trace(["-n", "12", "--top-k", "20", "And God said"]);
  const { knobs, strategy } = first.head.settings;
  assert.equal(strategy, "sampling", "the built-in model's generation config samples");
  assert.deepEqual([knobs.doSample?.value, knobs.doSample?.source], [true, "generation_config"]);
  assert.deepEqual([knobs.temperature?.value, knobs.temperature?.source], [0.8, "generation_config"]);
  assert.deepEqual([knobs.topK?.value, knobs.topK?.source], [20, "flag"]);
  assert.deepEqual([knobs.maxNewTokens?.value, knobs.maxNewTokens?.source], [12, "flag"]);
  assert.equal(knobs.seed?.source, "random");
  const seed = knobs.seed?.value as number;
  assert.equal(first.head.options.seed, seed);
  const again = trace(["-n", "12", "--top-k", "20", "--seed", String(seed), "And God said"]);
  assert.deepEqual(again.tokens, first.tokens, "the seed shown reproduces the run");
  assert.equal(again.head.settings.knobs.seed?.source, "flag");
});

test("--greedy and --no-sample force greedy over the model's config; the same command repeats itself", () => {
  const greedy = trace(["-n", "10", "--greedy", "And God said"]);
  assert.equal(greedy.head.settings.strategy, "greedy");
  assert.deepEqual(
    [greedy.head.settings.knobs.doSample?.value, greedy.head.settings.knobs.doSample?.source],
    [false, "flag"],
  );
  assert.equal(greedy.head.settings.knobs.temperature?.applied, false);
  assert.deepEqual(trace(["-n", "10", "--greedy", "And God said"]).tokens, greedy.tokens);
  assert.deepEqual(trace(["-n", "10", "--no-sample", "And God said"]).tokens, greedy.tokens);
  assert.deepEqual(trace(["-n", "10", "-t", "0", "And God said"]).tokens, greedy.tokens);
  // without it the model samples: two seeds give two different continuations here
  const a = trace(["-n", "10", "--seed", "1", "And God said"]).tokens;
  const b = trace(["-n", "10", "--seed", "2", "And God said"]).tokens;
  assert.notDeepEqual(a, b);
  const text = run(["generate", "-n", "10", "--greedy", "And God said"]);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(run(["generate", "-n", "10", "--greedy", "And God said"]).stdout, text.stdout);
});

test("--greedy with --temperature above 0 or --do-sample is a usage error naming both", () => {
  const hot = run(["generate", "--greedy", "-t", "0.7", "hi"]);
  assert.equal(hot.code, 2);
  assert.match(hot.stderr, /^nextoken: --temperature must be 0 or left out with --greedy .*got 0\.7\n$/);
  const both = run(["generate", "--no-sample", "--do-sample", "hi"]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--do-sample must be left out with --no-sample/);
  assert.equal(hot.stdout + both.stdout, "", "nothing is generated");
});

test("a run cut by the context says so on stderr and finishes with reason context", () => {
  // the built-in model's context is 128 tokens
  const cut = run(["generate", "-n", "200", "--greedy", "And God said"]);
  assert.equal(cut.code, 0, cut.stderr);
  const note =
    /^nextoken: stopped at the context limit: (\d+) new tokens \(model context 128, prompt (\d+) tokens; 200 were asked for\)$/m.exec(
      cut.stderr,
    );
  assert.ok(note, cut.stderr);
  assert.equal(Number(note[1]) + Number(note[2]), 128);
  const traced = trace(["-n", "200", "--greedy", "And God said"]);
  assert.equal(traced.done.finishReason, "context");
  assert.equal(traced.done.tokens, Number(note[1]));
  const short = run(["generate", "-n", "5", "--greedy", "And God said"]);
  assert.ok(!short.stderr.includes("context limit"), "a run that ends on its budget has no note");
});

test("score --json and inspect --json keep the token text raw; the tables show it visibly", () => {
  const score = run(["score", "--model", STORIES, "--json", "Once upon a time"]);
  assert.equal(score.code, 0, score.stderr);
  const report = JSON.parse(score.stdout) as ScoreReport;
  assert.equal(report.scores[0].text, " Once");
  for (const s of report.scores) {
    assert.equal(s.text, Buffer.from(s.bytes).toString("utf8"));
    assert.ok(!s.text.includes("·"));
  }
  assert.match(run(["score", "--model", STORIES, "Once upon a time"]).stdout, /·Once/);
  const inspect = run(["inspect", "--model", STORIES, "--json", "--top", "50", "Once upon a"]);
  assert.equal(inspect.code, 0, inspect.stderr);
  const candidates = (JSON.parse(inspect.stdout) as InspectReport).candidates;
  const time = candidates.find((c) => c.text === " time");
  assert.ok(time, "a candidate ' time' with its space");
  assert.ok(candidates.every((c) => !c.text.includes("·")));
  assert.match(run(["inspect", "--model", STORIES, "--top", "50", "Once upon a"]).stdout, /·time/);
});

test("help says what the code does: temperature 0 is greedy, --greedy exists, the built-in model samples", () => {
  const help = run(["help"]).stdout;
  assert.ok(!help.includes("> 0 (0 = greedy)"), "the self-contradicting line is gone");
  assert.match(help, /-t, --temperature T\s+divide the logits by T when sampling; 0 = greedy/);
  assert.match(help, /--greedy, --no-sample/);
  const config = JSON.parse(
    readFileSync(join("models", "default", "generation_config.json"), "utf8"),
  ) as Record<string, number | boolean>;
  assert.equal(config.do_sample, true);
  const said = /the built-in model samples \(([^)]*)\)/.exec(help.replace(/\s+/g, " "))?.[1];
  assert.equal(
    said,
    `temperature ${config.temperature}, top-k ${config.top_k}, top-p ${config.top_p}, ` +
      `repetition penalty ${config.repetition_penalty}, ${config.max_new_tokens} new tokens`,
  );
});

test("the terminal header lists what applied with its source and what did not apply", () => {
  const config = { doSample: true, temperature: 0.8, topK: 40, topP: 0.95, repetitionPenalty: 1.1 };
  const sampled = settingsHeader(
    resolveSettings({ maxNewTokens: 5 }, config, { explicitSource: "flag" }).settings,
    false,
  );
  assert.match(sampled, /^decoding: sampling \(do_sample true: generation_config\)\n/);
  assert.match(sampled, /^ {2}--temperature\s+0\.8\s+generation_config$/m);
  assert.match(sampled, /^ {2}--max-new-tokens\s+5\s+flag$/m);
  assert.match(sampled, /^ {2}--seed\s+(\d+)\s+random \(add --seed \1 to repeat this run\)$/m);
  assert.ok(!sampled.includes("--min-p"), "a default that does nothing is not listed");
  const greedy = settingsHeader(
    resolveSettings({ doSample: false }, config, { explicitSource: "flag" }).settings,
    false,
  );
  assert.match(greedy, /^decoding: greedy \(do_sample false: flag\)\n/);
  assert.match(greedy, /^ {2}--repetition-penalty\s+1\.1\s+generation_config$/m);
  assert.match(greedy, /not applied: --temperature 0\.8 \(generation_config; not sampling\)/);
  assert.ok(!greedy.includes("--seed"), "greedy draws nothing, so no seed is shown");
  assert.ok(
    settingsHeader(resolveSettings({}, config).settings, true).includes("\x1b["),
    "coloured on a terminal",
  );
});
