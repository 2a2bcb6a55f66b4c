import { InvalidOptionError } from "../../errors.js";
import type { TokenId } from "../../models/types.js";
import type { LogitsProcessor } from "../types.js";
import { checkFinite } from "./checks.js";

/**
 * Adds a fixed bias to the logits of given token ids (OpenAI `logit_bias`: { [id]: bias }; -100
 * effectively bans a token, +100 effectively forces it). Keys must be token ids written in decimal.
 */
export function logitBias(bias: Readonly<Record<number, number>>): LogitsProcessor {
  const entries = parseLogitBias(bias);
  return (logits) => {
    const out = logits.slice();
    for (const [id, value] of entries) if (id < out.length) out[id] += value;
    return out;
  };
}

/** The [id, bias] pairs of a logitBias object, validated. */
export function parseLogitBias(bias: unknown): Array<[TokenId, number]> {
  if (typeof bias !== "object" || bias === null || Array.isArray(bias)) {
    throw new InvalidOptionError("logitBias", bias, "an object { [token id]: bias }");
  }
  return Object.entries(bias as Record<string, unknown>).map(([key, value]) => {
    if (!/^(0|[1-9][0-9]*)$/.test(key) || !Number.isSafeInteger(Number(key))) {
      throw new InvalidOptionError("logitBias", key, "keyed by token ids (integers >= 0)");
    }
    return [Number(key), checkFinite(`logitBias[${key}]`, value)];
  });
}
