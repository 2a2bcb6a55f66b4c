import { defaultModelDir } from "../default-model.js";
import { InvalidOptionError } from "../errors.js";
import { progressReporter } from "../hub/progress.js";
import { basename } from "node:path";
import { parseRepoRef } from "../hub/repo-ref.js";
import { isHubSource, resolveModelSource } from "../hub/resolve-model.js";
import { loadModel, type LoadModelOptions, type Model } from "../load-model.js";
import { isKvCacheType, type KvCacheType } from "../models/kv-cache.js";
import type { FlagValues } from "./flags.js";

/**
 * Loads the model named by --model (and --file, --tokenizer, --threads, --kv-cache-type); without
 * --model, the built-in one. Every command with MODEL_FLAGS loads its model here.
 */
export async function modelFromFlags(values: FlagValues): Promise<Model> {
  const { source, options } = await modelSourceFromFlags(values);
  return loadModel(source, options);
}

/**
 * What modelFromFlags loads: the model's path (a Hub model is fetched into the cache first) and the
 * load options, for a caller that loads it elsewhere (the server's engine thread).
 */
export async function modelSourceFromFlags(
  values: FlagValues,
): Promise<{ source: string; options: LoadModelOptions }> {
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
  const kvCacheType = kvCacheTypeFlag(values);
  // Not a path but ORG/NAME[@REV][:QUANT]: fetched into (or found in) the Hugging Face cache.
  const path = await resolveModelSource(source, {
    file: typeof values.file === "string" ? values.file : undefined,
    onFile: progressReporter({
      write: (t) => void process.stderr.write(t),
      isTTY: process.stderr.isTTY === true,
    }),
  });
  return {
    source: path,
    options: {
      tokenizer: typeof values.tokenizer === "string" ? values.tokenizer : undefined,
      threads,
      kvCacheType,
      checkWeights: values["no-check-weights"] === true ? false : undefined,
    },
  };
}

/**
 * The model's name for clients (the OpenAI API's `model`, the playground): --model-name, else
 * ORG/NAME for a Hub model, else the path's last part without .gguf/.bin; "default" for the built-in.
 */
export async function modelIdOf(values: FlagValues): Promise<string> {
  if (typeof values["model-name"] === "string" && values["model-name"] !== "") return values["model-name"];
  const source = values.model;
  if (typeof source !== "string") return "default"; // the built-in model
  if (await isHubSource(source)) return parseRepoRef(source).repo;
  return basename(source).replace(/\.(gguf|bin)$/, "");
}

/** --kv-cache-type f32|f16, or undefined when not given (NEXTOKEN_KV_CACHE_TYPE or f32 then). */
export function kvCacheTypeFlag(values: FlagValues): KvCacheType | undefined {
  const raw = values["kv-cache-type"];
  if (raw === undefined) return undefined;
  if (!isKvCacheType(raw)) throw new InvalidOptionError("--kv-cache-type", raw, '"f32" or "f16"');
  return raw;
}

/** The prompt from positionals (joined by spaces); "" when none. */
export function promptOf(positionals: string[]): string {
  return positionals.join(" ");
}
