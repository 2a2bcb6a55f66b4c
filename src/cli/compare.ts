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

function printTable(rows: CompareRow[], cmd: CompareCommand, out: Output, seconds: number): void {
  const tty = out.isTTY;
  const specWidth = Math.max(8, ...rows.map((r) => r.spec.length));
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
  const fixed = specWidth + 1 + 5 + 1 + 7 + 1 + 7 + 1 + 6 + 1 + 6 + 1 + 5 + 1 + 4 + 1;
  const textWidth = Math.max(20, (out.columns ?? 120) - fixed - 1);
  const widths = [specWidth, 5, 7, 7, 6, 6, 5, 4];
  const header = HEADERS.map((h, i) =>
    i === 0 || i === 8 ? padRight(h, widths[i] ?? 0) : padLeft(h, widths[i]),
  ).join(" ");

  out.write(
    paint(
      `prompt ${JSON.stringify(cmd.prompt)}, up to ${cmd.maxNewTokens} new tokens, ${cmd.samples} sample(s) per sampling strategy from seed ${cmd.seed}`,
      BOLD,
      tty,
    ) + "\n",
  );
  out.write(
    paint(
      `logprob: mean raw log-probability per token (the model's distribution); rep: fraction of tokens repeating an earlier ${REPETITION_NGRAM}-gram`,
      DIM,
      tty,
    ) + "\n\n",
  );
  out.write(paint(header, BOLD, tty) + "\n");
  for (const row of rows) {
    row.samples.forEach((sample, i) => {
      const name = padRight(i === 0 ? row.spec : "", specWidth);
      const seed = padLeft(sample.seed === undefined ? "-" : String(sample.seed), 5);
      out.write([name, seed, ...cells(sample), truncate(oneLine(sample.text), textWidth)].join(" ") + "\n");
    });
    if (row.samples.length > 1)
      out.write(
        paint([padRight("", specWidth), padLeft("mean", 5), ...cells(row.mean)].join(" "), DIM, tty) + "\n",
      );
  }
  out.write(
    paint(`\n${rows.reduce((n, r) => n + r.samples.length, 0)} runs in ${seconds.toFixed(2)} s`, DIM, tty) +
      "\n",
  );
}

function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : chars.slice(0, width - 1).join("") + "…";
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
