import { generate, stream } from "../generation/generate.js";
import type { GenerationOptions, Step } from "../generation/types.js";
import type { Model } from "../load-model.js";
import { coloured, type Output } from "./render.js";

export interface GenerateCommand {
  prompt: string;
  options: GenerationOptions;
  /** JSON instead of text: the result object, or JSON lines of steps with --trace. */
  json: boolean;
  trace: boolean | number;
  /** Print timing to stderr. */
  verbose: boolean;
}

/**
 * `nextoken generate`: streams one sequence's text as it is produced (prompt first, as llama.cpp and
 * llama2.c print it); several sequences or beams are printed when done, one block each.
 * With --trace, each token is coloured by its probability on a terminal, and JSON lines are written
 * when piped or with --json.
 */
export async function runGenerate(
  model: Model,
  cmd: GenerateCommand,
  out: Output,
  err: Output,
): Promise<void> {
  const options: GenerationOptions = { ...cmd.options, trace: cmd.trace || undefined };
  const started = performance.now();
  const several =
    (options.numReturnSequences ?? 1) > 1 || (options.numBeams ?? model.generationConfig.numBeams ?? 1) > 1;
  const jsonLines = cmd.trace !== false && (cmd.json || !out.isTTY);

  if (several || (cmd.json && cmd.trace === false)) {
    const result = await generate(model, cmd.prompt, options);
    if (cmd.json) out.write(JSON.stringify(result, replacer) + "\n");
    else {
      result.sequences.forEach((seq, i) => {
        const score = seq.score === undefined ? "" : `, score ${seq.score.toFixed(4)}`;
        out.write(`--- sequence ${i + 1} (${seq.finishReason}${score}) ---\n${cmd.prompt}${seq.text}\n`);
      });
    }
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
    out.write(JSON.stringify({ prompt: cmd.prompt, options: { ...options, signal: undefined } }) + "\n");
  else out.write(cmd.prompt);
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
  report(err, cmd.verbose, count, started);
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
