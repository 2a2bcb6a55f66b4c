// The playground's JSON API (/api/...) and its page (/). The page recomputes every distribution from
// raw logits with the library's own processors, so the server sends logits, not probabilities; held
// sessions let it step and branch over one KV cache. Errors are the server's OpenAI-style JSON.
// Documented in README.md ("Playground").
import type { Hono } from "hono";
import {
  compareReport,
  compareStrategies,
  DEFAULT_COMPARE_TOKENS,
  DEFAULT_STRATEGIES,
  parseStrategies,
} from "../inspect/compare.js";
import { requireApiKey } from "./auth.js";
import { readJsonObject } from "./body.js";
import type { ServerContext } from "./context.js";
import { invalidField, toApiError } from "./errors.js";
import { generateReport, piecesOf } from "./playground-generate.js";
import {
  booleanField,
  checkModelField,
  encodeLogits,
  generationOptions,
  integerField,
  promptTokens,
  stringField,
  tokenIds,
  type Body,
} from "./playground-request.js";
import {
  DEFAULT_SESSION_LIMITS,
  type HeldSession,
  type SessionLimits,
  SessionStore,
} from "./playground-sessions.js";
import { LIMITS } from "./limits.js";
import { serveStatic } from "./static.js";

export interface PlaygroundOptions {
  /** When set, /api requests need `Authorization: Bearer <apiKey>` as /v1 ones do. */
  apiKey?: string;
  sessions?: SessionLimits;
  /** Where the built page lives (default: web/dist of the package). */
  webRoot?: string;
}

/** Candidates per token /api/generate reports by default, and at most. */
const DEFAULT_TOP = 10;
const MAX_TOP = LIMITS.playgroundTop;
/** Bounds of /api/compare: it runs strategies × samples generations in one request. */
const MAX_COMPARE_STRATEGIES = LIMITS.compareStrategies;
const MAX_COMPARE_SAMPLES = LIMITS.compareSamples;
const MAX_COMPARE_TOKENS = LIMITS.compareTokens;

/** Adds the /api routes and the page to `app`; returns the session store (closed with the server). */
export function registerPlayground(
  app: Hono,
  ctx: ServerContext,
  options: PlaygroundOptions = {},
): SessionStore {
  const store = new SessionStore(options.sessions ?? DEFAULT_SESSION_LIMITS);
  const body = (request: Request): Promise<Body> => readJsonObject(request, ctx.maxBodyBytes);
  const { model } = ctx;
  requireApiKey(app, "/api/*", options.apiKey);

  app.get("/api/models", (c) =>
    c.json({
      models: [
        {
          id: ctx.modelId,
          default: true,
          architecture: model.config.architecture,
          vocabSize: model.vocabSize,
          contextLength: model.contextLength,
          parameters: model.info.parameters,
          format: model.info.format,
          bosTokenId: model.tokenizer.bosTokenId ?? null,
          eosTokenIds: model.tokenizer.eosTokenIds,
          generationConfig: model.generationConfig,
        },
      ],
      compare: { strategies: DEFAULT_STRATEGIES, maxNewTokens: DEFAULT_COMPARE_TOKENS },
    }),
  );

  app.get("/api/vocab", (c) => {
    checkModelField(ctx, c.req.query("model"));
    const tokens = Array.from({ length: model.vocabSize }, (_, id) => model.tokenizer.tokenToString(id));
    c.header("Cache-Control", "private, max-age=3600");
    return c.json({ model: ctx.modelId, vocabSize: model.vocabSize, tokens });
  });

  app.post("/api/tokenize", async (c) => {
    const b = await body(c.req.raw);
    checkModelField(ctx, b.model);
    const text = b.text;
    if (typeof text !== "string") throw invalidField("text", "required: a string");
    const tokens = await computing(ctx, c.req.raw.signal, () =>
      model.tokenizer.encode(text, { addSpecialTokens: true }),
    );
    return c.json({ tokens, count: tokens.length, contextLength: model.contextLength });
  });

  app.post("/api/logits", async (c) => {
    const b = await body(c.req.raw);
    checkModelField(ctx, b.model);
    const { tokens, logits } = await computing(ctx, c.req.raw.signal, () => {
      const tokens = promptTokens(ctx, b); // tokenized in the queue slot
      const session = model.newSession();
      try {
        return { tokens, logits: session.forward(tokens) };
      } finally {
        session.dispose();
      }
    });
    return c.json({ tokens, logits: encodeLogits(logits), encoding: "float32-le-base64" });
  });

  app.post("/api/sessions", async (c) => {
    const b = await body(c.req.raw);
    checkModelField(ctx, b.model);
    const held = await computing(ctx, c.req.raw.signal, () => {
      const tokens = promptTokens(ctx, b); // tokenized in the queue slot
      const session = model.newSession();
      try {
        return store.add(session, tokens.slice(), tokens.length, session.forward(tokens));
      } catch (error) {
        session.dispose();
        throw error;
      }
    });
    return c.json(describe(held), 201);
  });

  app.get("/api/sessions/:id", (c) => c.json(describe(store.get(c.req.param("id")))));

  app.delete("/api/sessions/:id", (c) => {
    if (!store.delete(c.req.param("id"))) store.get(c.req.param("id")); // the 404
    return c.json({ deleted: true });
  });

  // Appends tokens to the held sequence (its cache grows by exactly those positions).
  app.post("/api/sessions/:id/append", async (c) => {
    const b = await body(c.req.raw);
    const held = store.get(c.req.param("id"));
    const tokens = tokenIds(ctx, b.tokens, "tokens");
    await computing(ctx, c.req.raw.signal, () => {
      held.logits = guarded(() => held.session.forward(tokens));
      held.tokens.push(...tokens);
    });
    return c.json(describe(held));
  });

  // A new session: this one's first `position` tokens (its cache, forked and rewound, never
  // recomputed) followed by `tokens` (the alternative).
  app.post("/api/sessions/:id/fork", async (c) => {
    const b = await body(c.req.raw);
    const held = store.get(c.req.param("id"));
    const position = integerField(b, "position", 0, held.tokens.length, held.tokens.length);
    const tokens = tokenIds(ctx, b.tokens, "tokens");
    const child = await computing(ctx, c.req.raw.signal, () => {
      const session = held.session.fork();
      try {
        session.rewind(position);
        const logits = guarded(() => session.forward(tokens));
        const branched = held.tokens.slice(0, position).concat(tokens);
        const added = store.add(session, branched, Math.min(held.promptLength, position), logits);
        return { ...describe(added), appended: piecesOf(model, branched.slice(0, position), tokens) };
      } catch (error) {
        session.dispose();
        throw error;
      }
    });
    return c.json(child, 201);
  });

  app.post("/api/generate", async (c) => {
    const b = await body(c.req.raw);
    checkModelField(ctx, b.model);
    const options = generationOptions(ctx, b);
    const top = integerField(b, "top", 1, MAX_TOP, DEFAULT_TOP);
    const keep = booleanField(b, "keep", false);
    let held: HeldSession | undefined;
    if (b.session !== undefined) held = store.get(stringField(b, "session"));
    // a missing or mistyped prompt is answered now; the prompt is tokenized once queued
    if (held === undefined && b.tokens === undefined && typeof b.prompt !== "string") promptTokens(ctx, b);
    // fork before waiting for a slot: the held session may be deleted meanwhile
    const start = held && { session: held.session.fork(), tokens: held.tokens.slice(), logits: held.logits };
    const started = performance.now();
    let release: (() => void) | undefined;
    try {
      release = await ctx.queue.acquire(c.req.raw.signal);
      const prompt = held?.tokens.slice() ?? promptTokens(ctx, b); // tokenized in the queue slot
      const report = await generateReport(model, prompt, options, {
        start,
        keep,
        top,
        signal: c.req.raw.signal,
      });
      const { kept, ...rest } = report;
      const session = kept && store.add(kept.session, kept.tokens, prompt.length, kept.logits).id;
      return c.json({ ...rest, session, elapsedMs: Math.round(performance.now() - started) });
    } catch (error) {
      if (release === undefined) start?.session.dispose();
      throw toApiError(error, (option) => `options.${option}`);
    } finally {
      release?.();
    }
  });

  app.post("/api/compare", async (c) => {
    const b = await body(c.req.raw);
    checkModelField(ctx, b.model);
    if (typeof b.prompt !== "string") throw invalidField("prompt", "required: a string");
    // the prompt must fit the context like any other; its ids (BOS for an empty one, as generate()
    // starts from) are the context the samples' pieces are decoded after
    const promptText = b.prompt;
    const spec = b.strategies ?? DEFAULT_STRATEGIES;
    if (typeof spec !== "string") throw invalidField("strategies", 'must be a string of ";"-separated specs');
    let strategies;
    try {
      strategies = parseStrategies(spec);
    } catch (error) {
      throw toApiError(error, () => "strategies");
    }
    if (strategies.length > MAX_COMPARE_STRATEGIES) {
      throw invalidField("strategies", `at most ${MAX_COMPARE_STRATEGIES} strategies per request`);
    }
    const command = {
      prompt: b.prompt,
      strategies,
      samples: integerField(b, "samples", 1, MAX_COMPARE_SAMPLES, 1),
      seed: integerField(b, "seed", 0, Number.MAX_SAFE_INTEGER, 0),
      maxNewTokens: integerField(b, "maxNewTokens", 1, MAX_COMPARE_TOKENS, DEFAULT_COMPARE_TOKENS),
      json: true,
    };
    const started = performance.now();
    const release = await ctx.queue.acquire(c.req.raw.signal);
    try {
      const promptIds = promptTokens(ctx, { prompt: promptText }); // tokenized in the queue slot
      const rows = (await compareStrategies(model, command, c.req.raw.signal)).map((row) => ({
        ...row,
        samples: row.samples.map((s) => ({ ...s, pieces: piecesOf(model, promptIds, s.tokens) })),
      }));
      return c.json({ ...compareReport(command, rows), elapsedMs: Math.round(performance.now() - started) });
    } finally {
      release();
    }
  });

  serveStatic(app, options.webRoot);
  return store;
}

/** What the page needs of a held session. */
function describe(held: HeldSession) {
  return {
    session: held.id,
    tokens: held.tokens,
    promptLength: held.promptLength,
    logits: encodeLogits(held.logits),
    encoding: "float32-le-base64",
  };
}

/** Runs model work in a queue slot, like every generation request. */
async function computing<T>(ctx: ServerContext, signal: AbortSignal, work: () => T): Promise<T> {
  const release = await ctx.queue.acquire(signal);
  try {
    return work();
  } finally {
    release();
  }
}

/** Library errors (context overflow, bad ids) as 400s naming `tokens`. */
function guarded<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw toApiError(error, () => "tokens");
  }
}
