import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FormatError } from "./errors.js";
import { loadModel, type LoadModelOptions, type Model } from "./load-model.js";

/**
 * The built-in model that ships inside the package: a small Llama-style model trained by nextoken on
 * the King James Bible (scripts/train-default.mjs, `npm run train:default`). Resolved from this
 * file's own location (dist/default-model.js → ../models/default), so it is found from a clone and
 * from an npm install alike.
 */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL("../models/default", import.meta.url));

/** DEFAULT_MODEL_DIR, or FormatError saying how to get it when the package was built without it. */
export function defaultModelDir(): string {
  if (!existsSync(join(DEFAULT_MODEL_DIR, "config.json"))) {
    throw new FormatError(
      `${DEFAULT_MODEL_DIR}: the built-in model is missing; pass --model PATH or train it with npm run train:default`,
    );
  }
  return DEFAULT_MODEL_DIR;
}

/** Loads the built-in model (what the CLI uses when --model is omitted). */
export function loadDefaultModel(options?: LoadModelOptions): Promise<Model> {
  return loadModel(defaultModelDir(), options);
}
