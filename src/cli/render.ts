/** Terminal rendering helpers: colour by probability, bars, number formats. */
import type { TokenId } from "../models/types.js";
import type { Tokenizer } from "../tokenizers/types.js";
import { oneLineText, visibleText } from "../tokenizers/visible-text.js";

export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
  /** Terminal width in columns, when known. */
  readonly columns?: number;
}

const RESET = "\x1b[0m";
export const BOLD = "\x1b[1m";
export const DIM = "\x1b[2m";
export const RED = "\x1b[31m";
export const GREEN = "\x1b[32m";
export const YELLOW = "\x1b[33m";

/** ANSI 256-colour background from red (improbable) through yellow to green (certain). */
export function probabilityColour(prob: number): string {
  const steps = [196, 202, 208, 214, 220, 226, 190, 154, 118, 46];
  const index = Math.min(steps.length - 1, Math.max(0, Math.floor(prob * steps.length)));
  return `\x1b[48;5;${steps[index]}m\x1b[30m`;
}

export function coloured(text: string, prob: number, tty: boolean): string {
  return tty ? `${probabilityColour(prob)}${text}${RESET}` : text;
}

/** A horizontal bar of `width` cells for a fraction in [0, 1], with eighth-cell resolution. */
export function bar(fraction: number, width: number): string {
  const eighths = Math.round(Math.max(0, Math.min(1, fraction)) * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = eighths % 8;
  return (
    "█".repeat(full) + (partial ? "▏▎▍▌▋▊▉"[partial - 1] : "") + " ".repeat(width - full - (partial ? 1 : 0))
  );
}

/** A token's text made visible: spaces as ·, newlines as ↵ (see tokenizers/visible-text). */
export const visible = visibleText;

export function formatProb(p: number): string {
  if (p === 0) return "0";
  if (p >= 0.001) return p.toFixed(4);
  return p.toExponential(2);
}

export function formatLogprob(lp: number): string {
  return Number.isFinite(lp) ? lp.toFixed(3) : "-inf";
}

export function padRight(text: string, width: number): string {
  const length = [...text].length;
  return length >= width ? text : text + " ".repeat(width - length);
}

export function padLeft(text: string, width: number): string {
  const length = [...text].length;
  return length >= width ? text : " ".repeat(width - length) + text;
}

/** `text` in an ANSI style on a terminal; unchanged when piped or when the style is "". */
export function paint(text: string, style: string, tty: boolean): string {
  return tty && style !== "" ? `${style}${text}${RESET}` : text;
}

/** ANSI 256-colour foreground from red (improbable) through yellow to green (certain). */
export function probabilityForeground(prob: number): string {
  const steps = [196, 202, 208, 214, 220, 226, 190, 154, 118, 46];
  const index = Math.min(steps.length - 1, Math.max(0, Math.floor(prob * steps.length)));
  return `\x1b[38;5;${steps[index]}m`;
}

/** Text on one line: newlines as ↵, tabs as ⇥; spaces kept (see tokenizers/visible-text). */
export const oneLine = oneLineText;

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const UTF8_LENIENT = new TextDecoder("utf-8");

/**
 * What a token adds to the text, as is, for JSON: its bytes as UTF-8 (U+FFFD where a byte is only
 * part of a character; the bytes themselves are exact) and a control token as its piece ("<s>").
 */
export function tokenText(tokenizer: Tokenizer, id: TokenId): string {
  if (tokenizer.isSpecial(id)) return tokenizer.tokenToString(id);
  return UTF8_LENIENT.decode(tokenizer.tokenBytes(id));
}

/**
 * What a token adds to the text, made visible: its bytes as UTF-8 (·, ↵ for space and newline), a
 * byte that is only part of a character as \xNN, and a control token (BOS, EOS) as its piece in ⟨⟩.
 */
export function tokenLabel(tokenizer: Tokenizer, id: TokenId): string {
  if (tokenizer.isSpecial(id)) return `⟨${tokenizer.tokenToString(id)}⟩`;
  const bytes = tokenizer.tokenBytes(id);
  try {
    return visible(UTF8.decode(bytes));
  } catch {
    return [...bytes].map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join("");
  }
}
