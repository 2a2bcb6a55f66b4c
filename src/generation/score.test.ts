import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidOptionError } from "../errors.js";
import { logSoftmax } from "./distribution.js";
import { scoreText } from "./score.js";
import { TableModel } from "./table-model.js";

const V = 4;
const table = Float32Array.from({ length: V ** 3 }, (_, i) => Math.sin(i) * 2);

test("scoreText gives each token's log-probability, surprisal and perplexity from one forward", () => {
  const model = new TableModel(table, V);
  const ids = [1, 2, 3, 0, 2];
  const result = scoreText(model, ids);
  assert.equal(model.counters.forwardCalls, 1);
  assert.equal(result.scores.length, 4);
  for (const s of result.scores) {
    const expected = logSoftmax(model.logitsAfter(ids.slice(0, s.position)))[s.token];
    assert.ok(Math.abs(s.logprob - expected) < 1e-6);
    assert.ok(Math.abs(s.surprisalBits - -expected / Math.LN2) < 1e-6);
    assert.ok(s.rank >= 1 && s.rank <= V);
  }
  const mean = result.scores.reduce((t, s) => t + s.surprisalNats, 0) / 4;
  assert.ok(Math.abs(result.perplexity - Math.exp(mean)) < 1e-9);
  assert.ok(Math.abs(result.bitsPerToken - mean / Math.LN2) < 1e-9);
  assert.equal(model.counters.liveSessions, 0);
});

test("scoreText needs two tokens and a tokenizer for text", () => {
  const model = new TableModel(table, V);
  assert.throws(() => scoreText(model, [1]), InvalidOptionError);
  assert.throws(() => scoreText(model, "hi"), InvalidOptionError);
});
