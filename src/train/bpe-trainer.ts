import { BYTE_TO_CHAR } from "../tokenizers/byte-level-bpe.js";
import { GPT2_PATTERN, pretokenize } from "../tokenizers/pretokenizer.js";
import { utf8 } from "../tokenizers/token-type.js";

/**
 * Byte-level BPE training (Sennrich et al. 2016, arxiv.org/abs/1508.07909; GPT-2's byte-level
 * variant): the text is cut into words by GPT-2's regex, each word starts as its UTF-8 bytes, and the
 * most frequent adjacent pair (counted over all words, weighted by word frequency) is merged into a
 * new symbol until the vocabulary is full. Ties go to the pair of lower symbol ids, so training is
 * deterministic. The 256 bytes come first (ids 0..255, in byte order), then merges, then specials.
 */

export interface TrainedBpe {
  /** Byte-level pieces by id ("Ġthe"), specials last. */
  pieces: string[];
  /** Merge rules, best first. */
  merges: [string, string][];
  /** Special tokens' ids by content. */
  specials: Map<string, number>;
}

/** Trains a vocabulary of `vocabSize` pieces (bytes + merges + specials) on `texts`. */
export function trainByteLevelBpe(
  texts: readonly string[],
  vocabSize: number,
  specials: string[],
): TrainedBpe {
  const pattern = new RegExp(GPT2_PATTERN, "gu");
  const counts = new Map<string, number>();
  for (const text of texts)
    for (const word of pretokenize(text, pattern)) counts.set(word, (counts.get(word) ?? 0) + 1);
  const pieces = BYTE_TO_CHAR.slice();
  const words = [...counts.keys()].map((w) => Array.from(utf8(w)));
  const freq = [...counts.values()];
  const merges: [string, string][] = [];
  const target = vocabSize - specials.length;

  // pair (a, b) as a * 2^16 + b: counts over all words, and the words that (may) contain it
  const key = (a: number, b: number) => a * 65536 + b;
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addWord = (w: number, sign: 1 | -1) => {
    const s = words[w];
    for (let i = 0; i + 1 < s.length; i++) {
      const k = key(s[i], s[i + 1]);
      pairCount.set(k, (pairCount.get(k) ?? 0) + sign * freq[w]);
      if (sign > 0) {
        let set = pairWords.get(k);
        if (!set) pairWords.set(k, (set = new Set()));
        set.add(w);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addWord(w, 1);

  while (pieces.length < target) {
    let best = -1;
    let bestCount = 0;
    for (const [k, c] of pairCount)
      if (c > bestCount || (c === bestCount && c > 0 && k < best)) [best, bestCount] = [k, c];
    if (bestCount < 2) break; // nothing left worth a symbol: the vocabulary stays smaller
    const a = Math.floor(best / 65536);
    const b = best % 65536;
    const id = pieces.length;
    pieces.push(pieces[a] + pieces[b]);
    merges.push([pieces[a], pieces[b]]);
    for (const w of pairWords.get(best) ?? []) {
      const s = words[w];
      addWord(w, -1);
      const merged: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          merged.push(id);
          i++;
        } else merged.push(s[i]);
      }
      words[w] = merged;
      addWord(w, 1);
    }
    pairWords.delete(best);
    pairCount.delete(best);
  }
  const ids = new Map<string, number>();
  for (const s of specials) {
    ids.set(s, pieces.length);
    pieces.push(s);
  }
  return { pieces, merges, specials: ids };
}

/** A Hugging Face tokenizer.json of a trained vocabulary: BPE with GPT-2's ByteLevel pre-tokenizer and decoder. */
export function tokenizerJson(bpe: TrainedBpe): object {
  const specialIds = new Set(bpe.specials.values());
  const vocab: Record<string, number> = {};
  bpe.pieces.forEach((piece, id) => {
    if (!specialIds.has(id)) vocab[piece] = id;
  });
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [...bpe.specials].map(([content, id]) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: bpe.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}
