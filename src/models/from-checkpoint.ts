import { GgufConfig, canonicalName } from "../formats/gguf-model.js";
import type { GgufFile } from "../formats/gguf.js";
import { HfConfig } from "../formats/hf-config.js";
import type { Tensor } from "../tensor/tensor.js";
import type { ArchitectureModule, TensorSource } from "./architecture.js";
import { architectureForGguf, architectureForHf, architectureNamed } from "./registry.js";
import type { ModelConfig } from "./types.js";

/**
 * A checkpoint's config and tensors → what an architecture module's `create` reads: the module is
 * chosen by the registry, and it alone reads the keys, maps the names and fixes the layouts.
 */

/** Hugging Face `config.json` → ModelConfig, by the module of its model_type. */
export function parseHfConfig(json: unknown, fileName: string): ModelConfig {
  const c = new HfConfig(json, fileName);
  return architectureForHf(c.json.model_type, fileName).configFromHf(c);
}

/** GGUF metadata → ModelConfig, by the module of its general.architecture. */
export function ggufConfig(file: GgufFile, tensors: ReadonlyMap<string, Tensor>, fileName: string): ModelConfig {
  const g = new GgufConfig(file, tensors, fileName);
  return architectureForGguf(g).configFromGguf(g);
}

/**
 * Tensors under the module's Hugging Face names, fixed up for its forward pass. GGUF names are
 * mapped first; the map returned is new (the input is left as it was, apart from fix-ups in place).
 */
export function prepareTensors(
  tensors: ReadonlyMap<string, Tensor>,
  config: ModelConfig,
  source: TensorSource,
  fileName: string,
): Map<string, Tensor> {
  const module: ArchitectureModule = architectureNamed(config.architecture);
  const out = new Map<string, Tensor>();
  for (const [name, t] of tensors) {
    const canonical = source === "gguf" ? canonicalName(name, module.ggufNames) : name;
    out.set(canonical, canonical === name ? t : { ...t, name: canonical });
  }
  module.fixUp?.(out, config, source, fileName);
  return out;
}
