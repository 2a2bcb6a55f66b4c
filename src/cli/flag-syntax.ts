/**
 * Two fixes around node:util parseArgs: a negative number after a flag that takes a value is that
 * value (`--temperature -1` means `--temperature=-1`, so both get the same range error), and its
 * errors become a UsageError in this CLI's words, naming the nearest known flag for a typo.
 */
import type { ParseArgsConfig } from "node:util";
import { UsageError } from "../errors.js";
import { nearestName } from "../nearest-name.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** -1, -0.5, -.5, -1e-3, -inf, -Infinity: what a user means as a negative value, never a flag. */
const NEGATIVE_NUMBER = /^-(?:(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|inf(?:inity)?)$/i;

/** argv with each `--flag -N` / `-f -N` (a flag that takes a value) written `--flag=-N`. */
export function withNegativeValues(argv: readonly string[], options: Options): string[] {
  const longOf = new Map<string, string>();
  for (const [name, option] of Object.entries(options)) {
    if (option.type !== "string") continue;
    longOf.set(`--${name}`, name);
    if (option.short !== undefined) longOf.set(`-${option.short}`, name);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const name = longOf.get(arg);
    const next = argv[i + 1];
    if (name !== undefined && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** parseArgs' error as a UsageError: unknown flag (with a suggestion), missing or unwanted value. */
export function usageErrorOf(error: unknown, options: Options): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const flag = (/Unknown option '([^']+)'/.exec(message)?.[1] ?? "").split("=")[0];
    const suggestion = flag.startsWith("--") ? nearestName(flag.slice(2), Object.keys(options)) : undefined;
    return new UsageError(
      `unknown option ${flag}` + (suggestion === undefined ? "" : `; did you mean --${suggestion}?`),
    );
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const flag = /--[\w-]+/.exec(message)?.[0] ?? /'(-\w)'/.exec(message)?.[1] ?? "an option";
    if (/does not take an argument/.test(message)) return new UsageError(`${flag} takes no value`);
    if (/ambiguous/.test(message))
      return new UsageError(`${flag} needs a value (one that starts with "-" is written ${flag}=-VALUE)`);
    return new UsageError(`${flag} needs a value`);
  }
  return error;
}
