/**
 * Effective decoding settings: the value of each decoding knob and where it came from, so that the
 * CLI's --trace header and the server's X-Nextoken-Settings header say what ran. Resolved in one
 * place from layers, highest precedence first: the caller's options (a CLI flag, a library option,
 * an HTTP request field), a front end's own overrides, the model's generation config, the front
 * end's fallbacks, then the engine defaults of options.ts. A seed nobody gave is drawn here, so a
 * sampled run can be repeated with it.
 */
import { resolveOptions, type ResolvedOptions } from "./options.js";
import { randomSeed } from "./rng.js";
import type { GenerationOptions } from "./types.js";

/** Where a value came from. "random": a seed drawn because none was given. */
export type SettingSource = "flag" | "option" | "request" | "generation_config" | "default" | "random";

/** The knobs reported, in display order. */
export const SETTING_KNOBS = [
  "doSample",
  "numBeams",
  "temperature",
  "topK",
  "topP",
  "minP",
  "typicalP",
  "epsilonCutoff",
  "etaCutoff",
  "repetitionPenalty",
  "frequencyPenalty",
  "presencePenalty",
  "noRepeatNgramSize",
  "lengthPenalty",
  "earlyStopping",
  "numReturnSequences",
  "maxNewTokens",
  "maxLength",
  "minNewTokens",
  "minLength",
  "samplerOrder",
  "seed",
] as const satisfies ReadonlyArray<keyof GenerationOptions>;

export type SettingKnob = (typeof SETTING_KNOBS)[number];

export interface Setting {
  value: ResolvedOptions[SettingKnob];
  source: SettingSource;
  /** False when the strategy ignores it: a sampling knob while greedy, a beam knob with one beam. */
  applied: boolean;
  /** Why it is not applied. */
  ignoredBecause?: "not sampling" | "one beam";
  /** True when the value changes nothing even if applied (top_p 1, repetition_penalty 1, ...). */
  neutral: boolean;
}

export type Strategy = "greedy" | "sampling" | "beam search" | "beam sampling";

export interface EffectiveSettings {
  strategy: Strategy;
  /** Every knob of SETTING_KNOBS that has a value (maxLength only when the caller bounds by it). */
  knobs: Partial<Record<SettingKnob, Setting>>;
}

/** The layers of resolveSettings, besides the caller's options and the model's generation config. */
export interface SettingLayers {
  /** What the caller's options are called in reports (default "option"). */
  explicitSource?: "flag" | "option" | "request";
  /** A front end's defaults that win over the model's (the server samples unless temperature is 0). */
  overrides?: GenerationOptions;
  /** A front end's defaults under the model's (the server's top_k is 0, not the engine's 50). */
  fallbacks?: GenerationOptions;
}

export interface ResolvedSettings {
  /** Validated effective options (eosTokenIds etc. resolved as generate() resolves them). */
  resolved: ResolvedOptions;
  /** Options to pass to generate()/stream() for exactly this run: the caller's, the layers', the seed. */
  options: GenerationOptions;
  settings: EffectiveSettings;
}

// Sampling-only knobs: the warpers, and the seed that feeds the draws.
const SAMPLING_KNOBS: ReadonlySet<SettingKnob> = new Set([
  "temperature",
  "topK",
  "topP",
  "minP",
  "typicalP",
  "epsilonCutoff",
  "etaCutoff",
  "seed",
]);
const BEAM_KNOBS: ReadonlySet<SettingKnob> = new Set(["lengthPenalty", "earlyStopping"]);

// Values at which a knob does nothing (pipeline.ts skips the processor).
const NEUTRAL: Partial<Record<SettingKnob, unknown>> = {
  temperature: 1,
  topK: 0,
  topP: 1,
  minP: 0,
  typicalP: 1,
  epsilonCutoff: 0,
  etaCutoff: 0,
  repetitionPenalty: 1,
  frequencyPenalty: 0,
  presencePenalty: 0,
  noRepeatNgramSize: 0,
  minNewTokens: 0,
  minLength: 0,
  numReturnSequences: 1,
  numBeams: 1,
  samplerOrder: "hf", // the default order, not a change
};

/**
 * Resolves `explicit` over the layers and the model's `generationConfig` as generate() would, and
 * reports each knob's value and source. Throws InvalidOptionError as resolveOptions does.
 */
export function resolveSettings(
  explicit: GenerationOptions,
  generationConfig: GenerationOptions = {},
  layers: SettingLayers = {},
): ResolvedSettings {
  const given = definedOnly(explicit);
  const config = definedOnly(generationConfig);
  delete config.maxLength; // resolveOptions ignores a model's max_length
  const overrides = definedOnly(layers.overrides ?? {});
  const fallbacks = definedOnly(layers.fallbacks ?? {});
  const explicitSource = layers.explicitSource ?? "option";
  const sourceOf = (key: keyof GenerationOptions): SettingSource =>
    key in given
      ? explicitSource
      : key in overrides
        ? "default"
        : key in config
          ? "generation_config"
          : "default";

  const seedGiven = given.seed ?? overrides.seed ?? config.seed ?? fallbacks.seed;
  const seed = seedGiven ?? randomSeed();
  const fallbackOnly = Object.fromEntries(Object.entries(fallbacks).filter(([key]) => !(key in config)));
  const options: GenerationOptions = { ...fallbackOnly, ...overrides, ...given, seed };
  const resolved = resolveOptions(options, generationConfig);

  const knobs: Partial<Record<SettingKnob, Setting>> = {};
  for (const knob of SETTING_KNOBS) {
    const value = resolved[knob];
    if (value === undefined) continue;
    let source = sourceOf(knob);
    if (knob === "seed" && seedGiven === undefined) source = "random";
    // temperature 0 turns sampling off, whoever asked for sampling
    if (knob === "doSample" && resolved.temperature === 0) source = sourceOf("temperature");
    const ignoredBecause =
      SAMPLING_KNOBS.has(knob) && !resolved.doSample
        ? "not sampling"
        : BEAM_KNOBS.has(knob) && resolved.numBeams === 1
          ? "one beam"
          : undefined;
    const neutral = knob in NEUTRAL && NEUTRAL[knob] === value;
    knobs[knob] = { value, source, applied: ignoredBecause === undefined, neutral };
    if (ignoredBecause !== undefined) knobs[knob].ignoredBecause = ignoredBecause;
  }
  return { resolved, options, settings: { strategy: strategyOf(resolved), knobs } };
}

function strategyOf(o: ResolvedOptions): Strategy {
  if (o.numBeams > 1) return o.doSample ? "beam sampling" : "beam search";
  return o.doSample ? "sampling" : "greedy";
}

/** The knob's name as written in generation_config.json and HTTP requests (topK → top_k). */
export function snakeCase(knob: string): string {
  return knob.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * The settings that applied, as compact JSON for a response header:
 * {"strategy":"sampling","temperature":[0.8,"generation_config"],...}, knobs by their snake_case
 * names (or `nameOf`), each as [value, source]; knobs the strategy ignores are left out.
 */
export function compactSettings(
  settings: EffectiveSettings,
  nameOf: (knob: string) => string = snakeCase,
): string {
  const out: Record<string, unknown> = { strategy: settings.strategy };
  for (const [knob, setting] of Object.entries(settings.knobs)) {
    if (setting.applied) out[nameOf(knob)] = [setting.value, setting.source];
  }
  return JSON.stringify(out);
}

function definedOnly(options: GenerationOptions): GenerationOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
