import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../errors.js";
import { compactSettings, resolveSettings } from "./settings.js";

const CONFIG = { doSample: true, temperature: 0.8, topK: 40, topP: 0.95, repetitionPenalty: 1.1 };

test("resolveSettings: each knob's value and source, the caller's first, then the model's, then defaults", () => {
  const { settings, resolved } = resolveSettings({ topK: 5, maxNewTokens: 9 }, CONFIG, {
    explicitSource: "flag",
  });
  const { knobs } = settings;
  assert.equal(settings.strategy, "sampling");
  assert.deepEqual(knobs.topK, { value: 5, source: "flag", applied: true, neutral: false });
  assert.deepEqual([knobs.temperature?.value, knobs.temperature?.source], [0.8, "generation_config"]);
  assert.deepEqual([knobs.doSample?.value, knobs.doSample?.source], [true, "generation_config"]);
  assert.deepEqual([knobs.maxNewTokens?.value, knobs.maxNewTokens?.source], [9, "flag"]);
  assert.deepEqual(knobs.minP, { value: 0, source: "default", applied: true, neutral: true });
  assert.equal(knobs.maxLength, undefined, "maxLength only when the caller bounds by it");
  assert.equal(resolved.topK, 5);
  assert.equal(resolveSettings({}, CONFIG).settings.knobs.topK?.source, "generation_config");
  assert.equal(resolveSettings({ topK: 5 }, CONFIG).settings.knobs.topK?.source, "option");
});

test("resolveSettings: overrides win over the model's config, fallbacks lose to it", () => {
  const layers = {
    explicitSource: "request" as const,
    overrides: { doSample: true },
    fallbacks: { topK: 0 },
  };
  const greedyConfig = { doSample: false, topK: 7 };
  const { settings, options } = resolveSettings({ temperature: 0.5 }, greedyConfig, layers);
  assert.deepEqual([settings.knobs.doSample?.value, settings.knobs.doSample?.source], [true, "default"]);
  assert.deepEqual([settings.knobs.topK?.value, settings.knobs.topK?.source], [7, "generation_config"]);
  assert.equal(options.topK, undefined, "the model's value is left for generate() to apply");
  const bare = resolveSettings({}, {}, layers);
  assert.deepEqual([bare.settings.knobs.topK?.value, bare.settings.knobs.topK?.source], [0, "default"]);
  assert.equal(bare.options.topK, 0, "the fallback replaces the engine's top-k 50");
  assert.equal(resolveSettings({}, {}).settings.knobs.topK?.value, 50);
});

test("resolveSettings: temperature 0 makes the run greedy and doSample's source is the temperature's", () => {
  const { settings } = resolveSettings({ temperature: 0 }, CONFIG, { explicitSource: "flag" });
  assert.equal(settings.strategy, "greedy");
  assert.deepEqual([settings.knobs.doSample?.value, settings.knobs.doSample?.source], [false, "flag"]);
  assert.deepEqual(
    [settings.knobs.topP?.applied, settings.knobs.topP?.ignoredBecause, settings.knobs.topP?.source],
    [false, "not sampling", "generation_config"],
  );
  assert.equal(settings.knobs.repetitionPenalty?.applied, true, "penalties run in every strategy");
  assert.equal(resolveSettings({ numBeams: 2 }, {}).settings.strategy, "beam search");
  assert.equal(resolveSettings({ numBeams: 2 }, CONFIG).settings.strategy, "beam sampling");
  assert.equal(resolveSettings({}, {}).settings.knobs.lengthPenalty?.ignoredBecause, "one beam");
});

test("resolveSettings draws a seed when none is given and reports it as random", () => {
  const a = resolveSettings({}, CONFIG);
  const b = resolveSettings({}, CONFIG);
  assert.equal(a.settings.knobs.seed?.source, "random");
  assert.ok(Number.isSafeInteger(a.options.seed));
  assert.notEqual(a.options.seed, b.options.seed, "two draws differ (2^-53 chance of a clash)");
  assert.equal(a.settings.knobs.seed?.value, a.options.seed, "the seed reported is the one passed on");
  assert.deepEqual(
    [
      resolveSettings({ seed: 3 }, CONFIG).settings.knobs.seed?.source,
      resolveSettings({ seed: 3 }).options.seed,
    ],
    ["option", 3],
  );
});

test("resolveSettings validates as resolveOptions does", () => {
  assert.throws(() => resolveSettings({ topP: 2 }, CONFIG), InvalidOptionError);
});

test("compactSettings: one line of JSON with the knobs that applied, as [value, source]", () => {
  const { settings } = resolveSettings({ temperature: 0, seed: 1 }, CONFIG, { explicitSource: "request" });
  const header = compactSettings(settings);
  assert.ok(!header.includes(" ") && !header.includes("\n"));
  const parsed = JSON.parse(header) as Record<string, unknown>;
  assert.equal(parsed.strategy, "greedy");
  assert.deepEqual(parsed.do_sample, [false, "request"]);
  assert.deepEqual(parsed.repetition_penalty, [1.1, "generation_config"]);
  assert.equal(parsed.top_p, undefined, "greedy ignores top_p, so it is not reported as applied");
  assert.equal(parsed.seed, undefined);
  const renamed = JSON.parse(
    compactSettings(settings, (k) => (k === "maxNewTokens" ? "max_tokens" : k)),
  ) as Record<string, unknown>;
  assert.deepEqual(renamed.max_tokens, [256, "default"]);
});
