// A pre-tokenizer regex nextoken doesn't know is timed before it is trusted. JavaScript's regex
// engine can't be given a step limit and can't be interrupted on the thread it runs on, so the
// pattern is run over probe strings in a worker thread while this thread waits with a deadline;
// past it the worker is terminated and the pattern refused. The probes are built to trip
// catastrophic backtracking: long runs of each character the pattern names, and of the usual
// classes, each followed by something that breaks the run (`(a+)+$` on "aaaa…b" is the textbook
// case). A pattern that passes is not proven linear: it just showed no blow-up on these strings.

import { Worker } from "node:worker_threads";

/** How long the probes may take once the worker runs. A linear pattern needs a few ms for them. */
export const PROBE_BUDGET_MS = 500;
/** How long a worker may take to start (a loaded machine can be slow); not counted in the budget. */
const WORKER_START_MS = 10_000;
/** Length of each probe run: long enough that quadratic patterns take ~100 ms, not minutes. */
const RUN_LENGTH = 4096;
/** At most this many distinct characters from the pattern itself are probed (bounds probe work). */
const MAX_PATTERN_CHARS = 48;

const STARTED = 1;
const FINISHED = 2;
const FAILED = 3;

const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const state = new Int32Array(workerData.state);
const set = (v) => { Atomics.store(state, 0, v); Atomics.notify(state, 0); };
set(${STARTED});
try {
  const regex = new RegExp(workerData.pattern, "gu");
  for (const probe of workerData.probes) for (const m of probe.matchAll(regex)) void m;
  set(${FINISHED});
} catch {
  set(${FAILED});
}
`;

/** The result of timing a pattern: fast, or the probe it was still running when time ran out. */
export type ProbeResult = { fast: true } | { fast: false; reason: string };

/** Runs JS regex `pattern` ("gu" flags) over the probes in a worker; false when it's too slow. */
export function probePattern(pattern: string, budgetMs = PROBE_BUDGET_MS): ProbeResult {
  const state = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { pattern, probes: probeStrings(pattern), state: state.buffer },
    resourceLimits: { maxOldGenerationSizeMb: 64 },
  });
  worker.unref();
  worker.on("error", () => undefined); // an out-of-memory worker reports here; the state says FAILED
  try {
    Atomics.wait(state, 0, 0, WORKER_START_MS);
    if (Atomics.load(state, 0) === 0) return { fast: false, reason: "the probe worker did not start" };
    Atomics.wait(state, 0, STARTED, budgetMs);
    const outcome = Atomics.load(state, 0);
    if (outcome === FINISHED) return { fast: true };
    if (outcome === FAILED) return { fast: false, reason: "it failed on the probe strings" };
    return { fast: false, reason: `its probe strings took over ${budgetMs} ms (catastrophic backtracking)` };
  } finally {
    void worker.terminate();
  }
}

/** Runs of each probed character, alone and followed by each breaker; runs of pairs of them too. */
export function probeStrings(pattern: string): string[] {
  const fromPattern = [
    ...new Set(pattern.replace(/\\[pP]\{[^}]*\}|\\./gu, "").replace(/[[\](){}|?*+^$.-]/gu, "")),
  ];
  const chars = [...new Set([..."a A1 \n\r\t!'é中\u0301😀", ...fromPattern.slice(0, MAX_PATTERN_CHARS)])];
  const breakers = ["", "!", " ", "a", "1", "\0"];
  const probes: string[] = [];
  for (const c of chars) {
    const run = c.repeat(RUN_LENGTH);
    for (const b of breakers) probes.push(run + b);
  }
  const literal = fromPattern.slice(0, 8);
  for (const a of literal)
    for (const b of literal) if (a !== b) probes.push((a + b).repeat(RUN_LENGTH / 2) + "\0");
  return probes;
}
