import type { ArchitectureModule } from "./architecture.js";
import { decoderConfigFromGguf, DECODER_GGUF_NAMES } from "./decoder-config.js";
import { LlamaModel, llamaConfigFromHf } from "./llama.js";

/**
 * Qwen2 (HF model_type qwen2, GGUF `qwen2`): Llama with q/k/v biases, q/k rows already in
 * rotate_half order in both formats; the forward pass is Llama's.
 */
export const qwen2: ArchitectureModule = {
  name: "qwen2",
  hfModelTypes: ["qwen2"],
  ggufArchitectures: ["qwen2"],
  configFromHf: (c) => llamaConfigFromHf(c, "qwen2"),
  configFromGguf: (g) => decoderConfigFromGguf(g, "qwen2"),
  ggufNames: DECODER_GGUF_NAMES,
  create: (config, store, kernels) => new LlamaModel(config, store, kernels),
};
