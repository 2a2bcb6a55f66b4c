import type { GgufConfig, GgufNames } from "../formats/gguf-model.js";
import type { HfConfig } from "../formats/hf-config.js";
import type { Kernels } from "../tensor/kernels.js";
import type { Tensor, TensorStore } from "../tensor/tensor.js";
import type { CausalLM } from "./causal-lm.js";
import type { ModelConfig } from "./types.js";

/** Where a checkpoint's tensors came from: fix-ups differ by source. */
export type TensorSource = "huggingface" | "gguf" | "llama2c";

/**
 * Everything one architecture knows, in one file (models/<arch>.ts), in the style of mlx-lm's
 * models/<arch>.py: the config.json fields and GGUF metadata keys it reads, its tensor names in
 * both formats, its load-time fix-ups and its forward pass. The loader picks a module from the
 * registry by HF `model_type` or GGUF `general.architecture` and calls these in order:
 * config → (GGUF) names → fixUp → create. See docs/architectures.md.
 */
export interface ArchitectureModule {
  /** ModelConfig.architecture and the registry key. */
  readonly name: string;
  /** config.json `model_type` values it reads. */
  readonly hfModelTypes: readonly string[];
  /** GGUF `general.architecture` values it reads. */
  readonly ggufArchitectures: readonly string[];
  /** Where modules share a GGUF architecture (llama and mixtral), whether this file is this module's. */
  ggufMatches?(gguf: GgufConfig): boolean;
  /** config.json → ModelConfig; bad values are FormatErrors naming the file and key. */
  configFromHf(c: HfConfig): ModelConfig;
  /** GGUF metadata (and tensor shapes, where the metadata leaves a size out) → ModelConfig. */
  configFromGguf(g: GgufConfig): ModelConfig;
  /** llama.cpp tensor names → the Hugging Face names `create` reads. */
  readonly ggufNames: GgufNames;
  /**
   * Load-time fix-ups on tensors under Hugging Face names, before `create`: RoPE row order, norm
   * offsets, transposes, stacked experts cut into per-expert views. Replaces entries of `tensors`.
   */
  fixUp?(tensors: Map<string, Tensor>, config: ModelConfig, source: TensorSource, fileName: string): void;
  /** The forward pass over the (fixed-up) weights, shapes checked as they are read. */
  create(config: ModelConfig, store: TensorStore, kernels: Kernels): CausalLM;
  /** Lines `nextoken info` adds for this architecture's parts (experts, window, soft-cap…). */
  describe?(config: ModelConfig): Array<[string, string]>;
}
