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
import { DEFAULT_COLUMNS } from "./terminal-width.js";
import { displayWidth, fitToWidth, truncateToWidth, wrapText } from "./text-width.js";

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

/** The bar column's widest and narrowest useful widths (below the minimum it is left out). */
const BAR_WIDTH = 20;
const MIN_BAR_WIDTH = 8;
/** Token labels wider than this are cut with "…", so one odd token cannot widen the whole table. */
const MAX_TOKEN_WIDTH = 24;

/** How the candidates table fits the width: stage columns by name or by number, bar or none. */
interface TableLayout {
  tokenWidth: number;
  barWidth: number;
  stageLabels: string[];
  numbered: boolean;
}

function tableLayout(r: InspectReport, tokenLabels: string[], columns: number): TableLayout {
  const tokenWidth = Math.min(
    MAX_TOKEN_WIDTH,
    Math.max(5, ...tokenLabels.map((label) => displayWidth(label))),
  );
  const fixed = 4 + 1 + 6 + 1 + tokenWidth + 1 + 9 + 1 + 8 + 1 + 9; // rank id token p logprob final
  const named = r.stages.map((s) => (s.name.length >= 3 ? s.name : padLeft(s.name, 3)));
  const numbered = r.stages.map((_, i) => String(i + 1));
  const widthOf = (labels: string[]) => labels.reduce((sum, label) => sum + 1 + label.length, 0);
  const room = columns - fixed;
  const choices: Array<[string[], boolean, number]> = [
    [named, false, MIN_BAR_WIDTH],
    [numbered, true, MIN_BAR_WIDTH],
    [named, false, 0],
    [numbered, true, 0],
  ];
  for (const [labels, isNumbered, minBar] of choices) {
    const left = room - widthOf(labels);
    if (minBar > 0 ? left >= minBar + 1 : left >= 0) {
      const barWidth = minBar > 0 ? Math.min(BAR_WIDTH, left - 1) : 0;
      return { tokenWidth, barWidth, stageLabels: labels, numbered: isNumbered };
    }
  }
  return { tokenWidth, barWidth: 0, stageLabels: numbered, numbered: true }; // rows are cut to fit
}

function printReport(r: InspectReport, labelOf: (id: TokenId) => string, out: Output): void {
  const tty = out.isTTY;
  const columns = out.columns ?? DEFAULT_COLUMNS;
  const prose = (text: string, style: string) => {
    for (const line of wrapText(text, columns).split("\n")) out.write(paint(line, style, tty) + "\n");
  };
  const row = (text: string) => out.write(truncateToWidth(text, columns) + "\n");
  const bits = (nats: number, b: number) => `${nats.toFixed(3)} nats (${b.toFixed(3)} bits)`;
  const chain = r.stages.map((s) => s.name).join(" → ");
  prose(`next token after ${JSON.stringify(r.prompt)} (${r.promptTokens.length} prompt tokens)`, BOLD);
  prose(
    r.sampling
      ? `sampling through: ${chain || "no processor (plain softmax)"}`
      : `not sampling (greedy${r.options.numBeams > 1 ? `, ${r.options.numBeams} beams` : ""}): temperature, top-k, top-p and the other warpers do not run (add --do-sample)${chain ? `; processors: ${chain}` : ""}`,
    "",
  );
  prose(
    `entropy: raw ${bits(r.raw.entropy, r.raw.entropyBits)}, processed ${bits(r.processed.entropy, r.processed.entropyBits)}; ${r.processed.kept} of ${r.vocabSize} tokens kept`,
    "",
  );
  prose(
    `p and logprob are raw (the model's distribution, ranked by it); "final" is processed (after every stage); ✓ kept, ✗ removed by that stage`,
    DIM,
  );
  const labels = r.candidates.map((c) => labelOf(c.id));
  const layout = tableLayout(r, labels, columns);
  if (layout.numbered && r.stages.length > 0)
    prose(`stages: ${r.stages.map((s, i) => `${i + 1} ${s.name}`).join(", ")}`, DIM);
  out.write("\n");

  const barCell = (text: string) => (layout.barWidth > 0 ? [text] : []);
  const header = [
    padLeft("rank", 4),
    padLeft("id", 6),
    fitToWidth("token", layout.tokenWidth),
    ...barCell(padRight("", layout.barWidth)),
    padLeft("p", 9),
    padLeft("logprob", 8),
    padLeft("final", 9),
    ...layout.stageLabels,
  ].join(" ");
  row(paint(header, BOLD, tty));
  for (const [index, c] of r.candidates.entries()) {
    const removed = c.removedBy !== undefined;
    const marks = r.stages.map((s, i) => {
      const mark = c.kept[s.name]
        ? paint("✓", GREEN, tty)
        : c.removedBy === s.name
          ? paint("✗", RED, tty)
          : " ";
      return padLeft("", layout.stageLabels[i].length - 1) + mark;
    });
    const line = [
      padLeft(String(c.rank), 4),
      padLeft(String(c.id), 6),
      paint(fitToWidth(labels[index], layout.tokenWidth), removed ? DIM : "", tty),
      ...barCell(paint(bar(c.prob, layout.barWidth), probabilityForeground(c.prob), tty)),
      padLeft(formatProb(c.prob), 9),
      padLeft(formatLogprob(c.logprob), 8),
      paint(padLeft(formatProb(c.processedProb), 9), removed ? DIM : "", tty),
      ...marks,
    ];
    row(line.join(" "));
  }
  const shownMass = r.candidates.reduce((sum, c) => sum + c.prob, 0);
  const rest = r.vocabSize - r.candidates.length;
  if (rest > 0)
    prose(`… ${rest} more tokens hold ${formatProb(Math.max(0, 1 - shownMass))} of the raw mass`, DIM);

  if (r.stages.length === 0) return;
  const nameWidth = Math.max(5, ...r.stages.map((s) => s.name.length));
  // "2.708 nats (3.907 bits)" is 23 columns; on a narrow terminal the bits go
  const narrow = nameWidth + 1 + 6 + 1 + 12 + 2 + 23 > columns;
  const entropy = (nats: number, b: number) => (narrow ? `${nats.toFixed(3)} nats` : bits(nats, b));
  out.write("\n");
  row(
    paint(
      `${padRight("stage", nameWidth)} ${padLeft("kept", 6)} ${padLeft("removed mass", 12)}  entropy after`,
      BOLD,
      tty,
    ),
  );
  row(
    `${padRight("raw", nameWidth)} ${padLeft(String(r.vocabSize), 6)} ${padLeft("-", 12)}  ${entropy(r.raw.entropy, r.raw.entropyBits)}`,
  );
  for (const s of r.stages) {
    row(
      `${padRight(s.name, nameWidth)} ${padLeft(String(s.kept), 6)} ${padLeft(formatProb(s.removedMass), 12)}  ${entropy(s.entropy, s.entropyBits)}`,
    );
  }
}
