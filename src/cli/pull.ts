// `nextoken pull ORG/NAME[@REVISION][:QUANT] [--file NAME]`: download a model into the HF cache.
import { InvalidOptionError } from "../errors.js";
import { progressReporter } from "../hub/progress.js";
import { pullModel } from "../hub/pull.js";
import { parseRepoRef } from "../hub/repo-ref.js";
import { parseFlags } from "./flags.js";
import type { Output } from "./render.js";
import { wrapText } from "./text-width.js";
import { DEFAULT_COLUMNS } from "./terminal-width.js";

export const PULL_HELP = `Pull (nextoken pull ORG/NAME[@REVISION][:QUANT]):
      --file NAME         the file to fetch from a repository with several .gguf files
      --stall-timeout S   give up on a transfer that sends nothing for S seconds (default 30);
                          the partial file is kept and the next pull resumes it
  Files go to the Hugging Face cache (HF_HUB_CACHE, or HF_HOME/hub). HF_TOKEN for gated models;
  HF_HUB_OFFLINE=1 uses the cache only. --model ORG/NAME (and --file) works in every command
  that takes the model flags (see Model).`;

/** Downloads what the model needs and prints the path to pass as --model. */
export async function runPull(argv: string[], stdout: Output, stderr: Output): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    file: { type: "string" },
    "stall-timeout": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    stdout.write(wrapText(`${PULL_HELP}\n`, stdout.columns ?? DEFAULT_COLUMNS));
    return 0;
  }
  if (positionals.length !== 1) {
    throw new InvalidOptionError("pull", positionals.join(" "), "one model id ORG/NAME[@REVISION][:QUANT]");
  }
  const pulled = await pullModel(parseRepoRef(positionals[0], "pull"), {
    file: typeof values.file === "string" ? values.file : undefined,
    onFile: progressReporter(stderr),
    stallTimeoutMs: stallTimeoutMsOf(values["stall-timeout"]),
  });
  stderr.write(
    `nextoken: ${pulled.repo} @ ${pulled.commit.slice(0, 12)}: ${pulled.files.length} file(s) in the cache\n`,
  );
  stdout.write(`${pulled.modelPath}\n`);
  return 0;
}

/** --stall-timeout SECONDS as milliseconds (undefined: the default). */
function stallTimeoutMsOf(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  // setTimeout holds at most 2^31-1 ms (~24.8 days); past that it would fire at once
  if (typeof raw !== "string" || raw.trim() === "" || !(seconds > 0 && seconds * 1000 <= 2 ** 31 - 1)) {
    throw new InvalidOptionError("--stall-timeout", raw, "a number of seconds above 0 (at most 2147483)");
  }
  return seconds * 1000;
}
