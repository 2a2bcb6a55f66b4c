import { parseArgs, type ParseArgsConfig } from "node:util";
import { InvalidOptionError } from "../errors.js";
import { usageErrorOf, withNegativeValues } from "./flag-syntax.js";
import type { GenerationOptions, ProcessorName } from "../generation/types.js";

/**
 * Command-line flags → GenerationOptions. Flags are kebab-case spellings of the option names
 * (--top-p → topP); values are parsed strictly here and range-checked by resolveOptions.
 */

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The flags of every command that loads a model (see MODEL_HELP). */
export const MODEL_FLAGS: Options = {
  model: { type: "string", short: "m" },
  file: { type: "string" },
  tokenizer: { type: "string" },
  threads: { type: "string" },
  "kv-cache-type": { type: "string" },
  "no-check-weights": { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

export const GENERATION_FLAGS: Options = {
  "max-new-tokens": { type: "string", short: "n" },
  "max-length": { type: "string" },
  "min-new-tokens": { type: "string" },
  "min-length": { type: "string" },
  "do-sample": { type: "boolean" },
  greedy: { type: "boolean" },
  "no-sample": { type: "boolean" },
  temperature: { type: "string", short: "t" },
  "top-k": { type: "string" },
  "top-p": { type: "string" },
  "min-p": { type: "string" },
  "typical-p": { type: "string" },
  "epsilon-cutoff": { type: "string" },
  "eta-cutoff": { type: "string" },
  "repetition-penalty": { type: "string" },
  "frequency-penalty": { type: "string" },
  "presence-penalty": { type: "string" },
  "no-repeat-ngram-size": { type: "string" },
  "num-beams": { type: "string" },
  "length-penalty": { type: "string" },
  "early-stopping": { type: "string" },
  "num-return-sequences": { type: "string" },
  seed: { type: "string" },
  stop: { type: "string", multiple: true },
  "eos-token-id": { type: "string", multiple: true },
  "suppress-tokens": { type: "string" },
  "logit-bias": { type: "string", multiple: true },
  "max-time": { type: "string" },
  "sampler-order": { type: "string" },
};

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** Parses argv against the given flag sets; positionals are returned joined as the prompt. */
export function parseFlags(argv: string[], options: Options): { values: FlagValues; positionals: string[] } {
  const args = withNegativeValues(argv, options);
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as FlagValues, positionals };
  } catch (error) {
    throw usageErrorOf(error, options);
  }
}

/** GenerationOptions keys by the flag that sets them (topP → --top-p). */
const FLAG_OF_OPTION = new Map(
  Object.keys(GENERATION_FLAGS).map((flag) => [
    flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
    `--${flag}`,
  ]),
);

/** A library error about an option (`topP must be …`) re-spelled as the flag the user typed. */
export function withFlagName(error: unknown): unknown {
  if (!(error instanceof InvalidOptionError)) return error;
  const flag = FLAG_OF_OPTION.get(error.option);
  return flag === undefined ? error : new InvalidOptionError(flag, error.value, error.expected);
}

function number(values: FlagValues, flag: string): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(value)) {
    throw new InvalidOptionError(`--${flag}`, raw, "a number");
  }
  return value;
}

function list(values: FlagValues, flag: string): number[] | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const parts = (Array.isArray(raw) ? raw : [String(raw)]).flatMap((s) => s.split(","));
  return parts.map((part) => {
    const value = Number(part);
    if (part.trim() === "" || !Number.isInteger(value))
      throw new InvalidOptionError(`--${flag}`, raw, "token ids (integers)");
    return value;
  });
}

/**
 * --greedy / --no-sample: doSample false over whatever the model's generation config says, or
 * undefined when neither was given. A contradicting --do-sample or --temperature > 0 is refused.
 */
function greedyFlag(values: FlagValues): false | undefined {
  const flag = values.greedy === true ? "--greedy" : values["no-sample"] === true ? "--no-sample" : undefined;
  if (flag === undefined) return undefined;
  if (values["do-sample"] === true)
    throw new InvalidOptionError("--do-sample", true, `left out with ${flag} (which never samples)`);
  const t = number(values, "temperature");
  if (t !== undefined && t !== 0)
    throw new InvalidOptionError("--temperature", t, `0 or left out with ${flag} (which never samples)`);
  return false;
}

/** GenerationOptions from parsed flags; only flags that were given appear. */
export function generationOptionsOf(values: FlagValues): GenerationOptions {
  const greedy = greedyFlag(values);
  const options: GenerationOptions = {
    maxNewTokens: number(values, "max-new-tokens"),
    maxLength: number(values, "max-length"),
    minNewTokens: number(values, "min-new-tokens"),
    minLength: number(values, "min-length"),
    doSample: greedy ?? (values["do-sample"] === true ? true : undefined),
    temperature: number(values, "temperature"),
    topK: number(values, "top-k"),
    topP: number(values, "top-p"),
    minP: number(values, "min-p"),
    typicalP: number(values, "typical-p"),
    epsilonCutoff: number(values, "epsilon-cutoff"),
    etaCutoff: number(values, "eta-cutoff"),
    repetitionPenalty: number(values, "repetition-penalty"),
    frequencyPenalty: number(values, "frequency-penalty"),
    presencePenalty: number(values, "presence-penalty"),
    noRepeatNgramSize: number(values, "no-repeat-ngram-size"),
    numBeams: number(values, "num-beams"),
    lengthPenalty: number(values, "length-penalty"),
    numReturnSequences: number(values, "num-return-sequences"),
    seed: number(values, "seed"),
    maxTime: number(values, "max-time"),
    stop: values.stop as string[] | undefined,
    eosTokenId: list(values, "eos-token-id"),
    suppressTokens: list(values, "suppress-tokens"),
  };
  const early = values["early-stopping"];
  if (early !== undefined) {
    if (early === "true" || early === "false") options.earlyStopping = early === "true";
    else if (early === "never") options.earlyStopping = "never";
    else throw new InvalidOptionError("--early-stopping", early, `"true", "false" or "never"`);
  }
  const bias = values["logit-bias"];
  if (bias !== undefined) {
    options.logitBias = {};
    for (const entry of bias as string[]) {
      const match = /^(\d+)=(-?[\d.]+(?:e-?\d+)?|-?inf(?:inity)?)$/i.exec(entry.trim());
      if (!match) throw new InvalidOptionError("--logit-bias", entry, "ID=BIAS, e.g. 42=-100");
      options.logitBias[Number(match[1])] = /inf/i.test(match[2])
        ? match[2].startsWith("-")
          ? -Infinity
          : Infinity
        : Number(match[2]);
    }
  }
  const order = values["sampler-order"];
  if (typeof order === "string") {
    options.samplerOrder =
      order === "hf" || order === "llama.cpp"
        ? order
        : (order.split(",").map((s) => s.trim()) as ProcessorName[]);
  }
  for (const key of Object.keys(options) as Array<keyof GenerationOptions>)
    if (options[key] === undefined) delete options[key];
  return options;
}

/** The help text of MODEL_FLAGS, printed with every command that takes them. */
export const MODEL_HELP = `Model (generate, inspect, compare, score, info, serve, playground):
  -m, --model PATH      HF model directory, .gguf file, or llama2.c .bin (default: the built-in model)
      (or ORG/NAME[@REVISION][:QUANT] on the Hugging Face Hub)
      --file NAME       with --model ORG/NAME: the file to use from a repository with several .gguf files
      --tokenizer PATH  tokenizer.json (or its directory), llama2.c tokenizer.bin, or .gguf
      --threads N       threads for the products and attention, the caller included (default 1)
      --kv-cache-type T f32 (default) or f16: keys and values as half floats, half the memory
      --no-check-weights  skip the load-time check that refuses NaN/Inf weights`;

/** The help text of the generation flags. */
export const GENERATION_HELP = `Decoding (Hugging Face GenerationConfig semantics; see README). A flag not given takes the
model's generation config, else the default shown: the built-in model samples (temperature 0.8,
top-k 40, top-p 0.95, repetition penalty 1.1, 128 new tokens). --trace prints every setting used
and where it came from.
  -n, --max-new-tokens N     new tokens at most (default 256), within the model's context
      --max-length N         prompt + new tokens at most
      --min-new-tokens N     suppress EOS until N new tokens
      --min-length N         suppress EOS until the sequence has N tokens
      --do-sample            sample instead of greedy (implicit top-k 50 unless set)
      --greedy, --no-sample  always pick the most likely token, whatever the model's config says
  -t, --temperature T        divide the logits by T when sampling; 0 = greedy
      --top-k K              keep the K most likely tokens (ties kept)
      --top-p P              keep the smallest set with mass >= P (nucleus)
      --min-p P              drop tokens below P * max probability
      --typical-p P          locally typical sampling mass
      --epsilon-cutoff E     drop tokens with probability < E
      --eta-cutoff E         entropy-dependent cutoff
      --repetition-penalty R divide positive / multiply negative logits of seen tokens
      --frequency-penalty F  OpenAI: logit -= F * count (generated tokens)
      --presence-penalty P   OpenAI: logit -= P if generated before
      --no-repeat-ngram-size N  never repeat an n-gram
      --num-beams B          beam search with B beams
      --length-penalty L     beam score = sum logprob / length^L
      --early-stopping V     true | false | never
      --num-return-sequences N
      --seed S               the same seed gives the same tokens on any machine
      --stop TEXT            stop string (repeatable; excluded from the output)
      --eos-token-id ID      end-of-sequence id(s) (repeatable or comma list)
      --suppress-tokens IDS  never generate these ids (comma list)
      --logit-bias ID=B      add B to a token's logit (repeatable)
      --max-time SECONDS     wall-clock budget
      --sampler-order ORDER  hf (default) | llama.cpp | comma list of processor names`;

/** An integer flag in [min, max], or `fallback` when the flag was not given. */
export function integerFlag(
  values: FlagValues,
  flag: string,
  min: number,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = values[flag];
  if (raw === undefined) return fallback;
  const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
  if (!(Number.isSafeInteger(value) && value >= min && value <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new InvalidOptionError(`--${flag}`, raw, `an integer ${range}`);
  }
  return value;
}

/** The largest TCP port number. */
export const MAX_PORT = 65535;

/** --port: an integer from 0 (any free port) to 65535, or `fallback` when not given. */
export function portFlag(values: FlagValues, fallback: number): number {
  return integerFlag(values, "port", 0, fallback, MAX_PORT);
}
