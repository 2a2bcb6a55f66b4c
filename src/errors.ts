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

/** An options object holds a key that no option has (a typo, or an option nextoken lacks). */
export class UnknownOptionError extends LlmError {
  constructor(
    readonly key: string,
    /** The known key nearest to `key`, when one is close enough to be the intended one. */
    readonly nearest: string | undefined,
    /** Whose options: "generate() options", "loadModel() options", ... */
    readonly where: string,
  ) {
    super(
      "unknown_option",
      `${where}: unknown option "${key}"` +
        (nearest === undefined ? " (no option has a similar name)" : `; did you mean "${nearest}"?`),
    );
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

/** A command line that cannot be parsed (an unknown flag or command, a flag without its value). */
export class UsageError extends LlmError {
  constructor(message: string) {
    super("usage", message);
  }
}

/** A server could not listen on its port: another program holds it, or it needs privileges. */
export class PortUnavailableError extends LlmError {
  constructor(
    readonly port: number,
    readonly host: string,
    readonly reason: "in_use" | "permission_denied",
    options?: ErrorOptions,
  ) {
    super(
      "port_unavailable",
      reason === "in_use"
        ? `port ${port} on ${host} is already in use by another program`
        : `port ${port} on ${host} needs privileges this process does not have`,
      options,
    );
  }
}

/** What a NoFiniteMassError found: any NaN, a +Infinity, or every score -Infinity. */
export type NoFiniteMassCause = "nan" | "infinity" | "all_suppressed";

/** Where the scores came from: the model's logits, or the logits after the processors. */
export type ScoresSource = "model" | "processors";

const CAUSE_TEXT: Record<NoFiniteMassCause, string> = {
  nan: "a score is NaN",
  infinity: "a score is +Infinity",
  all_suppressed: "every score is -Infinity (every token was removed)",
};

/**
 * A decoding step's distribution has no finite probability mass, so no token can be chosen. From
 * "processors" it is the request's doing (e.g. a logit_bias of -100 on every token, or a temperature
 * overflowing the logits); from "model" the model produced NaN or infinite logits.
 */
export class NoFiniteMassError extends LlmError {
  constructor(
    readonly strategy: string,
    /** 0-based index of the token being chosen (for scoring: the scored position). */
    readonly step: number,
    readonly source: ScoresSource,
    /** What was found (`cause` is Error's own field). */
    readonly reason: NoFiniteMassCause,
  ) {
    const what = source === "model" ? "the model's logits" : "the logits after the processors";
    super(
      "no_finite_mass",
      `${strategy}: no finite probability mass at step ${step}: in ${what}, ${CAUSE_TEXT[reason]}`,
    );
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
