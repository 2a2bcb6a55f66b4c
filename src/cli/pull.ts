// `nextoken pull ORG/NAME[@REVISION][:QUANT] [--file NAME]`: download a model into the HF cache.
import { InvalidOptionError } from "../errors.js";
import { progressReporter } from "../hub/progress.js";
import { pullModel } from "../hub/pull.js";
import { parseRepoRef } from "../hub/repo-ref.js";
import { parseFlags } from "./flags.js";
import type { Output } from "./render.js";

export const PULL_HELP = `Pull (nextoken pull ORG/NAME[@REVISION][:QUANT]):
      --file NAME         the file to fetch from a repository with several .gguf files
  Files go to the Hugging Face cache (HF_HUB_CACHE, or HF_HOME/hub). HF_TOKEN for gated models;
  HF_HUB_OFFLINE=1 uses the cache only. --model ORG/NAME (and --file) works in every command
  that takes the model flags (see Model).`;

/** Downloads what the model needs and prints the path to pass as --model. */
export async function runPull(argv: string[], stdout: Output, stderr: Output): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    file: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    stdout.write(`${PULL_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new InvalidOptionError("pull", positionals.join(" "), "one model id ORG/NAME[@REVISION][:QUANT]");
  }
  const pulled = await pullModel(parseRepoRef(positionals[0], "pull"), {
    file: typeof values.file === "string" ? values.file : undefined,
    onFile: progressReporter(stderr),
  });
  stderr.write(
    `nextoken: ${pulled.repo} @ ${pulled.commit.slice(0, 12)}: ${pulled.files.length} file(s) in the cache\n`,
  );
  stdout.write(`${pulled.modelPath}\n`);
  return 0;
}
