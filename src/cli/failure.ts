/**
 * How the command line fails: one line `nextoken: <message>` (and a hint where one helps), exit
 * status 2 for a command line it cannot use and 1 for the rest, a stack only with --debug (or
 * NEXTOKEN_DEBUG=1). A closed pipe on stdout or stderr (`nextoken … | head`) ends the program
 * quietly with status 0, as Unix tools do.
 */
import { inspect } from "node:util";
import { LlmError, PortUnavailableError } from "../errors.js";

/** Error codes that mean "the command line is wrong": exit status 2, as for unknown commands. */
const USAGE_CODES: ReadonlySet<string> = new Set(["invalid_option", "usage"]);

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The --debug flag and NEXTOKEN_DEBUG=1 (any value but "", "0" or "false"). */
export function debugRequested(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const debugEnv = env.NEXTOKEN_DEBUG;
  return debugFlagIndex(argv) >= 0 || (debugEnv !== undefined && !["", "0", "false"].includes(debugEnv));
}

/** argv without the global --debug flag (before a `--`, after which everything is a prompt). */
export function withoutDebugFlag(argv: readonly string[]): string[] {
  const index = debugFlagIndex(argv);
  return index < 0 ? [...argv] : withoutDebugFlag([...argv.slice(0, index), ...argv.slice(index + 1)]);
}

function debugFlagIndex(argv: readonly string[]): number {
  const end = argv.indexOf("--");
  const index = argv.indexOf("--debug");
  return index >= 0 && (end < 0 || index < end) ? index : -1;
}

/** What to print (ending in a newline) and the exit status for an error that reached main. */
export function describeFailure(error: unknown, debug: boolean): { text: string; exitCode: number } {
  if (error instanceof LlmError) {
    const hint = hintFor(error);
    const lines = [`nextoken: ${error.message}`, ...(hint === undefined ? [] : [`nextoken: ${hint}`])];
    if (debug) lines.push(stackOf(error));
    return {
      text: lines.join("\n") + "\n",
      exitCode: USAGE_CODES.has(error.code) ? EXIT_USAGE : EXIT_FAILURE,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  const text = debug
    ? `nextoken: unexpected error: ${message}\n${stackOf(error)}\n`
    : `nextoken: unexpected error: ${firstLine(message)} (run with --debug for the stack)\n`;
  return { text, exitCode: EXIT_FAILURE };
}

function hintFor(error: LlmError): string | undefined {
  if (error instanceof PortUnavailableError)
    return "choose another port with --port N, or --port 0 for any free one";
  return undefined;
}

/** The stack of an error and of each cause under it. */
function stackOf(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 8; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : inspect(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join("\ncaused by: ");
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0];
}

/** EPIPE: the reader went away (`| head`); anything else on stdout/stderr is a real failure. */
export function isClosedPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "EPIPE";
}
