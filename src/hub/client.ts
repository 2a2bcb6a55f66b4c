// A small client for the Hub's HTTP API: a repository's file list at a revision, one file's metadata
// (etag = sha256 for LFS files, git sha1 otherwise, and size), and ranged downloads. Written here
// rather than on @huggingface/hub because the cache download there neither resumes nor verifies
// hashes; the endpoint (HF_ENDPOINT) and fetch are injectable so tests run against a loopback server.
import { HubError } from "../errors.js";
import { type HubEnv, hfHome } from "./cache.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_STALL_TIMEOUT_MS, StallAbort, StallTimer } from "./stall.js";

export const DEFAULT_ENDPOINT = "https://huggingface.co";

export interface RepoInfo {
  /** The commit the revision resolved to. */
  commit: string;
  /** Every file path in the repository. */
  files: string[];
}

export interface FileMeta {
  /** sha256 (LFS) or git blob sha1, lower-case hex: the blob's name in the cache. */
  etag: string;
  size: number;
}

export interface HubClientOptions {
  endpoint?: string;
  token?: string;
  fetch?: typeof fetch;
  /** A metadata request with no answer for this long fails as hub_stalled (default 30 s). */
  stallTimeoutMs?: number;
}

export class HubClient {
  readonly endpoint: string;
  private readonly token: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly stallTimeoutMs: number;

  constructor(options: HubClientOptions = {}) {
    this.endpoint = (options.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, "");
    this.token = options.token;
    this.fetchImpl = options.fetch ?? fetch;
    this.stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  }

  /** A client configured from HF_ENDPOINT and HF_TOKEN (or the token file in HF_HOME). */
  static fromEnv(env: HubEnv = process.env, options: { stallTimeoutMs?: number } = {}): HubClient {
    return new HubClient({ endpoint: env.HF_ENDPOINT, token: tokenOf(env), ...options });
  }

  async repoInfo(repo: string, revision: string): Promise<RepoInfo> {
    const url = `${this.endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}`;
    const what = `${repo}@${revision}`;
    const timer = new StallTimer(this.stallTimeoutMs);
    let json: { sha?: unknown; siblings?: Array<{ rfilename?: unknown }> };
    try {
      const response = await this.request(url, { method: "GET", signal: timer.signal }, what);
      json = (await response.json()) as typeof json;
    } catch (cause) {
      if (timer.stalled) throw stalledError(what, this.endpoint, timer.signal.reason, cause);
      if (cause instanceof SyntaxError) {
        throw new HubError("hub_http", `${url}: unexpected answer (not JSON)`, { cause });
      }
      throw cause;
    } finally {
      timer.clear();
    }
    if (typeof json.sha !== "string" || !/^[0-9a-f]{40}$/.test(json.sha) || !Array.isArray(json.siblings)) {
      throw new HubError("hub_http", `${url}: unexpected answer (no commit sha or file list)`);
    }
    const files = json.siblings.map((s) => s.rfilename).filter((f): f is string => typeof f === "string");
    return { commit: json.sha, files };
  }

  /** Size and hash of `file` at `commit`, from the headers of the resolve URL (before any redirect). */
  async fileMeta(repo: string, commit: string, file: string): Promise<FileMeta> {
    const timer = new StallTimer(this.stallTimeoutMs);
    const response = await this.request(
      this.fileUrl(repo, commit, file),
      { method: "HEAD", redirect: "manual", signal: timer.signal },
      `${repo}/${file}`,
    ).finally(() => timer.clear());
    const etag = unquote(response.headers.get("x-linked-etag") ?? response.headers.get("etag"));
    const size = Number(response.headers.get("x-linked-size") ?? response.headers.get("content-length"));
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(etag) || !Number.isSafeInteger(size) || size < 0) {
      throw new HubError("hub_http", `${repo}/${file}: the Hub sent no usable etag/size (etag "${etag}")`);
    }
    return { etag, size };
  }

  /** GET `file` from byte `offset` on (a Range request when offset > 0). */
  async download(
    repo: string,
    commit: string,
    file: string,
    offset: number,
    signal?: AbortSignal,
  ): Promise<Response> {
    const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
    return this.request(
      this.fileUrl(repo, commit, file),
      { method: "GET", headers, signal },
      `${repo}/${file}`,
    );
  }

  private fileUrl(repo: string, commit: string, file: string): string {
    return `${this.endpoint}/${repo}/resolve/${commit}/${file.split("/").map(encodeURIComponent).join("/")}`;
  }

  private async request(url: string, init: RequestInit, what: string): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token) headers.set("Authorization", `Bearer ${this.token}`);
    let response: Response;
    try {
      response = await this.fetchImpl(url, { ...init, headers });
    } catch (cause) {
      if (init.signal?.reason instanceof StallAbort) {
        throw stalledError(what, this.endpoint, init.signal.reason, cause);
      }
      throw new HubError(
        "hub_http",
        `${what}: cannot reach ${this.endpoint} (${(cause as Error).message}); set HF_HUB_OFFLINE=1 to use the cache only`,
        { cause },
      );
    }
    if (response.ok || (init.redirect === "manual" && response.status >= 300 && response.status < 400))
      return response;
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403) {
      throw new HubError(
        "hub_unauthorized",
        `${what}: the Hub refused access (HTTP ${response.status}); the model may be gated or private: accept its terms on the Hub and set HF_TOKEN${this.token ? " (the token given was not accepted)" : ""}`,
      );
    }
    if (response.status === 404)
      throw new HubError("hub_not_found", `${what}: not found on ${this.endpoint} (HTTP 404)`);
    throw new HubError("hub_http", `${what}: HTTP ${response.status} from ${this.endpoint}`);
  }
}

/** hub_stalled: the server went silent (the partial download, if any, is kept for a rerun). */
export function stalledError(
  what: string,
  endpoint: string,
  reason: unknown,
  cause: unknown,
  detail = "",
): HubError {
  const silence = reason instanceof StallAbort ? reason.message : "no data";
  return new HubError(
    "hub_stalled",
    `${what}: ${endpoint} sent ${silence} (--stall-timeout)${detail}; run the command again to resume`,
    { cause },
  );
}

function unquote(etag: string | null): string {
  return (etag ?? "").replace(/^W\//, "").replace(/"/g, "").toLowerCase();
}

function tokenOf(env: HubEnv): string | undefined {
  if (env.HF_TOKEN) return env.HF_TOKEN;
  try {
    return readFileSync(env.HF_TOKEN_PATH ?? join(hfHome(env), "token"), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
