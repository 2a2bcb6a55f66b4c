import { PortUnavailableError } from "../errors.js";

/**
 * What server.listen's failure means for the caller: a taken port (EADDRINUSE) or a privileged one
 * (EACCES) becomes a PortUnavailableError naming the port; anything else is passed on unchanged.
 */
export function listenError(error: unknown, port: number, host: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EADDRINUSE") return new PortUnavailableError(port, host, "in_use", { cause: error });
  if (code === "EACCES") return new PortUnavailableError(port, host, "permission_denied", { cause: error });
  return error;
}
