import { FormatError, UnsupportedError } from "../errors.js";
import type { RopeScaling } from "./model-config.js";
import { isRecord } from "./safetensors.js";

/**
 * A Hugging Face `config.json`, read field by field. Architecture modules (models/<arch>.ts) say
 * which keys they read; every bad value is a FormatError naming the file, the key, the value and
 * what was expected.
 */
export class HfConfig {
  readonly json: Record<string, unknown>;

  constructor(
    json: unknown,
    readonly fileName: string,
  ) {
    if (!isRecord(json)) throw new FormatError(`${fileName}: expected a JSON object`);
    this.json = json;
  }

  /** The key is present and not null. */
  has(key: string): boolean {
    return this.json[key] != null;
  }

  /** A positive integer (`fallback` when absent or null). */
  int(key: string, fallback?: number): number {
    const v = this.json[key] ?? fallback;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0) this.fail(key, "a positive integer", v);
    return v;
  }

  /** A positive number (`fallback` when absent or null). */
  num(key: string, fallback: number): number {
    const v = this.json[key] ?? fallback;
    if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) this.fail(key, "a positive number", v);
    return v;
  }

  /** A positive number, or undefined when absent or null. */
  optionalNum(key: string): number | undefined {
    return this.has(key) ? this.num(key, 0) : undefined;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.json[key] ?? fallback;
    if (typeof v !== "boolean") this.fail(key, "true or false", v);
    return v;
  }

  /** Refuses a value outside `supported` (absent means `fallback`) as not handled yet. */
  oneOf(key: string, supported: readonly string[], fallback: string): string {
    const v = this.json[key] ?? fallback;
    if (typeof v !== "string" || !supported.includes(v)) {
      throw new UnsupportedError(
        `${this.fileName}: ${key} ${JSON.stringify(v)} is not supported (supported: ${supported.join(", ")})`,
      );
    }
    return v;
  }

  fail(key: string, expected: string, value: unknown = this.json[key]): never {
    throw new FormatError(`${this.fileName}: "${key}" must be ${expected}, got ${JSON.stringify(value)}`);
  }

  /** `a / b`, which must divide. */
  divide(keyA: string, a: number, keyB: string, b: number): number {
    if (a % b !== 0) throw new FormatError(`${this.fileName}: ${keyA} ${a} is not divisible by ${keyB} ${b}`);
    return a / b;
  }

  /** `rope_scaling`: absent, "default", "linear" or Llama 3's. */
  ropeScaling(): RopeScaling | undefined {
    const value = this.json.rope_scaling;
    const fileName = this.fileName;
    if (value == null) return undefined;
    if (!isRecord(value)) throw new FormatError(`${fileName}: rope_scaling must be an object or null`);
    const type = value.rope_type ?? value.type;
    if (type === "default") return undefined;
    if (type !== "llama3" && type !== "linear") {
      throw new UnsupportedError(
        `${fileName}: rope_scaling type ${JSON.stringify(type)} is not supported (supported: llama3, linear)`,
      );
    }
    const get = (key: string): number => {
      const v = value[key];
      if (typeof v !== "number" || !(v > 0))
        throw new FormatError(`${fileName}: rope_scaling.${key} must be a positive number`);
      return v;
    };
    if (type === "linear") return { type: "linear", factor: get("factor") };
    return {
      type: "llama3",
      factor: get("factor"),
      lowFreqFactor: get("low_freq_factor"),
      highFreqFactor: get("high_freq_factor"),
      originalMaxPositionEmbeddings: get("original_max_position_embeddings"),
    };
  }
}
