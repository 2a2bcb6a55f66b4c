import { defaultModelDir } from "../default-model.js";
import { InvalidOptionError } from "../errors.js";
import { progressReporter } from "../hub/progress.js";
import { resolveModelSource } from "../hub/resolve-model.js";
import { loadModel, type Model } from "../load-model.js";
import type { FlagValues } from "./flags.js";

/** Loads the model named by --model (and --tokenizer, --threads); without --model, the built-in one. */
export async function modelFromFlags(values: FlagValues): Promise<Model> {
  const source = values.model ?? defaultModelDir();
  if (typeof source !== "string") {
    throw new InvalidOptionError(
      "--model",
      undefined,
      "a model path: an HF directory, a .gguf file or a llama2.c .bin",
    );
  }
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new InvalidOptionError("--threads", values.threads, "a positive integer");
  }
  // Not a path but ORG/NAME[@REV][:QUANT]: fetched into (or found in) the Hugging Face cache.
  const path = await resolveModelSource(source, {
    file: typeof values.file === "string" ? values.file : undefined,
    onFile: progressReporter({
      write: (t) => void process.stderr.write(t),
      isTTY: process.stderr.isTTY === true,
    }),
  });
  return loadModel(path, {
    tokenizer: typeof values.tokenizer === "string" ? values.tokenizer : undefined,
    threads,
  });
}

/** The prompt from positionals (joined by spaces); "" when none. */
export function promptOf(positionals: string[]): string {
  return positionals.join(" ");
}
