// A real checkpoint from a tiny run, edited field by field: every edit is refused with a typed
// CheckpointError naming the file and the field, never a TypeError or a resume into NaN. Raw byte
// edits (the state's text included) break the SHA-256; edits re-saved with a fresh hash (a buggy
// writer, a hand edit) are caught by validation. The real CLI refuses the audit's `weightTecay` flip.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Checkpoint, CHECKPOINT_FILE, loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { CheckpointError } from "./errors.js";
import { train, TRAIN_DEFAULTS, type TrainOptions } from "./train.js";

const CLI = join(process.cwd(), "dist", "cli", "main.js");
const root = await mkdtemp(join(tmpdir(), "nextoken-checkpoint-"));
const corpus = join(root, "corpus.txt");
const out = join(root, "run");
const path = join(out, CHECKPOINT_FILE);
const edited = join(root, "edited.safetensors");
let original: Buffer;
let good: Checkpoint;

const tiny: TrainOptions = {
  ...TRAIN_DEFAULTS,
  layers: 1,
  dim: 16,
  heads: 2,
  context: 16,
  vocab: 300,
  batch: 2,
  steps: 6,
  evalEvery: 2,
  evalWindows: 2,
  checkpointEvery: 3,
};

before(async () => {
  const lines = Array.from({ length: 200 }, (_, i) => `The ${i % 7} lambs and the ${(i * 3) % 5} goats.`);
  await writeFile(corpus, lines.join("\n"));
  // interrupted at step 3 of 6: the checkpoint a resume starts from
  const abort = new AbortController();
  const onProgress = (p: { step: number }) => p.step === 3 && abort.abort();
  const stopped = await train({ corpus: [corpus], out, options: tiny, signal: abort.signal, onProgress });
  assert.deepEqual([stopped.interrupted, stopped.step], [true, 3]);
  original = await readFile(path);
  good = await loadCheckpoint(path);
});

after(() => rm(root, { recursive: true, force: true }));

/** Loads `bytes` as a checkpoint and expects a CheckpointError naming the file (and `field`). */
async function expectRefused(bytes: Uint8Array, field: string | undefined, what: string): Promise<void> {
  await writeFile(edited, bytes);
  await assert.rejects(loadCheckpoint(edited), (error: unknown) => {
    assert.ok(error instanceof CheckpointError, `${what}: got ${String(error)}`);
    assert.ok(error.message.startsWith(edited), `${what}: ${error.message}`);
    if (field !== undefined) assert.equal(error.field, field, `${what}: ${error.message}`);
    return true;
  });
}

/** A saved state opened up for editing: any field may be set, deleted or given the wrong type. */
interface EditableState {
  [key: string]: unknown;
  options: Record<string, unknown>;
  step: number;
  rng: number[];
  corpusSha256: string;
  history: unknown[][];
}

/** Saves `good` with its state changed by `edit` (a fresh, valid hash) and expects `field` refused. */
async function expectFieldRefused(field: string, edit: (state: EditableState) => unknown): Promise<void> {
  const state = structuredClone(good.state) as unknown as EditableState;
  edit(state);
  await saveCheckpoint(edited, { ...good, state: state as unknown as Checkpoint["state"] });
  await expectRefused(await readFile(edited), field, `${field} edited`);
}

test("a byte flip in the state's text (weightDecay -> weightTecay) breaks the SHA-256", async () => {
  const at = original.indexOf("weightDecay");
  assert.ok(at > 0);
  const flipped = Buffer.from(original);
  flipped[at + "weight".length] = "T".charCodeAt(0);
  await expectRefused(flipped, "sha256", "weightTecay");
  for (const offset of [at - 20, original.length - 5, Math.floor(original.length * 0.6)]) {
    const bytes = Buffer.from(original);
    bytes[offset] ^= 0x01;
    await expectRefused(bytes, undefined, `bit flip at ${offset}`);
  }
});

test("truncated checkpoints are refused", async () => {
  for (const length of [0, 7, 100, Math.floor(original.length / 2), original.length - 1]) {
    await expectRefused(original.subarray(0, length), undefined, `truncated to ${length}`);
  }
});

test("a format-1 checkpoint (tensors-only hash) is refused with a clear error", async () => {
  const text = original
    .toString("latin1")
    .replace("nextoken-train-checkpoint/2", "nextoken-train-checkpoint/1");
  await writeFile(edited, Buffer.from(text, "latin1"));
  await assert.rejects(loadCheckpoint(edited), (e: unknown) => {
    assert.ok(e instanceof CheckpointError && e.field === "format");
    assert.match(e.message, /no longer read.*--force/);
    return true;
  });
});

test("every option of the saved state: renamed, wrong type, null (NaN in JSON), negative, unknown", async () => {
  for (const key of Object.keys(good.state.options)) {
    const field = `state.options.${key}`;
    const optional = ["ff", "minLr", "warmup"].includes(key);
    if (!optional) {
      await expectFieldRefused(field, (s) => {
        s.options[key.replace(/^(.)/, "T")] = s.options[key]; // renamed: missing and unknown
        delete s.options[key];
      });
    }
    await expectFieldRefused(field, (s) => (s.options[key] = "12"));
    await expectFieldRefused(field, (s) => (s.options[key] = NaN)); // JSON writes null
    await expectFieldRefused(field, (s) => (s.options[key] = typeof s.options[key] === "number" ? -1 : 3));
  }
  await expectFieldRefused("state.options.weightTecay", (s) => (s.options.weightTecay = 0.1));
  await expectFieldRefused("state.options.lr", (s) => (s.options.lr = 1));
  await expectFieldRefused("state.options.minLr", (s) => (s.options.minLr = (s.options.lr as number) * 2));
  await expectFieldRefused("state.options.vocab", (s) => (s.options.vocab = 70000));
  await expectFieldRefused("state.options.dim", (s) => (s.options.dim = 1.5));
});

test("every top-level state field: missing, wrong type, NaN, negative, truncated", async () => {
  for (const key of Object.keys(good.state)) {
    await expectFieldRefused(`state.${key}`, (s) => delete s[key]);
    await expectFieldRefused(`state.${key}`, (s) => (s[key] = key === "corpusSha256" ? 7 : "x"));
  }
  await expectFieldRefused("state.step", (s) => (s.step = NaN));
  await expectFieldRefused("state.step", (s) => (s.step = -1));
  await expectFieldRefused("state.step", (s) => (s.step = (s.options.steps as number) + 1));
  await expectFieldRefused("state.elapsedMs", (s) => (s.elapsedMs = -5));
  await expectFieldRefused("state.elapsedMs", (s) => (s.elapsedMs = Infinity));
  await expectFieldRefused("state.rng", (s) => (s.rng = s.rng.slice(0, 3)));
  await expectFieldRefused("state.rng", (s) => (s.rng = [0, 0, 0, 0]));
  await expectFieldRefused("state.rng[2]", (s) => (s.rng[2] = -1));
  await expectFieldRefused("state.rng[1]", (s) => (s.rng[1] = 2 ** 32));
  await expectFieldRefused("state.rng[0]", (s) => (s.rng[0] = NaN));
  await expectFieldRefused("state.corpusSha256", (s) => (s.corpusSha256 = s.corpusSha256.slice(0, 63)));
  await expectFieldRefused("state.history[0]", (s) => (s.history[0] = s.history[0].slice(0, 2)));
  await expectFieldRefused("state.history[0][1]", (s) => (s.history[0][1] = NaN));
  await expectFieldRefused("state.history[0][1]", (s) => (s.history[0][1] = -1));
  await expectFieldRefused("state.history[1][0]", (s) => (s.history[1][0] = s.history[0][0]));
  await expectFieldRefused("state.history[0][2]", (s) => (s.history[0][2] = "low"));
  await expectFieldRefused("state.bonus", (s) => (s.bonus = 1));
  await saveCheckpoint(edited, { ...good, state: [good.state] as unknown as Checkpoint["state"] });
  await expectRefused(await readFile(edited), "state", "state as an array");
});

test("tensors: NaN or Infinity in params, m or v, negative v, and mismatched lengths are refused", async () => {
  for (const [name, value] of [
    ["params", NaN],
    ["m", Infinity],
    ["v", -1e-3],
    ["v", NaN],
  ] as const) {
    const tensor = good[name].slice();
    tensor[5] = value;
    await saveCheckpoint(edited, { ...good, [name]: tensor });
    await expectRefused(await readFile(edited), name, `${name}[5] = ${value}`);
  }
  await saveCheckpoint(edited, { ...good, m: good.m.subarray(1) });
  await expectRefused(await readFile(edited), "m", "short m");
});

test("a loaded checkpoint saves back to the same bytes, and resuming from it is bit-identical", async () => {
  await saveCheckpoint(edited, await loadCheckpoint(path));
  assert.ok(original.equals(await readFile(edited)));

  const straight = join(root, "straight");
  await train({ corpus: [corpus], out: straight, options: tiny });
  await train({ corpus: [corpus], out, options: tiny, resume: true });
  const [a, b] = [await loadCheckpoint(join(straight, CHECKPOINT_FILE)), await loadCheckpoint(path)];
  assert.equal(b.state.step, tiny.steps);
  assert.ok(Buffer.from(a.params.buffer).equals(Buffer.from(b.params.buffer)), "params bit for bit");
  assert.ok(Buffer.from(a.v.buffer).equals(Buffer.from(b.v.buffer)), "v bit for bit");
  const modelA = await readFile(join(straight, "model.safetensors"));
  assert.ok(modelA.equals(await readFile(join(out, "model.safetensors"))), "exported model bit for bit");
});

test("the CLI refuses to resume from the weightTecay checkpoint: exit code 1, the file and the reason", async () => {
  const dir = join(root, "cli-run");
  await train({ corpus: [corpus], out: dir, options: { ...tiny, steps: 2 } });
  const file = join(dir, CHECKPOINT_FILE);
  const bytes = await readFile(file);
  bytes[bytes.indexOf("weightDecay") + "weight".length] = "T".charCodeAt(0);
  await writeFile(file, bytes);
  const result = spawnSync(process.execPath, [CLI, "train", "--corpus", corpus, "--out", dir, "--resume"], {
    encoding: "utf8",
  });
  assert.notEqual(result.status, 0, result.stdout);
  assert.match(
    result.stderr,
    /checkpoint\.safetensors: damaged checkpoint \(the state or the data does not match/,
  );
  assert.doesNotMatch(result.stderr, /\n\s+at /, "no stack trace");
});
