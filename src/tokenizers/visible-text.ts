// Token text with its whitespace and control characters made visible, one spelling for every view:
// `nextoken inspect` and the other CLI tables print it, and the playground's Generate and Beam views
// show whitespace-only tokens with it (a newline token as ↵, then the line break itself).

/** The glyph shown for each whitespace character a token can consist of. */
export const WHITESPACE_GLYPHS: Readonly<Record<string, string>> = { " ": "·", "\n": "↵", "\t": "⇥" };

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f]/g;
const WHITESPACE_ONLY = /^\s+$/u;

const escapeControl = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;

/** A token's text made visible: spaces as ·, newlines as ↵, tabs as ⇥, other control characters as \xNN. */
export function visibleText(text: string): string {
  return text.replace(/[ \n\t]/g, (c) => WHITESPACE_GLYPHS[c]).replace(CONTROL_CHARACTERS, escapeControl);
}

/** Text on one line: newlines as ↵, tabs as ⇥, other control characters as \xNN; spaces kept. */
export function oneLineText(text: string): string {
  return text.replace(/[\n\t]/g, (c) => WHITESPACE_GLYPHS[c]).replace(CONTROL_CHARACTERS, escapeControl);
}

/** Whether a token's text is nothing but whitespace (and not empty): drawn as is, it would not show. */
export function isWhitespaceOnly(text: string): boolean {
  return WHITESPACE_ONLY.test(text);
}
