import { UnsupportedError } from "../errors.js";
import type { GgufConfig } from "../formats/gguf-model.js";
import type { ArchitectureModule } from "./architecture.js";
import { gemma3 } from "./gemma3.js";
import { gpt2 } from "./gpt2.js";
import { llama } from "./llama.js";
import { mixtral } from "./mixtral.js";
import { qwen2 } from "./qwen2.js";
import { phi3 } from "./phi3.js";
import { qwen3 } from "./qwen3.js";
import { qwen3Moe } from "./qwen3-moe.js";

/**
 * Every architecture, one line each. Order matters only where modules share a GGUF architecture:
 * the first whose ggufMatches accepts the file wins (mixtral before llama).
 */
export const ARCHITECTURES: readonly ArchitectureModule[] = [
  mixtral,
  llama,
  qwen2,
  gpt2,
  qwen3,
  phi3,
  qwen3Moe,
  gemma3,
];

/** The module of a ModelConfig.architecture key. */
export function architectureNamed(name: string): ArchitectureModule {
  const module = ARCHITECTURES.find((m) => m.name === name);
  if (!module)
    throw new UnsupportedError(`architecture ${JSON.stringify(name)} is not supported (supported: ${names()})`);
  return module;
}

/** The module for a config.json `model_type`. */
export function architectureForHf(modelType: unknown, fileName: string): ArchitectureModule {
  const module = ARCHITECTURES.find((m) => m.hfModelTypes.includes(String(modelType)));
  if (!module) {
    const supported = ARCHITECTURES.flatMap((m) => m.hfModelTypes).join(", ");
    throw new UnsupportedError(
      `${fileName}: model_type ${JSON.stringify(modelType)} is not supported (supported: ${supported})`,
    );
  }
  return module;
}

/** The module for a GGUF file's `general.architecture` (and, where shared, its metadata). */
export function architectureForGguf(g: GgufConfig): ArchitectureModule {
  const archName = g.file.metadata.get("general.architecture");
  const module = ARCHITECTURES.find(
    (m) => m.ggufArchitectures.includes(String(archName)) && (m.ggufMatches?.(g) ?? true),
  );
  if (!module) {
    const supported = [...new Set(ARCHITECTURES.flatMap((m) => m.ggufArchitectures))].join(", ");
    throw new UnsupportedError(
      `${g.fileName}: general.architecture ${JSON.stringify(archName)} is not supported (supported: ${supported})`,
    );
  }
  return module;
}

function names(): string {
  return ARCHITECTURES.map((m) => m.name).join(", ");
}
