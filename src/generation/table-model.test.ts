import assert from "node:assert/strict";
import { test } from "node:test";
import { ContextOverflowError, DisposedError, InvalidOptionError } from "../errors.js";
import { TableModel } from "./table-model.js";

const V = 3;
const table = Float32Array.from({ length: V ** 3 }, (_, i) => i);

test("logits come from table[ids[-2]][ids[-1]]", () => {
  const model = new TableModel(table, V);
  const session = model.newSession();
  assert.deepEqual(Array.from(session.forward([2, 1])), [21, 22, 23]);
  assert.deepEqual(Array.from(session.forward([0])), [9, 10, 11]);
  assert.equal(session.position, 3);
});

test("allLogits returns one row per new position; a prefill equals single steps", () => {
  const model = new TableModel(table, V);
  const all = model.newSession().forward([1, 2, 0], { allLogits: true });
  const one = model.newSession();
  const rows = [one.forward([1]), one.forward([2]), one.forward([0])];
  assert.deepEqual(
    Array.from(all),
    rows.flatMap((r) => Array.from(r)),
  );
});

test("fork is independent, rewind drops tokens, calls are counted", () => {
  const model = new TableModel(table, V);
  const a = model.newSession();
  a.forward([1, 2]);
  const b = a.fork();
  b.forward([0]);
  assert.equal(a.position, 2);
  assert.equal(b.position, 3);
  b.rewind(2);
  assert.deepEqual(Array.from(b.forward([1])), Array.from(a.forward([1])));
  assert.deepEqual(model.counters, { forwardCalls: 4, tokensFed: 5, forks: 1, liveSessions: 2 });
  a.dispose();
  b.dispose();
  assert.equal(model.counters.liveSessions, 0);
  assert.throws(() => a.forward([0]), DisposedError);
});

test("bad tables, tokens and overflow are rejected", () => {
  assert.throws(() => new TableModel(new Float32Array(5), V), InvalidOptionError);
  const model = new TableModel(table, V, { contextLength: 2 });
  assert.throws(() => model.newSession().forward([3]), InvalidOptionError);
  assert.throws(() => model.newSession().forward([0, 1, 2]), ContextOverflowError);
});
