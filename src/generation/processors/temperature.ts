import { InvalidOptionError } from "../../errors.js";
import type { LogitsProcessor } from "../types.js";

/**
 * The smallest accepted temperature (besides 0 = greedy). logits / t runs in float32, whose largest
 * finite value is FLT_MAX ≈ 3.4028e38, so it stays finite while |logit| <= t · FLT_MAX: at t = 1e-30
 * that is any |logit| up to 3.4e8, far beyond a model's logits (tens, at most thousands), while a
 * smaller t (1e-320 rounds to float32 0) turns every logit into ±Infinity or NaN. A larger logit that
 * still overflows is caught at the step as a NoFiniteMassError.
 */
export const MIN_TEMPERATURE = 1e-30;

/** The accepted range, as errors state it. */
export const TEMPERATURE_RANGE = `0 (greedy) or a number in [${MIN_TEMPERATURE}, Infinity)`;

/**
 * Divides the logits by t: t < 1 sharpens the distribution, t > 1 flattens it (HF
 * TemperatureLogitsWarper). The division runs in float32 like torch's, so results match HF bit for bit.
 * Greedy decoding is `temperature: 0` in the options, never a warper with t = 0.
 */
export function temperature(t: number): LogitsProcessor {
  if (typeof t !== "number" || !(t >= MIN_TEMPERATURE && Number.isFinite(t))) {
    throw new InvalidOptionError(
      "temperature",
      t,
      `a number in [${MIN_TEMPERATURE}, Infinity) (use temperature 0 in the options for greedy)`,
    );
  }
  const t32 = Math.fround(t);
  return (logits) => {
    const out = new Float32Array(logits.length);
    for (let i = 0; i < logits.length; i++) out[i] = logits[i] / t32;
    return out;
  };
}
