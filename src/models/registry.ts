import type { Kernels } from "../tensor/kernels.js";
import type { TensorStore } from "../tensor/tensor.js";
import type { CausalLM } from "./causal-lm.js";
import { Gpt2Model } from "./gpt2.js";
import { LlamaModel } from "./llama.js";
import type { Architecture, ModelConfig } from "./types.js";

/** Architecture key → its forward pass, one line each. */
export const ARCHITECTURES: Readonly<
  Record<Architecture, new (config: ModelConfig, store: TensorStore, kernels: Kernels) => CausalLM>
> = {
  llama: LlamaModel,
  qwen2: LlamaModel,
  gpt2: Gpt2Model,
};
