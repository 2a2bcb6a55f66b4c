import { InvalidOptionError } from "../../errors.js";
import type { LogitsProcessor } from "../types.js";

/**
 * Divides the logits by t: t < 1 sharpens the distribution, t > 1 flattens it (HF
 * TemperatureLogitsWarper). The division runs in float32 like torch's, so results match HF bit for bit.
 * Greedy decoding is `temperature: 0` in the options, never a warper with t = 0.
 */
export function temperature(t: number): LogitsProcessor {
  if (typeof t !== "number" || !(t > 0 && Number.isFinite(t))) {
    throw new InvalidOptionError(
      "temperature",
      t,
      "a number > 0 (use temperature 0 in the options for greedy)",
    );
  }
  const t32 = Math.fround(t);
  return (logits) => {
    const out = new Float32Array(logits.length);
    for (let i = 0; i < logits.length; i++) out[i] = logits[i] / t32;
    return out;
  };
}
