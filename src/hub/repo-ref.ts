// "ORG/NAME[@REVISION][:QUANT]" → its parts. A model argument that is not an existing path and has
// this shape names a Hugging Face Hub repository.
import { InvalidOptionError } from "../errors.js";

export interface RepoRef {
  /** "ORG/NAME". */
  repo: string;
  /** Branch, tag or commit ("main" when not given). */
  revision: string;
  /** GGUF quantization to pick (":Q4_K_M"), if given. */
  quant?: string;
}

const PART = "[A-Za-z0-9][A-Za-z0-9._-]*";
const REF = new RegExp(`^(${PART}/${PART})(?:@([A-Za-z0-9._/-]+))?(?::([A-Za-z0-9._-]+))?$`);

/** True when `text` has the shape of a Hub model reference (it may still not exist). */
export function looksLikeRepoRef(text: string): boolean {
  const m = REF.exec(text);
  return m !== null && !m[1].includes("..") && !(m[2] ?? "").includes("..");
}

/** Parses a Hub model reference; throws InvalidOptionError naming `option` when it is not one. */
export function parseRepoRef(text: string, option = "model"): RepoRef {
  const m = REF.exec(text);
  if (m === null || !looksLikeRepoRef(text)) {
    throw new InvalidOptionError(option, text, "a Hub model id ORG/NAME, optionally @REVISION and :QUANT");
  }
  const ref: RepoRef = { repo: m[1], revision: m[2] ?? "main" };
  if (m[3] !== undefined) ref.quant = m[3];
  return ref;
}
