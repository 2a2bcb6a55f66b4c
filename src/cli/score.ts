/**
 * `nextoken score`: how surprised the model is by each token of a text (raw distribution), the total
 * log-probability and the perplexity; tokens coloured by probability on a terminal.
 */
import { scoreText, type TextScore, type TokenScore } from "../generation/score.js";
import type { Model } from "../load-model.js";
import { replacer } from "./generate.js";
import {
  bar,
  BOLD,
  coloured,
  DIM,
  formatLogprob,
  formatProb,
  padLeft,
  padRight,
  paint,
  probabilityForeground,
  tokenLabel,
  tokenText,
  type Output,
} from "./render.js";
import { DEFAULT_COLUMNS } from "./terminal-width.js";
import { displayWidth, fitToWidth, truncateToWidth, wrapText } from "./text-width.js";

export interface ScoreCommand {
  text: string;
  json: boolean;
}

/** A scored token with its text. */
export interface ScoredToken extends TokenScore {
  /** The token's text as is (see render.tokenText); the display makes it visible. */
  text: string;
  /** The bytes it stands for ([] for a control token). */
  bytes: number[];
  prob: number;
}

export interface ScoreReport extends Omit<TextScore, "scores"> {
  text: string;
  scores: ScoredToken[];
  /** The mean log-probability per scored token (perplexity = exp(−meanLogprob)). */
  meanLogprob: number;
}

/** Scores the text with one forward pass (see generation/score.ts). */
export function scoreReport(model: Model, text: string): ScoreReport {
  const result = scoreText(model, text);
  return {
    ...result,
    text,
    scores: result.scores.map((s) => ({
      ...s,
      text: tokenText(model.tokenizer, s.token),
      bytes: [...model.tokenizer.tokenBytes(s.token)],
      prob: Math.exp(s.logprob),
    })),
    meanLogprob: result.logprob / result.scores.length,
  };
}

/** The bar column's widest and narrowest useful widths (below the minimum it is left out). */
const BAR_WIDTH = 16;
const MIN_BAR_WIDTH = 6;
/** Token labels wider than this are cut with "…", so one odd token cannot widen the whole table. */
const MAX_TOKEN_WIDTH = 24;

/** `nextoken score`: the text coloured by probability, a per-token table and the totals (or JSON). */
export function runScore(model: Model, cmd: ScoreCommand, out: Output): void {
  const r = scoreReport(model, cmd.text);
  if (cmd.json) {
    out.write(JSON.stringify(r, replacer, 2) + "\n");
    return;
  }
  const tty = out.isTTY;
  const first = tokenLabel(model.tokenizer, r.tokens[0]);
  const labels = r.scores.map((s) => tokenLabel(model.tokenizer, s.token));
  if (tty) {
    out.write(
      paint(first, DIM, tty) + r.scores.map((s, i) => coloured(labels[i], s.prob, tty)).join("") + "\n",
    );
    out.write(
      paint(
        "background: probability of each token given the ones before it, red (unlikely) to green (likely)",
        DIM,
        tty,
      ) + "\n\n",
    );
  }
  const columns = out.columns ?? DEFAULT_COLUMNS;
  const row = (text: string) => out.write(truncateToWidth(text, columns) + "\n");
  const textWidth = Math.min(
    MAX_TOKEN_WIDTH,
    Math.max(5, displayWidth(first), ...labels.map((label) => displayWidth(label))),
  );
  const fixed = 4 + 1 + 6 + 1 + textWidth + 1 + 9 + 1 + 8 + 1 + 7 + 1 + 5 + 1 + 8;
  const roomForBar = Math.min(BAR_WIDTH, columns - fixed - 1);
  const barWidth = roomForBar >= MIN_BAR_WIDTH ? roomForBar : 0; // no bar rather than a stub
  const barCell = (text: string) => (barWidth > 0 ? [text] : []);
  const header = [
    padLeft("pos", 4),
    padLeft("id", 6),
    fitToWidth("token", textWidth),
    ...barCell(padRight("", barWidth)),
    padLeft("p", 9),
    padLeft("logprob", 8),
    padLeft("bits", 7),
    padLeft("rank", 5),
    padLeft("entropy", 8),
  ];
  row(paint(header.join(" "), BOLD, tty));
  row(
    paint(
      `${padLeft("0", 4)} ${padLeft(String(r.tokens[0]), 6)} ${fitToWidth(first, textWidth)} (context only, not scored)`,
      DIM,
      tty,
    ),
  );
  for (const [i, s] of r.scores.entries()) {
    const line = [
      padLeft(String(s.position), 4),
      padLeft(String(s.token), 6),
      fitToWidth(labels[i], textWidth),
      ...barCell(paint(bar(s.prob, barWidth), probabilityForeground(s.prob), tty)),
      padLeft(formatProb(s.prob), 9),
      padLeft(formatLogprob(s.logprob), 8),
      padLeft(s.surprisalBits.toFixed(2), 7),
      padLeft(String(s.rank), 5),
      padLeft(s.entropy.toFixed(3), 8),
    ];
    row(line.join(" "));
  }
  const prose = (text: string, style: string) => {
    for (const line of wrapText(text, columns).split("\n")) out.write(paint(line, style, tty) + "\n");
  };
  out.write("\n");
  prose(
    `${r.scores.length} tokens scored: total logprob ${r.logprob.toFixed(3)} nats, mean ${r.meanLogprob.toFixed(4)}, ` +
      `${r.bitsPerToken.toFixed(3)} bits/token, perplexity ${r.perplexity.toFixed(3)}`,
    "",
  );
  prose("logprob and bits (surprisal −log2 p) are raw: the model's own distribution; entropy in nats", DIM);
}
