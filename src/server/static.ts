// The playground page: the files vite built into web/dist, served at / (index.html) and /assets/.
// Without a build, / says how to make one instead of answering 404.
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Hono } from "hono";

/** web/dist beside the package's dist/ (this file runs as dist/server/static.js). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL("../../web/dist/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

/** The page may load only its own files and call only this server (it works offline by design). */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>nextoken playground</title>
<p>The playground page is not built. Run <code>npm run build</code> in the nextoken package (it runs
<code>vite build --config web/vite.config.ts</code>) and reload. The JSON API under <code>/api/</code> and the
OpenAI API under <code>/v1/</code> work without it.</p>`;

/** Serves `root`/index.html at / and `root`/assets/* (content-hashed names, cached for a year). */
export function serveStatic(app: Hono, root: string = DEFAULT_WEB_ROOT): void {
  const send = async (relative: string, immutable: boolean): Promise<Response | undefined> => {
    const path = normalize(join(root, relative));
    if (!path.startsWith(normalize(root + sep))) return undefined;
    const bytes = await readFile(path).catch(() => undefined);
    if (bytes === undefined) return undefined;
    return new Response(bytes, {
      headers: {
        "Content-Type": TYPES[extname(path)] ?? "application/octet-stream",
        "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
      },
    });
  };
  const page = async () =>
    (await send("index.html", false)) ??
    new Response(NOT_BUILT, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
  app.get("/", page);
  app.get("/index.html", page);
  app.get("/favicon.svg", async (c) => (await send("favicon.svg", false)) ?? c.notFound());
  app.get(
    "/assets/:file",
    async (c) => (await send(join("assets", c.req.param("file")), true)) ?? c.notFound(),
  );
}
