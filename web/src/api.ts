// The page's side of the /api endpoints (documented in README.md, "Playground"): typed calls, and
// failures turned into sentences a person can act on.

export interface ModelEntry {
  id: string;
  default: boolean;
  architecture: string;
  vocabSize: number;
  contextLength: number;
  parameters: number;
  bosTokenId: number | null;
  eosTokenIds: number[];
}

export interface ModelsResponse {
  models: ModelEntry[];
  compare: { strategies: string; maxNewTokens: number };
}

export interface HeldSession {
  session: string;
  tokens: number[];
  promptLength: number;
  logits: Float32Array;
}

// The wire types the server writes, shared rather than restated (type-only: nothing of the server
// reaches the bundle).
export type { Candidate } from "../../src/generation/types.js";
export type {
  BeamNode,
  BeamTree,
  SequenceReport,
  TokenReport,
} from "../../src/server/playground-generate.js";
import type { BeamTree, SequenceReport } from "../../src/server/playground-generate.js";
import type {
  CompareReport,
  CompareRow,
  CompareSample as CoreCompareSample,
} from "../../src/inspect/compare.js";

export interface GenerateResponse {
  promptTokens: number[];
  sequences: SequenceReport[];
  beam?: BeamTree;
  session?: string;
  elapsedMs: number;
}

/** A compare sample on the wire: the engine's, with each token's text (the server adds pieces). */
export type CompareSample = CoreCompareSample & { pieces: string[] };

/** /api/compare's answer: the engine's report (as `nextoken compare --json`) and the time it took. */
export type CompareResponse = CompareReport<Omit<CompareRow, "samples"> & { samples: CompareSample[] }> & {
  elapsedMs: number;
};

/** Why a call failed: the server is unreachable, wants a key, or refused the request. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly kind: "offline" | "auth" | "refused",
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

const KEY_STORAGE = "nextoken-api-key";

export function setApiKey(key: string): void {
  sessionStorage.setItem(KEY_STORAGE, key);
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) headers.Authorization = `Bearer ${key}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiFailure(
      `Cannot reach the nextoken server at ${location.origin}: it may have stopped. Start it again (nextoken playground or nextoken serve), then retry.`,
      "offline",
    );
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiFailure(
      `The server answered ${response.status} with something that is not JSON; is ${location.origin} a nextoken server?`,
      response.status >= 500 ? "offline" : "refused",
    );
  }
  if (!response.ok) {
    const error = (json as { error?: { message?: string; code?: string } }).error;
    const message = error?.message ?? `HTTP ${response.status}`;
    throw new ApiFailure(message, response.status === 401 ? "auth" : "refused", error?.code ?? null);
  }
  return json as T;
}

/** base64 of little-endian float32, as /api sends logits. */
export function decodeLogits(base64: string): Float32Array {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
}

type RawSession = Omit<HeldSession, "logits"> & { logits: string };
const held = (raw: RawSession): HeldSession => ({ ...raw, logits: decodeLogits(raw.logits) });

export const api = {
  models: () => call<ModelsResponse>("GET", "/api/models"),
  vocab: (model: string) =>
    call<{ tokens: string[] }>("GET", `/api/vocab?model=${encodeURIComponent(model)}`).then((r) => r.tokens),
  tokenize: (model: string, text: string) =>
    call<{ tokens: number[]; count: number }>("POST", "/api/tokenize", { model, text }),
  createSession: (model: string, prompt: string) =>
    call<RawSession>("POST", "/api/sessions", { model, prompt }).then(held),
  createSessionFromTokens: (model: string, tokens: number[]) =>
    call<RawSession>("POST", "/api/sessions", { model, tokens }).then(held),
  append: (session: string, tokens: number[]) =>
    call<RawSession>("POST", `/api/sessions/${session}/append`, { tokens }).then(held),
  fork: (session: string, position: number, tokens: number[]) =>
    call<RawSession & { appended: string[] }>("POST", `/api/sessions/${session}/fork`, {
      position,
      tokens,
    }).then((raw) => ({ ...held(raw), appended: raw.appended })),
  deleteSession: (session: string) =>
    call<unknown>("DELETE", `/api/sessions/${session}`).catch(() => undefined),
  generate: (body: Record<string, unknown>) => call<GenerateResponse>("POST", "/api/generate", body),
  compare: (body: Record<string, unknown>) => call<CompareResponse>("POST", "/api/compare", body),
};
