/**
 * Text measured in terminal columns: East Asian wide characters and emoji take two, combining marks
 * and ANSI colour codes none. Lines that do not fit are wrapped (prose, help) or cut with "…" (tables).
 */

// eslint-disable-next-line no-control-regex -- ANSI SGR sequences are what paint() writes
const ANSI = /\x1b\[[0-9;]*m/g;
// eslint-disable-next-line no-control-regex -- one ANSI sequence or one code point
const PIECE = /\x1b\[[0-9;]*m|[\s\S]/gu;
const RESET = "\x1b[0m";
// eslint-disable-next-line no-control-regex -- control characters print nothing
const ZERO_WIDTH = /^(?:\p{M}|\p{Cf}|[\x00-\x1f\x7f-\x9f]|[\uFE00-\uFE0F]|[\u{E0100}-\u{E01EF}])$/u;
const EMOJI = /^\p{Emoji_Presentation}$/u;

/** Wide and fullwidth blocks (Unicode East_Asian_Width W/F), as wcwidth counts them. */
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], // Hangul Jamo initials
  [0x2e80, 0x303e], // CJK radicals, Kangxi, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, CJK compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe30, 0xfe4f], // CJK compatibility forms
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6], // fullwidth signs
  [0x20000, 0x3fffd], // CJK extensions B and later
];

/** Columns one code point takes: 0, 1 or 2. */
export function charWidth(char: string): number {
  if (ZERO_WIDTH.test(char)) return 0;
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x1100) return 1;
  for (const [low, high] of WIDE_RANGES) if (code >= low && code <= high) return 2;
  return EMOJI.test(char) ? 2 : 1;
}

/** Columns `text` takes on a terminal (one line; ANSI colour codes take none). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text.replace(ANSI, "")) width += charWidth(char);
  return width;
}

/** `text` cut to at most `width` columns, ending in "…" when cut; colour codes are kept (and reset). */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  const room = Math.max(0, width - 1); // the "…"
  let out = "";
  let used = 0;
  let coloured = false;
  for (const [piece] of text.matchAll(PIECE)) {
    if (piece.length > 1 && piece.startsWith("\x1b[")) {
      out += piece;
      coloured = true;
      continue;
    }
    const w = charWidth(piece);
    if (used + w > room) break;
    out += piece;
    used += w;
  }
  return out + (width >= 1 ? "…" : "") + (coloured ? RESET : "");
}

/** `text` padded with spaces to `width` columns (or cut with "…" to fit them). */
export function fitToWidth(text: string, width: number): string {
  const cut = truncateToWidth(text, width);
  return cut + " ".repeat(Math.max(0, width - displayWidth(cut)));
}

/**
 * Where continuation lines of a help-style line start: under the description after the first gap of
 * two spaces (`  --top-p P   keep …`), else under the line's own indentation.
 */
export function hangingIndent(line: string, width: number): number {
  const leading = line.length - line.trimStart().length;
  const gap = /^(\s*\S.*?\s{2,})\S/.exec(line);
  const hang = gap === null ? leading : displayWidth(gap[1]);
  return hang <= width / 2 ? hang : Math.min(leading + 4, Math.floor(width / 2));
}

/**
 * One line (plain text, no colour codes) wrapped to `width` columns: broken at the last space that
 * fits, else after a comma, else anywhere; continuation lines are indented by `indent` columns.
 */
export function wrapLine(line: string, width: number, hang?: number): string[] {
  const gap = /^(\s*\S.*?)\s{2,}(\S.*)$/.exec(line);
  if (
    hang === undefined &&
    gap !== null &&
    hangingIndent(line, width) < displayWidth(line) - displayWidth(gap[2])
  ) {
    // the description starts too far right to hang under: it goes on the lines below, indented
    const leading = line.length - line.trimStart().length;
    return [...wrapLine(gap[1], width), ...wrapLine(" ".repeat(leading + 4) + gap[2], width)];
  }
  let indent = hang ?? hangingIndent(line, width);
  indent = Math.min(indent, Math.floor(width / 2)); // room is left on every line, so each makes progress
  const lines: string[] = [];
  let rest = line.trimEnd();
  let start = Math.min(hangingIndent(rest, width), indent); // breaks only after this column
  while (displayWidth(rest) > width) {
    const chars = [...rest];
    let fits = 0; // code points within `width` columns
    for (let used = 0; fits < chars.length && used + charWidth(chars[fits]) <= width; fits++)
      used += charWidth(chars[fits]);
    const head = chars.slice(0, fits + 1).join(""); // + the next one: a space there is a fine break
    const startChars = [...rest].slice(0, start).join("").length; // `start` columns as UTF-16 units
    const space = head.lastIndexOf(" ");
    const comma = head.slice(0, -1).lastIndexOf(",");
    let cut: number;
    let skip = 0;
    if (space > startChars && rest.slice(0, space).trim() !== "") [cut, skip] = [space, 1];
    else if (comma > startChars) cut = comma + 1;
    else cut = chars.slice(0, Math.max(1, fits)).join("").length;
    lines.push(rest.slice(0, cut).trimEnd());
    const tail = rest.slice(cut + skip).trimStart();
    if (tail === "") return lines;
    rest = " ".repeat(indent) + tail;
    start = indent;
  }
  lines.push(rest);
  return lines;
}

/** Every line of `text` wrapped to `width` columns (see wrapLine); blank lines are kept. */
export function wrapText(text: string, width: number): string {
  return text
    .split("\n")
    .flatMap((line) => (displayWidth(line) <= width ? [line] : wrapLine(line, width)))
    .join("\n");
}
