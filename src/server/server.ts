// Listening: the app on a Node HTTP server, bound to 127.0.0.1 unless told otherwise.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import type { Model } from "../load-model.js";
import { type AppOptions, createApp } from "./app.js";
import type { ServerContext } from "./context.js";

export const DEFAULT_HOST = "127.0.0.1";
/** Addresses only this machine reaches: binding elsewhere without an API key earns a warning. */
export const LOCAL_HOSTS: readonly string[] = ["127.0.0.1", "::1", "localhost"];
export const DEFAULT_PORT = 8080;

export interface ServeOptions extends AppOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080 (the OpenAI base URL is this + "/v1"). */
  url: string;
  context: ServerContext;
  close(): Promise<void>;
}

/** Serves `model` over the OpenAI API until close(). */
export async function startServer(model: Model, options: ServeOptions): Promise<RunningServer> {
  const { app, context } = createApp(model, options);
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  const host = options.host ?? DEFAULT_HOST;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    context,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
