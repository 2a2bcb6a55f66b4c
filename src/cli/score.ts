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

const BAR_WIDTH = 16;

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
  const textWidth = Math.max(5, ...labels.map((label) => [...label].length));
  const header = [
    padLeft("pos", 4),
    padLeft("id", 6),
    padRight("token", textWidth),
    padRight("", BAR_WIDTH),
    padLeft("p", 9),
    padLeft("logprob", 8),
    padLeft("bits", 7),
    padLeft("rank", 5),
    padLeft("entropy", 8),
  ];
  out.write(paint(header.join(" "), BOLD, tty) + "\n");
  out.write(
    paint(
      `${padLeft("0", 4)} ${padLeft(String(r.tokens[0]), 6)} ${padRight(first, textWidth)} (context only, not scored)`,
      DIM,
      tty,
    ) + "\n",
  );
  for (const [i, s] of r.scores.entries()) {
    const line = [
      padLeft(String(s.position), 4),
      padLeft(String(s.token), 6),
      padRight(labels[i], textWidth),
      paint(bar(s.prob, BAR_WIDTH), probabilityForeground(s.prob), tty),
      padLeft(formatProb(s.prob), 9),
      padLeft(formatLogprob(s.logprob), 8),
      padLeft(s.surprisalBits.toFixed(2), 7),
      padLeft(String(s.rank), 5),
      padLeft(s.entropy.toFixed(3), 8),
    ];
    out.write(line.join(" ") + "\n");
  }
  out.write(
    `\n${r.scores.length} tokens scored: total logprob ${r.logprob.toFixed(3)} nats, mean ${r.meanLogprob.toFixed(4)}, ` +
      `${r.bitsPerToken.toFixed(3)} bits/token, perplexity ${r.perplexity.toFixed(3)}\n`,
  );
  out.write(
    paint(
      "logprob and bits (surprisal −log2 p) are raw: the model's own distribution; entropy in nats",
      DIM,
      tty,
    ) + "\n",
  );
}
