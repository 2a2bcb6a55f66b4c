import { FormatError, UnsupportedError } from "../errors.js";
import type { Architecture, ModelConfig, RopeScaling } from "./model-config.js";
import { isRecord } from "./safetensors.js";

/** Hugging Face `config.json` → ModelConfig. Keys are read here and nowhere else. */
export function parseHfConfig(json: unknown, fileName: string): ModelConfig {
  if (!isRecord(json)) throw new FormatError(`${fileName}: expected a JSON object`);
  const modelType = json.model_type;
  const architecture = ARCHITECTURES[String(modelType)];
  if (!architecture) {
    throw new UnsupportedError(
      `${fileName}: model_type ${JSON.stringify(modelType)} is not supported (supported: ${Object.keys(ARCHITECTURES).join(", ")})`,
    );
  }
  const int = (key: string, fallback?: number): number => {
    const v = json[key] ?? fallback;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0) {
      throw new FormatError(`${fileName}: "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const num = (key: string, fallback: number): number => {
    const v = json[key] ?? fallback;
    if (typeof v !== "number" || !(v > 0))
      throw new FormatError(`${fileName}: "${key}" must be a positive number, got ${JSON.stringify(v)}`);
    return v;
  };

  if (architecture === "gpt2") {
    const hiddenSize = int("n_embd");
    const nHeads = int("n_head");
    const activation = json.activation_function ?? "gelu_new";
    if (activation !== "gelu_new" && activation !== "gelu_pytorch_tanh") {
      throw new UnsupportedError(
        `${fileName}: activation_function ${JSON.stringify(activation)} (supported: gelu_new)`,
      );
    }
    return {
      architecture,
      vocabSize: int("vocab_size"),
      contextLength: int("n_positions", json.n_ctx as number),
      hiddenSize,
      intermediateSize: json.n_inner == null ? 4 * hiddenSize : int("n_inner"),
      nLayers: int("n_layer"),
      nHeads,
      nKvHeads: nHeads,
      headDim: divide(hiddenSize, nHeads, fileName, "n_embd", "n_head"),
      normEps: num("layer_norm_epsilon", 1e-5),
      ropeTheta: 0,
      tiedEmbeddings: json.tie_word_embeddings !== false,
      attentionBias: true,
    };
  }

  const hiddenSize = int("hidden_size");
  const nHeads = int("num_attention_heads");
  const nKvHeads = int("num_key_value_heads", nHeads);
  if (nHeads % nKvHeads !== 0) {
    throw new FormatError(
      `${fileName}: num_attention_heads ${nHeads} is not a multiple of num_key_value_heads ${nKvHeads}`,
    );
  }
  const headDim =
    json.head_dim == null
      ? divide(hiddenSize, nHeads, fileName, "hidden_size", "num_attention_heads")
      : int("head_dim");
  if (json.hidden_act !== undefined && json.hidden_act !== "silu") {
    throw new UnsupportedError(
      `${fileName}: hidden_act ${JSON.stringify(json.hidden_act)} (supported: silu)`,
    );
  }
  let contextLength = int("max_position_embeddings", 2048);
  // Sliding-window attention is not implemented: cap the context where it would start to matter.
  const window = json.sliding_window;
  const windowOn = architecture === "qwen2" ? json.use_sliding_window === true : true;
  if (windowOn && typeof window === "number" && window > 0 && window < contextLength) contextLength = window;
  return {
    architecture,
    vocabSize: int("vocab_size"),
    contextLength,
    hiddenSize,
    intermediateSize: int("intermediate_size"),
    nLayers: int("num_hidden_layers"),
    nHeads,
    nKvHeads,
    headDim,
    normEps: num("rms_norm_eps", 1e-6),
    ropeTheta: num("rope_theta", 10000),
    ropeScaling: parseRopeScaling(json.rope_scaling, fileName),
    tiedEmbeddings: json.tie_word_embeddings === true,
    attentionBias: architecture === "qwen2" || json.attention_bias === true,
  };
}

const ARCHITECTURES: Readonly<Record<string, Architecture>> = {
  llama: "llama",
  mistral: "llama",
  qwen2: "qwen2",
  gpt2: "gpt2",
};

function divide(a: number, b: number, fileName: string, keyA: string, keyB: string): number {
  if (a % b !== 0) throw new FormatError(`${fileName}: ${keyA} ${a} is not divisible by ${keyB} ${b}`);
  return a / b;
}

function parseRopeScaling(value: unknown, fileName: string): RopeScaling | undefined {
  if (value == null) return undefined;
  if (!isRecord(value)) throw new FormatError(`${fileName}: rope_scaling must be an object or null`);
  const type = value.rope_type ?? value.type;
  if (type === "default") return undefined;
  if (type !== "llama3") {
    throw new UnsupportedError(
      `${fileName}: rope_scaling type ${JSON.stringify(type)} is not supported (supported: llama3)`,
    );
  }
  const get = (key: string): number => {
    const v = value[key];
    if (typeof v !== "number" || !(v > 0))
      throw new FormatError(`${fileName}: rope_scaling.${key} must be a positive number`);
    return v;
  };
  return {
    type: "llama3",
    factor: get("factor"),
    lowFreqFactor: get("low_freq_factor"),
    highFreqFactor: get("high_freq_factor"),
    originalMaxPositionEmbeddings: get("original_max_position_embeddings"),
  };
}
