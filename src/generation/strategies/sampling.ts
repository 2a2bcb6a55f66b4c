// Multinomial sampling: a draw from softmax of the processed scores (HF `_sample` with do_sample),
// by inverse CDF with one uniform from the seeded generator, recorded as the step's `coin`.
import { softmax } from "../distribution.js";
import { sampleFrom } from "../select.js";
import type { Selector } from "./common.js";

/** Samples a token from softmax(processed) with one uniform draw. */
export const sampling: Selector = (processed, random) => {
  const coin = random();
  return { token: sampleFrom(softmax(processed), coin), coin };
};
