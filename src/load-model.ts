import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { FormatError, InvalidOptionError } from "./errors.js";
import { checkOptionKeys, type KeyRecord } from "./option-keys.js";
import { checkFiniteWeights } from "./formats/check-finite.js";
import { ggufTensors, parseGguf } from "./formats/gguf.js";
import { parseLlama2c } from "./formats/llama2c.js";
import { readFilePrefix, readWholeFile } from "./formats/read-file.js";
import { SNIFF_BYTES, sniffModelFile } from "./formats/sniff.js";
import { isRecord, parseSafetensors } from "./formats/safetensors.js";
import { eosList, fromGenerationConfigJson } from "./generation/options.js";
import type { GenerationOptions } from "./generation/types.js";
import type { CausalLM } from "./models/causal-lm.js";
import { isKvCacheType, type KvCacheType } from "./models/kv-cache.js";
import { ggufConfig, parseHfConfig, prepareTensors } from "./models/from-checkpoint.js";
import { architectureNamed } from "./models/registry.js";
import { ModelSession } from "./models/session.js";
import type { LanguageModel, ModelConfig, Session } from "./models/types.js";
import type { DType } from "./tensor/dtype.js";
import { jsKernels, type Kernels } from "./tensor/kernels.js";
import { WasmArena } from "./tensor/wasm/arena.js";
import { kernelModule } from "./tensor/wasm/module.js";
import { WasmKernels } from "./tensor/wasm/wasm-kernels.js";
import { elementCount, TensorStore, type Tensor } from "./tensor/tensor.js";
import { fromGguf } from "./tokenizers/from-gguf.js";
import { fromLlama2c } from "./tokenizers/from-llama2c.js";
import { checkTokenizerMatchesModel, loadTokenizer } from "./tokenizers/load-tokenizer.js";
import { MissingTokenizer } from "./tokenizers/missing-tokenizer.js";
import type { Tokenizer } from "./tokenizers/types.js";

/** What `nextoken info` shows about a loaded checkpoint. */
export interface ModelInfo {
  source: string;
  format: "huggingface" | "gguf" | "llama2c";
  fileBytes: number;
  parameters: number;
  /** Parameters per stored dtype. */
  dtypes: Partial<Record<DType, number>>;
  /** Format metadata worth showing (GGUF general.* keys, safetensors __metadata__). */
  metadata: Record<string, string>;
}

/** A loaded checkpoint with its tokenizer and generation defaults. */
export interface Model extends LanguageModel {
  readonly config: ModelConfig;
  readonly tokenizer: Tokenizer;
  readonly generationConfig: GenerationOptions;
  readonly info: ModelInfo;
  /** How sessions store their KV cache (LoadModelOptions.kvCacheType). */
  readonly kvCacheType: KvCacheType;
  /** Kernel path and thread count in use, for reports. */
  readonly kernels: { name: string; threads: number };
  newSession(): Session;
  dispose(): void;
}

export interface LoadModelOptions {
  /** Tokenizer file for checkpoints that do not carry one (llama2.c .bin). */
  tokenizer?: string;
  /**
   * Threads sharing the matrix products and attention (the caller plus threads - 1 workers, SIMD
   * kernels only). Default 1, or NEXTOKEN_THREADS: a second thread helps only while a core is free
   * (the pool falls back to the caller alone for a while when a worker stalls), and machines are
   * often shared.
   */
  threads?: number;
  /**
   * "wasm" (default where WebAssembly SIMD128 is available): SIMD kernels over weights loaded into
   * WebAssembly memory (4 GiB at most), the relaxed SIMD build where the runtime has relaxed SIMD
   * (Node 20: turned on by nextoken, see tensor/wasm/module.ts) and it passes a self-test, else
   * the SIMD128 build; both give the same bits, relaxed SIMD is faster on Q4_0 weights (1.2-1.3x
   * decoding, 1.4-1.5x prompts).
   * "wasm-relaxed-simd" / "wasm-simd128": that build, or an error where it cannot run. "js": the
   * plain TypeScript reference kernels. NEXTOKEN_KERNELS sets the default.
   */
  kernels?: KernelChoice;
  /**
   * Multiply Q8_0/Q4_0 weights with activations quantized to 8 bits per 32-block, and Q4_K/Q5_K/Q6_K
   * weights with activations quantized per 256 values, as llama.cpp does (wasm kernels): 1.2-1.6x
   * faster decoding on Q8_0/Q4_0 weights and about 2.5x on K-quants, within llama.cpp's own 0.04
   * log-prob of the reference on the golden files. Default true; false (or
   * NEXTOKEN_QUANTIZE_ACTIVATIONS=0) selects the exact path (Q8_0/Q4_0: two 16-bit activation parts;
   * K-quants: rows decoded to f32; within 1e-4 of the f32 reference).
   */
  quantizeActivations?: boolean;
  /**
   * How sessions store attention keys and values: "f32" (default), or "f16" (IEEE half floats,
   * rounded to nearest even, as llama.cpp's default --cache-type-k/-v f16) in half the memory, with
   * logits a little off the f32 ones (0.025 at most on stories260K over 200 tokens). A session
   * whose keys or values exceed f16's ±65504 switches its cache to f32. NEXTOKEN_KV_CACHE_TYPE sets
   * the default.
   */
  kvCacheType?: KvCacheType;
  /**
   * Refuse a file whose weights hold a NaN or an infinity (f32/f16/bf16 values, the f16 block scales
   * of quantized types), naming the tensor: one pass over the weights at load (cost: docs/loading.md).
   * Default true; false skips the pass.
   */
  checkWeights?: boolean;
  /**
   * A Jinja chat template (Hugging Face `chat_template` source) used for chat in place of the
   * tokenizer's own: for models that carry none (the built-in one) or a wrong one. The server's
   * `--chat-template FILE` passes a file's text here.
   */
  chatTemplate?: string;
}

/** Every LoadModelOptions key (the compiler keeps this list and the interface in step). */
const LOAD_MODEL_OPTION_KEYS: KeyRecord<LoadModelOptions> = {
  tokenizer: true,
  threads: true,
  kernels: true,
  quantizeActivations: true,
  kvCacheType: true,
  checkWeights: true,
  chatTemplate: true,
};

/** Where the matrix products run: see LoadModelOptions.kernels. */
export type KernelChoice = "wasm" | "wasm-relaxed-simd" | "wasm-simd128" | "js";
const KERNEL_CHOICES: readonly KernelChoice[] = ["wasm", "wasm-relaxed-simd", "wasm-simd128", "js"];
const BUILDS = { "wasm-relaxed-simd": "relaxed-simd", "wasm-simd128": "simd128" } as const;

export function isKernelChoice(value: string): value is KernelChoice {
  return (KERNEL_CHOICES as readonly string[]).includes(value);
}

/** The kernels, where weights are read to and how KV caches are stored, from options and NEXTOKEN_* variables. */
interface Backend {
  /** Weights are read into this arena (wasm kernels) or onto the JS heap. */
  arena?: WasmArena;
  kernels(): Kernels;
  kvCacheType: KvCacheType;
}

function chooseBackend(options: LoadModelOptions): Backend {
  const env = process.env;
  const kind: string = options.kernels ?? (env.NEXTOKEN_KERNELS || "wasm");
  const kernelsOption = options.kernels === undefined ? "NEXTOKEN_KERNELS" : "kernels";
  if (!isKernelChoice(kind)) {
    const choices = KERNEL_CHOICES.map((c) => `"${c}"`);
    throw new InvalidOptionError(
      kernelsOption,
      kind,
      `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`,
    );
  }
  const threads = options.threads ?? (env.NEXTOKEN_THREADS ? Number(env.NEXTOKEN_THREADS) : 1);
  if (!Number.isInteger(threads) || threads < 1 || threads > 256)
    throw new InvalidOptionError("threads", threads, "an integer from 1 to 256");
  const quantizeActivations = options.quantizeActivations ?? env.NEXTOKEN_QUANTIZE_ACTIVATIONS !== "0";
  const kvCacheType: unknown = options.kvCacheType ?? (env.NEXTOKEN_KV_CACHE_TYPE || "f32");
  if (!isKvCacheType(kvCacheType)) {
    const option = options.kvCacheType === undefined ? "NEXTOKEN_KV_CACHE_TYPE" : "kvCacheType";
    throw new InvalidOptionError(option, kvCacheType, '"f32" or "f16"');
  }
  const module = kind === "js" ? undefined : kind === "wasm" ? kernelModule() : kernelModule(BUILDS[kind]);
  if (!module && kind !== "js" && kind !== "wasm") {
    const runs = kind === "wasm-relaxed-simd" && kernelModule("simd128") ? '"wasm-simd128", ' : "";
    throw new InvalidOptionError(
      kernelsOption,
      kind,
      `a kernel build this runtime runs (it cannot run ${kind}: not built, or no WebAssembly SIMD, or ` +
        `a failed self-test): "wasm" (the best that runs), ${runs}or "js"`,
    );
  }
  if (!module) return { kernels: () => jsKernels, kvCacheType };
  const arena = new WasmArena();
  // NEXTOKEN_PARALLEL_MIN_WORK=0 makes even tiny matrices use every thread (tests of the thread pool).
  const minParallelWork = env.NEXTOKEN_PARALLEL_MIN_WORK ? Number(env.NEXTOKEN_PARALLEL_MIN_WORK) : undefined;
  return {
    arena,
    kernels: () => new WasmKernels(arena, module, { threads, quantizeActivations, minParallelWork }),
    kvCacheType,
  };
}

/** Reads a weights file into the backend's memory. */
function readWeights(path: string, backend: Backend): Promise<Uint8Array> {
  const { arena } = backend;
  return readWholeFile(path, arena && ((size) => arena.bytes(arena.alloc(size), size)));
}

/**
 * Loads a Hugging Face model directory, a .gguf file or a llama2.c .bin checkpoint.
 * The file is read once; tensors are views into it.
 */
export async function loadModel(source: string, options: LoadModelOptions = {}): Promise<Model> {
  if (typeof options !== "object" || options === null)
    throw new InvalidOptionError("options", options, "an object");
  checkOptionKeys(options, LOAD_MODEL_OPTION_KEYS, "loadModel() options");
  const kind = await stat(source).catch((cause: unknown) => {
    throw new FormatError(
      (cause as NodeJS.ErrnoException).code === "ENOENT"
        ? `${source}: no such file or directory` +
            (/\.(gguf|bin|safetensors|json)$/i.test(source)
              ? ""
              : "; to download from the Hub write an id such as owner/name")
        : `${source}: cannot read (${(cause as Error).message})`,
      { cause },
    );
  });
  if (options.checkWeights !== undefined && typeof options.checkWeights !== "boolean")
    throw new InvalidOptionError("checkWeights", options.checkWeights, "true or false");
  const chatTemplate: unknown = options.chatTemplate;
  if (chatTemplate !== undefined && (typeof chatTemplate !== "string" || chatTemplate.trim() === ""))
    throw new InvalidOptionError("chatTemplate", chatTemplate, "a non-empty string of Jinja template source");
  const backend = chooseBackend(options);
  if (kind.isDirectory()) return loadHfDirectory(source, options, backend);
  // The content decides, not the name: a text file or a tokenizer given as a model is named as such.
  const { bytes, fileSize } = await readFilePrefix(source, SNIFF_BYTES);
  if (sniffModelFile(bytes, fileSize, source) === "gguf") return loadGgufFile(source, options, backend);
  return loadLlama2cFile(source, options, backend);
}

const forwardPasses = new WeakMap<Model, CausalLM>();

/** The architecture's forward pass behind a loaded model (tests observe routing through it); not public API. */
export function causalOf(model: Model): CausalLM | undefined {
  return forwardPasses.get(model);
}

class LoadedModel implements Model {
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly kvCacheType: KvCacheType;
  private causal: CausalLM | undefined;

  constructor(
    readonly config: ModelConfig,
    store: TensorStore,
    readonly tokenizer: Tokenizer,
    readonly generationConfig: GenerationOptions,
    readonly info: ModelInfo,
    backend: Backend,
  ) {
    checkTokenizerMatchesModel(tokenizer, config.vocabSize, info.source);
    this.causal = architectureNamed(config.architecture).create(config, store, backend.kernels());
    forwardPasses.set(this, this.causal);
    this.vocabSize = config.vocabSize;
    this.contextLength = config.contextLength;
    this.kvCacheType = backend.kvCacheType;
  }

  newSession(): Session {
    if (!this.causal) throw new FormatError(`${this.info.source}: model was disposed`);
    return new ModelSession(this.causal, this.kvCacheType);
  }

  /** Kernel path and thread count in use, for reports. */
  get kernels(): { name: string; threads: number } {
    const k = this.causal?.kernels ?? jsKernels;
    return { name: k.name, threads: k.threads };
  }

  dispose(): void {
    this.causal?.kernels.dispose();
    this.causal = undefined;
  }
}

async function loadHfDirectory(dir: string, options: LoadModelOptions, backend: Backend): Promise<Model> {
  const configPath = join(dir, "config.json");
  const config = parseHfConfig(await readJson(configPath), configPath);
  const files = await readdir(dir);
  const generationConfig = files.includes("generation_config.json")
    ? fromGenerationConfigJson(
        asRecord(await readJson(join(dir, "generation_config.json")), "generation_config.json"),
      )
    : {};
  let shards: string[];
  if (files.includes("model.safetensors")) shards = ["model.safetensors"];
  else if (files.includes("model.safetensors.index.json"))
    shards = await shardsOfIndex(join(dir, "model.safetensors.index.json"));
  else throw new FormatError(`${dir}: no model.safetensors or model.safetensors.index.json`);

  const tensors = new Map<string, Tensor>();
  let fileBytes = 0;
  let metadata: Record<string, string> = {};
  for (const shard of shards) {
    const path = join(dir, shard);
    const bytes = await readWeights(path, backend);
    fileBytes += bytes.byteLength;
    const file = parseSafetensors(bytes, path);
    if (options.checkWeights !== false) checkFiniteWeights(file.tensors.values(), path);
    metadata = { ...metadata, ...file.metadata };
    for (const [name, t] of file.tensors) tensors.set(name, t);
  }
  const prepared = prepareTensors(tensors, config, "huggingface", dir);

  const tokenizerSource = options.tokenizer ?? (files.includes("tokenizer.json") ? dir : undefined);
  const tokenizer = tokenizerSource
    ? await loadTokenizer(tokenizerSource)
    : new MissingTokenizer(
        config.vocabSize,
        dir,
        generationConfig.bosTokenId,
        eosList(generationConfig.eosTokenId),
      );
  const info = describe(dir, "huggingface", fileBytes, prepared, metadata);
  return new LoadedModel(
    config,
    new TensorStore(prepared, dir),
    withChatTemplate(tokenizer, options.chatTemplate),
    generationConfig,
    info,
    backend,
  );
}

async function shardsOfIndex(indexPath: string): Promise<string[]> {
  const index = asRecord(await readJson(indexPath), indexPath);
  const weightMap = index.weight_map;
  if (!isRecord(weightMap))
    throw new FormatError(`${indexPath}: "weight_map" must be an object of tensor name → file`);
  const shards = new Set<string>();
  for (const [tensor, file] of Object.entries(weightMap)) {
    // Shard names come from the file: never let one reach outside the model directory.
    if (typeof file !== "string" || file !== basename(file) || !file.endsWith(".safetensors")) {
      throw new FormatError(
        `${indexPath}: weight_map["${tensor}"] must name a .safetensors file in the same directory`,
      );
    }
    shards.add(file);
  }
  return [...shards].sort();
}

async function loadGgufFile(path: string, options: LoadModelOptions, backend: Backend): Promise<Model> {
  const bytes = await readWeights(path, backend);
  const file = parseGguf(bytes, path);
  const raw = ggufTensors(file, bytes);
  if (options.checkWeights !== false) checkFiniteWeights(raw.values(), path);
  const config = ggufConfig(file, raw, path);
  const tensors = prepareTensors(raw, config, "gguf", path);
  const tokenizer = options.tokenizer
    ? await loadTokenizer(options.tokenizer)
    : fromGguf(file.metadata, path);
  const generationConfig: GenerationOptions = {};
  if (tokenizer.eosTokenIds.length > 0) generationConfig.eosTokenId = [...tokenizer.eosTokenIds];
  const metadata: Record<string, string> = {};
  for (const [key, value] of file.metadata) {
    if (key.startsWith("general.") && (typeof value !== "object" || value === null))
      metadata[key] = String(value);
  }
  const info = describe(path, "gguf", bytes.byteLength, tensors, metadata);
  return new LoadedModel(
    config,
    new TensorStore(tensors, path),
    withChatTemplate(tokenizer, options.chatTemplate),
    generationConfig,
    info,
    backend,
  );
}

async function loadLlama2cFile(path: string, options: LoadModelOptions, backend: Backend): Promise<Model> {
  const bytes = await readWeights(path, backend);
  const { config, tensors: raw } = parseLlama2c(bytes, path);
  if (options.checkWeights !== false) checkFiniteWeights(raw.values(), path);
  const tensors = prepareTensors(raw, config, "llama2c", path);
  const tokenizerPath = options.tokenizer ?? join(dirname(path), "tokenizer.bin");
  const tokenizerBytes = await readFile(tokenizerPath).catch((cause: unknown) => {
    throw new FormatError(
      `${path}: a llama2.c checkpoint needs its tokenizer.bin (pass --tokenizer); ${tokenizerPath}: ${(cause as Error).message}`,
      { cause },
    );
  });
  const tokenizer = tokenizerPath.endsWith(".bin")
    ? fromLlama2c(new Uint8Array(tokenizerBytes), tokenizerPath, config.vocabSize)
    : await loadTokenizer(tokenizerPath);
  // run.c stops at BOS (id 1) as well as at the end of the budget; EOS is 2 in Llama vocabularies.
  const generationConfig: GenerationOptions = { eosTokenId: [...tokenizer.eosTokenIds] };
  const info = describe(path, "llama2c", bytes.byteLength, tensors, {});
  return new LoadedModel(
    config,
    new TensorStore(tensors, path),
    withChatTemplate(tokenizer, options.chatTemplate),
    generationConfig,
    info,
    backend,
  );
}

/** `tokenizer` with `chatTemplate` (LoadModelOptions.chatTemplate) in place of its own, when given. */
function withChatTemplate(tokenizer: Tokenizer, chatTemplate: string | undefined): Tokenizer {
  if (chatTemplate === undefined) return tokenizer;
  // The tokenizer's methods and fields are reached through the prototype; only chatTemplate differs.
  return Object.create(tokenizer, { chatTemplate: { value: chatTemplate, enumerable: true } }) as Tokenizer;
}

function describe(
  source: string,
  format: ModelInfo["format"],
  fileBytes: number,
  tensors: ReadonlyMap<string, Tensor>,
  metadata: Record<string, string>,
): ModelInfo {
  const dtypes: Partial<Record<DType, number>> = {};
  let parameters = 0;
  for (const t of tensors.values()) {
    const count = elementCount(t.shape);
    parameters += count;
    dtypes[t.dtype] = (dtypes[t.dtype] ?? 0) + count;
  }
  return { source, format, fileBytes, parameters, dtypes, metadata };
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, "utf8").catch((cause: unknown) => {
    throw new FormatError(`${path}: cannot read (${(cause as Error).message})`, { cause });
  });
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new FormatError(`${path}: not valid JSON (${(cause as Error).message})`, { cause });
  }
}

function asRecord(value: unknown, fileName: string): Record<string, unknown> {
  if (!isRecord(value)) throw new FormatError(`${fileName}: expected a JSON object`);
  return value;
}
