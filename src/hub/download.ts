// One file into the cache's blobs/, safely: bytes land in blobs/<etag>.incomplete, a cut connection
// resumes from where it stopped (HTTP Range), and the blob is renamed into place only once its size
// and hash match the Hub's etag (sha256 for LFS files, git blob sha1 for small ones). A mismatch
// deletes the partial file, so a bad download never poisons the cache.
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { HubError } from "../errors.js";
import { exists } from "./cache.js";
import type { FileMeta, HubClient } from "./client.js";

/** Tries per file before giving up on a connection that keeps dropping. */
export const MAX_ATTEMPTS = 5;

/** Told about bytes as they arrive: done so far, and the total. */
export type ProgressListener = (done: number, total: number) => void;

export interface BlobRequest {
  client: HubClient;
  repo: string;
  commit: string;
  file: string;
  meta: FileMeta;
  blobPath: string;
  onProgress?: ProgressListener;
}

/** Downloads one file into `blobPath` unless it is there already; verifies it. */
export async function downloadBlob(request: BlobRequest): Promise<void> {
  const { blobPath } = request;
  if (await exists(blobPath)) return;
  const partial = `${blobPath}.incomplete`;
  await mkdir(dirname(blobPath), { recursive: true });
  let lastError: unknown;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      await fetchRest(request, partial);
      lastError = undefined;
      break;
    } catch (error) {
      if (error instanceof HubError && error.code !== "hub_http") throw error;
      lastError = error;
    }
  }
  if (lastError !== undefined) {
    throw new HubError(
      "hub_http",
      `${request.repo}/${request.file}: download failed after ${MAX_ATTEMPTS} tries (${(lastError as Error).message}); run the command again to resume`,
      { cause: lastError },
    );
  }
  await verify(request, partial);
  await rename(partial, blobPath);
}

/** Appends the missing bytes of the file to `partial`, starting a fresh copy if the server ignores Range. */
async function fetchRest(request: BlobRequest, partial: string): Promise<void> {
  const { meta } = request;
  let offset = (await stat(partial).catch(() => undefined))?.size ?? 0;
  if (offset > meta.size) {
    await rm(partial, { force: true });
    offset = 0;
  }
  if (offset === meta.size) return;
  const response = await request.client.download(request.repo, request.commit, request.file, offset);
  if (offset > 0 && response.status !== 206) offset = 0; // whole file sent: start over
  const file = await open(partial, offset > 0 ? "a" : "w");
  let done = offset;
  try {
    if (response.body === null)
      throw new HubError("hub_http", `${request.repo}/${request.file}: empty response`);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      await file.write(chunk);
      done += chunk.byteLength;
      request.onProgress?.(done, meta.size);
    }
  } catch (cause) {
    throw new HubError(
      "hub_http",
      `connection lost after ${done} of ${meta.size} bytes (${(cause as Error).message})`,
      {
        cause,
      },
    );
  } finally {
    await file.close();
  }
  if (done < meta.size)
    throw new HubError("hub_http", `connection closed after ${done} of ${meta.size} bytes`);
}

async function verify(request: BlobRequest, partial: string): Promise<void> {
  const { meta, repo, file } = request;
  const size = (await stat(partial)).size;
  const fail = async (what: string) => {
    await rm(partial, { force: true });
    return new HubError(
      "hub_integrity",
      `${repo}/${file}: ${what}; the download was discarded (nothing was added to the cache), try again`,
    );
  };
  if (size !== meta.size) throw await fail(`got ${size} bytes, the Hub says ${meta.size}`);
  // 64 hex digits: an LFS sha256 of the contents; 40: git's sha1 of "blob <size>\0" + contents.
  const hash: Hash =
    meta.etag.length === 64 ? createHash("sha256") : createHash("sha1").update(`blob ${size}\0`);
  for await (const chunk of createReadStream(partial)) hash.update(chunk as Buffer);
  const actual = hash.digest("hex");
  if (actual !== meta.etag) {
    const kind = meta.etag.length === 64 ? "sha256" : "git sha1";
    throw await fail(`${kind} ${actual} does not match the Hub's ${meta.etag}`);
  }
}
