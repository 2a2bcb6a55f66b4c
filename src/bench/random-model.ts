import { writeGguf, type GgufWriteTensor, type GgufWriteValue } from "../formats/gguf-writer.js";
import { byteSize, DTYPE_LAYOUT, f32ToF16, type DType } from "../tensor/dtype.js";

/**
 * Llama-architecture GGUF files of named shapes with random weights (the same for the same seed), for
 * benchmarks: speed does not depend on the values. Quantized blocks are random bytes with one small
 * scale; the tokenizer is a SentencePiece vocabulary of byte pieces and filler pieces.
 */

export interface ModelShape {
  dim: number;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  vocab: number;
  context: number;
}

/** llama2.c's "stories" checkpoints and TinyLlama 1.1B (their config.json / run.c headers). */
export const SHAPES: Readonly<Record<string, ModelShape>> = {
  stories15M: { dim: 288, hidden: 768, layers: 6, heads: 6, kvHeads: 6, vocab: 32000, context: 256 },
  stories42M: { dim: 512, hidden: 1376, layers: 8, heads: 8, kvHeads: 8, vocab: 32000, context: 1024 },
  stories110M: { dim: 768, hidden: 2048, layers: 12, heads: 12, kvHeads: 12, vocab: 32000, context: 1024 },
  "tinyllama-1.1B": {
    dim: 2048,
    hidden: 5632,
    layers: 22,
    heads: 32,
    kvHeads: 4,
    vocab: 32000,
    context: 2048,
  },
};

/** Weight formats a benchmark model can be built in ("q4_k" is a Q4_K_M-like mix, as llama-quantize makes). */
export const BENCH_TYPES = ["f32", "q8_0", "q4_0", "q4_k"] as const;
export type BenchType = (typeof BENCH_TYPES)[number];

/** The dtype of one matrix with rows of `k` values: K-quants need k % 256 == 0 (else q4_0 / q8_0, as llama.cpp falls back). */
function dtypeFor(type: BenchType, k: number, embedding: boolean): DType {
  if (type !== "q4_k") return type;
  if (embedding) return k % 256 === 0 ? "q6_k" : "q8_0";
  return k % 256 === 0 ? "q4_k" : "q4_0";
}

/**
 * GGUF bytes of a random model of `shape` in `type`; `blockScale` is the f16 scale of every
 * quantized block (smaller: smaller logits).
 */
export function randomGguf(shape: ModelShape, type: BenchType, seed = 1, blockScale = 1 / 1024): Uint8Array {
  const { dim, hidden, layers, heads, kvHeads, vocab, context } = shape;
  const kvDim = (dim / heads) * kvHeads;
  const tensors: GgufWriteTensor[] = [];
  let state = seed >>> 0;
  const matrix = (name: string, rows: number, cols: number, embedding = false) => {
    const dtype = dtypeFor(type, cols, embedding);
    tensors.push({
      name,
      shape: [rows, cols],
      dtype,
      bytes: randomTensor(dtype, rows * cols, (state += 0x9e3779b9), blockScale),
    });
  };
  const ones = (name: string) =>
    tensors.push({
      name,
      shape: [dim],
      dtype: "f32",
      bytes: new Uint8Array(new Float32Array(dim).fill(1).buffer),
    });
  matrix("token_embd.weight", vocab, dim, true);
  for (let l = 0; l < layers; l++) {
    ones(`blk.${l}.attn_norm.weight`);
    matrix(`blk.${l}.attn_q.weight`, dim, dim);
    matrix(`blk.${l}.attn_k.weight`, kvDim, dim);
    matrix(`blk.${l}.attn_v.weight`, kvDim, dim);
    matrix(`blk.${l}.attn_output.weight`, dim, dim);
    ones(`blk.${l}.ffn_norm.weight`);
    matrix(`blk.${l}.ffn_gate.weight`, hidden, dim);
    matrix(`blk.${l}.ffn_up.weight`, hidden, dim);
    matrix(`blk.${l}.ffn_down.weight`, dim, hidden);
  }
  ones("output_norm.weight"); // no output.weight: the head is tied to the embedding, as in llama2.c

  const u32 = (value: number): GgufWriteValue => ({ type: "u32", value });
  const pieces = ["<unk>", "<s>", "</s>"];
  const types = [2, 3, 3];
  for (let b = 0; b < 256; b++) {
    pieces.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(6);
  }
  while (pieces.length < vocab) {
    pieces.push(`\u2581t${pieces.length}`);
    types.push(1);
  }
  const metadata: Record<string, GgufWriteValue> = {
    "general.architecture": { type: "string", value: "llama" },
    "general.name": { type: "string", value: `random ${type}` },
    "llama.context_length": u32(context),
    "llama.embedding_length": u32(dim),
    "llama.feed_forward_length": u32(hidden),
    "llama.block_count": u32(layers),
    "llama.attention.head_count": u32(heads),
    "llama.attention.head_count_kv": u32(kvHeads),
    "llama.attention.layer_norm_rms_epsilon": { type: "f32", value: 1e-5 },
    "tokenizer.ggml.model": { type: "string", value: "llama" },
    "tokenizer.ggml.tokens": { type: "array", itemType: "string", value: pieces },
    "tokenizer.ggml.token_type": { type: "array", itemType: "i32", value: types },
  };
  return writeGguf(metadata, tensors);
}

/** Random weights of `dtype`: f32 in ±0.05, or random quantized blocks with scale `blockScale`. */
function randomTensor(dtype: DType, count: number, seed: number, blockScale: number): Uint8Array {
  const bytes = new Uint8Array(byteSize(dtype, count)!);
  if (dtype === "f32") {
    const values = new Float32Array(bytes.buffer);
    let s = seed >>> 0;
    for (let i = 0; i < count; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      values[i] = (s / 2 ** 32 - 0.5) * 0.1;
    }
    return bytes;
  }
  // xorshift32 from the seed: the same bytes every time
  let s = seed | 1;
  const words = new Uint32Array(bytes.buffer, 0, bytes.length >> 2);
  for (let i = 0; i < words.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    words[i] = s;
  }
  for (let i = words.length * 4; i < bytes.length; i++) bytes[i] = (s = (s * 31 + 7) | 0) & 0xff;
  const { blockBytes } = DTYPE_LAYOUT[dtype];
  const scale = f32ToF16(blockScale);
  // the f16 scales of each block: d (and dmin) first, except Q6_K which ends with d
  const scaleAt = dtype === "q6_k" ? [208] : dtype === "q4_k" || dtype === "q5_k" ? [0, 2] : [0];
  for (let o = 0; o < bytes.length; o += blockBytes) {
    for (const at of scaleAt) {
      bytes[o + at] = scale & 0xff;
      bytes[o + at + 1] = scale >> 8;
    }
  }
  return bytes;
}
