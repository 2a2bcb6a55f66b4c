/** Base of everything the library throws on purpose. `code` is stable; wording may change. */
export class LlmError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The bytes are not a valid file of that format. Permanent: retrying will not help. */
export class FormatError extends LlmError {
  constructor(message: string, options?: ErrorOptions) {
    super("format_error", message, options);
  }
}

/** Valid input not handled yet: a quantization type, an architecture, a tokenizer model. */
export class UnsupportedError extends LlmError {
  constructor(message: string, options?: ErrorOptions) {
    super("unsupported", message, options);
  }
}

/** A caller-supplied option is out of range; the server answers 400. */
export class InvalidOptionError extends LlmError {
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super("invalid_option", `${option} must be ${expected}, got ${describeValue(value)}`);
  }
}

/** A sequence would grow past the model's context length. */
export class ContextOverflowError extends LlmError {
  constructor(
    readonly contextLength: number,
    readonly requested: number,
  ) {
    super(
      "context_overflow",
      `the sequence would hold ${requested} tokens, but the model's context length is ${contextLength}`,
    );
  }
}

/** A session was used after dispose(). */
export class DisposedError extends LlmError {
  constructor(what: string) {
    super("disposed", `${what} was used after dispose()`);
  }
}

/**
 * Fetching a model from the Hugging Face Hub failed: `code` says how ("hub_unauthorized",
 * "hub_not_found", "hub_offline", "hub_integrity", "hub_ambiguous", "hub_http", "hub_stalled").
 */
export class HubError extends LlmError {}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describeValue).join(", ")}]`;
  return String(value);
}
