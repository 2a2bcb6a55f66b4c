// The merge loop shared by both BPE flavours: symbols in a doubly linked list, candidate pairs in a
// binary heap, so a word of n symbols costs O(n log n) instead of the O(n^2) of rescanning for the best
// pair after every merge (what llama2.c run.c does). Same strategy as sentencepiece bpe_model.cc and
// llama.cpp's llm_tokenizer_spm: best pair first, the leftmost one on ties, stale pairs skipped on pop.

/** Rank of merging `left` and `right` into one symbol (lower merges first), or undefined if they can't. */
export type PairRank = (left: string, right: string) => number | undefined;

interface Candidate {
  readonly rank: number;
  readonly left: number;
  readonly right: number;
  /** left.length + right.length when queued: texts only grow, so a mismatch means a stale pair. */
  readonly size: number;
}

/** Merges adjacent symbols until no pair has a rank; `frozen` symbols never merge (user-defined pieces). */
export function mergeSymbols(symbols: string[], rankOf: PairRank, frozen?: readonly boolean[]): string[] {
  const n = symbols.length;
  if (n < 2) return symbols;
  const text = symbols.slice();
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  const heap = new CandidateHeap();
  const consider = (left: number, right: number): void => {
    if (left < 0 || right < 0 || frozen?.[left] === true || frozen?.[right] === true) return;
    const rank = rankOf(text[left], text[right]);
    if (rank !== undefined) heap.push({ rank, left, right, size: text[left].length + text[right].length });
  };
  for (let i = 0; i + 1 < n; i++) consider(i, i + 1);

  for (let top = heap.pop(); top !== undefined; top = heap.pop()) {
    const { left, right, size } = top;
    if (next[left] !== right || text[left].length + text[right].length !== size) continue;
    text[left] += text[right];
    text[right] = "";
    next[left] = next[right];
    if (next[right] >= 0) prev[next[right]] = left;
    prev[right] = -1;
    next[right] = -1;
    consider(prev[left], left);
    consider(left, next[left]);
  }

  const out: string[] = [];
  for (let i = 0; i >= 0; i = next[i]) out.push(text[i]);
  return out;
}

/** Min-heap on (rank, left): the best pair, leftmost on ties. */
class CandidateHeap {
  private readonly items: Candidate[] = [];

  push(item: Candidate): void {
    const items = this.items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, items[parent])) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = item;
  }

  pop(): Candidate | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= items.length) break;
      const r = l + 1;
      const child = r < items.length && before(items[r], items[l]) ? r : l;
      if (!before(items[child], last)) break;
      items[i] = items[child];
      i = child;
    }
    items[i] = last;
    return top;
  }
}

function before(a: Candidate, b: Candidate): boolean {
  return a.rank < b.rank || (a.rank === b.rank && a.left < b.left);
}
