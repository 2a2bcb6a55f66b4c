import {
  compareReport,
  compareStrategies,
  type CompareCommand,
  type CompareRow,
  type CompareSample,
  DEFAULT_STRATEGIES,
} from "../inspect/compare.js";
import { REPETITION_NGRAM } from "../inspect/metrics.js";
import type { Model } from "../load-model.js";
import { BOLD, DIM, oneLine, padLeft, padRight, paint, RED, YELLOW, type Output } from "./render.js";
import { DEFAULT_COLUMNS } from "./terminal-width.js";
import { displayWidth, truncateToWidth, wrapText } from "./text-width.js";

/** `nextoken compare`: runs the strategies and prints a table (or JSON). */
export async function runCompare(model: Model, cmd: CompareCommand, out: Output): Promise<void> {
  const started = performance.now();
  const rows = await compareStrategies(model, cmd);
  if (cmd.json) {
    out.write(JSON.stringify(compareReport(cmd, rows), null, 2) + "\n");
    return;
  }
  printTable(rows, cmd, out, (performance.now() - started) / 1000);
}

const HEADERS = ["strategy", "seed", "logprob", "ppl", "dist-1", "dist-2", "rep", "len", "text"];
/** Columns of seed … len with the spaces between them. */
const METRICS_WIDTH = 5 + 1 + 7 + 1 + 7 + 1 + 6 + 1 + 6 + 1 + 5 + 1 + 4;
/** Narrower than this, a sample's text goes on its own line under its numbers. */
const MIN_TEXT_WIDTH = 20;

function printTable(rows: CompareRow[], cmd: CompareCommand, out: Output, seconds: number): void {
  const tty = out.isTTY;
  const columns = out.columns ?? DEFAULT_COLUMNS;
  const prose = (text: string, style: string) => {
    for (const line of wrapText(text, columns).split("\n")) out.write(paint(line, style, tty) + "\n");
  };
  const row = (text: string) => out.write(truncateToWidth(text, columns) + "\n");
  const longestSpec = Math.max(8, ...rows.map((r) => displayWidth(r.spec)));
  const inline = longestSpec + 1 + METRICS_WIDTH + 1 + MIN_TEXT_WIDTH <= columns;
  // a spec wider than its column is written on a line of its own above its rows
  const specWidth = inline ? longestSpec : Math.min(longestSpec, Math.max(8, columns - METRICS_WIDTH - 1));
  const textWidth = inline ? columns - specWidth - 1 - METRICS_WIDTH - 1 : columns - 4;
  const cells = (
    s: Pick<
      CompareSample,
      "meanLogprob" | "perplexity" | "distinct1" | "distinct2" | "repetitionRate" | "length"
    >,
  ) => [
    padLeft(s.meanLogprob.toFixed(3), 7),
    padLeft(s.perplexity.toFixed(2), 7),
    padLeft(s.distinct1.toFixed(2), 6),
    padLeft(s.distinct2.toFixed(2), 6),
    paint(
      padLeft(s.repetitionRate.toFixed(2), 5),
      s.repetitionRate >= 0.1 ? RED : s.repetitionRate >= 0.03 ? YELLOW : "",
      tty,
    ),
    padLeft(String(Math.round(s.length)), 4),
  ];
  const widths = [specWidth, 5, 7, 7, 6, 6, 5, 4];
  const header = HEADERS.slice(0, inline ? HEADERS.length : -1)
    .map((h, i) => (i === 0 || i === 8 ? padRight(h, widths[i] ?? 0) : padLeft(h, widths[i])))
    .join(" ");

  prose(
    `prompt ${JSON.stringify(cmd.prompt)}, up to ${cmd.maxNewTokens} new tokens, ${cmd.samples} sample(s) per sampling strategy from seed ${cmd.seed}`,
    BOLD,
  );
  prose(
    `logprob: mean raw log-probability per token (the model's distribution); rep: fraction of tokens repeating an earlier ${REPETITION_NGRAM}-gram` +
      (inline ? "" : "; each text is under its row"),
    DIM,
  );
  out.write("\n");
  row(paint(header.trimEnd(), BOLD, tty));
  for (const r of rows) {
    const ownLine = displayWidth(r.spec) > specWidth;
    if (ownLine) row(r.spec);
    r.samples.forEach((sample, i) => {
      const name = padRight(i === 0 && !ownLine ? r.spec : "", specWidth);
      const seed = padLeft(sample.seed === undefined ? "-" : String(sample.seed), 5);
      const text = truncateToWidth(oneLine(sample.text), textWidth);
      if (inline) row([name, seed, ...cells(sample), text].join(" "));
      else {
        row([name, seed, ...cells(sample)].join(" "));
        row(paint(`    ${text}`, DIM, tty));
      }
    });
    if (r.samples.length > 1)
      row(paint([padRight("", specWidth), padLeft("mean", 5), ...cells(r.mean)].join(" "), DIM, tty));
  }
  out.write("\n");
  prose(`${rows.reduce((n, r) => n + r.samples.length, 0)} runs in ${seconds.toFixed(2)} s`, DIM);
}

/** The help text of `nextoken compare`. */
export const COMPARE_HELP = `Compare (nextoken compare):
      --strategies SPECS     ";"-separated specs of ","-separated terms, default
                             "${DEFAULT_STRATEGIES}"; terms:
                             greedy, sample, beam:N, top-k:K, top-p:P, min-p:P, typical-p:P, epsilon:E,
                             eta:E, t:T (temperature), rep:R (repetition penalty), no-repeat:N; a spec
                             is the whole strategy (no implicit top-k 50, no model defaults)
      --samples N            samples per sampling strategy, seeds S, S+1, ... (default 3)
  -n, --max-new-tokens N     new tokens per run (default 160: long enough for loops to show)
      --seed S               first seed (default 0)
  Columns: mean raw log-prob per token, perplexity, distinct-1/2 (distinct n-grams / n-grams),
  rep = fraction of tokens completing a ${REPETITION_NGRAM}-gram seen earlier in the same text, length.`;
