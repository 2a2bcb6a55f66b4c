import assert from "node:assert/strict";
import { test } from "node:test";
import { logitsOf, noHistory } from "./testing.js";
import { rankOf, runProcessorsTraced, stepTrace, topCandidates, traceTopCount } from "./trace.js";
import type { NamedProcessor } from "./types.js";

test("traceTopCount: off, true = 10, or the number", () => {
  assert.equal(traceTopCount(undefined), 0);
  assert.equal(traceTopCount(false), 0);
  assert.equal(traceTopCount(true), 10);
  assert.equal(traceTopCount(3), 3);
});

test("rankOf is 1-based with ties ordered by id", () => {
  const scores = logitsOf([1, 3, 3, null]);
  assert.deepEqual(
    [0, 1, 2, 3].map((id) => rankOf(scores, id)),
    [3, 1, 2, 4],
  );
});

test("a stage records its top, kept count, removed mass and entropy", () => {
  const dropLast: NamedProcessor = {
    name: "drop_last",
    apply: (logits) => logits.map((v, i) => (i === logits.length - 1 ? -Infinity : v)),
  };
  const raw = logitsOf([Math.log(0.5), Math.log(0.25), Math.log(0.25)]);
  const traced = runProcessorsTraced(raw, [dropLast], noHistory, 5);
  const [stage] = traced.stages;
  assert.equal(stage.kept, 2);
  assert.ok(Math.abs(stage.removedMass - 0.25) < 1e-6);
  assert.deepEqual(
    stage.top.map((c) => c.id),
    [0, 1],
  );
  assert.ok(Math.abs(stage.top[0].prob - 2 / 3) < 1e-6);
  const h = -(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3);
  assert.ok(Math.abs(stage.entropy - h) < 1e-6);
  const trace = stepTrace(traced, 1, 2);
  assert.equal(trace.rawRank, 2);
  assert.equal(trace.processedRank, 2);
  assert.deepEqual(
    trace.rawTop.map((c) => c.id),
    [0, 1],
  );
  assert.equal(topCandidates(logitsOf([null, 0]), 5).length, 1, "removed tokens are not candidates");
});
