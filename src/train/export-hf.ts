import { join } from "node:path";
import { InvalidOptionError } from "../errors.js";
import { writeFileAtomic } from "../formats/atomic-write.js";
import { f32ToBf16, f32ToF16Into } from "../tensor/dtype.js";
import { paramLayout, type TrainConfig } from "./model.js";
import { f32Bytes, writeSafetensors, type TensorBytes } from "./safetensors-writer.js";
import { elementCount } from "../tensor/tensor.js";

/**
 * A trained model as a Hugging Face directory that loadModel() (and transformers' LlamaForCausalLM)
 * reads: config.json, model.safetensors, generation_config.json, tokenizer_config.json. The fused
 * q|k|v and gate|up matrices are split into the standard tensors; the tied head is not stored.
 */

export type ExportDType = "f32" | "f16" | "bf16";

/** Hugging Face tensors of the flat parameter vector, in `dtype`. */
export function hfTensors(params: Float32Array, c: TrainConfig, dtype: ExportDType): TensorBytes[] {
  const out: TensorBytes[] = [];
  const push = (name: string, shape: number[], values: Float32Array) =>
    out.push(encode(name, shape, values, dtype));
  for (const t of paramLayout(c).tensors) {
    const size = elementCount(t.shape);
    const values = params.subarray(t.offset, t.offset + size);
    const rows = (from: number, count: number) => values.subarray(from * c.dim, (from + count) * c.dim);
    if (t.name.endsWith("qkv_proj.weight")) {
      const base = t.name.replace("qkv_proj.weight", "");
      push(`${base}q_proj.weight`, [c.dim, c.dim], rows(0, c.dim));
      push(`${base}k_proj.weight`, [c.dim, c.dim], rows(c.dim, c.dim));
      push(`${base}v_proj.weight`, [c.dim, c.dim], rows(2 * c.dim, c.dim));
    } else if (t.name.endsWith("gate_up_proj.weight")) {
      const base = t.name.replace("gate_up_proj.weight", "");
      push(`${base}gate_proj.weight`, [c.ff, c.dim], rows(0, c.ff));
      push(`${base}up_proj.weight`, [c.ff, c.dim], rows(c.ff, c.ff));
    } else push(t.name, t.shape, values);
  }
  return out;
}

function encode(name: string, shape: number[], values: Float32Array, dtype: ExportDType): TensorBytes {
  if (dtype === "f32") return { name, shape, dtype: "F32", bytes: f32Bytes(values) };
  const halves = new Uint16Array(values.length);
  if (dtype === "bf16") for (let i = 0; i < values.length; i++) halves[i] = f32ToBf16(values[i]);
  else if (!f32ToF16Into(halves, values, 0)) {
    throw new InvalidOptionError(
      "--dtype",
      dtype,
      `f32 or bf16: ${name} holds a weight beyond f16's ±65504 (or not finite)`,
    );
  }
  return { name, shape, dtype: dtype === "f16" ? "F16" : "BF16", bytes: new Uint8Array(halves.buffer) };
}

/** config.json of a trained model: Llama with tied embeddings and no biases. */
export function configJson(c: TrainConfig, eosTokenId: number | undefined, dtype: ExportDType): object {
  return {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    vocab_size: c.vocabSize,
    hidden_size: c.dim,
    intermediate_size: c.ff,
    num_hidden_layers: c.nLayers,
    num_attention_heads: c.nHeads,
    num_key_value_heads: c.nHeads,
    head_dim: c.dim / c.nHeads,
    hidden_act: "silu",
    max_position_embeddings: c.contextLength,
    rms_norm_eps: c.normEps,
    rope_theta: c.ropeTheta,
    rope_scaling: null,
    tie_word_embeddings: true,
    attention_bias: false,
    mlp_bias: false,
    initializer_range: 0.02,
    bos_token_id: null,
    eos_token_id: eosTokenId ?? null,
    torch_dtype: { f32: "float32", f16: "float16", bf16: "bfloat16" }[dtype],
  };
}

/**
 * Sampling defaults for a small model: temperature 0.8 with top-k 40 and top-p 0.95 keeps it on its
 * corpus's words, a mild repetition penalty stops the loops small models fall into.
 */
export function generationConfigJson(eosTokenId: number | undefined, contextLength: number): object {
  return {
    do_sample: true,
    temperature: 0.8,
    top_k: 40,
    top_p: 0.95,
    repetition_penalty: 1.1,
    max_new_tokens: Math.min(200, contextLength),
    ...(eosTokenId === undefined ? {} : { eos_token_id: eosTokenId, pad_token_id: eosTokenId }),
  };
}

/** tokenizer_config.json: no BOS (GPT-2 style), the end-of-text token as EOS. */
export function tokenizerConfigJson(eosToken: string, contextLength: number): object {
  return {
    tokenizer_class: "PreTrainedTokenizerFast",
    add_bos_token: false,
    add_eos_token: false,
    bos_token: null,
    eos_token: eosToken,
    unk_token: null,
    model_max_length: contextLength,
    clean_up_tokenization_spaces: false,
  };
}

/** Writes the model files into `dir` (each atomically); the tokenizer files are written by the caller. */
export async function exportHfModel(
  dir: string,
  params: Float32Array,
  c: TrainConfig,
  dtype: ExportDType,
  eosTokenId: number | undefined,
  metadata: Record<string, string>,
): Promise<void> {
  const json = (value: object) => JSON.stringify(value, null, 2) + "\n";
  await writeFileAtomic(
    join(dir, "model.safetensors"),
    writeSafetensors(hfTensors(params, c, dtype), { format: "pt", ...metadata }),
  );
  await writeFileAtomic(join(dir, "config.json"), json(configJson(c, eosTokenId, dtype)));
  await writeFileAtomic(
    join(dir, "generation_config.json"),
    json(generationConfigJson(eosTokenId, c.contextLength)),
  );
}
