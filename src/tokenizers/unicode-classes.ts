// Unicode general categories of a code point, as bits, for the pre-token scanners. The bits are
// whatever JavaScript's own `\p{…}` and `\s` (with the "u" flag) say, so a scanner agrees with the
// regex it replaces on every code point. Tables are built lazily, 4,096 code points at a time, by
// those same regexes; the most they can ever hold is 272 blocks of 8 KiB.

export const LETTER = 1 << 0; // \p{L}
export const UPPER = 1 << 1; // \p{Lu}
export const LOWER = 1 << 2; // \p{Ll}
export const TITLE = 1 << 3; // \p{Lt}
export const MODIFIER = 1 << 4; // \p{Lm}
export const OTHER_LETTER = 1 << 5; // \p{Lo}
export const MARK = 1 << 6; // \p{M}
export const NUMBER = 1 << 7; // \p{N}
export const PUNCTUATION = 1 << 8; // \p{P}
export const SYMBOL = 1 << 9; // \p{S}
export const SPACE = 1 << 10; // \s

const CATEGORIES: [RegExp, number][] = [
  [/\p{L}/gu, LETTER],
  [/\p{Lu}/gu, UPPER],
  [/\p{Ll}/gu, LOWER],
  [/\p{Lt}/gu, TITLE],
  [/\p{Lm}/gu, MODIFIER],
  [/\p{Lo}/gu, OTHER_LETTER],
  [/\p{M}/gu, MARK],
  [/\p{N}/gu, NUMBER],
  [/\p{P}/gu, PUNCTUATION],
  [/\p{S}/gu, SYMBOL],
  [/\s/gu, SPACE],
];

const BLOCK_BITS = 12;
const BLOCK_SIZE = 1 << BLOCK_BITS;
const blocks: (Uint16Array | undefined)[] = new Array<Uint16Array | undefined>(0x110000 >> BLOCK_BITS);

/** The category bits of code point `cp` (0 for lone surrogates, which are category Cs). */
export function classOf(cp: number): number {
  const block = blocks[cp >> BLOCK_BITS] ?? buildBlock(cp >> BLOCK_BITS);
  return block[cp & (BLOCK_SIZE - 1)];
}

function buildBlock(index: number): Uint16Array {
  const base = index << BLOCK_BITS;
  const chars: string[] = [];
  for (let cp = base; cp < base + BLOCK_SIZE; cp++) {
    // surrogate code points can't stand alone in a string without pairing up; they are Cs anyway
    chars.push(cp >= 0xd800 && cp <= 0xdfff ? "\0" : String.fromCodePoint(cp));
  }
  const text = chars.join("");
  const bits = new Uint16Array(BLOCK_SIZE);
  for (const [regex, bit] of CATEGORIES) {
    for (const m of text.matchAll(regex)) bits[(m[0].codePointAt(0) ?? 0) - base] |= bit;
  }
  for (let cp = Math.max(base, 0xd800); cp <= Math.min(base + BLOCK_SIZE - 1, 0xdfff); cp++) {
    bits[cp - base] = 0;
  }
  blocks[index] = bits;
  return bits;
}

/** The code point at `i` (a lone surrogate stands for itself, as with the "u" flag). */
export function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** UTF-16 length of code point `cp`. */
export function widthOf(cp: number): number {
  return cp > 0xffff ? 2 : 1;
}
