// The next-token distribution as the knobs shape it, computed in the page from the raw logits with
// the engine's own pipeline (../../src/generation): the same processors, in the same order, that
// generate() runs, so what the page shows is what the engine would sample from.
import { argmax, entropyOfLogits, logSumExp, softmax } from "../../src/generation/distribution.js";
import { buildPipeline } from "../../src/generation/pipeline.js";
import { resolveOptions } from "../../src/generation/options.js";
import { WARPERS } from "../../src/generation/processor-names.js";
import { sampleFrom } from "../../src/generation/select.js";
import { oneLineText } from "../../src/tokenizers/visible-text.js";
import type { GenerationOptions, ProcessorName, StepContext } from "../../src/generation/types.js";

/** Every knob the page offers. */
export interface Knobs {
  temperature: number;
  /** 0 = off. */
  topK: number;
  topP: number;
  /** 0 = off. */
  minP: number;
  typicalP: number;
  repetitionPenalty: number;
  samplerOrder: "hf" | "llama.cpp";
  /** How Step picks the token: the most likely one, or a seeded draw from the shaped distribution. */
  pick: "greedy" | "sample";
  seed: number;
  maxNewTokens: number;
  numBeams: number;
  lengthPenalty: number;
}

export const DEFAULT_KNOBS: Knobs = {
  temperature: 1,
  topK: 50, // Hugging Face's implicit top-k when sampling
  topP: 1,
  minP: 0,
  typicalP: 1,
  repetitionPenalty: 1,
  samplerOrder: "hf",
  pick: "greedy",
  seed: 42,
  maxNewTokens: 48,
  numBeams: 3,
  lengthPenalty: 1,
};

/** The generation options of the sampling distribution the knobs describe. */
export function samplingOptions(knobs: Knobs, eosTokenIds: number[]): GenerationOptions {
  return {
    doSample: true,
    temperature: knobs.temperature,
    topK: knobs.topK,
    topP: knobs.topP,
    minP: knobs.minP,
    typicalP: knobs.typicalP,
    repetitionPenalty: knobs.repetitionPenalty,
    samplerOrder: knobs.samplerOrder,
    eosTokenId: eosTokenIds,
  };
}

/** What one processor did. */
export interface Stage {
  name: ProcessorName | "renormalize";
  /** The knob's value, for the label. */
  value: string;
  kept: number;
  /** Probability mass, under this stage's input, that it removed. */
  removedMass: number;
  /** Entropy (nats) after this stage. */
  entropy: number;
  /** Raw (model) probability mass of the tokens still kept after this stage. */
  keptRawMass: number;
}

export interface Shaped {
  rawProbs: Float32Array;
  rawLogprobs: Float32Array;
  rawEntropy: number;
  /** After every configured processor: what a sampler draws from. */
  probs: Float32Array;
  logits: Float32Array;
  entropy: number;
  stages: Stage[];
  /** Per token: index of the stage that removed it, -1 when kept. */
  removedBy: Int16Array;
  /** Ids in the order the warpers see them (after the penalties), most likely first. */
  order: number[];
  /** Kept ids, ascending. */
  kept: number[];
  keptRawMass: number;
  /** Position in `order` of the last token top-p kept, when top-p runs (its nucleus boundary). */
  nucleusEnd?: number;
}

const KNOB_OF: Partial<Record<ProcessorName, (k: Knobs) => string>> = {
  temperature: (k) => String(k.temperature),
  top_k: (k) => String(k.topK),
  top_p: (k) => String(k.topP),
  min_p: (k) => String(k.minP),
  typical_p: (k) => String(k.typicalP),
  repetition_penalty: (k) => String(k.repetitionPenalty),
};

/** Runs the pipeline the knobs configure over `logits`, stage by stage. Throws InvalidOptionError. */
export function shape(logits: Float32Array, ctx: StepContext, knobs: Knobs, eosTokenIds: number[]): Shaped {
  const resolved = resolveOptions(samplingOptions(knobs, eosTokenIds));
  const pipeline = buildPipeline(resolved, { vocabSize: logits.length, eosTokenIds });
  const rawProbs = softmax(logits);
  const lse = logSumExp(logits);
  const rawLogprobs = logits.map((x) => x - lse);
  const removedBy = new Int16Array(logits.length).fill(-1);
  const stages: Stage[] = [];
  let current = logits;
  let beforeWarpers = logits;
  let nucleus: Float32Array | undefined;
  for (const [index, { name, apply }] of pipeline.entries()) {
    const next = apply(current, ctx);
    const inputProbs = softmax(current);
    let kept = 0;
    let removedMass = 0;
    let keptRawMass = 0;
    for (let id = 0; id < next.length; id++) {
      if (next[id] === -Infinity) {
        if (current[id] !== -Infinity) {
          removedBy[id] = index;
          removedMass += inputProbs[id];
        }
      } else {
        kept++;
        keptRawMass += rawProbs[id];
      }
    }
    if (name === "top_p") nucleus = next;
    stages.push({
      name: name as Stage["name"],
      value: KNOB_OF[name as ProcessorName]?.(knobs) ?? "",
      kept,
      removedMass,
      entropy: entropyOfLogits(next),
      keptRawMass,
    });
    current = next;
    if (!WARPERS.includes(name as ProcessorName)) beforeWarpers = current;
  }
  const order = Array.from({ length: logits.length }, (_, i) => i).sort(
    (a, b) => beforeWarpers[b] - beforeWarpers[a] || a - b,
  );
  const kept: number[] = [];
  let keptRawMass = 0;
  for (let id = 0; id < current.length; id++) {
    if (current[id] !== -Infinity) {
      kept.push(id);
      keptRawMass += rawProbs[id];
    }
  }
  let nucleusEnd: number | undefined;
  if (nucleus !== undefined) {
    for (let at = 0; at < order.length; at++) if (nucleus[order[at]] !== -Infinity) nucleusEnd = at;
  }
  return {
    rawProbs,
    rawLogprobs,
    rawEntropy: entropyOfLogits(logits),
    probs: softmax(current),
    logits: current,
    entropy: entropyOfLogits(current),
    stages,
    removedBy,
    order,
    kept,
    keptRawMass,
    nucleusEnd,
  };
}

/**
 * The token Step takes: greedy is the argmax after the processors that run without sampling (HF:
 * the warpers do not run when greedy); sample draws from the shaped distribution with `coin`.
 */
export function choose(
  logits: Float32Array,
  shaped: Shaped,
  ctx: StepContext,
  knobs: Knobs,
  eosTokenIds: number[],
  coin: number,
): number {
  if (knobs.pick === "sample") return sampleFrom(shaped.probs, coin);
  const greedy = resolveOptions({ ...samplingOptions(knobs, eosTokenIds), doSample: false });
  const pipeline = buildPipeline(greedy, { vocabSize: logits.length, eosTokenIds });
  let scores = logits;
  for (const { apply } of pipeline) scores = apply(scores, ctx);
  return argmax(scores);
}

/** Ids kept under one order but not the other, for the sampler-order comparison. */
export function orderDifference(a: number[], b: number[]): { onlyA: number[]; onlyB: number[] } {
  const setA = new Set(a);
  const setB = new Set(b);
  return { onlyA: a.filter((id) => !setB.has(id)), onlyB: b.filter((id) => !setA.has(id)) };
}

/** A token's vocabulary string with its whitespace made visible (▁/Ġ word starts, newlines). */
export function visible(piece: string): string {
  const text = piece
    .replace(/^[▁Ġ]/u, "␣")
    .replaceAll("▁", " ")
    .replaceAll("Ġ", " ")
    .replaceAll("Ċ", "\n")
    .replaceAll("ĉ", "\t");
  return oneLineText(text).replace(/^<0x0A>$/, "↵ <0x0A>");
}
