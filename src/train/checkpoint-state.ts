// Validation of a checkpoint's training state, field by field, before a resume trusts it: every
// number's type and range, the option set (no unknown or missing names), the RNG words and the loss
// history. A failure is a CheckpointError naming the file and the field, e.g. `state.options.lr`.
import { CheckpointError } from "./errors.js";

/** The JSON part of a checkpoint. */
export interface TrainState {
  /** Optimizer steps done. */
  step: number;
  rng: number[];
  /** Options of the run (sizes, schedule, seed…), as given to train(). */
  options: Record<string, unknown>;
  /** SHA-256 of the corpus texts, so a resume on other data is refused. */
  corpusSha256: string;
  /** (step, train loss, validation loss or null) per logged step. */
  history: [number, number, number | null][];
  /** Training wall time so far. */
  elapsedMs: number;
}

type Check = (value: unknown) => boolean;

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const positiveInteger: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 1;
const nonNegativeInteger: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;

/** Each saved option: its check and what the error says was expected. Optional ones may be absent. */
const OPTION_FIELDS: Record<string, { check: Check; expected: string; optional?: true }> = {
  layers: { check: positiveInteger, expected: "a positive integer" },
  dim: { check: positiveInteger, expected: "a positive integer" },
  heads: { check: positiveInteger, expected: "a positive integer" },
  ff: { check: positiveInteger, expected: "a positive integer", optional: true },
  context: { check: positiveInteger, expected: "a positive integer" },
  steps: { check: positiveInteger, expected: "a positive integer" },
  batch: { check: positiveInteger, expected: "a positive integer" },
  lr: { check: (v) => isNumber(v) && v > 0 && v < 1, expected: "a number in (0, 1)" },
  minLr: { check: (v) => isNumber(v) && v >= 0 && v < 1, expected: "a number in [0, 1)", optional: true },
  warmup: { check: nonNegativeInteger, expected: "an integer >= 0", optional: true },
  seed: { check: nonNegativeInteger, expected: "an integer >= 0" },
  vocab: {
    check: (v) => Number.isSafeInteger(v) && (v as number) >= 258 && (v as number) <= 65536,
    expected: "an integer in [258, 65536]",
  },
  weightDecay: { check: (v) => isNumber(v) && v >= 0, expected: "a finite number >= 0" },
  clip: { check: (v) => isNumber(v) && v > 0, expected: "a finite number > 0" },
  evalEvery: { check: positiveInteger, expected: "a positive integer" },
  evalWindows: { check: positiveInteger, expected: "a positive integer" },
  checkpointEvery: { check: positiveInteger, expected: "a positive integer" },
  dtype: { check: (v) => v === "f32" || v === "f16" || v === "bf16", expected: '"f32", "f16" or "bf16"' },
};

const STATE_FIELDS = ["step", "rng", "options", "corpusSha256", "history", "elapsedMs"];

/** `state` (parsed JSON) as a TrainState, or a CheckpointError naming `path` and the bad field. */
export function validateTrainState(path: string, state: unknown): TrainState {
  const fail = (field: string, value: unknown, expected: string): never => {
    throw new CheckpointError(
      `${path}: damaged checkpoint: ${field} must be ${expected}, got ${describe(value)}`,
      { field },
    );
  };
  if (!isObject(state)) return fail("state", state, "an object");
  // checkpoints written before it was dropped hold tokensSeen, which is step × batch × context
  delete state.tokensSeen;

  const { options } = state;
  if (!isObject(options)) return fail("state.options", options, "an object");
  // known fields first, so a renamed one is reported as the missing name, then unknown ones
  for (const [key, { check, expected, optional }] of Object.entries(OPTION_FIELDS)) {
    if (optional && options[key] === undefined) continue;
    if (!check(options[key])) fail(`state.options.${key}`, options[key], expected);
  }
  for (const key of Object.keys(options)) {
    if (!(key in OPTION_FIELDS)) fail(`state.options.${key}`, options[key], "absent (not a training option)");
  }
  if (options.minLr !== undefined && (options.minLr as number) > (options.lr as number))
    fail("state.options.minLr", options.minLr, `at most state.options.lr (${options.lr as number})`);

  const steps = options.steps as number;
  if (!nonNegativeInteger(state.step) || (state.step as number) > steps)
    fail("state.step", state.step, `an integer in [0, ${steps}] (state.options.steps)`);
  const step = state.step as number;

  const { rng } = state;
  if (!Array.isArray(rng) || rng.length !== 4)
    return fail("state.rng", rng, "4 integers in [0, 2^32), not all 0");
  rng.forEach((word, i) => {
    if (!Number.isInteger(word) || (word as number) < 0 || (word as number) > 0xffffffff)
      fail(`state.rng[${i}]`, word, "an integer in [0, 2^32)");
  });
  if (rng.every((word) => word === 0)) fail("state.rng", rng, "not all 0 (xoshiro128** would emit only 0)");

  if (typeof state.corpusSha256 !== "string" || !/^[0-9a-f]{64}$/.test(state.corpusSha256))
    fail("state.corpusSha256", state.corpusSha256, "64 lowercase hex digits");

  if (!isNumber(state.elapsedMs) || state.elapsedMs < 0)
    fail("state.elapsedMs", state.elapsedMs, "a finite number >= 0");

  const { history } = state;
  if (!Array.isArray(history))
    return fail("state.history", history, "an array of [step, loss, val loss or null]");
  let previous = 0;
  history.forEach((entry: unknown, i) => {
    const field = `state.history[${i}]`;
    if (!Array.isArray(entry) || entry.length !== 3)
      return fail(field, entry, "[step, loss, val loss or null]");
    const [at, loss, val] = entry as unknown[];
    if (!Number.isSafeInteger(at) || (at as number) <= previous || (at as number) > step)
      fail(`${field}[0]`, at, `an integer step in (${previous}, ${step}], ascending`);
    if (!isNumber(loss) || loss < 0) fail(`${field}[1]`, loss, "a finite loss >= 0");
    if (val !== null && !(isNumber(val) && val >= 0)) fail(`${field}[2]`, val, "null or a finite loss >= 0");
    previous = at as number;
  });
  for (const key of Object.keys(state))
    if (!STATE_FIELDS.includes(key)) fail(`state.${key}`, state[key], "absent (not a state field)");
  return state as unknown as TrainState;
}

/**
 * Checks the tensors against each other: params, m and v of one length, every value finite, and v
 * (the AdamW second moment, a running mean of squares) >= 0. Stops at the first bad value.
 */
export function validateMoments(path: string, params: Float32Array, m: Float32Array, v: Float32Array): void {
  for (const [name, t] of [
    ["m", m],
    ["v", v],
  ] as const) {
    if (t.length !== params.length)
      throw new CheckpointError(
        `${path}: damaged checkpoint: tensor "${name}" has ${t.length} values, "params" ${params.length}`,
        { field: name },
      );
  }
  for (const [name, t] of [
    ["params", params],
    ["m", m],
    ["v", v],
  ] as const) {
    for (let i = 0; i < t.length; i++) {
      const x = t[i];
      if (!Number.isFinite(x) || (name === "v" && x < 0)) {
        throw new CheckpointError(
          `${path}: damaged checkpoint: tensor "${name}"[${i}] must be finite${name === "v" ? " and >= 0" : ""}, got ${x}`,
          { field: name },
        );
      }
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  const text = (JSON.stringify(value) as string | undefined) ?? typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
