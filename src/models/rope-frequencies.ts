import type { ModelConfig } from "./types.js";

/**
 * RoPE inverse frequencies (dims/2,): 1 / theta^(2i / dims), with Llama 3 `rope_scaling`
 * (transformers `_compute_llama3_parameters`), linear scaling (1 / factor) or GGUF `rope_freqs`
 * factors applied. `theta` and
 * `dims` default to the config's base and head size (gemma3's local layers and phi3's partial
 * rotary pass their own).
 */
export function ropeInverseFrequencies(
  config: ModelConfig,
  freqFactors?: Float32Array,
  theta = config.ropeTheta,
  dims = config.headDim,
): Float64Array {
  const half = dims / 2;
  const invFreq = new Float64Array(half);
  for (let i = 0; i < half; i++) invFreq[i] = 1 / theta ** ((2 * i) / dims);
  const s = config.ropeScaling;
  if (s?.type === "linear") for (let i = 0; i < half; i++) invFreq[i] /= s.factor;
  else if (s) {
    const lowWavelen = s.originalMaxPositionEmbeddings / s.lowFreqFactor;
    const highWavelen = s.originalMaxPositionEmbeddings / s.highFreqFactor;
    for (let i = 0; i < half; i++) {
      const wavelen = (2 * Math.PI) / invFreq[i];
      if (wavelen > lowWavelen) invFreq[i] /= s.factor;
      else if (wavelen >= highWavelen) {
        const smooth =
          (s.originalMaxPositionEmbeddings / wavelen - s.lowFreqFactor) /
          (s.highFreqFactor - s.lowFreqFactor);
        invFreq[i] = (1 - smooth) * (invFreq[i] / s.factor) + smooth * invFreq[i];
      }
    }
  }
  if (freqFactors) for (let i = 0; i < half; i++) invFreq[i] /= freqFactors[i];
  return invFreq;
}
