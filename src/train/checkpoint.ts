import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../formats/atomic-write.js";
import { parseSafetensors } from "../formats/safetensors.js";
import { f32View } from "../tensor/rows.js";
import { CheckpointError } from "./errors.js";
import { f32Bytes, writeSafetensors } from "./safetensors-writer.js";

/**
 * A training checkpoint: everything a resumed run needs to continue exactly as an uninterrupted one
 * would — parameters, AdamW moments, the step, the RNG state (which fixes every later batch) and the
 * options — in one safetensors file with the state as JSON metadata and a SHA-256 of the tensor data.
 */

export const CHECKPOINT_FILE = "checkpoint.safetensors";
const FORMAT = "nextoken-train-checkpoint/1";

/** The JSON part of a checkpoint. */
export interface TrainState {
  /** Optimizer steps done. */
  step: number;
  rng: number[];
  /** Options of the run (sizes, schedule, seed…), as given to train(). */
  options: Record<string, unknown>;
  /** SHA-256 of the corpus texts, so a resume on other data is refused. */
  corpusSha256: string;
  /** (step, train loss, validation loss or null) per logged step. */
  history: [number, number, number | null][];
  /** Training wall time so far. */
  elapsedMs: number;
}

export interface Checkpoint {
  state: TrainState;
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/** Writes a checkpoint atomically (a temp file and a rename). */
export async function saveCheckpoint(path: string, c: Checkpoint): Promise<void> {
  const tensors = (["params", "m", "v"] as const).map((name) => ({
    name,
    dtype: "F32" as const,
    shape: [c[name].length],
    bytes: f32Bytes(c[name]),
  }));
  const hash = createHash("sha256");
  for (const t of tensors) hash.update(t.bytes);
  const metadata = { format: FORMAT, state: JSON.stringify(c.state), sha256: hash.digest("hex") };
  await writeFileAtomic(path, writeSafetensors(tensors, metadata));
}

/** Reads a checkpoint; CheckpointError when it is missing, truncated, altered or not a checkpoint. */
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
  if (metadata.format !== FORMAT) throw new CheckpointError(`${path}: not a nextoken training checkpoint`);
  const hash = createHash("sha256");
  const arrays: Float32Array[] = [];
  for (const name of ["params", "m", "v"]) {
    const t = tensors.get(name);
    if (!t || t.dtype !== "f32")
      throw new CheckpointError(`${path}: damaged checkpoint (tensor "${name}" missing)`);
    hash.update(t.bytes);
    arrays.push(f32View(t).slice());
  }
  if (hash.digest("hex") !== metadata.sha256) {
    throw new CheckpointError(`${path}: damaged checkpoint (the data does not match its SHA-256)`);
  }
  let state: TrainState;
  try {
    state = JSON.parse(metadata.state) as TrainState;
  } catch (cause) {
    throw new CheckpointError(`${path}: damaged checkpoint (state is not JSON)`, { cause });
  }
  // checkpoints written before it was dropped hold tokensSeen, which is step × batch × context
  delete (state as { tokensSeen?: number }).tokensSeen;
  const [params, m, v] = arrays;
  if (m.length !== params.length || v.length !== params.length || !Number.isInteger(state.step)) {
    throw new CheckpointError(`${path}: damaged checkpoint (inconsistent sizes)`);
  }
  return { state, params, m, v };
}
