import { UnsupportedError } from "../errors.js";
import { MAX_CONTEXT, MAX_LAYERS, MAX_VOCAB, MAX_WIDTH } from "../formats/gguf-model.js";
import { transposeInPlace } from "../formats/rope-layout.js";
import type { Kernels } from "../tensor/kernels.js";
import { toF32 } from "../tensor/rows.js";
import type { Tensor, TensorStore } from "../tensor/tensor.js";
import type { ArchitectureModule } from "./architecture.js";
import { runInChunks, Scratch, type CausalLM, type LogitRows } from "./causal-lm.js";
import type { KvCache } from "./kv-cache.js";
import type { ModelConfig } from "./types.js";

/**
 * GPT-2: learned position embeddings, pre-LayerNorm blocks, fused q/k/v projection, gelu_new MLP,
 * final LayerNorm, head tied to the token embedding unless lm_head exists.
 * Legend: n = positions in the chunk, dim = n_embd, hd = head size, ff = inner size, V = vocabulary.
 * Conv1D weights arrive as [out, in] (fixUp transposes Hugging Face's [in, out]).
 */

/** GPT-2: HF model_type gpt2 (n_embd, n_head, n_layer…), GGUF `gpt2`. */
export const gpt2: ArchitectureModule = {
  name: "gpt2",
  hfModelTypes: ["gpt2"],
  ggufArchitectures: ["gpt2"],
  configFromHf: (c) => {
    const hiddenSize = c.int("n_embd");
    const nHeads = c.int("n_head");
    const activation = c.json.activation_function ?? "gelu_new";
    if (activation !== "gelu_new" && activation !== "gelu_pytorch_tanh") {
      throw new UnsupportedError(
        `${c.fileName}: activation_function ${JSON.stringify(activation)} (supported: gelu_new)`,
      );
    }
    return {
      architecture: "gpt2",
      vocabSize: c.int("vocab_size"),
      contextLength: c.int("n_positions", c.json.n_ctx as number),
      hiddenSize,
      intermediateSize: c.json.n_inner == null ? 4 * hiddenSize : c.int("n_inner"),
      nLayers: c.int("n_layer"),
      nHeads,
      nKvHeads: nHeads,
      headDim: c.divide("n_embd", hiddenSize, "n_head", nHeads),
      normEps: c.num("layer_norm_epsilon", 1e-5),
      ropeTheta: 0,
      tiedEmbeddings: c.json.tie_word_embeddings !== false,
      attentionBias: true,
    };
  },
  configFromGguf: (g) => {
    const embedding = g.tensor("token_embd.weight");
    const hiddenSize = g.int("embedding_length", MAX_WIDTH);
    const nHeads = g.int("attention.head_count", hiddenSize);
    if (!g.has("attention.key_length") && hiddenSize % nHeads !== 0)
      g.fail("attention.head_count", `a divisor of embedding_length ${hiddenSize}`);
    return {
      architecture: "gpt2",
      vocabSize: g.int("vocab_size", MAX_VOCAB, embedding.shape[0]),
      contextLength: g.int("context_length", MAX_CONTEXT),
      hiddenSize,
      intermediateSize: g.int("feed_forward_length", MAX_WIDTH * 8),
      nLayers: g.int("block_count", MAX_LAYERS),
      nHeads,
      nKvHeads: nHeads,
      headDim: g.int("attention.key_length", MAX_WIDTH, hiddenSize / nHeads),
      normEps: g.real("attention.layer_norm_epsilon", 1e-5),
      ropeTheta: 0, // learned positions
      tiedEmbeddings: !g.tensors.has("output.weight"),
      attentionBias: g.tensors.has("blk.0.attn_q.bias"),
    };
  },
  ggufNames: {
    layerPrefix: "h.",
    global: { token_embd: "wte", position_embd: "wpe", output_norm: "ln_f", output: "lm_head" },
    layer: {
      attn_norm: "ln_1",
      attn_qkv: "attn.c_attn",
      attn_output: "attn.c_proj",
      ffn_norm: "ln_2",
      ffn_up: "mlp.c_fc",
      ffn_down: "mlp.c_proj",
    },
  },
  // HF: drop the "transformer." prefix and attention-mask buffers; Conv1D weights to [out, in].
  // GGUF GPT-2 is already [out, in].
  fixUp: (tensors, _config, source) => {
    if (source !== "huggingface") return;
    for (const [name, t] of [...tensors]) {
      tensors.delete(name);
      const short = name.replace(/^transformer\./, "");
      if (/\.attn\.(masked_)?bias$/.test(short)) continue;
      const conv = /^h\.\d+\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$/.test(short);
      tensors.set(short, conv ? transposeInPlace({ ...t, name: short }) : { ...t, name: short });
    }
  },
  create: (config, store, kernels) => new Gpt2Model(config, store, kernels),
};

interface Gpt2Layer {
  ln1: [Float32Array, Float32Array]; // weight, bias (dim,)
  wQkv: Tensor; // (3 * dim, dim)
  bQkv: Float32Array; // (3 * dim,)
  wProj: Tensor; // (dim, dim)
  bProj: Float32Array; // (dim,)
  ln2: [Float32Array, Float32Array];
  wFc: Tensor; // (ff, dim)
  bFc: Float32Array; // (ff,)
  wOut: Tensor; // (dim, ff)
  bOut: Float32Array; // (dim,)
}

export class Gpt2Model implements CausalLM {
  private readonly wte: Tensor; // (V, dim)
  private readonly wpe: Tensor; // (positions, dim)
  private readonly layers: Gpt2Layer[];
  private readonly lnF: [Float32Array, Float32Array];
  private readonly head: Tensor; // (V, dim)
  private readonly scratch: Scratch;

  constructor(
    readonly config: ModelConfig,
    store: TensorStore,
    readonly kernels: Kernels,
  ) {
    this.scratch = new Scratch(kernels);
    const { vocabSize: V, hiddenSize: dim, intermediateSize: ff, contextLength } = config;
    const norm = (s: TensorStore, name: string): [Float32Array, Float32Array] => [
      toF32(s.get(`${name}.weight`, [dim]), kernels),
      toF32(s.get(`${name}.bias`, [dim]), kernels),
    ];
    this.wte = store.get("wte.weight", [V, dim]);
    this.wpe = store.get("wpe.weight", [contextLength, dim]);
    this.layers = Array.from({ length: config.nLayers }, (_, i) => {
      const s = store.scope(`h.${i}`);
      return {
        ln1: norm(s, "ln_1"),
        wQkv: s.get("attn.c_attn.weight", [3 * dim, dim]),
        bQkv: toF32(s.get("attn.c_attn.bias", [3 * dim]), kernels),
        wProj: s.get("attn.c_proj.weight", [dim, dim]),
        bProj: toF32(s.get("attn.c_proj.bias", [dim]), kernels),
        ln2: norm(s, "ln_2"),
        wFc: s.get("mlp.c_fc.weight", [ff, dim]),
        bFc: toF32(s.get("mlp.c_fc.bias", [ff]), kernels),
        wOut: s.get("mlp.c_proj.weight", [dim, ff]),
        bOut: toF32(s.get("mlp.c_proj.bias", [dim]), kernels),
      };
    });
    this.lnF = norm(store, "ln_f");
    this.head = config.tiedEmbeddings ? this.wte : store.get("lm_head.weight", [V, dim]);
  }

  forward(cache: KvCache, tokens: ArrayLike<number>, allLogits: boolean, out: Float32Array): void {
    runInChunks(tokens, allLogits, this.config.vocabSize, out, (from, n, rows, chunkOut) =>
      this.forwardChunk(cache, tokens, from, n, rows, chunkOut),
    );
  }

  private forwardChunk(
    cache: KvCache,
    tokens: ArrayLike<number>,
    from: number,
    n: number,
    logits: LogitRows,
    out: Float32Array,
  ): void {
    const k = this.kernels;
    const { hiddenSize: dim, nHeads, headDim: hd, intermediateSize: ff, normEps: eps } = this.config;
    const start = cache.length;
    cache.reserve(start + n);
    const sc = this.scratch;
    const x = sc.get("x", n * dim); // residual stream (n, dim)
    const xb = sc.get("xb", n * dim); // normed input (n, dim)
    const qkv = sc.get("qkv", n * 3 * dim); // (n, 3 * dim)
    const q = sc.get("q", n * dim); // (n, dim)
    const attOut = sc.get("attOut", n * dim);
    const proj = sc.get("proj", n * dim);
    const hidden = sc.get("hidden", n * ff); // (n, ff)
    const att = sc.get("att", start + n);
    const row = sc.get("row", Math.max(dim, ff));
    const pos = sc.get("pos", dim);

    // token + position embeddings
    for (let t = 0; t < n; t++) {
      const xt = x.subarray(t * dim, (t + 1) * dim);
      k.decodeRow(xt, this.wte, tokens[from + t]);
      k.decodeRow(pos, this.wpe, start + t);
      k.addInPlace(xt, pos, dim);
    }

    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      // ln_1, fused q/k/v projection; q kept, k and v appended to the cache
      k.layernorm(xb, x, L.ln1[0], L.ln1[1], eps, n, dim);
      k.matmul(qkv, xb, L.wQkv, n, row);
      k.addBias(qkv, L.bQkv, n, 3 * dim);
      for (let t = 0; t < n; t++) {
        const o = t * 3 * dim;
        q.set(qkv.subarray(o, o + dim), t * dim);
        cache.setKeys(l, qkv.subarray(o + dim, o + 2 * dim), start + t);
        cache.setValues(l, qkv.subarray(o + 2 * dim, o + 3 * dim), start + t);
      }
      // causal attention, output projection, residual
      k.attention(attOut, q, cache.keys[l], cache.values[l], att, start, n, nHeads, nHeads, hd);
      k.matmul(proj, attOut, L.wProj, n, row);
      k.addBias(proj, L.bProj, n, dim);
      k.addInPlace(x, proj, n * dim);
      // ln_2, MLP: c_proj(gelu_new(c_fc(x))), residual
      k.layernorm(xb, x, L.ln2[0], L.ln2[1], eps, n, dim);
      k.matmul(hidden, xb, L.wFc, n, row);
      k.addBias(hidden, L.bFc, n, ff);
      k.geluNew(hidden, n * ff);
      k.matmul(proj, hidden, L.wOut, n, row);
      k.addBias(proj, L.bOut, n, dim);
      k.addInPlace(x, proj, n * dim);
    }
    cache.length = start + n;
    if (logits === "none") return;

    // ln_f and the output head, for the rows asked for
    const first = logits === "all" ? 0 : n - 1;
    const rows = n - first;
    k.layernorm(xb, x.subarray(first * dim), this.lnF[0], this.lnF[1], eps, rows, dim);
    k.matmul(out, xb, this.head, rows, row);
  }
}
