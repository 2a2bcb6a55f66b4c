import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../formats/atomic-write.js";
import { parseSafetensors } from "../formats/safetensors.js";
import { f32View } from "../tensor/rows.js";
import { type TrainState, validateMoments, validateTrainState } from "./checkpoint-state.js";
import { CheckpointError } from "./errors.js";
import { f32Bytes, writeSafetensors } from "./safetensors-writer.js";

export type { TrainState } from "./checkpoint-state.js";

/**
 * A training checkpoint: everything a resumed run needs to continue exactly as an uninterrupted one
 * would — parameters, AdamW moments, the step, the RNG state (which fixes every later batch) and the
 * options — in one safetensors file with the state as JSON metadata and a SHA-256 over the format,
 * the state's JSON text and the tensor data, so no byte of what a resume trusts goes unchecked.
 * Format 1 hashed the tensors only; its checkpoints are refused (an edited state passed unnoticed).
 */

export const CHECKPOINT_FILE = "checkpoint.safetensors";
const FORMAT = "nextoken-train-checkpoint/2";
const OLD_FORMATS = ["nextoken-train-checkpoint/1"];

export interface Checkpoint {
  state: TrainState;
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/** SHA-256 of the format, the state JSON (length-prefixed) and each tensor's bytes, in order. */
function checkpointHash(stateJson: string, tensorBytes: readonly Uint8Array[]): string {
  const hash = createHash("sha256");
  const state = Buffer.from(stateJson, "utf8");
  hash.update(`${FORMAT}\n${state.length}\n`);
  hash.update(state);
  for (const bytes of tensorBytes) hash.update(bytes);
  return hash.digest("hex");
}

/** Writes a checkpoint atomically (a temp file and a rename). */
export async function saveCheckpoint(path: string, c: Checkpoint): Promise<void> {
  const tensors = (["params", "m", "v"] as const).map((name) => ({
    name,
    dtype: "F32" as const,
    shape: [c[name].length],
    bytes: f32Bytes(c[name]),
  }));
  const state = JSON.stringify(c.state);
  const sha256 = checkpointHash(
    state,
    tensors.map((t) => t.bytes),
  );
  await writeFileAtomic(path, writeSafetensors(tensors, { format: FORMAT, state, sha256 }));
}

/**
 * Reads a checkpoint; CheckpointError (naming the file, and the field where one is at fault) when it
 * is missing, truncated, altered, from format 1, not a checkpoint, or holds a value out of range.
 */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  const bytes = await readFile(path).catch((cause: unknown) => {
    throw new CheckpointError(`${path}: cannot read the checkpoint (${(cause as Error).message})`, { cause });
  });
  let file;
  try {
    file = parseSafetensors(bytes, path);
  } catch (cause) {
    throw new CheckpointError(`${path}: damaged checkpoint (${(cause as Error).message})`, { cause });
  }
  const { metadata, tensors } = file;
  if (OLD_FORMATS.includes(metadata.format)) {
    throw new CheckpointError(
      `${path}: checkpoint format ${metadata.format} is no longer read (its SHA-256 did not cover the ` +
        `training state, so an edited state could not be detected); start over with --force`,
      { field: "format" },
    );
  }
  if (metadata.format !== FORMAT) throw new CheckpointError(`${path}: not a nextoken training checkpoint`);
  if (typeof metadata.state !== "string" || typeof metadata.sha256 !== "string")
    throw new CheckpointError(`${path}: damaged checkpoint (state or sha256 missing)`);
  const tensorBytes: Uint8Array[] = [];
  const arrays: Float32Array[] = [];
  for (const name of ["params", "m", "v"]) {
    const t = tensors.get(name);
    if (!t || t.dtype !== "f32" || t.shape.length !== 1)
      throw new CheckpointError(`${path}: damaged checkpoint (tensor "${name}" missing or not 1-D f32)`, {
        field: name,
      });
    tensorBytes.push(t.bytes);
    arrays.push(f32View(t).slice());
  }
  if (checkpointHash(metadata.state, tensorBytes) !== metadata.sha256) {
    throw new CheckpointError(
      `${path}: damaged checkpoint (the state or the data does not match its SHA-256)`,
      { field: "sha256" },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata.state);
  } catch (cause) {
    throw new CheckpointError(`${path}: damaged checkpoint (state is not JSON)`, { cause, field: "state" });
  }
  const state = validateTrainState(path, parsed);
  const [params, m, v] = arrays;
  validateMoments(path, params, m, v);
  return { state, params, m, v };
}
