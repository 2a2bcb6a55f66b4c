// `nextoken playground`: the server with its page, and the page's URL printed (and opened in a
// browser when one can be, best effort: never in CI, never required).
import { spawn } from "node:child_process";
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  LOCAL_HOSTS,
  type RunningServer,
  startServer,
} from "../server/server.js";
import type { EngineSpec } from "../server/engine-protocol.js";
import { PortUnavailableError } from "../errors.js";
import { type FlagValues, MODEL_FLAGS, MODEL_HELP, parseFlags, portFlag } from "./flags.js";
import { modelIdOf, modelSourceFromFlags } from "./model-arg.js";
import type { Output } from "./render.js";
import { wrapText } from "./text-width.js";
import { DEFAULT_COLUMNS } from "./terminal-width.js";

export const PLAYGROUND_HELP = `Playground (nextoken playground [--model M]):
      --port N            port (default ${DEFAULT_PORT}, or a free one when that is taken; 0 picks one)
      --host HOST         address to bind (default ${DEFAULT_HOST})
      --no-open           print the URL without opening a browser`;

export const PLAYGROUND_FLAGS = {
  ...MODEL_FLAGS,
  host: { type: "string" },
  port: { type: "string" },
  "no-open": { type: "boolean" },
} as const;

/** Serves the playground until SIGINT/SIGTERM; returns the exit code. */
export async function runPlayground(argv: string[], stdout: Output, stderr: Output): Promise<number> {
  const { values } = parseFlags(argv, PLAYGROUND_FLAGS);
  if (values.help) {
    stdout.write(wrapText(`${PLAYGROUND_HELP}\n\n${MODEL_HELP}\n`, stdout.columns ?? DEFAULT_COLUMNS));
    return 0;
  }
  const host = typeof values.host === "string" ? values.host : DEFAULT_HOST;
  const port = values.port === undefined ? undefined : portFlag(values, 0); // checked before loading
  const model = await modelSourceFromFlags(values); // loaded by the server's engine thread
  const server = await listen(model, host, port, values);
  const url = `${server.url}/`;
  if (!LOCAL_HOSTS.includes(host)) {
    stderr.write(
      `nextoken: warning: the playground on ${host} has no API key; anyone who can reach it can use it\n`,
    );
  }
  stdout.write(`nextoken playground: ${url}  (model "${server.context.modelId}"; Ctrl-C to stop)\n`);
  if (values["no-open"] !== true && process.env.CI === undefined) openBrowser(url, stderr);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
  return 0;
}

/** On the given port; without one, on the default port or, when that is taken, on any free one. */
async function listen(
  model: EngineSpec,
  host: string,
  port: number | undefined,
  values: FlagValues,
): Promise<RunningServer> {
  const options = { modelId: await modelIdOf(values), host };
  if (port !== undefined) return startServer(model, { ...options, port });
  try {
    return await startServer(model, { ...options, port: DEFAULT_PORT });
  } catch (error) {
    if (!(error instanceof PortUnavailableError && error.reason === "in_use")) throw error;
    return startServer(model, { ...options, port: 0 });
  }
}

/** xdg-open / open / start, detached; a missing opener or no display only costs a hint. */
function openBrowser(url: string, stderr: Output): void {
  const [command, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", "", url]]
        : ["xdg-open", [url]];
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  const child = spawn(command, args, { detached: true, stdio: "ignore" });
  child.on("error", () => stderr.write(`nextoken: open ${url} in a browser\n`));
  child.unref();
}
