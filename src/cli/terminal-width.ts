/** How wide the output may be: the terminal's column count, else $COLUMNS, else 80. */

/** The width assumed when neither the terminal nor $COLUMNS says (as POSIX tools assume). */
export const DEFAULT_COLUMNS = 80;

/** Columns available on `stream`: its own count on a terminal, else COLUMNS from `env`, else 80. */
export function terminalColumns(
  stream: { readonly isTTY?: boolean; readonly columns?: number },
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (stream.isTTY === true && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  if (env.COLUMNS !== undefined && Number.isSafeInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return DEFAULT_COLUMNS;
}
