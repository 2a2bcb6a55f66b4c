/**
 * nextoken's public API: load a model, tokenize, run sessions with a KV cache, and generate with
 * every decoding strategy, seeing each step. Names here are a contract (DESIGN.md §3).
 */
export {
  loadModel,
  type KernelChoice,
  type Model,
  type ModelInfo,
  type LoadModelOptions,
} from "./load-model.js";
export type { KvCacheType } from "./models/kv-cache.js";
export { DEFAULT_MODEL_DIR, loadDefaultModel } from "./default-model.js";
export {
  train,
  TRAIN_DEFAULTS,
  type TrainOptions,
  type TrainRun,
  type TrainProgress,
  type TrainResult,
} from "./train/train.js";
export { CorpusError, CheckpointError, OutputExistsError } from "./train/errors.js";
export { loadTokenizer } from "./tokenizers/load-tokenizer.js";
export { StreamingDecoder } from "./tokenizers/streaming-decoder.js";
export type { Tokenizer } from "./tokenizers/types.js";
export type {
  ForwardOptions,
  LanguageModel,
  Session,
  TokenId,
  ModelConfig,
  Architecture,
} from "./models/types.js";
export { generate, stream, type GenerateOptions } from "./generation/generate.js";
export { processLogits, buildPipeline } from "./generation/pipeline.js";
export { resolveOptions, fromGenerationConfigJson } from "./generation/options.js";
export { GENERATION_OPTION_KEYS } from "./generation/options.js";
export { UnknownOptionError } from "./errors.js";
export { scoreText, type TextScore, type TokenScore } from "./generation/score.js";
export { createRng, type Rng } from "./generation/rng.js";
export { softmax, logSoftmax, entropy } from "./generation/distribution.js";
export { TableModel } from "./generation/table-model.js";
export type {
  GenerationOptions,
  GenerationResult,
  GeneratedSequence,
  Step,
  StepTrace,
  StageTrace,
  BeamStep,
  Candidate,
  FinishReason,
  LogitsProcessor,
  StepContext,
  ProcessorName,
} from "./generation/types.js";
export {
  LlmError,
  FormatError,
  UnsupportedError,
  InvalidOptionError,
  ContextOverflowError,
  NoFiniteMassError,
  DisposedError,
} from "./errors.js";
