/** A loopback server that answers like the Hugging Face Hub, for hub tests (not shipped). */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeFile {
  content: Uint8Array;
  /** Stored with Git LFS: etag is the sha256, served through a redirect to /cdn/. */
  lfs?: boolean;
}

export interface FakeRepo {
  commit: string;
  files: Record<string, FakeFile>;
  /** Needs `Authorization: Bearer <token>`. */
  token?: string;
}

export interface FakeHub {
  endpoint: string;
  /** "METHOD path [range]" of every request, in order. */
  requests: string[];
  /** Files whose next download is cut after this many bytes. */
  cutAfter: Map<string, number>;
  /** Files served with one byte changed (the size and advertised hash stay right). */
  corrupt: Set<string>;
  /** Files whose next download is the file followed by endless zeros, chunked (no Content-Length). */
  endless: Set<string>;
  /** Files whose next download announces this many bytes more in Content-Length than the file has. */
  overAnnounce: Map<string, number>;
  /** Files whose next download sends this many bytes, then nothing (the connection stays open). */
  stallAfter: Map<string, number>;
  /** Bytes of body written by the last endless download before the client hung up. */
  endlessSent: number;
  close(): Promise<void>;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Git's blob id: sha1 of "blob <size>\0" + contents. */
export function gitSha1Hex(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

export async function startFakeHub(repos: Record<string, FakeRepo>): Promise<FakeHub> {
  const requests: string[] = [];
  const cutAfter = new Map<string, number>();
  const corrupt = new Set<string>();
  const endless = new Set<string>();
  const overAnnounce = new Map<string, number>();
  const stallAfter = new Map<string, number>();
  const state = { endlessSent: 0 };
  const blobs = new Map<string, { name: string; file: FakeFile }>();
  for (const repo of Object.values(repos)) {
    for (const [name, file] of Object.entries(repo.files)) blobs.set(sha256Hex(file.content), { name, file });
  }

  const serveBytes = (req: IncomingMessage, res: ServerResponse, name: string, content: Uint8Array) => {
    let bytes: Uint8Array = content;
    if (corrupt.has(name)) {
      bytes = Uint8Array.from(content); // a copy (Buffer.slice would be a view)
      bytes[bytes.length >> 1] ^= 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    const body = bytes.subarray(start);
    const headers: Record<string, string | number> = {
      "Content-Length": body.byteLength,
      "Accept-Ranges": "bytes",
    };
    if (range) headers["Content-Range"] = `bytes ${start}-${bytes.byteLength - 1}/${bytes.byteLength}`;
    const extra = req.method === "HEAD" ? undefined : overAnnounce.get(name);
    if (extra !== undefined) headers["Content-Length"] = body.byteLength + extra;
    if (req.method !== "HEAD" && endless.has(name)) {
      endless.delete(name);
      delete headers["Content-Length"];
      res.writeHead(range ? 206 : 200, headers);
      return sendEndless(res, body);
    }
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === "HEAD") return res.end();
    if (extra !== undefined) {
      overAnnounce.delete(name);
      res.write(body); // the announced length is never reached; the client should not wait for it
      return;
    }
    const stall = stallAfter.get(name);
    if (stall !== undefined) {
      stallAfter.delete(name);
      res.write(body.subarray(0, stall)); // then silence, with the connection left open
      return;
    }
    const cut = cutAfter.get(name);
    if (cut !== undefined) {
      cutAfter.delete(name);
      // cut only once the bytes are on the wire, so the client has something to resume from; a FIN
      // (end) rather than a reset (destroy), which could drop bytes the client hadn't read yet
      res.write(body.subarray(0, cut), () => setTimeout(() => res.socket?.end(), 50));
      return;
    }
    res.end(body);
  };

  /** The body, then 64 KiB chunks of zeros for as long as the client reads them. */
  const sendEndless = (res: ServerResponse, body: Uint8Array) => {
    state.endlessSent = 0;
    const zeros = new Uint8Array(64 * 1024);
    const pump = () => {
      while (!res.destroyed) {
        state.endlessSent += zeros.byteLength;
        if (!res.write(zeros)) return void res.once("drain", pump);
      }
    };
    state.endlessSent = body.byteLength;
    res.write(body);
    pump();
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://hub");
    const path = decodeURIComponent(url.pathname);
    requests.push(`${req.method} ${path}${req.headers.range ? ` ${req.headers.range}` : ""}`);
    const fail = (status: number, error: string) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error }));
    };
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(path);
    if (cdn) {
      const blob = blobs.get(cdn[1]);
      return blob ? serveBytes(req, res, blob.name, blob.file.content) : fail(404, "no such blob");
    }
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/(.+)$/.exec(path);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const repoName = api?.[1] ?? resolve?.[1];
    const repo = repoName === undefined ? undefined : repos[repoName];
    if (repo === undefined) return fail(404, "Repository not found");
    if (repo.token !== undefined && req.headers.authorization !== `Bearer ${repo.token}`) {
      return fail(401, "Access to this model is restricted. You must be authenticated.");
    }
    const revision = (api ?? resolve)![2];
    if (revision !== "main" && revision !== repo.commit) return fail(404, "Revision not found");
    if (api) {
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(
        JSON.stringify({
          id: repoName,
          sha: repo.commit,
          siblings: Object.keys(repo.files).map((rfilename) => ({ rfilename })),
        }),
      );
    }
    const name = resolve![3];
    const file = repo.files[name];
    if (file === undefined) return fail(404, "Entry not found");
    if (file.lfs) {
      const sha = sha256Hex(file.content);
      res.writeHead(302, {
        Location: `/cdn/${sha}`,
        "X-Linked-Etag": `"${sha}"`,
        "X-Linked-Size": file.content.byteLength,
        "X-Repo-Commit": repo.commit,
        "Content-Length": 0,
      });
      return res.end();
    }
    res.setHeader("ETag", `"${gitSha1Hex(file.content)}"`);
    res.setHeader("X-Repo-Commit", repo.commit);
    return serveBytes(req, res, name, file.content);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    cutAfter,
    corrupt,
    endless,
    overAnnounce,
    stallAfter,
    get endlessSent() {
      return state.endlessSent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
