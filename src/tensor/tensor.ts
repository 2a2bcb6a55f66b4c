import { FormatError } from "../errors.js";
import type { DType } from "./dtype.js";

/**
 * A stored weight: `shape` in PyTorch order (rows first; a matrix is [out, in]), bytes row-major,
 * quantized blocks running along the last dimension. `bytes` is a view into the loaded file.
 */
export interface Tensor {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

/** Named tensors of one checkpoint under canonical (Hugging Face) names, with shape checks. */
export class TensorStore {
  constructor(
    readonly tensors: ReadonlyMap<string, Tensor>,
    /** Where they came from, for error messages. */
    readonly fileName: string,
    private readonly prefix = "",
  ) {}

  /** A view of the names under `prefix.` (e.g. `model.layers.3`). */
  scope(prefix: string): TensorStore {
    return new TensorStore(this.tensors, this.fileName, this.prefix + prefix + ".");
  }

  has(name: string): boolean {
    return this.tensors.has(this.prefix + name);
  }

  /** The tensor `name`, which must have exactly `shape`. */
  get(name: string, shape: readonly number[]): Tensor {
    const full = this.prefix + name;
    const tensor = this.tensors.get(full);
    if (!tensor)
      throw new FormatError(
        `${this.fileName}: missing tensor "${full}" (expected shape [${shape.join(", ")}])`,
      );
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      throw new FormatError(
        `${this.fileName}: tensor "${full}" has shape [${tensor.shape.join(", ")}], expected [${shape.join(", ")}]`,
      );
    }
    return tensor;
  }

  /** Like get, but undefined when absent. */
  maybe(name: string, shape: readonly number[]): Tensor | undefined {
    return this.has(name) ? this.get(name, shape) : undefined;
  }
}

/** Number of elements of a shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
