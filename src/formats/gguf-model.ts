import { FormatError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import type { GgufFile, GgufValue } from "./gguf.js";

/**
 * GGUF metadata (`<arch>.<key>`), read key by key for an architecture module, and llama.cpp's
 * tensor names mapped onto the Hugging Face names the models read. Which keys and names an
 * architecture has is its module's knowledge (models/<arch>.ts); this file only reads them.
 */

/** Bounds on hyperparameters: far past any real model, so a corrupt count is refused, not allocated. */
export const MAX_WIDTH = 1 << 16;
export const MAX_LAYERS = 1024;
export const MAX_VOCAB = 1 << 22;
export const MAX_CONTEXT = 1 << 24;
export const MAX_EXPERTS = 1024;

export class GgufConfig {
  /** `general.architecture`, the prefix of every hyperparameter key. */
  readonly arch: string;

  constructor(
    readonly file: GgufFile,
    readonly tensors: ReadonlyMap<string, Tensor>,
    readonly fileName: string,
  ) {
    this.arch = String(file.metadata.get("general.architecture"));
  }

  key(k: string): string {
    return `${this.arch}.${k}`;
  }

  has(k: string): boolean {
    return this.file.metadata.has(this.key(k));
  }

  get(k: string): GgufValue | undefined {
    return this.file.metadata.get(this.key(k));
  }

  fail(k: string, expected: string): never {
    throw new FormatError(
      `${this.fileName}: metadata "${this.key(k)}" must be ${expected}, got ${String(this.get(k))}`,
    );
  }

  /** An integer in [1, max] (`fallback` when absent). */
  int(k: string, max: number, fallback?: number): number {
    const v = toNumber(this.get(k)) ?? fallback;
    if (v === undefined || !Number.isSafeInteger(v) || v <= 0 || v > max)
      this.fail(k, `an integer from 1 to ${max}`);
    return v;
  }

  /** An integer in [0, max] (`fallback` when absent): counts where 0 means "none". */
  count(k: string, max: number, fallback: number): number {
    const v = toNumber(this.get(k)) ?? fallback;
    if (!Number.isSafeInteger(v) || v < 0 || v > max) this.fail(k, `an integer from 0 to ${max}`);
    return v;
  }

  /** A positive finite number: a NaN, zero or negative epsilon or RoPE base gives NaN logits. */
  real(k: string, fallback: number): number {
    const v = toNumber(this.get(k)) ?? fallback;
    if (!(Number.isFinite(v) && v > 0)) this.fail(k, "a positive finite number");
    return v;
  }

  bool(k: string, fallback: boolean): boolean {
    const v = this.get(k) ?? fallback;
    if (typeof v !== "boolean") this.fail(k, "true or false");
    return v;
  }

  tensor(name: string): Tensor {
    const t = this.tensors.get(name);
    if (!t) throw new FormatError(`${this.fileName}: missing tensor "${name}"`);
    return t;
  }
}

/** llama.cpp's names → Hugging Face names: global ones, and those of `blk.N.` under `layerPrefix` N. */
export interface GgufNames {
  layerPrefix: string;
  global: Readonly<Record<string, string>>;
  layer: Readonly<Record<string, string>>;
}

/** Maps one llama.cpp tensor name (`blk.3.attn_q.weight`) onto its Hugging Face name; unknown names stay. */
export function canonicalName(name: string, table: GgufNames): string {
  const layer = /^blk\.(\d+)\.(.+)$/.exec(name);
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

function toNumber(v: GgufValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return undefined;
}
