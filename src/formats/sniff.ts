import { FormatError } from "../errors.js";

/**
 * What a file given as a model is, judged from its first bytes, before any reader runs: so a text
 * file or a tokenizer passed as `--model` is named for what it is instead of failing deep inside
 * the llama2.c reader ("dim at byte 0: expected 1 to 65536, got 1701716003").
 */

export type ModelFileFormat = "gguf" | "safetensors" | "llama2c";

/** Enough bytes to tell the formats apart: GGUF's magic, safetensors' length and "{", llama2.c's 7 ints. */
export const SNIFF_BYTES = 64;

/** Same bounds as the llama2.c reader: past them a header is not a llama2.c checkpoint. */
const LLAMA2C_MAX_DIM = 1 << 16;
const LLAMA2C_MAX_LAYERS = 1024;
const LLAMA2C_MAX_VOCAB = 1 << 20;
const LLAMA2C_MAX_SEQ_LEN = 1 << 20;
/** tokenizer.bin's max_token_length: real ones are under 100 bytes. */
const TOKENIZER_MAX_TOKEN_BYTES = 1 << 16;
/** safetensors' JSON header is a few hundred KiB at most (the reader's own limit). */
const SAFETENSORS_MAX_HEADER_BYTES = 100 << 20;

/**
 * The format of a model file from its first bytes (`prefix`, at least SNIFF_BYTES where the file
 * has them) and its size; throws a FormatError saying what the file looks like otherwise.
 */
export function sniffModelFile(prefix: Uint8Array, fileSize: number, fileName: string): ModelFileFormat {
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const i32 = (at: number) => (at + 4 <= prefix.byteLength ? view.getInt32(at, true) : undefined);
  if (i32(0) === 0x46554747) return "gguf"; // "GGUF"
  if (looksLikeSafetensors(prefix, view, fileSize)) {
    throw new FormatError(
      `${fileName}: a safetensors file; pass the directory that holds it with its config.json`,
    );
  }
  // llama2.c's versioned exports start with "ak42": its reader says they are not supported yet
  if (i32(0) === 0x616b3432 || looksLikeLlama2cCheckpoint(prefix, view)) return "llama2c";
  if (looksLikeLlama2cTokenizer(prefix, view)) {
    throw new FormatError(
      `${fileName}: not a model file: it looks like a llama2.c tokenizer (tokenizer.bin); ` +
        "pass it with --tokenizer (library: the tokenizer option) beside a llama2.c checkpoint",
    );
  }
  const dim = i32(0);
  const what = describeContent(prefix);
  throw new FormatError(
    `${fileName}: not a model file: no GGUF magic, no safetensors header, and not a llama2.c checkpoint` +
      (dim === undefined ? ` (${fileSize} bytes, shorter than its header)` : ` (dim ${dim})`) +
      (what ? `; it looks like ${what}` : ""),
  );
}

function looksLikeSafetensors(prefix: Uint8Array, view: DataView, fileSize: number): boolean {
  if (prefix.byteLength < 9) return false;
  const headerLength = view.getBigUint64(0, true);
  return (
    headerLength >= 2n &&
    headerLength <= BigInt(SAFETENSORS_MAX_HEADER_BYTES) &&
    8n + headerLength <= BigInt(fileSize) &&
    prefix[8] === 0x7b // "{"
  );
}

/** run.c's 7 int32: dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size (sign: shared), seq_len. */
function looksLikeLlama2cCheckpoint(prefix: Uint8Array, view: DataView): boolean {
  if (prefix.byteLength < 28) return false;
  const [dim, hidden, layers, heads, kvHeads, vocab, seqLen] = [0, 1, 2, 3, 4, 5, 6].map((i) =>
    view.getInt32(4 * i, true),
  );
  return (
    dim >= 1 &&
    dim <= LLAMA2C_MAX_DIM &&
    hidden >= 1 &&
    hidden <= 8 * LLAMA2C_MAX_DIM &&
    layers >= 1 &&
    layers <= LLAMA2C_MAX_LAYERS &&
    heads >= 1 &&
    heads <= dim &&
    kvHeads >= 1 &&
    kvHeads <= heads &&
    vocab !== 0 &&
    Math.abs(vocab) <= LLAMA2C_MAX_VOCAB &&
    seqLen >= 1 &&
    seqLen <= LLAMA2C_MAX_SEQ_LEN
  );
}

/** tokenizer.bin: i32 max_token_length, then (f32 score, i32 length, bytes) per token, "<unk>" first. */
function looksLikeLlama2cTokenizer(prefix: Uint8Array, view: DataView): boolean {
  if (prefix.byteLength < 12) return false;
  const maxTokenLength = view.getInt32(0, true);
  const score = view.getFloat32(4, true);
  const length = view.getInt32(8, true);
  return (
    maxTokenLength >= 1 &&
    maxTokenLength <= TOKENIZER_MAX_TOKEN_BYTES &&
    Number.isFinite(score) &&
    length >= 0 &&
    length <= maxTokenLength &&
    12 + length <= prefix.byteLength + TOKENIZER_MAX_TOKEN_BYTES
  );
}

/** "JSON" or "text" when the first bytes say so; undefined for anything binary. */
function describeContent(prefix: Uint8Array): string | undefined {
  let text: string;
  try {
    // stream: a multibyte character cut at the end of the prefix is not an error
    text = new TextDecoder("utf-8", { fatal: true }).decode(prefix, { stream: true });
  } catch {
    return undefined; // binary
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) return undefined;
  const start = text.trimStart();
  if (start.startsWith("{") || start.startsWith("[")) return "a JSON file (a tokenizer.json or config.json?)";
  return "a text file";
}
