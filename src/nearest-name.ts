/**
 * "Did you mean …?" for unknown flags and option keys: the candidate closest to a mistyped name,
 * or undefined when none is close enough to be a plausible typo.
 */

/**
 * Optimal string alignment distance (Damerau–Levenshtein without repeated edits of one substring):
 * insertions, deletions, substitutions and swaps of two adjacent characters each cost 1.
 */
export function editDistance(a: string, b: string): number {
  // rows i-2, i-1 and i of the (a.length+1, b.length+1) table
  let twoBack = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j], twoBack[j - 2] + 1);
      }
    }
    [twoBack, prev, row] = [prev, row, twoBack];
  }
  return prev[b.length];
}

/** Case and word separators do not count as typos: `Top_P`, `top-p` and `topP` are the same name. */
function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, "");
}

/**
 * The candidate nearest to `name`, if it is within a third of the name's length in edits (at least
 * one), so `--temprature` suggests `--temperature` but `--xyz` suggests nothing. Spelling variants
 * (case, `-`/`_`) are distance 0; ties go to the smaller raw distance, then to the earlier candidate.
 */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(name);
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  let bestRaw = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(wanted, normalize(candidate));
    if (distance > limit) continue;
    const raw = editDistance(name, candidate);
    if (distance < bestDistance || (distance === bestDistance && raw < bestRaw)) {
      best = candidate;
      bestDistance = distance;
      bestRaw = raw;
    }
  }
  return best;
}
