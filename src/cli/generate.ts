import { generate, type GenerateOptions, stream } from "../generation/generate.js";
import { newTokenBudget, type ResolvedOptions } from "../generation/options.js";
import { resolveSettings } from "../generation/settings.js";
import type { FinishReason, GenerationOptions, Step } from "../generation/types.js";
import type { Model } from "../load-model.js";
import { coloured, type Output } from "./render.js";
import { settingsHeader } from "./settings-header.js";

export interface GenerateCommand {
  prompt: string;
  options: GenerationOptions;
  /** JSON instead of text: the result object, or JSON lines of steps with --trace. */
  json: boolean;
  trace: boolean | number;
  /** Print timing to stderr. */
  verbose: boolean;
  /** Whether special-token text in the prompt becomes those tokens (--no-special-tokens: false). */
  parseSpecialTokens?: boolean;
}

/**
 * `nextoken generate`: streams one sequence's text as it is produced (prompt first, as llama.cpp and
 * llama2.c print it); several sequences or beams are printed when done, one block each.
 * With --trace, the effective settings come first (on stderr, or as the first JSON line), then each
 * token coloured by its probability on a terminal, or JSON lines when piped or with --json. A run cut
 * short by the model's context length says so on stderr (finish reason "context").
 */
export async function runGenerate(
  model: Model,
  cmd: GenerateCommand,
  out: Output,
  err: Output,
): Promise<void> {
  // validated and resolved before anything is written; the seed is drawn here when none was given
  const {
    resolved,
    settings,
    options: effective,
  } = resolveSettings(cmd.options, model.generationConfig, {
    explicitSource: "flag",
  });
  const options: GenerateOptions = {
    ...effective,
    trace: cmd.trace || undefined,
    parseSpecialTokens: cmd.parseSpecialTokens,
  };
  const started = performance.now();
  const several = resolved.numReturnSequences > 1 || resolved.numBeams > 1;
  const jsonLines = cmd.trace !== false && (cmd.json || !out.isTTY);
  const noteContextCut = (reason: FinishReason | undefined, generated: number) => {
    if (reason !== "context") return;
    const context = model.contextLength ?? 0;
    err.write(
      `nextoken: stopped at the context limit: ${generated} new tokens (model context ${context}, ` +
        `prompt ${context - generated} tokens; ${askedFor(resolved, context - generated)} were asked for)\n`,
    );
  };

  if (several || (cmd.json && cmd.trace === false)) {
    if (cmd.trace !== false && !jsonLines) err.write(settingsHeader(settings, err.isTTY));
    const result = await generate(model, cmd.prompt, options);
    if (cmd.json) out.write(JSON.stringify({ ...result, settings }, replacer) + "\n");
    else {
      result.sequences.forEach((seq, i) => {
        const score = seq.score === undefined ? "" : `, score ${seq.score.toFixed(4)}`;
        out.write(`--- sequence ${i + 1} (${seq.finishReason}${score}) ---\n${cmd.prompt}${seq.text}\n`);
      });
    }
    for (const seq of result.sequences) noteContextCut(seq.finishReason, seq.tokens.length);
    report(
      err,
      cmd.verbose,
      result.sequences.reduce((a, s) => a + s.tokens.length, 0),
      started,
    );
    return;
  }

  // stream() checks the options and the prompt's length against the context when called: before
  // the first byte of output, so a refused run prints nothing but the error
  const steps = stream(model, cmd.prompt, options);
  if (jsonLines)
    out.write(
      JSON.stringify({ prompt: cmd.prompt, options: { ...options, signal: undefined }, settings }, replacer) +
        "\n",
    );
  else {
    if (cmd.trace !== false) err.write(settingsHeader(settings, err.isTTY));
    out.write(cmd.prompt);
  }
  let count = 0;
  let logprobSum = 0;
  let last: Step | undefined;
  for await (const step of steps) {
    count++;
    logprobSum += step.logprob;
    last = step;
    if (jsonLines) out.write(JSON.stringify(step, replacer) + "\n");
    else if (cmd.trace !== false) out.write(coloured(step.text, Math.exp(step.logprob), out.isTTY));
    else out.write(step.text);
  }
  if (jsonLines) {
    out.write(
      JSON.stringify({
        done: true,
        tokens: count,
        finishReason: last?.finishReason,
        meanLogprob: logprobSum / Math.max(1, count),
      }) + "\n",
    );
  } else {
    out.write("\n");
    if (cmd.trace !== false) {
      const mean = logprobSum / Math.max(1, count);
      err.write(
        `${count} tokens, mean log-prob ${mean.toFixed(3)}, perplexity ${Math.exp(-mean).toFixed(2)}${last?.finishReason ? `, finished: ${last.finishReason}` : ""}\n`,
      );
    }
  }
  noteContextCut(last?.finishReason, count);
  report(err, cmd.verbose, count, started);
}

/** The new tokens the options asked for after a prompt of promptLength tokens. */
function askedFor(options: ResolvedOptions, promptLength: number): number {
  return newTokenBudget(options, promptLength);
}

function report(err: Output, verbose: boolean, tokens: number, started: number): void {
  if (!verbose) return;
  const seconds = (performance.now() - started) / 1000;
  err.write(`${tokens} tokens in ${seconds.toFixed(2)} s (${(tokens / seconds).toFixed(1)} tokens/s)\n`);
}

/** JSON has no -Infinity: write it as null (as the golden data does). */
export function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value))
    return Number.isNaN(value) ? null : value > 0 ? "Infinity" : null;
  if (value instanceof AbortSignal) return undefined;
  return value;
}
