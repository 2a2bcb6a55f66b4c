/** Terminal rendering helpers: colour by probability, bars, number formats. */

export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
}

const RESET = "\x1b[0m";

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
  return "█".repeat(full) + (partial ? "▏▎▍▌▋▊▉"[partial - 1] : "") + " ".repeat(width - full - (partial ? 1 : 0));
}

/** A token's text made visible: spaces as ·, newlines as ↵, control characters escaped. */
export function visible(text: string): string {
  return text
    .replace(/ /g, "·")
    .replace(/\n/g, "↵")
    .replace(/\t/g, "⇥")
    .replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

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
