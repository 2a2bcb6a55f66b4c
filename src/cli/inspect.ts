/**
 * `nextoken inspect`: the next-token distribution after a prompt, from one forward pass, and what each
 * configured processor does to it: which candidates it keeps, how many tokens survive, how much
 * probability mass it removes and the entropy left after it.
 */
import { ContextOverflowError, InvalidOptionError } from "../errors.js";
import { entropyOfLogits } from "../generation/distribution.js";
import { requireFiniteMass } from "../generation/finite-mass.js";
import { resolveOptions, type ResolvedOptions } from "../generation/options.js";
import { buildPipeline } from "../generation/pipeline.js";
import { logprobOf, runProcessorsTraced, topCandidates } from "../generation/trace.js";
import type { GenerationOptions } from "../generation/types.js";
import type { Model } from "../load-model.js";
import type { TokenId } from "../models/types.js";
import { replacer } from "./generate.js";
import {
  bar,
  BOLD,
  DIM,
  formatLogprob,
  formatProb,
  GREEN,
  padLeft,
  padRight,
  paint,
  probabilityForeground,
  RED,
  tokenLabel,
  tokenText,
  type Output,
} from "./render.js";

export interface InspectCommand {
  prompt: string;
  options: GenerationOptions;
  /** Candidates shown, by raw rank. */
  top: number;
  json: boolean;
}

/** What one processor did to the distribution. */
export interface InspectStage {
  name: string;
  /** Tokens still allowed after it. */
  kept: number;
  /** Mass, under this stage's input distribution, of the tokens it removed. */
  removedMass: number;
  /** Entropy after it, in nats and bits. */
  entropy: number;
  entropyBits: number;
}

export interface InspectCandidate {
  /** 1-based rank under the raw distribution. */
  rank: number;
  id: TokenId;
  /** The token's text as is (see render.tokenText); the table makes it visible. */
  text: string;
  /** The bytes it stands for ([] for a control token). */
  bytes: number[];
  /** Raw: softmax of the model's logits. */
  prob: number;
  logprob: number;
  /** Processed: after every stage (0 / -Infinity when removed). */
  processedProb: number;
  processedLogprob: number;
  /** Per stage name, whether the token is still allowed after that stage. */
  kept: Record<string, boolean>;
  /** The stage that removed it, if one did. */
  removedBy?: string;
}

export interface InspectReport {
  prompt: string;
  promptTokens: TokenId[];
  /** The effective options (caller's, then the model's defaults, then HF's). */
  options: ResolvedOptions;
  sampling: boolean;
  vocabSize: number;
  raw: { entropy: number; entropyBits: number };
  processed: { kept: number; entropy: number; entropyBits: number };
  stages: InspectStage[];
  candidates: InspectCandidate[];
  /** Every token id the final distribution allows, ascending. */
  keptIds: TokenId[];
}

/** Runs the prompt through the model once and every configured processor, stage by stage. */
export function inspectNextToken(model: Model, cmd: InspectCommand): InspectReport {
  const resolved = resolveOptions(cmd.options, model.generationConfig);
  const eosTokenIds = resolved.eosTokenIds.length > 0 ? resolved.eosTokenIds : model.tokenizer.eosTokenIds;
  const pipeline = buildPipeline(resolved, { vocabSize: model.vocabSize, eosTokenIds });
  const tokens = promptTokens(model, cmd.prompt, resolved.bosTokenId);

  const session = model.newSession();
  let raw: Float32Array;
  try {
    raw = session.forward(tokens);
  } finally {
    session.dispose();
  }
  requireFiniteMass(raw, 0, "model", "inspect");

  // one stage at a time, keeping each stage's scores to tell which candidates it kept
  const ctx = { tokens, promptLength: tokens.length };
  const stages: InspectStage[] = [];
  const after: Float32Array[] = [];
  let scores = raw;
  for (const processor of pipeline) {
    const traced = runProcessorsTraced(scores, [processor], ctx, 0);
    const { name, kept, removedMass, entropy } = traced.stages[0];
    stages.push({ name, kept, removedMass, entropy, entropyBits: entropy / Math.LN2 });
    after.push(traced.processed);
    scores = traced.processed;
  }
  const processed = scores;
  requireFiniteMass(processed, 0, "processors", "inspect");

  const candidates = topCandidates(raw, cmd.top).map(({ id, prob, logprob }, i): InspectCandidate => {
    const kept: Record<string, boolean> = {};
    let removedBy: string | undefined;
    stages.forEach(({ name }, s) => {
      kept[name] = after[s][id] !== -Infinity;
      if (!kept[name] && removedBy === undefined) removedBy = name;
    });
    const processedLogprob = logprobOf(processed, id);
    return {
      rank: i + 1,
      id,
      text: tokenText(model.tokenizer, id),
      bytes: [...model.tokenizer.tokenBytes(id)],
      prob,
      logprob,
      processedProb: Math.exp(processedLogprob),
      processedLogprob,
      kept,
      ...(removedBy === undefined ? {} : { removedBy }),
    };
  });
  const keptIds: TokenId[] = [];
  for (let id = 0; id < processed.length; id++) if (processed[id] !== -Infinity) keptIds.push(id);
  const rawEntropy = entropyOfLogits(raw);
  const processedEntropy = entropyOfLogits(processed);
  return {
    prompt: cmd.prompt,
    promptTokens: tokens,
    options: { ...resolved, eosTokenIds, eosTokenId: eosTokenIds, signal: undefined },
    sampling: resolved.doSample,
    vocabSize: model.vocabSize,
    raw: { entropy: rawEntropy, entropyBits: rawEntropy / Math.LN2 },
    processed: { kept: keptIds.length, entropy: processedEntropy, entropyBits: processedEntropy / Math.LN2 },
    stages,
    candidates,
    keptIds,
  };
}

/** The prompt's ids as generate() makes them: encoded with special tokens; "" is just BOS. */
function promptTokens(model: Model, prompt: string, bosTokenId: TokenId | undefined): TokenId[] {
  const ids = model.tokenizer.encode(prompt, { addSpecialTokens: true });
  if (ids.length === 0) {
    const bos = bosTokenId ?? model.tokenizer.bosTokenId;
    if (bos === undefined)
      throw new InvalidOptionError("prompt", "empty", "at least one token (the model has no BOS)");
    ids.push(bos);
  }
  const contextLength = model.contextLength ?? Infinity;
  if (ids.length > contextLength) throw new ContextOverflowError(contextLength, ids.length);
  return ids;
}

/** `nextoken inspect`: the report as a table (coloured on a terminal) or JSON. */
export function runInspect(model: Model, cmd: InspectCommand, out: Output): void {
  const report = inspectNextToken(model, cmd);
  if (cmd.json) out.write(JSON.stringify(report, replacer, 2) + "\n");
  else printReport(report, (id) => tokenLabel(model.tokenizer, id), out);
}

const BAR_WIDTH = 20;

function printReport(r: InspectReport, labelOf: (id: TokenId) => string, out: Output): void {
  const tty = out.isTTY;
  const bits = (nats: number, b: number) => `${nats.toFixed(3)} nats (${b.toFixed(3)} bits)`;
  const chain = r.stages.map((s) => s.name).join(" → ");
  out.write(
    paint(
      `next token after ${JSON.stringify(r.prompt)} (${r.promptTokens.length} prompt tokens)`,
      BOLD,
      tty,
    ) + "\n",
  );
  out.write(
    r.sampling
      ? `sampling through: ${chain || "no processor (plain softmax)"}\n`
      : `not sampling (greedy${r.options.numBeams > 1 ? `, ${r.options.numBeams} beams` : ""}): temperature, top-k, top-p and the other warpers do not run (add --do-sample)${chain ? `; processors: ${chain}` : ""}\n`,
  );
  out.write(
    `entropy: raw ${bits(r.raw.entropy, r.raw.entropyBits)}, processed ${bits(r.processed.entropy, r.processed.entropyBits)}; ${r.processed.kept} of ${r.vocabSize} tokens kept\n`,
  );
  out.write(
    paint(
      `p and logprob are raw (the model's distribution, ranked by it); "final" is processed (after every stage); ✓ kept, ✗ removed by that stage`,
      DIM,
      tty,
    ) + "\n\n",
  );

  const labels = r.candidates.map((c) => labelOf(c.id));
  const textWidth = Math.max(5, ...labels.map((label) => [...label].length));
  const stageWidths = r.stages.map((s) => Math.max(3, s.name.length));
  const header = [
    padLeft("rank", 4),
    padLeft("id", 6),
    padRight("token", textWidth),
    padRight("", BAR_WIDTH),
    padLeft("p", 9),
    padLeft("logprob", 8),
    padLeft("final", 9),
    ...r.stages.map((s, i) => padLeft(s.name, stageWidths[i])),
  ].join(" ");
  out.write(paint(header, BOLD, tty) + "\n");
  for (const [row, c] of r.candidates.entries()) {
    const removed = c.removedBy !== undefined;
    const marks = r.stages.map((s, i) => {
      const mark = c.kept[s.name]
        ? paint("✓", GREEN, tty)
        : c.removedBy === s.name
          ? paint("✗", RED, tty)
          : " ";
      return padLeft("", stageWidths[i] - 1) + mark;
    });
    const line = [
      padLeft(String(c.rank), 4),
      padLeft(String(c.id), 6),
      paint(padRight(labels[row], textWidth), removed ? DIM : "", tty),
      paint(bar(c.prob, BAR_WIDTH), probabilityForeground(c.prob), tty),
      padLeft(formatProb(c.prob), 9),
      padLeft(formatLogprob(c.logprob), 8),
      paint(padLeft(formatProb(c.processedProb), 9), removed ? DIM : "", tty),
      ...marks,
    ];
    out.write(line.join(" ") + "\n");
  }
  const shownMass = r.candidates.reduce((sum, c) => sum + c.prob, 0);
  const rest = r.vocabSize - r.candidates.length;
  if (rest > 0)
    out.write(
      paint(
        `… ${rest} more tokens hold ${formatProb(Math.max(0, 1 - shownMass))} of the raw mass`,
        DIM,
        tty,
      ) + "\n",
    );

  if (r.stages.length === 0) return;
  out.write(
    "\n" +
      paint(
        `${padRight("stage", 20)} ${padLeft("kept", 6)} ${padLeft("removed mass", 12)}  entropy after`,
        BOLD,
        tty,
      ) +
      "\n",
  );
  out.write(
    `${padRight("raw", 20)} ${padLeft(String(r.vocabSize), 6)} ${padLeft("-", 12)}  ${bits(r.raw.entropy, r.raw.entropyBits)}\n`,
  );
  for (const s of r.stages) {
    out.write(
      `${padRight(s.name, 20)} ${padLeft(String(s.kept), 6)} ${padLeft(formatProb(s.removedMass), 12)}  ${bits(s.entropy, s.entropyBits)}\n`,
    );
  }
}
