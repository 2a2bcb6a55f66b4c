import { FormatError, UnsupportedError } from "../errors.js";
import type { ModelConfig } from "./model-config.js";
import { elementCount, type Tensor } from "../tensor/tensor.js";
import { ByteReader } from "./byte-reader.js";

/**
 * llama2.c legacy checkpoint (run.c): 7 int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads,
 * vocab_size, seq_len; a negative vocab_size means an unshared classifier), then float32 arrays
 * stacked over layers, [out, in] row-major, q/k rows in the interleaved-pair RoPE layout.
 * run.c fixes rope theta 10000 and rmsnorm eps 1e-5. Tensors are returned under GGUF-style
 * names with their interleaved layout noted, so the loader un-permutes q/k like GGUF's.
 */

/** Sizes beyond these are not a llama2.c model (the largest, Llama 2 70B, has dim 8192, 80 layers). */
const MAX_DIM = 1 << 16;
const MAX_LAYERS = 1024;
const MAX_VOCAB = 1 << 20;
const MAX_SEQ_LEN = 1 << 20;

export interface Llama2cCheckpoint {
  config: ModelConfig;
  /** Canonical (Hugging Face Llama) names; q/k rows still in the interleaved-pair layout. */
  tensors: Map<string, Tensor>;
}

export function parseLlama2c(bytes: Uint8Array, fileName: string): Llama2cCheckpoint {
  const r = new ByteReader(bytes, fileName);
  const first = r.i32("dim");
  if (first === 0x616b3432) {
    throw new UnsupportedError(
      `${fileName}: llama2.c "ak42" versioned export; only the legacy (v0) format is supported`,
    );
  }
  const dim = first;
  const hiddenDim = r.i32("hidden_dim");
  const nLayers = r.i32("n_layers");
  const nHeads = r.i32("n_heads");
  const nKvHeads = r.i32("n_kv_heads");
  const vocabRaw = r.i32("vocab_size");
  const seqLen = r.i32("seq_len");
  const check = (field: string, value: number, max: number, at: number) => {
    if (!(value > 0 && value <= max)) throw r.error(field, `expected 1 to ${max}, got ${value}`, at);
  };
  check("dim", dim, MAX_DIM, 0);
  check("hidden_dim", hiddenDim, MAX_DIM * 8, 4);
  check("n_layers", nLayers, MAX_LAYERS, 8);
  check("n_heads", nHeads, dim, 12);
  check("n_kv_heads", nKvHeads, nHeads, 16);
  check("vocab_size", Math.abs(vocabRaw), MAX_VOCAB, 20);
  check("seq_len", seqLen, MAX_SEQ_LEN, 24);
  if (dim % nHeads !== 0) throw r.error("n_heads", `dim ${dim} is not divisible by n_heads ${nHeads}`, 12);
  if (nHeads % nKvHeads !== 0)
    throw r.error("n_kv_heads", `n_heads ${nHeads} is not divisible by ${nKvHeads}`, 16);
  const headDim = dim / nHeads;
  if (headDim % 2 !== 0) throw r.error("n_heads", `head size ${headDim} must be even for RoPE`, 12);
  const vocab = Math.abs(vocabRaw);
  const shared = vocabRaw > 0;
  const kvDim = nKvHeads * headDim;

  const stacked: Array<[string, number[]]> = [
    ["input_layernorm.weight", [dim]],
    ["self_attn.q_proj.weight", [dim, dim]],
    ["self_attn.k_proj.weight", [kvDim, dim]],
    ["self_attn.v_proj.weight", [kvDim, dim]],
    ["self_attn.o_proj.weight", [dim, dim]],
    ["post_attention_layernorm.weight", [dim]],
    ["mlp.gate_proj.weight", [hiddenDim, dim]],
    ["mlp.down_proj.weight", [dim, hiddenDim]],
    ["mlp.up_proj.weight", [hiddenDim, dim]],
  ];
  const ropeTableFloats = seqLen * (headDim / 2);
  const sharedBytes =
    28 +
    4 *
      (vocab * dim +
        nLayers * stacked.reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1), 0) +
        dim +
        2 * ropeTableFloats);
  const unsharedBytes = sharedBytes + 4 * vocab * dim;
  const expectedBytes = shared ? sharedBytes : unsharedBytes;
  // The header is all a llama2.c file says about itself: a size that does not match exactly means
  // a corrupt header (n_layers 2 in a 6-layer file would otherwise load as a 2-layer model).
  if (bytes.byteLength !== expectedBytes) {
    const described =
      `${fileName}: file has ${bytes.byteLength} bytes, but its header (dim ${dim}, hidden_dim ${hiddenDim}, ` +
      `n_layers ${nLayers}, n_heads ${nHeads}, n_kv_heads ${nKvHeads}, vocab_size ${vocabRaw}, seq_len ${seqLen}) ` +
      `needs ${expectedBytes}`;
    const other = shared ? unsharedBytes : sharedBytes;
    const hint =
      bytes.byteLength < expectedBytes
        ? " (file truncated?)"
        : bytes.byteLength === other
          ? ` (the size of a checkpoint ${shared ? "without" : "with"} a shared classifier: is vocab_size's sign wrong?)`
          : ` (${shared ? "with" : "without"} a shared classifier; ${other} ${shared ? "without" : "with"}): the header is corrupt or this is not a llama2.c checkpoint`;
    throw new FormatError(described + hint);
  }

  const tensors = new Map<string, Tensor>();
  const add = (name: string, shape: number[]) => {
    const length = elementCount(shape) * 4;
    tensors.set(name, { name, dtype: "f32", shape, bytes: r.take(name, length) });
  };
  add("model.embed_tokens.weight", [vocab, dim]);
  // Arrays are stacked: all layers of one weight, then the next weight.
  for (const [name, shape] of stacked) {
    for (let l = 0; l < nLayers; l++) add(`model.layers.${l}.${name}`, shape);
  }
  add("model.norm.weight", [dim]);
  r.take("freq_cis tables (unused)", 2 * ropeTableFloats * 4);
  if (!shared) add("lm_head.weight", [vocab, dim]);

  const config: ModelConfig = {
    architecture: "llama",
    vocabSize: vocab,
    contextLength: seqLen,
    hiddenSize: dim,
    intermediateSize: hiddenDim,
    nLayers,
    nHeads,
    nKvHeads,
    headDim,
    normEps: 1e-5,
    ropeTheta: 10000,
    tiedEmbeddings: shared,
    attentionBias: false,
  };
  return { config, tensors };
}
