// Step's draws: the engine's seeded generator (../../src/generation/rng), so a seed means the same
// thing in the page as in generate().
import { createRng } from "../../src/generation/rng.js";

/** The uniform draw of step `index` (0-based) of a run seeded with `seed`. */
export function coinAt(seed: number, index: number): number {
  const rng = createRng(seed);
  let coin = rng.next();
  for (let i = 0; i < index; i++) coin = rng.next();
  return coin;
}
