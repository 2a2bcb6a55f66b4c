// `--model` anywhere: an existing path is used as is; otherwise something shaped like ORG/NAME
// (optionally @REVISION, :QUANT) is fetched into (or found in) the Hugging Face cache first.
import { exists } from "./cache.js";
import { type PullOptions, pullModel } from "./pull.js";
import { looksLikeRepoRef, parseRepoRef } from "./repo-ref.js";

/** Whether `source` names a Hub repository rather than a local path. */
export async function isHubSource(source: string): Promise<boolean> {
  // A model file name that is missing is a wrong path, not a repository to look for.
  // So is OWNER/NAME whose OWNER is a local directory (`-m mymodels/kjv` with ./mymodels here).
  return (
    !(await exists(source)) &&
    looksLikeRepoRef(source) &&
    !/\.(gguf|bin|json|safetensors)$/i.test(source) &&
    !(await exists(source.split("/")[0]))
  );
}

/** The local path loadModel should open for `source`. */
export async function resolveModelSource(source: string, options: PullOptions = {}): Promise<string> {
  if (!(await isHubSource(source))) return source;
  return (await pullModel(parseRepoRef(source), options)).modelPath;
}
