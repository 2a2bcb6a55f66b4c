// Browser cross-site requests and DNS rebinding. A web page may send a "simple" POST (text/plain, no
// preflight) to a server on this machine, and a rebound DNS name can make a page's own origin point
// at it; both are refused here, before any route runs:
// - Host must name this server: a loopback name (localhost, 127.0.0.1, [::1]); the bound address
//   when --host names one (any IP literal when bound to 0.0.0.0 or ::); or one of --allowed-hosts.
// - A request a browser marks as foreign (an Origin other than the server's own, or
//   Sec-Fetch-Site: cross-site) runs only when --cors allows that origin. Following a link to the
//   page (a GET navigation) is not refused. Clients that are not browsers (curl, SDKs) send neither
//   header and are unaffected.
import { isIP } from "node:net";
import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.js";

export interface OriginPolicy {
  /** The address the server is bound to (--host); undefined: loopback. */
  boundHost?: string;
  /** More Host names to accept (--allowed-hosts), without port; "*" accepts any Host. */
  allowedHosts?: readonly string[];
  /** The origin browsers may call from (--cors); "*" allows any. */
  corsOrigin?: string;
}

const LOOPBACK_NAMES: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];
const WILDCARD_ADDRESSES: readonly string[] = ["0.0.0.0", "::", "[::]"];

/** Middleware answering 403 host_not_allowed / cross_origin_refused as described above. */
export function originGuard(policy: OriginPolicy): MiddlewareHandler {
  const accepts = hostMatcher(policy);
  return async (c, next) => {
    const host = (c.req.header("host") ?? "").toLowerCase();
    const name = hostName(host);
    if (name === undefined || !accepts(name)) {
      throw new ApiError(
        403,
        `the Host header ${JSON.stringify(host)} does not name this server; expected one of ${expectedHosts(policy)} (or start it with --allowed-hosts)`,
        null,
        "host_not_allowed",
      );
    }
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    const navigation =
      (c.req.method === "GET" || c.req.method === "HEAD") && c.req.header("sec-fetch-mode") === "navigate";
    const foreign =
      origin !== undefined
        ? origin.toLowerCase() !== `http://${host}` && origin.toLowerCase() !== `https://${host}`
        : site === "cross-site" && !navigation;
    if (foreign && !(origin !== undefined && corsAllows(policy.corsOrigin, origin))) {
      const from = origin ?? "another site (Sec-Fetch-Site: cross-site)";
      throw new ApiError(
        403,
        `cross-site request from ${from} refused; start the server with --cors ORIGIN to let that page call it`,
        null,
        "cross_origin_refused",
      );
    }
    await next();
  };
}

function corsAllows(corsOrigin: string | undefined, origin: string): boolean {
  return corsOrigin === "*" || (corsOrigin !== undefined && corsOrigin === origin);
}

/** The name part of a Host header ("[::1]:8080" → "[::1]"), or undefined when it is malformed. */
export function hostName(host: string): string | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^[\]:/@\s]+)(?::(\d{1,5}))?$/.exec(host);
  if (match === null) return undefined;
  return match[1].endsWith(".") ? match[1].slice(0, -1) : match[1];
}

function hostMatcher(policy: OriginPolicy): (name: string) => boolean {
  const allowed = new Set([...LOOPBACK_NAMES, ...(policy.allowedHosts ?? []).map((h) => h.toLowerCase())]);
  const bound = policy.boundHost?.toLowerCase();
  if (bound !== undefined && !WILDCARD_ADDRESSES.includes(bound)) {
    allowed.add(isIP(bound) === 6 ? `[${bound}]` : bound);
  }
  const anyIp = bound !== undefined && WILDCARD_ADDRESSES.includes(bound);
  const anyHost = allowed.has("*");
  return (name) => anyHost || allowed.has(name) || (anyIp && isIP(name.replace(/^\[|\]$/g, "")) !== 0);
}

function expectedHosts(policy: OriginPolicy): string {
  const bound = policy.boundHost?.toLowerCase();
  const names = [...LOOPBACK_NAMES, ...(policy.allowedHosts ?? [])];
  if (bound !== undefined && WILDCARD_ADDRESSES.includes(bound)) names.push("any IP address");
  else if (bound !== undefined && !LOOPBACK_NAMES.includes(bound)) names.push(bound);
  return names.join(", ");
}
