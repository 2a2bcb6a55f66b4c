import assert from "node:assert/strict";
import { test } from "node:test";
import { learningRate } from "./lr-schedule.js";

test("learning rate warms up linearly, then follows a cosine down to minLr", () => {
  const lr = (step: number) => learningRate(step, 1, 0.1, 10, 110);
  assert.equal(lr(1), 0.1);
  assert.equal(lr(10), 1);
  assert.ok(Math.abs(lr(60) - 0.55) < 1e-12); // half way: the cosine's midpoint
  assert.ok(Math.abs(lr(110) - 0.1) < 1e-12);
  assert.ok(lr(30) > lr(31));
});
