// One file into the cache's blobs/, safely: bytes land in blobs/<etag>.incomplete, a cut connection
// resumes from where it stopped (HTTP Range), and the blob is renamed into place only once its size
// and hash match the Hub's etag (sha256 for LFS files, git blob sha1 for small ones). A mismatch
// deletes the partial file, so a bad download never poisons the cache. Nothing is written past the
// size the Hub announced (a server that keeps sending is cut off there), and a transfer that goes
// silent for the stall timeout is aborted with the partial file kept, so a rerun resumes it.
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { HubError } from "../errors.js";
import { exists } from "./cache.js";
import { type FileMeta, type HubClient, stalledError } from "./client.js";
import { DEFAULT_STALL_TIMEOUT_MS, StallTimer } from "./stall.js";

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
  /** Abort when no byte arrives for this long (default 30 s); the partial file is kept. */
  stallTimeoutMs?: number;
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
  const { meta, repo, file: name } = request;
  let offset = (await stat(partial).catch(() => undefined))?.size ?? 0;
  if (offset > meta.size) {
    await rm(partial, { force: true });
    offset = 0;
  }
  if (offset === meta.size) return;
  const timer = new StallTimer(request.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS);
  try {
    const response = await request.client.download(repo, request.commit, name, offset, timer.signal);
    if (offset > 0 && response.status !== 206) offset = 0; // whole file sent: start over
    const announced = Number(response.headers.get("content-length") ?? NaN);
    if (offset + announced > meta.size) {
      await response.body?.cancel();
      throw await oversize(request, partial, `announces ${offset + announced} bytes`);
    }
    await appendBody(request, response, partial, offset, timer);
  } catch (cause) {
    if (timer.stalled) {
      const kept = (await stat(partial).catch(() => undefined))?.size ?? 0;
      const detail = ` after ${kept} of ${meta.size} bytes, which are kept`;
      throw stalledError(`${repo}/${name}`, request.client.endpoint, timer.signal.reason, cause, detail);
    }
    throw cause;
  } finally {
    timer.clear();
  }
}

/** Writes the body to `partial` from `offset` on, never past `meta.size`. */
async function appendBody(
  request: BlobRequest,
  response: Response,
  partial: string,
  offset: number,
  timer: StallTimer,
): Promise<void> {
  const { meta } = request;
  const file = await open(partial, offset > 0 ? "a" : "w");
  let done = offset;
  let received = offset; // bytes the server sent, including any it sent too many
  try {
    if (response.body === null)
      throw new HubError("hub_http", `${request.repo}/${request.file}: empty response`);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      timer.touch();
      received += chunk.byteLength;
      if (received > meta.size) {
        break; // leaving the loop cancels the body: not one byte past the announced size is read on
      }
      await file.write(chunk);
      done += chunk.byteLength;
      request.onProgress?.(done, meta.size);
    }
  } catch (cause) {
    throw new HubError(
      "hub_http",
      `connection lost after ${done} of ${meta.size} bytes (${(cause as Error).message})`,
      { cause },
    );
  } finally {
    await file.close();
  }
  if (received > meta.size) throw await oversize(request, partial, `sent more (${received} bytes so far)`);
  if (done < meta.size)
    throw new HubError("hub_http", `connection closed after ${done} of ${meta.size} bytes`);
}

/** hub_integrity: the server sends more than the file's size; what it sent is discarded. */
async function oversize(request: BlobRequest, partial: string, what: string): Promise<HubError> {
  await rm(partial, { force: true });
  return new HubError(
    "hub_integrity",
    `${request.repo}/${request.file}: the Hub gave the file's size as ${request.meta.size} bytes but the server ${what}; stopped there and discarded the download (nothing was added to the cache)`,
  );
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
