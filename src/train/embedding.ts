import type { Floats } from "./matmul.js";

/** Token embedding: row `token` of the table (V, dim) is the token's vector. */

/** x (n, dim) = table[tokens[t]] for each of n tokens. */
export function embedForward(
  x: Floats,
  table: Floats,
  tokens: ArrayLike<number>,
  n: number,
  dim: number,
): void {
  for (let t = 0; t < n; t++) x.set(table.subarray(tokens[t] * dim, tokens[t] * dim + dim), t * dim);
}

/** dTable[tokens[t]] += dx[t]: a scatter-add, since a token may occur many times. */
export function embedBackward(
  dTable: Floats,
  dx: Floats,
  tokens: ArrayLike<number>,
  n: number,
  dim: number,
): void {
  for (let t = 0; t < n; t++) {
    const o = tokens[t] * dim;
    for (let i = 0; i < dim; i++) dTable[o + i] += dx[t * dim + i];
  }
}
