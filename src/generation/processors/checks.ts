/** Shared option checks for the processor factories; each throws InvalidOptionError naming the option. */
import { InvalidOptionError } from "../../errors.js";
import type { TokenId } from "../../models/types.js";

/** A finite number. */
export function checkFinite(option: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InvalidOptionError(option, value, "a finite number");
  }
  return value;
}

/** An integer ≥ min (1 for counts that must be positive, 0 for ones where 0 means "off"). */
export function checkInteger(option: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidOptionError(option, value, min === 1 ? "a positive integer" : `an integer >= ${min}`);
  }
  return value;
}

/** A number in the interval given by its bounds and whether each end is included. */
export function checkInRange(
  option: string,
  value: unknown,
  low: number,
  high: number,
  ends: "[]" | "(]" | "[)" | "()",
): number {
  const aboveLow = ends[0] === "[" ? (value as number) >= low : (value as number) > low;
  const belowHigh = ends[1] === "]" ? (value as number) <= high : (value as number) < high;
  if (typeof value !== "number" || !(aboveLow && belowHigh)) {
    throw new InvalidOptionError(option, value, `a number in ${ends[0]}${low}, ${high}${ends[1]}`);
  }
  return value;
}

/** A token id: an integer ≥ 0 (the vocabulary bound is checked when the pipeline is built). */
export function checkTokenId(option: string, value: unknown): TokenId {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidOptionError(option, value, "a token id (an integer >= 0)");
  }
  return value;
}

/** An array of token ids, copied. */
export function checkTokenIds(option: string, value: unknown): TokenId[] {
  if (!Array.isArray(value)) throw new InvalidOptionError(option, value, "an array of token ids");
  return value.map((id) => checkTokenId(option, id));
}

/** A non-empty array of token ids, copied (a token sequence in bad words or sequence bias). */
export function checkTokenSequence(option: string, value: unknown): TokenId[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidOptionError(option, value, "a non-empty array of token ids");
  }
  return checkTokenIds(option, value);
}

/** minTokensToKeep of a warper: a positive integer, as HF requires. */
export function checkMinKeep(value: unknown): number {
  return checkInteger("minTokensToKeep", value, 1);
}
