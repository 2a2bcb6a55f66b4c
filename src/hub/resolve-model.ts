// `--model` anywhere: an existing path is used as is; otherwise something shaped like ORG/NAME
// (optionally @REVISION, :QUANT) is fetched into (or found in) the Hugging Face cache first.
import { exists } from "./cache.js";
import { type PullOptions, pullModel } from "./pull.js";
import { looksLikeRepoRef, parseRepoRef } from "./repo-ref.js";

/** The local path loadModel should open for `source`. */
export async function resolveModelSource(source: string, options: PullOptions = {}): Promise<string> {
  // A model file name that is missing is a wrong path, not a repository to look for.
  if ((await exists(source)) || !looksLikeRepoRef(source) || /\.(gguf|bin|json|safetensors)$/i.test(source)) {
    return source;
  }
  return (await pullModel(parseRepoRef(source), options)).modelPath;
}
