// Linear-time scanners for the pre-tokenizer regexes real tokenizers use. Each gives exactly the
// pieces `pretokenize(text, new RegExp(pattern, "gu"))` gives (tested against the regex on the golden
// corpora and on random strings), but walks the text once: every alternative below is the regex
// alternative of the same number, written out with the backtracking it can do, which is bounded.
// JavaScript's regex engine has no step limit, so running a tokenizer file's own regex on user text
// lets a hostile file hang the process; these are run instead whenever the pattern is a known one.
//
// Names: at = where a match is tried, end = where it stops (-1: no match), L/N/… the Unicode
// general categories, O = [^\s\p{L}\p{N}] ("other"), WS = \s.

import {
  LETTER,
  LOWER,
  MARK,
  MODIFIER,
  NUMBER,
  OTHER_LETTER,
  PUNCTUATION,
  SPACE,
  SYMBOL,
  TITLE,
  UPPER,
  classOf,
  codePointAt,
  widthOf,
} from "./unicode-classes.js";

/** Cuts text into pre-tokens. */
export type Pretokenizer = (text: string) => string[];

/** The end of the leftmost-first match starting exactly at `at`, or -1. */
type Matcher = (text: string, at: number) => number;

const CR = 0x0d;
const LF = 0x0a;
const SPACE_CHAR = 0x20;
const APOSTROPHE = 0x27;
const SLASH = 0x2f;

const UPPERISH = UPPER | TITLE | MODIFIER | OTHER_LETTER | MARK; // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
const LOWERISH = LOWER | MODIFIER | OTHER_LETTER | MARK; // [\p{Ll}\p{Lm}\p{Lo}\p{M}]

/** Every match of `matchAt`, plus any unmatched stretch between matches (like `pretokenize`). */
export function scanWith(matchAt: Matcher): Pretokenizer {
  return (text) => {
    const out: string[] = [];
    let start = 0; // start of the stretch no match has covered yet
    let at = 0;
    while (at < text.length) {
      const end = matchAt(text, at);
      if (end > at) {
        if (at > start) out.push(text.slice(start, at));
        out.push(text.slice(at, end));
        at = start = end;
      } else {
        at += widthOf(codePointAt(text, at));
      }
    }
    if (start < text.length) out.push(text.slice(start));
    return out;
  };
}

// ---- building blocks: each is one regex atom with a greedy quantifier, returning its end ----

/** End of the longest run from `at` of code points whose class has a bit of `bits` (`at` if none). */
function runOf(text: string, at: number, bits: number): number {
  while (at < text.length) {
    const cp = codePointAt(text, at);
    if ((classOf(cp) & bits) === 0) break;
    at += widthOf(cp);
  }
  return at;
}

/** The end of a run from `at` (`at` itself when empty). */
type Run = (text: string, at: number) => number;

/** End of the longest run from `at` of "other" code points: [^\s\p{L}\p{N}]. */
function otherRun(text: string, at: number): number {
  while (at < text.length) {
    const cp = codePointAt(text, at);
    if ((classOf(cp) & (SPACE | LETTER | NUMBER)) !== 0) break;
    at += widthOf(cp);
  }
  return at;
}

/** End of at most `max` code points of class `bits` from `at`. */
function runUpTo(text: string, at: number, bits: number, max: number): number {
  for (let n = 0; n < max && at < text.length; n++) {
    const cp = codePointAt(text, at);
    if ((classOf(cp) & bits) === 0) break;
    at += widthOf(cp);
  }
  return at;
}

function isNewline(c: number): boolean {
  return c === CR || c === LF;
}

/** End of [\r\n]* (with `slash`: [\r\n/]*) from `at`. */
function newlines(text: string, at: number, slash = false): number {
  while (at < text.length) {
    const c = text.charCodeAt(at);
    if (!isNewline(c) && !(slash && c === SLASH)) break;
    at++;
  }
  return at;
}

/** `'s|'t|'re|'ve|'m|'ll|'d`, case-sensitive (GPT-2) or ASCII-caseless (Llama 3, Qwen2). */
function contraction(text: string, at: number, caseless: boolean): number {
  if (text.charCodeAt(at) !== APOSTROPHE) return -1;
  const a = letterAt(text, at + 1, caseless);
  if (a === 0x73 || a === 0x74 || a === 0x6d || a === 0x64) return at + 2; // s t m d
  const b = letterAt(text, at + 2, caseless);
  if ((a === 0x72 || a === 0x76) && b === 0x65) return at + 3; // re ve
  if (a === 0x6c && b === 0x6c) return at + 3; // ll
  return -1;
}

/** The code unit at `i` (NaN past the end), ASCII upper case folded to lower when `caseless`. */
function letterAt(text: string, i: number, caseless: boolean): number {
  const c = text.charCodeAt(i);
  return caseless && c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

/** ` ?X+` where X+ is `run`: the optional space only helps if X follows it. */
function spaceThen(text: string, at: number, run: Run): number {
  const from = text.charCodeAt(at) === SPACE_CHAR ? at + 1 : at;
  const end = run(text, from);
  return end > from ? end : -1; // without the space, X+ can't start on a space (X excludes \s)
}

/** `\s*[\r\n]+`: through the last newline of the whitespace run at `at`. */
function spacesToNewline(text: string, at: number): number {
  let end = -1;
  for (let i = at; i < text.length && (classOf(text.charCodeAt(i)) & SPACE) !== 0; i++) {
    if (isNewline(text.charCodeAt(i))) end = i + 1;
  }
  return end;
}

/** `\s+(?!\S)|\s+`: the whitespace run, less its last space when a non-space follows it. */
function spaces(text: string, at: number): number {
  const end = runOf(text, at, SPACE); // whitespace is all in the BMP: one code unit each
  if (end === at) return -1;
  if (end === text.length || end - at === 1) return end; // `\s+(?!\S)`, else the `\s+` fallback
  return end - 1;
}

/** `[^\r\n\p{L}\p{N}]?` then `rest`: with the prefix first, then without it. */
function optionalPrefix(text: string, at: number, excluded: number, rest: Matcher): number {
  const cp = codePointAt(text, at);
  if (!isNewline(cp) && (classOf(cp) & excluded) === 0) {
    const end = rest(text, at + widthOf(cp));
    if (end >= 0) return end;
  }
  return rest(text, at);
}

// the runs and rests used below, made once so matching allocates nothing
const letterRun: Run = (text, at) => runOf(text, at, LETTER);
const numberRun: Run = (text, at) => runOf(text, at, NUMBER);
const punctuationRun: Run = (text, at) => runOf(text, at, PUNCTUATION | SYMBOL);
const letters = (text: string, at: number): number => {
  const end = runOf(text, at, LETTER);
  return end > at ? end : -1;
};
const lettersOrMarks = (text: string, at: number): number => {
  const end = runOf(text, at, LETTER | MARK);
  return end > at ? end : -1;
};

// ---- the patterns ----

/** GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` */
export const gpt2Scanner: Pretokenizer = scanWith((text, at) => {
  const c = contraction(text, at, false);
  if (c >= 0) return c;
  const l = spaceThen(text, at, letterRun);
  if (l >= 0) return l;
  const n = spaceThen(text, at, numberRun);
  if (n >= 0) return n;
  const o = spaceThen(text, at, otherRun);
  if (o >= 0) return o;
  return spaces(text, at);
});

/**
 * Llama 3 (`maxDigits` 3) and Qwen2/Qwen3 (1): `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|
 * \p{N}{1,maxDigits}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
 */
export function llama3Scanner(maxDigits: number): Pretokenizer {
  return scanWith((text, at) => {
    const c = contraction(text, at, true);
    if (c >= 0) return c;
    const l = optionalPrefix(text, at, LETTER | NUMBER, letters);
    if (l >= 0) return l;
    const n = runUpTo(text, at, NUMBER, maxDigits);
    if (n > at) return n;
    const o = spaceThen(text, at, otherRun);
    if (o >= 0) return newlines(text, o);
    const nl = spacesToNewline(text, at);
    if (nl >= 0) return nl;
    return spaces(text, at);
  });
}

/**
 * `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+` at `at`: the greedy upper run gives
 * back code points until a lower one can start; the first that can is the end of the run itself or
 * the run's last code point that is in both sets (Lm, Lo, M), and the lower run goes on from there.
 */
function upperThenLower(text: string, at: number): number {
  let i = at;
  let lastBoth = -1;
  while (i < text.length) {
    const cp = codePointAt(text, i);
    const cls = classOf(cp);
    if ((cls & UPPERISH) === 0) break;
    if ((cls & LOWERISH) !== 0) lastBoth = i;
    i += widthOf(cp);
  }
  const end = runOf(text, i, LOWERISH);
  if (end > i) return end;
  return lastBoth >= 0 ? lastBoth + widthOf(codePointAt(text, lastBoth)) : -1;
}

/** `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*` at `at`. */
function upperRunThenLower(text: string, at: number): number {
  const i = runOf(text, at, UPPERISH);
  return i > at ? runOf(text, i, LOWERISH) : -1;
}

/**
 * Mistral Tekken (Nemo, …): `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|
 * [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|\p{N}|
 *  ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`
 */
export const tekkenScanner: Pretokenizer = scanWith((text, at) => {
  const a = optionalPrefix(text, at, LETTER | NUMBER, upperThenLower);
  if (a >= 0) return a;
  const b = optionalPrefix(text, at, LETTER | NUMBER, upperRunThenLower);
  if (b >= 0) return b;
  const n = runUpTo(text, at, NUMBER, 1);
  if (n > at) return n;
  const o = spaceThen(text, at, otherRun);
  if (o >= 0) return newlines(text, o, true);
  const nl = spacesToNewline(text, at);
  if (nl >= 0) return nl;
  return spaces(text, at);
});

/** `\p{N}{1,max}`: DeepSeek V3's first split (max 3), HF's Digits (1, or unbounded when contiguous). */
export function digitsScanner(max: number): Pretokenizer {
  return scanWith((text, at) => {
    const end = runUpTo(text, at, NUMBER, max);
    return end > at ? end : -1;
  });
}

/** DeepSeek V3's second split, `[一-龥぀-ゟ゠-ヿ]+`: CJK ideographs U+4E00–U+9FA5, kana U+3040–U+30FF. */
export const cjkScanner: Pretokenizer = scanWith((text, at) => {
  let i = at;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x4e00 && c <= 0x9fa5) || (c >= 0x3040 && c <= 0x30ff))) break;
  }
  return i > at ? i : -1;
});

function isAsciiPunctuation(c: number): boolean {
  return (
    (c >= 0x21 && c <= 0x2f) ||
    (c >= 0x3a && c <= 0x40) ||
    (c >= 0x5b && c <= 0x60) ||
    (c >= 0x7b && c <= 0x7e)
  );
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * DeepSeek V3's third split: `[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|
 * [^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
 */
export const deepseekScanner: Pretokenizer = scanWith((text, at) => {
  if (isAsciiPunctuation(text.charCodeAt(at))) {
    let i = at + 1;
    while (i < text.length && isAsciiLetter(text.charCodeAt(i))) i++;
    if (i > at + 1) return i;
  }
  const l = optionalPrefix(text, at, LETTER | PUNCTUATION | SYMBOL, lettersOrMarks);
  if (l >= 0) return l;
  const p = spaceThen(text, at, punctuationRun);
  if (p >= 0) return newlines(text, p);
  const nl = spacesToNewline(text, at);
  if (nl >= 0) return nl;
  return spaces(text, at);
});

/** Applies each step to every piece the steps before it made (HF's pre-tokenizer Sequence). */
export function inSequence(steps: readonly Pretokenizer[]): Pretokenizer {
  if (steps.length === 1) return steps[0];
  return (text) => {
    let pieces = [text];
    for (const step of steps) pieces = pieces.flatMap(step);
    return pieces;
  };
}
