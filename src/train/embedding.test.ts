import assert from "node:assert/strict";
import { test } from "node:test";
import { embedBackward, embedForward } from "./embedding.js";
import { dotLoss, gradientError, randomF64 } from "./testing.js";

test("embedding backward (scatter-add over repeated tokens) matches finite differences", () => {
  const [V, dim] = [5, 3];
  const tokens = [1, 4, 1, 0];
  const table = randomF64(V * dim, 1);
  const c = randomF64(tokens.length * dim, 2);
  const x = new Float64Array(tokens.length * dim);
  const loss = () => {
    embedForward(x, table, tokens, tokens.length, dim);
    return dotLoss(c, x);
  };
  const dTable = new Float64Array(V * dim);
  embedBackward(dTable, c, tokens, tokens.length, dim);
  assert.ok(gradientError(loss, table, dTable) < 1e-6);
  assert.deepEqual(Array.from(dTable.subarray(2 * dim, 4 * dim)), [0, 0, 0, 0, 0, 0]);
});
