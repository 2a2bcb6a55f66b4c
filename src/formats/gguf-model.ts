import { FormatError, UnsupportedError } from "../errors.js";
import type { Architecture, ModelConfig } from "./model-config.js";
import type { Tensor } from "../tensor/tensor.js";
import type { GgufFile, GgufValue } from "./gguf.js";

/**
 * GGUF metadata and tensor names (llama.cpp's) → ModelConfig and canonical Hugging Face names.
 * GPT-2 in GGUF is already [out, in]; Llama q/k rows are still interleaved (see rope-layout.ts).
 */

const ARCHITECTURES: Readonly<Record<string, Architecture>> = {
  llama: "llama",
  qwen2: "qwen2",
  gpt2: "gpt2",
};

/** Bounds on hyperparameters: far past any real model, so a corrupt count is refused, not allocated. */
const MAX_WIDTH = 1 << 16;
const MAX_LAYERS = 1024;
const MAX_VOCAB = 1 << 22;
const MAX_CONTEXT = 1 << 24;

export function ggufConfig(
  file: GgufFile,
  tensors: ReadonlyMap<string, Tensor>,
  fileName: string,
): ModelConfig {
  const m = file.metadata;
  const archName = m.get("general.architecture");
  const architecture = ARCHITECTURES[String(archName)];
  if (!architecture) {
    throw new UnsupportedError(
      `${fileName}: general.architecture ${JSON.stringify(archName)} is not supported (supported: ${Object.keys(ARCHITECTURES).join(", ")})`,
    );
  }
  const key = (k: string) => `${String(archName)}.${k}`;
  const bad = (k: string, expected: string): never => {
    throw new FormatError(
      `${fileName}: metadata "${key(k)}" must be ${expected}, got ${String(m.get(key(k)))}`,
    );
  };
  const int = (k: string, max: number, fallback?: number): number => {
    const v = toNumber(m.get(key(k))) ?? fallback;
    if (v === undefined || !Number.isSafeInteger(v) || v <= 0 || v > max)
      bad(k, `an integer from 1 to ${max}`);
    return v as number;
  };
  // A NaN, zero or negative epsilon or RoPE base loads "fine" and gives NaN logits: refuse it here.
  const real = (k: string, fallback: number): number => {
    const v = toNumber(m.get(key(k))) ?? fallback;
    if (!(Number.isFinite(v) && v > 0)) bad(k, "a positive finite number");
    return v;
  };
  const embedding = tensors.get("token_embd.weight");
  if (!embedding) throw new FormatError(`${fileName}: missing tensor "token_embd.weight"`);
  const hiddenSize = int("embedding_length", MAX_WIDTH);
  const nHeads = int("attention.head_count", hiddenSize);
  const nKvHeads = int("attention.head_count_kv", nHeads, nHeads);
  if (nHeads % nKvHeads !== 0) bad("attention.head_count_kv", `a divisor of head_count ${nHeads}`);
  if (!m.has(key("attention.key_length")) && hiddenSize % nHeads !== 0)
    bad("attention.head_count", `a divisor of embedding_length ${hiddenSize}`);
  const headDim = int("attention.key_length", MAX_WIDTH, hiddenSize / nHeads);
  if (architecture !== "gpt2" && headDim % 2 !== 0) bad("attention.key_length", "even (RoPE rotates pairs)");
  const epsKey =
    architecture === "gpt2" ? "attention.layer_norm_epsilon" : "attention.layer_norm_rms_epsilon";
  return {
    architecture,
    vocabSize: int("vocab_size", MAX_VOCAB, embedding.shape[0]),
    contextLength: int("context_length", MAX_CONTEXT),
    hiddenSize,
    intermediateSize: int("feed_forward_length", MAX_WIDTH * 8),
    nLayers: int("block_count", MAX_LAYERS),
    nHeads,
    nKvHeads,
    headDim,
    normEps: real(epsKey, 1e-5),
    ropeTheta: real("rope.freq_base", 10000),
    tiedEmbeddings: !tensors.has("output.weight"),
    attentionBias: tensors.has("blk.0.attn_q.bias"),
  };
}

/** Maps llama.cpp tensor names onto the Hugging Face names the model files read. */
export function canonicalName(name: string, architecture: Architecture): string {
  const layer = /^blk\.(\d+)\.(.+)$/.exec(name);
  const table = architecture === "gpt2" ? GPT2_NAMES : LLAMA_NAMES;
  if (layer) {
    const [, index, rest] = layer;
    const [base, suffix] = splitSuffix(rest);
    const mapped = table.layer[base];
    return mapped ? `${table.layerPrefix}${index}.${mapped}.${suffix}` : name;
  }
  const [base, suffix] = splitSuffix(name);
  const mapped = table.global[base];
  return mapped ? `${mapped}.${suffix}` : name;
}

function splitSuffix(name: string): [string, string] {
  const dot = name.lastIndexOf(".");
  return [name.slice(0, dot), name.slice(dot + 1)];
}

const LLAMA_NAMES = {
  layerPrefix: "model.layers.",
  global: { token_embd: "model.embed_tokens", output_norm: "model.norm", output: "lm_head" } as Record<
    string,
    string
  >,
  layer: {
    attn_norm: "input_layernorm",
    attn_q: "self_attn.q_proj",
    attn_k: "self_attn.k_proj",
    attn_v: "self_attn.v_proj",
    attn_output: "self_attn.o_proj",
    ffn_norm: "post_attention_layernorm",
    ffn_gate: "mlp.gate_proj",
    ffn_up: "mlp.up_proj",
    ffn_down: "mlp.down_proj",
  } as Record<string, string>,
};

const GPT2_NAMES = {
  layerPrefix: "h.",
  global: { token_embd: "wte", position_embd: "wpe", output_norm: "ln_f", output: "lm_head" } as Record<
    string,
    string
  >,
  layer: {
    attn_norm: "ln_1",
    attn_qkv: "attn.c_attn",
    attn_output: "attn.c_proj",
    ffn_norm: "ln_2",
    ffn_up: "mlp.c_fc",
    ffn_down: "mlp.c_proj",
  } as Record<string, string>,
};

function toNumber(v: GgufValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return undefined;
}
