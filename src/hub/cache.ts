// The Hugging Face cache layout, shared with Python tools (huggingface_hub):
//   $HF_HUB_CACHE (default $HF_HOME/hub, default ~/.cache/huggingface/hub)
//     models--ORG--NAME/
//       blobs/<etag>                   file contents, named by their sha256 (LFS) or git sha1
//       snapshots/<commit>/<file>      relative symlinks into blobs/
//       refs/<revision>                the commit a branch or tag pointed to when last resolved
import { mkdir, readFile, rm, stat, symlink, copyFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, relative } from "node:path";

/** The environment variables the cache and client read (process.env by default). */
export type HubEnv = Record<string, string | undefined>;

/** The hub cache directory (HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub). */
export function hubCacheDir(env: HubEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  return join(hfHome(env), "hub");
}

/** HF_HOME, else $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface. */
export function hfHome(env: HubEnv = process.env): string {
  if (env.HF_HOME) return env.HF_HOME;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "huggingface");
}

/** Paths of one model repository in the cache. */
export class RepoCache {
  readonly root: string;

  constructor(cacheDir: string, repo: string) {
    this.root = join(cacheDir, `models--${repo.replace("/", "--")}`);
  }

  blob(etag: string): string {
    return join(this.root, "blobs", etag);
  }

  snapshot(commit: string): string {
    return join(this.root, "snapshots", commit);
  }

  /** The commit `revision` resolved to last time, if recorded. */
  async readRef(revision: string): Promise<string | undefined> {
    if (/^[0-9a-f]{40}$/.test(revision)) return revision;
    const text = await readFile(join(this.root, "refs", revision), "utf8").catch(() => undefined);
    return text?.trim() || undefined;
  }

  async writeRef(revision: string, commit: string): Promise<void> {
    if (revision === commit) return;
    const path = join(this.root, "refs", revision);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, commit);
  }

  /** Points snapshots/<commit>/<file> at blobs/<etag> (a relative symlink; a copy where links fail). */
  async link(commit: string, file: string, etag: string): Promise<string> {
    const path = join(this.snapshot(commit), file);
    const blob = this.blob(etag);
    await mkdir(dirname(path), { recursive: true });
    await rm(path, { force: true });
    try {
      await symlink(relative(dirname(path), blob), path);
    } catch {
      await copyFile(blob, path);
    }
    return path;
  }
}

/** True when `path` exists (following links). */
export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
