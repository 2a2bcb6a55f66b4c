// `nextoken serve`: load one model and answer the OpenAI API for it until interrupted.
import { readFileSync } from "node:fs";
import { DEFAULT_BODY_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES } from "../server/body.js";
import { chatTemplateProblem } from "../server/chat-template.js";
import { DEFAULT_REQUEST_TIMEOUT_S } from "../server/engine-client.js";
import { DEFAULT_QUEUE_LIMITS } from "../server/queue.js";
import {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_HOST,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_PORT,
  LOCAL_HOSTS,
  startServer,
} from "../server/server.js";
import { InvalidOptionError } from "../errors.js";
import { type FlagValues, integerFlag, MODEL_FLAGS, MODEL_HELP, parseFlags, portFlag } from "./flags.js";
import { modelIdOf, modelSourceFromFlags } from "./model-arg.js";
import type { Output } from "./render.js";
import { wrapText } from "./text-width.js";
import { DEFAULT_COLUMNS } from "./terminal-width.js";

export const SERVE_HELP = `Serve (nextoken serve --model M):
      --host HOST         address to bind (default ${DEFAULT_HOST}: this machine only)
      --port N            port (default ${DEFAULT_PORT}; 0 picks a free one)
      --api-key KEY       require "Authorization: Bearer KEY" (or set NEXTOKEN_API_KEY)
      --cors ORIGIN       let browser pages from ORIGIN call the API (off by default)
      --allowed-hosts A,B more Host names to answer besides loopback and --host ("*": any)
      --model-name NAME   the id clients pass as "model" (default: the file or repo name)
      --chat-template FILE  a Jinja chat template (as HF chat_template) for /v1/chat/completions,
                          in place of the model's own (the built-in model has none)
      --parallel N        requests generating at once, interleaved (default ${DEFAULT_QUEUE_LIMITS.slots})
      --queue N           requests waiting before 503 (default ${DEFAULT_QUEUE_LIMITS.waiting})
      --max-body-bytes N  largest request body (default ${DEFAULT_MAX_BODY_BYTES})
      --request-timeout S seconds one request may take before it is cut with 504 (default ${DEFAULT_REQUEST_TIMEOUT_S})
      --headers-timeout-ms N  ms for a request's line and headers to arrive, else 408 (default ${DEFAULT_HEADERS_TIMEOUT_MS})
      --body-timeout-ms N ms for a request body to arrive whole, else 408 (default ${DEFAULT_BODY_TIMEOUT_MS})
      --max-connections N connections open at once; more are closed at once (default ${DEFAULT_MAX_CONNECTIONS})`;

export const SERVE_FLAGS = {
  ...MODEL_FLAGS,
  host: { type: "string" },
  port: { type: "string" },
  "api-key": { type: "string" },
  cors: { type: "string" },
  "allowed-hosts": { type: "string" },
  "model-name": { type: "string" },
  "chat-template": { type: "string" },
  parallel: { type: "string" },
  queue: { type: "string" },
  "max-body-bytes": { type: "string" },
  "request-timeout": { type: "string" },
  "headers-timeout-ms": { type: "string" },
  "body-timeout-ms": { type: "string" },
  "max-connections": { type: "string" },
} as const;

/** Runs the server until SIGINT/SIGTERM; returns the exit code. */
export async function runServe(argv: string[], stdout: Output, stderr: Output): Promise<number> {
  const { values } = parseFlags(argv, SERVE_FLAGS);
  if (values.help) {
    stdout.write(wrapText(`${SERVE_HELP}\n\n${MODEL_HELP}\n`, stdout.columns ?? DEFAULT_COLUMNS));
    return 0;
  }
  const chatTemplate = chatTemplateFlag(values); // read and parsed before the model loads
  const host = typeof values.host === "string" ? values.host : DEFAULT_HOST;
  const apiKey = typeof values["api-key"] === "string" ? values["api-key"] : process.env.NEXTOKEN_API_KEY;
  // every flag is checked before the model is loaded, so a typo costs no loading time
  const settings = {
    host,
    port: portFlag(values, DEFAULT_PORT),
    apiKey: apiKey === "" ? undefined : apiKey,
    corsOrigin: typeof values.cors === "string" ? values.cors : undefined,
    allowedHosts: allowedHostsOf(values),
    maxBodyBytes: integerFlag(values, "max-body-bytes", 1024, DEFAULT_MAX_BODY_BYTES),
    requestTimeoutSeconds: integerFlag(values, "request-timeout", 1, DEFAULT_REQUEST_TIMEOUT_S),
    headersTimeoutMs: integerFlag(values, "headers-timeout-ms", 1, DEFAULT_HEADERS_TIMEOUT_MS),
    bodyTimeoutMs: integerFlag(values, "body-timeout-ms", 1, DEFAULT_BODY_TIMEOUT_MS),
    maxConnections: integerFlag(values, "max-connections", 1, DEFAULT_MAX_CONNECTIONS),
    queue: {
      slots: integerFlag(values, "parallel", 1, DEFAULT_QUEUE_LIMITS.slots),
      waiting: integerFlag(values, "queue", 0, DEFAULT_QUEUE_LIMITS.waiting),
    },
  };
  const model = await modelSourceFromFlags(values); // loaded by the server's engine thread
  if (chatTemplate !== undefined) model.options.chatTemplate = chatTemplate;
  const server = await startServer(model, { modelId: await modelIdOf(values), ...settings });
  stderr.write(
    `nextoken: serving "${server.context.modelId}" on ${server.url}/v1, playground at ${server.url}/ (Ctrl-C to stop)\n`,
  );
  if (!LOCAL_HOSTS.includes(host) && apiKey === undefined) {
    stderr.write(
      `nextoken: warning: listening on ${host} without --api-key; anyone who can reach it can use it\n`,
    );
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
  return 0;
}

/** --chat-template FILE: the file's text, once it is known to parse as a Jinja template. */
function chatTemplateFlag(values: FlagValues): string | undefined {
  const path = values["chat-template"];
  if (path === undefined) return undefined;
  const expected = "a Jinja chat template file (as Hugging Face chat_template)";
  if (typeof path !== "string" || path === "")
    throw new InvalidOptionError("--chat-template", path, expected);
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (cause as Error).message;
    throw new InvalidOptionError("--chat-template", path, `${expected}; ${path}: ${reason}`);
  }
  const parse = source.trim() === "" ? undefined : chatTemplateProblem(source);
  const problem =
    source.trim() === "" ? "the file is empty" : parse && `not a valid Jinja template (${parse})`;
  if (problem !== undefined)
    throw new InvalidOptionError("--chat-template", path, `${expected}; ${path}: ${problem}`);
  return source;
}

/** --allowed-hosts a,b: host names (no port, no scheme), or "*". */
function allowedHostsOf(values: FlagValues): string[] | undefined {
  const raw = values["allowed-hosts"];
  if (typeof raw !== "string") return undefined;
  const names = raw.split(",").map((name) => name.trim());
  if (names.some((name) => !/^(\*|\[[0-9a-fA-F:.]+\]|[^[\]:/@\s]+)$/.test(name))) {
    throw new InvalidOptionError(
      "--allowed-hosts",
      raw,
      'comma-separated host names without port or scheme, or "*"',
    );
  }
  return names;
}
