import { test } from "node:test";
import { softmax } from "../distribution.js";
import { assertClose, logitsOf, noHistory } from "../testing.js";
import { renormalize } from "./renormalize.js";

test("renormalize turns logits into log-probabilities and keeps -Infinity", () => {
  const out = renormalize()(logitsOf([1, 1, null]), noHistory);
  assertClose(out, [Math.log(0.5), Math.log(0.5), null]);
  assertClose(softmax(out), [0.5, 0.5, 0]);
});
