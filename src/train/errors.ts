import { LlmError } from "../errors.js";

/** The training corpus cannot be used: empty, binary, or too small for the context. Nothing was written. */
export class CorpusError extends LlmError {
  constructor(message: string, options?: ErrorOptions) {
    super("bad_corpus", message, options);
  }
}

/** A checkpoint is missing, damaged, or belongs to another run. The checkpoint file is left as it is. */
export class CheckpointError extends LlmError {
  /** The state field or tensor at fault (e.g. "state.options.lr", "v"), when one is. */
  readonly field?: string;

  constructor(message: string, options?: ErrorOptions & { field?: string }) {
    super("bad_checkpoint", message, options);
    if (options?.field !== undefined) this.field = options.field;
  }
}

/** The output directory exists and holds files: pass --resume to continue or --force to start over. */
export class OutputExistsError extends LlmError {
  constructor(readonly dir: string) {
    super(
      "output_exists",
      `${dir} already exists and is not empty: pass --resume to continue its training or --force to start over`,
    );
  }
}
