// `nextoken pull ORG/NAME[@REVISION][:QUANT]`: the files a model needs, into the Hugging Face cache.
// A safetensors repository gives config, tokenizer, generation config and weights (with the shard
// index); a GGUF repository gives one .gguf file, chosen with `file` or the `:QUANT` suffix when it
// holds several. HF_HUB_OFFLINE=1 answers from the cache alone, without touching the network.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { HubError } from "../errors.js";
import { exists, type HubEnv, hubCacheDir, RepoCache } from "./cache.js";
import { HubClient } from "./client.js";
import { downloadBlob, type ProgressListener } from "./download.js";
import type { RepoRef } from "./repo-ref.js";

/** Small files a safetensors model directory uses when present. */
const SIDE_FILES = [
  "config.json",
  "generation_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "special_tokens_map.json",
];

export interface PullOptions {
  /** A file of the repository to fetch (a .gguf), instead of choosing. */
  file?: string;
  env?: HubEnv;
  client?: HubClient;
  /** A transfer silent for this long is aborted, its partial file kept for a rerun (default 30 s). */
  stallTimeoutMs?: number;
  /** Called as each file starts, then with its progress. */
  onFile?: (file: string, size: number) => ProgressListener | undefined;
}

export interface PulledModel {
  repo: string;
  commit: string;
  /** The snapshot directory (snapshots/<commit>). */
  snapshot: string;
  /** What loadModel takes: the snapshot directory, or the .gguf file in it. */
  modelPath: string;
  files: string[];
}

/** Makes sure the model's files are in the cache (downloading what is missing) and says where. */
export async function pullModel(ref: RepoRef, options: PullOptions = {}): Promise<PulledModel> {
  const env = options.env ?? process.env;
  const cache = new RepoCache(hubCacheDir(env), ref.repo);
  const want = { file: options.file, quant: ref.quant };
  if (isOffline(env)) return fromCache(ref, cache, want);

  const client = options.client ?? HubClient.fromEnv(env, { stallTimeoutMs: options.stallTimeoutMs });
  const info = await client.repoInfo(ref.repo, ref.revision);
  const { files, modelFile } = chooseFiles(ref.repo, info.files, want);
  for (const file of files) {
    const meta = await client.fileMeta(ref.repo, info.commit, file);
    await downloadBlob({
      client,
      repo: ref.repo,
      commit: info.commit,
      file,
      meta,
      blobPath: cache.blob(meta.etag),
      onProgress: options.onFile?.(file, meta.size),
      stallTimeoutMs: options.stallTimeoutMs,
    });
    await cache.link(info.commit, file, meta.etag);
  }
  await cache.writeRef(ref.revision, info.commit);
  const snapshot = cache.snapshot(info.commit);
  return {
    repo: ref.repo,
    commit: info.commit,
    snapshot,
    modelPath: modelFile ? join(snapshot, modelFile) : snapshot,
    files,
  };
}

function isOffline(env: HubEnv): boolean {
  return ["1", "true", "yes", "on"].includes((env.HF_HUB_OFFLINE ?? "").toLowerCase());
}

async function fromCache(
  ref: RepoRef,
  cache: RepoCache,
  want: { file?: string; quant?: string },
): Promise<PulledModel> {
  const where = `${ref.repo}@${ref.revision}`;
  const commit = await cache.readRef(ref.revision);
  const snapshot = commit === undefined ? undefined : cache.snapshot(commit);
  if (commit === undefined || snapshot === undefined || !(await exists(snapshot))) {
    throw new HubError(
      "hub_offline",
      `${where} is not in the cache (${cache.root}) and HF_HUB_OFFLINE is set; pull it once while online`,
    );
  }
  const present = await readdir(snapshot);
  const { files, modelFile } = chooseFiles(ref.repo, present, want);
  for (const file of files) {
    if (!(await exists(join(snapshot, file)))) {
      throw new HubError("hub_offline", `${where}: ${file} is not in the cache and HF_HUB_OFFLINE is set`);
    }
  }
  return {
    repo: ref.repo,
    commit,
    snapshot,
    modelPath: modelFile ? join(snapshot, modelFile) : snapshot,
    files,
  };
}

/**
 * The files to fetch out of a repository's list, and the one loadModel should open (a .gguf) if any.
 * Only top-level files with plain names are ever used: a name from the server never leaves the cache.
 */
export function chooseFiles(
  repo: string,
  listed: string[],
  want: { file?: string; quant?: string },
): { files: string[]; modelFile?: string } {
  const names = listed.filter((f) => /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(f) && !f.includes(".."));
  if (want.file !== undefined) {
    if (!names.includes(want.file)) {
      throw new HubError("hub_not_found", `${repo} has no file "${want.file}" (files: ${names.join(", ")})`);
    }
    return { files: [want.file], modelFile: want.file.endsWith(".gguf") ? want.file : undefined };
  }
  const ggufs = names.filter((f) => f.endsWith(".gguf"));
  const safetensors = names.filter((f) => f.endsWith(".safetensors") || f === "model.safetensors.index.json");
  if (want.quant === undefined && safetensors.length > 0) {
    if (!names.includes("config.json"))
      throw new HubError("hub_not_found", `${repo} has safetensors weights but no config.json`);
    return { files: [...SIDE_FILES.filter((f) => names.includes(f)), ...safetensors.sort()] };
  }
  if (ggufs.length === 0) {
    throw new HubError("hub_not_found", `${repo} has no .safetensors or .gguf weights nextoken can load`);
  }
  const quant = want.quant?.toLowerCase();
  const matches = quant === undefined ? ggufs : ggufs.filter((f) => quantOf(f) === quant);
  if (matches.length === 1) return { files: matches, modelFile: matches[0] };
  const choices = ggufs.map((f) => quantOf(f)?.toUpperCase() ?? f).join(", ");
  throw new HubError(
    "hub_ambiguous",
    matches.length === 0
      ? `${repo} has no GGUF file for quantization "${want.quant}" (available: ${choices})`
      : `${repo} has ${matches.length} GGUF files; choose one with --file NAME or ${repo}:QUANT (available: ${choices})`,
  );
}

/** "model-Q4_K_M.gguf" → "q4_k_m" (the last -/. separated part before .gguf). */
function quantOf(file: string): string | undefined {
  const m = /[-.]([A-Za-z0-9_]+)\.gguf$/.exec(file);
  return m?.[1].toLowerCase();
}
