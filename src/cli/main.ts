#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { InvalidOptionError } from "../errors.js";
import { nearestName } from "../nearest-name.js";
import { DEFAULT_COMPARE_TOKENS, DEFAULT_STRATEGIES, parseStrategies } from "../inspect/compare.js";
import { COMPARE_HELP, runCompare } from "./compare.js";
import {
  GENERATION_FLAGS,
  GENERATION_HELP,
  generationOptionsOf,
  integerFlag,
  MODEL_FLAGS,
  MODEL_HELP,
  parseFlags,
  withFlagName,
} from "./flags.js";
import { debugRequested, describeFailure, EXIT_OK, isClosedPipe, withoutDebugFlag } from "./failure.js";
import { runGenerate } from "./generate.js";
import { printInfo } from "./info.js";
import { runInspect } from "./inspect.js";
import { modelFromFlags, promptOf } from "./model-arg.js";
import type { Output } from "./render.js";
import { runScore } from "./score.js";
import { runTrain, TRAIN_HELP } from "./train.js";
import { PULL_HELP, runPull } from "./pull.js";
import { runServe, SERVE_HELP } from "./serve.js";
import { PLAYGROUND_HELP, runPlayground } from "./playground.js";
import { BENCH_FLAGS, BENCH_HELP, runBench } from "./bench.js";
import { wrapText } from "./text-width.js";
import { DEFAULT_COLUMNS, terminalColumns } from "./terminal-width.js";

/** The command line: thin edges over the library; failures are shown as failure.ts describes. */

const debug = debugRequested(process.argv.slice(2), process.env);

/** An Output over stdout or stderr that stops the program as soon as a write fails (see failure.ts). */
function outputOf(stream: NodeJS.WriteStream): Output {
  stream.on("error", streamFailed);
  return {
    write: (t) => {
      stream.write(t);
      // a failed write destroys the stream at once but emits 'error' only on a later tick, which a
      // generation loop of resolved promises may not reach for a long time
      if (stream.errored) streamFailed(stream.errored);
    },
    isTTY: stream.isTTY === true,
    columns: terminalColumns(stream),
  };
}

const stdout = outputOf(process.stdout);
const stderr = outputOf(process.stderr);

/** `| head` closed the pipe: stop quietly with status 0; any other write error is a failure. */
function streamFailed(error: Error): never {
  if (isClosedPipe(error)) process.exit(EXIT_OK);
  fail(error);
}

/** Prints the error as failure.ts describes it and exits. */
function fail(error: unknown): never {
  const { text, exitCode } = describeFailure(withFlagName(error), debug);
  if (!process.stderr.errored) process.stderr.write(text);
  process.exit(exitCode);
}

const USAGE = `nextoken — LLM text generation that shows its work

Usage:
  nextoken generate --model PATH [flags] "prompt"   generate text (streams)
  nextoken inspect --model PATH [flags] "prompt"    the next-token distribution and what each
                    [--top N] [--json]              processor keeps of it (--top: rows, default 20)
  nextoken compare --model PATH "prompt"            one prompt under several decoding strategies
                    [--strategies SPECS] [--samples N] [-n N] [--seed S] [--json]
  nextoken score --model PATH [--json] "text"       per-token log-probabilities, surprisal, perplexity
  nextoken info --model PATH [--json]               describe a checkpoint
  nextoken serve --model PATH [--port N]            an OpenAI-compatible HTTP server
  nextoken playground [--model PATH] [--port N]     the web playground (see the README)
  nextoken pull ORG/NAME[@REV][:QUANT]              download a model from the Hugging Face Hub
  nextoken train --corpus FILE... --out DIR [flags] train a small model on text (see below)
  nextoken bench [--models LIST] [--types LIST]     speed of random-weight models (see below)
  nextoken version                                  the package's version
  nextoken help                                     this text

${MODEL_HELP}

Output:
      --trace [N]       per-token probabilities (coloured on a terminal, JSON lines when piped)
      --json            machine-readable output
  -v, --verbose         timing on stderr
      --no-special-tokens  generate: "<s>" or "<|im_start|>" in the prompt is plain text, not that token
      --debug           on a failure, print its stack too (or set NEXTOKEN_DEBUG=1)

${GENERATION_HELP}

${COMPARE_HELP}

${SERVE_HELP}

${PLAYGROUND_HELP}

${PULL_HELP}

${BENCH_HELP}

${TRAIN_HELP}
`;

/** The commands, for "did you mean" on a typo. */
const COMMANDS = [
  "generate",
  "inspect",
  "compare",
  "score",
  "info",
  "serve",
  "playground",
  "pull",
  "train",
  "bench",
  "version",
  "help",
];

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "generate": {
      const { values, positionals } = parseFlags(withTraceValue(rest), {
        ...MODEL_FLAGS,
        ...GENERATION_FLAGS,
        trace: { type: "string" },
        json: { type: "boolean" },
        verbose: { type: "boolean", short: "v" },
        "no-special-tokens": { type: "boolean" },
      });
      if (values.help) return help();
      const command = {
        prompt: promptOf(positionals),
        options: generationOptionsOf(values),
        parseSpecialTokens: values["no-special-tokens"] !== true,
        json: values.json === true,
        trace: traceValue(values.trace),
        verbose: values.verbose === true,
      };
      await runGenerate(await modelFromFlags(values), command, stdout, stderr);
      return 0;
    }
    case "inspect": {
      const { values, positionals } = parseFlags(rest, {
        ...MODEL_FLAGS,
        ...GENERATION_FLAGS,
        top: { type: "string" },
        json: { type: "boolean" },
      });
      if (values.help) return help();
      const top = integerFlag(values, "top", 1, 20);
      const options = generationOptionsOf(values);
      runInspect(
        await modelFromFlags(values),
        { prompt: promptOf(positionals), options, top, json: values.json === true },
        stdout,
      );
      return 0;
    }
    case "compare": {
      const { values, positionals } = parseFlags(rest, {
        ...MODEL_FLAGS,
        strategies: { type: "string" },
        samples: { type: "string" },
        "max-new-tokens": { type: "string", short: "n" },
        seed: { type: "string" },
        json: { type: "boolean" },
      });
      if (values.help) return help();
      const command = {
        prompt: promptOf(positionals),
        strategies: parseStrategies(
          typeof values.strategies === "string" ? values.strategies : DEFAULT_STRATEGIES,
        ),
        samples: integerFlag(values, "samples", 1, 3),
        maxNewTokens: integerFlag(values, "max-new-tokens", 1, DEFAULT_COMPARE_TOKENS),
        seed: integerFlag(values, "seed", 0, 0),
        json: values.json === true,
      };
      await runCompare(await modelFromFlags(values), command, stdout);
      return 0;
    }
    case "score": {
      const { values, positionals } = parseFlags(rest, { ...MODEL_FLAGS, json: { type: "boolean" } });
      if (values.help) return help();
      runScore(
        await modelFromFlags(values),
        { text: promptOf(positionals), json: values.json === true },
        stdout,
      );
      return 0;
    }
    case "info": {
      const { values } = parseFlags(rest, { ...MODEL_FLAGS, json: { type: "boolean" } });
      if (values.help) return help();
      printInfo(await modelFromFlags(values), stdout, values.json === true);
      return 0;
    }
    case "playground":
      return runPlayground(rest, stdout, stderr);
    case "serve":
      return runServe(rest, stdout, stderr);
    case "pull":
      return runPull(rest, stdout, stderr);
    case "train":
      return runTrain(rest, stdout, stderr);
    case "bench": {
      const { values } = parseFlags(rest, BENCH_FLAGS);
      if (values.help) {
        stdout.write(wrapText(`${BENCH_HELP}\n`, stdout.columns ?? DEFAULT_COLUMNS));
        return 0;
      }
      await runBench(values, process.argv[1], stdout);
      return 0;
    }
    case "--version":
    case "version": {
      const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
        version: string;
      };
      stdout.write(`${pkg.version}\n`);
      return 0;
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      return help();
    default: {
      const nearest = nearestName(command, COMMANDS);
      const hint = nearest === undefined ? "" : `; did you mean ${nearest}?`;
      stderr.write(
        wrapText(
          `nextoken: unknown command "${command}"${hint}\n\n${USAGE}`,
          stderr.columns ?? DEFAULT_COLUMNS,
        ),
      );
      return 2;
    }
  }
}

function help(): number {
  stdout.write(wrapText(USAGE, stdout.columns ?? DEFAULT_COLUMNS));
  return 0;
}

/** `--trace` may stand alone or take a count: give a bare one the value "true". */
function withTraceValue(args: string[]): string[] {
  return args.flatMap((arg, i) =>
    arg === "--trace" && (args[i + 1] === undefined || !/^\d+$/.test(args[i + 1]))
      ? ["--trace", "true"]
      : [arg],
  );
}

function traceValue(raw: unknown): boolean | number {
  if (raw === undefined) return false;
  if (raw === "true") return true;
  const count = Number(raw);
  if (!(typeof raw === "string" && /^\d+$/.test(raw) && count >= 1 && Number.isSafeInteger(count)))
    throw new InvalidOptionError("--trace", raw, "a count of candidates >= 1, or nothing");
  return count;
}

process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);
main(withoutDebugFlag(process.argv.slice(2))).then((code) => {
  process.exitCode = code;
}, fail);
