import { basename } from "node:path";
import { VAL_EVERY } from "./data.js";
import type { TrainConfig } from "./model.js";
import type { ScheduledTrainOptions } from "./train.js";

/** What the model card reports. */
export interface CardFacts {
  config: TrainConfig;
  options: ScheduledTrainOptions;
  corpus: readonly string[];
  corpusBytes: number;
  trainTokens: number;
  valTokens: number;
  parameters: number;
  steps: number;
  elapsedMs: number;
  tokensPerSecond: number;
  threads: number;
  valLoss: number;
  valBitsPerByte: number;
  history: [number, number, number | null][];
}

/** README.md of a trained model: what it is, what it was trained on, how well it does. */
export function modelCard(f: CardFacts): string {
  const c = f.config;
  const n = (x: number) => x.toLocaleString("en-US");
  const curve = f.history
    .filter(([, , val]) => val !== null)
    .map(([step, loss, val]) => `| ${step} | ${loss.toFixed(3)} | ${val!.toFixed(3)} |`);
  return `# ${basename(f.corpus[0] ?? "model")} — a small Llama-style model trained by nextoken

Trained with \`nextoken train\` (next-token cross-entropy with teacher forcing, AdamW, warm-up + cosine
learning rate, gradient clipping), hand-written forward and backward passes in TypeScript.

## Corpus

${f.corpus.map((p) => `- \`${basename(p)}\``).join("\n")}

${n(f.corpusBytes)} bytes; ${n(f.trainTokens)} training tokens and ${n(f.valTokens)} held-out validation
tokens (every ${VAL_EVERY}th block of the token stream).

## Model

| | |
| --- | --- |
| architecture | Llama (RMSNorm, rotary attention, SwiGLU, tied embeddings, no biases) |
| parameters | ${n(f.parameters)} |
| layers × width | ${c.nLayers} × ${c.dim}, ${c.nHeads} heads of ${c.dim / c.nHeads}, feed-forward ${c.ff} |
| context | ${c.contextLength} tokens |
| tokenizer | byte-level BPE (GPT-2 regex), ${n(c.vocabSize)} tokens incl. \`<\\|endoftext\\|>\` |
| weights | ${f.options.dtype.toUpperCase()} safetensors |

## Training

| | |
| --- | --- |
| steps | ${n(f.steps)} × ${f.options.batch} sequences × ${c.contextLength} tokens = ${n(f.steps * f.options.batch * c.contextLength)} tokens |
| learning rate | ${f.options.lr} peak, warm-up then cosine to ${Number(f.options.minLr.toPrecision(3))} |
| weight decay, clip | ${f.options.weightDecay}, ${f.options.clip} |
| seed | ${f.options.seed} |
| time | ${(f.elapsedMs / 60000).toFixed(1)} min on ${f.threads} thread(s), ${n(Math.round(f.tokensPerSecond))} tokens/s |

## Validation

**${f.valLoss.toFixed(4)} nats/token, ${f.valBitsPerByte.toFixed(4)} bits per byte** on the whole held-out set.

| step | train loss | validation loss (subset) |
| --- | --- | --- |
${curve.join("\n")}

## Use

\`\`\`sh
npx nextoken generate --model <this directory> "In the beginning"
\`\`\`
`;
}
