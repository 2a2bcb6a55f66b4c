// Beam search and beam sampling, as Hugging Face's vectorised GenerationMixin._beam_search (the 2025
// refactor, transformers PR #35802), step for step; see ../shared/golden/README.md §4.
//
// Each decoding step: log_softmax(logits) -> processors (on log-probs) -> + running beam score, over
// numBeams x V. Take K = max(2, 1 + #EOS) x numBeams candidates (top-K, or for beam sampling K draws
// without replacement). A candidate that ends in EOS, completes a stop string or reaches maxLength
// finishes, but only if it is among the first numBeams candidates; its score is
// sum(log-probs) / generatedLength ** lengthPenalty, generatedLength counting new tokens with the EOS.
// The best numBeams candidates that did not finish run on. A pool keeps the best numBeams finished.
// Surviving beams fork the parent's session instead of recomputing the prefix.
import type { Session, TokenId } from "../../models/types.js";
import { NoFiniteMassError } from "../../errors.js";
import { logSoftmax, topN } from "../distribution.js";
import { noFiniteMassCause, requireFiniteMass } from "../finite-mass.js";
import { TextStream } from "../stop.js";
import { runProcessors } from "../trace.js";
import type { BeamStep, FinishReason, GeneratedSequence, Step } from "../types.js";
import { type DecodeSetup, interruption } from "./common.js";

/** HF's stand-in for -Infinity in beam scores: beams 1.. start there so step 1 expands beam 0 only. */
const DEAD = -1e9;

export interface BeamSearchOptions {
  numBeams: number;
  lengthPenalty: number;
  earlyStopping: boolean | "never";
  /** At most numBeams. */
  numReturnSequences: number;
  /** Beam sampling: draw the candidates from softmax(scores) instead of taking the top K. */
  doSample: boolean;
}

/** A sequence of generated tokens with the per-token log-probs it was scored with. Never mutated. */
interface Hypothesis {
  tokens: TokenId[];
  rawLogprobs: number[];
  logprobs: number[];
  finishReason?: FinishReason;
}

interface Beam extends Hypothesis {
  /** Sum of processed log-probs (HF running_beam_scores). */
  score: number;
  session: Session;
  /** Next-token logits after this beam's tokens. */
  logits: Float32Array;
}

/** A slot of the finished pool (HF's `sequences` / `beam_scores` / `is_sent_finished`). */
interface PoolEntry {
  hyp?: Hypothesis;
  score: number;
  finished: boolean;
}

interface Candidate extends Hypothesis {
  /** Index of the running beam it extends. */
  beam: number;
  /** Running score + processed log-prob of the new token. */
  score: number;
  hits: boolean;
}

/**
 * Yields, after each decoding step, one Step per running beam (with `beam` set) and returns the best
 * numReturnSequences finished hypotheses, best first. Beam sampling draws its candidates
 * sequentially without replacement: each draw is an inverse-CDF pick, with one uniform from
 * `setup.random`, over the not-yet-drawn candidates' probabilities renormalised (the distribution of
 * torch.multinomial without replacement, not its numbers); when no probability is left the remaining
 * draws take the best remaining scores. Interrupted (abort / time), the running beams join the pool
 * as they are, scored by their current length. Throws NoFiniteMassError when a beam's model logits
 * hold a NaN or +Infinity or are all -Infinity, a processed score is NaN or +Infinity, or no beam has
 * a finite candidate left.
 */
export async function* beamSearch(
  setup: DecodeSetup,
  options: BeamSearchOptions,
): AsyncGenerator<Step, GeneratedSequence[]> {
  const { prompt, processors, eosTokenIds, maxLength } = setup;
  const { numBeams, lengthPenalty, earlyStopping } = options;
  const strategy = options.doSample ? "beam sampling" : "beam search";
  const V = setup.model.vocabSize;
  const P = prompt.length;
  const K = Math.max(2, 1 + eosTokenIds.length) * numBeams;
  const emptyAs = (reason: FinishReason): GeneratedSequence[] =>
    Array.from({ length: options.numReturnSequences }, () => ({
      tokens: [],
      text: "",
      finishReason: reason,
      logprob: 0,
      score: 0,
      steps: [],
    }));
  if (P >= maxLength) return emptyAs(setup.lengthReason);
  const early = await interruption(setup);
  if (early !== undefined) return emptyAs(early);

  const first = setup.model.newSession();
  let running: Beam[] = [];
  try {
    const logits = first.forward(prompt);
    setup.calls.modelCalls++;
    const empty: Hypothesis = { tokens: [], rawLogprobs: [], logprobs: [] };
    running = Array.from({ length: numBeams }, (_, b) => ({
      ...empty,
      score: b === 0 ? 0 : DEAD,
      session: first,
      logits,
    }));
    let pool: PoolEntry[] = Array.from({ length: numBeams }, () => ({ score: DEAD, finished: false }));
    let improvable = true; // HF is_early_stop_heuristic_unsatisfied
    for (let t = 0; ; t++) {
      // scores of every (beam, token) continuation
      const acc = new Float64Array(numBeams * V);
      const raws: Float32Array[] = [];
      const processedAll: Float32Array[] = [];
      for (const [b, beam] of running.entries()) {
        requireFiniteMass(beam.logits, t, "model", strategy);
        const raw = logSoftmax(beam.logits);
        const ctx = { tokens: prompt.concat(beam.tokens), promptLength: P };
        const processed = runProcessors(raw, processors, ctx);
        // one beam's processors may remove every token (that beam then has no candidate), but no
        // score may be NaN or +Infinity
        const cause = noFiniteMassCause(processed);
        if (cause !== undefined && cause !== "all_suppressed")
          throw new NoFiniteMassError(strategy, t, "processors", cause);
        raws.push(raw);
        processedAll.push(processed);
        for (let v = 0; v < V; v++) acc[b * V + v] = processed[v] + beam.score;
      }
      // no beam has a finite candidate left: nothing can be chosen
      requireFiniteMass(acc, t, "processors", strategy);
      const coins: number[] = [];
      const picked = options.doSample ? drawWithoutReplacement(acc, K, setup.random, coins) : topN(acc, K);
      const candidates = picked.map((index): Candidate => {
        const b = Math.floor(index / V);
        const token = index % V;
        const parent = running[b];
        const tokens = parent.tokens.concat(token);
        const finishReason = eosTokenIds.includes(token)
          ? "eos"
          : endsInStop(setup, tokens)
            ? "stop"
            : P + tokens.length >= maxLength
              ? setup.lengthReason
              : undefined;
        return {
          beam: b,
          tokens,
          rawLogprobs: parent.rawLogprobs.concat(raws[b][token]),
          logprobs: parent.logprobs.concat(processedAll[b][token]),
          score: acc[index],
          hits: finishReason !== undefined,
          finishReason,
        };
      });

      // the best numBeams candidates that did not finish run on (finished ones sink by -1e9)
      const runningScores = candidates.map((c) => c.score + (c.hits ? DEAD : 0));
      const next = topN(runningScores, numBeams);

      // finished candidates among the first numBeams enter the pool if they beat its worst
      const poolFull = pool.every((entry) => entry.finished) && earlyStopping === true;
      const merged: PoolEntry[] = pool.concat(
        candidates.map((c, j) => {
          const eligible = c.hits && j < numBeams;
          let score = c.score / (t + 1) ** lengthPenalty;
          if (poolFull) score += DEAD;
          if (!improvable) score += DEAD;
          if (!eligible) score += DEAD;
          return { hyp: c, score, finished: eligible };
        }),
      );
      pool = topN(
        merged.map((entry) => entry.score),
        numBeams,
      ).map((i) => merged[i]);

      // the surviving beams take over their parent's session or fork it
      const taken = new Set<Session>();
      const nextRunning = next.map((j): Beam => {
        const c = candidates[j];
        const parent = running[c.beam];
        const session = taken.has(parent.session) ? parent.session.fork() : parent.session;
        taken.add(parent.session);
        return { ...c, score: runningScores[j], session, logits: parent.logits };
      });
      for (const session of new Set(running.map((beam) => beam.session))) {
        if (!taken.has(session)) session.dispose();
      }
      const parents = next.map((j) => candidates[j].beam);
      running = nextRunning;

      // stop when no running beam can beat the worst finished one, the pool is full (earlyStopping
      // true), or every candidate finished (maxLength)
      const generated = t + 1;
      const bestLength = earlyStopping === "never" && lengthPenalty > 0 ? maxLength - P : generated;
      const bestPossible = running[0].score / bestLength ** lengthPenalty;
      const worstFinished = Math.min(...pool.map((entry) => entry.score));
      improvable &&= pool.some((entry) => bestPossible > (entry.finished ? worstFinished : DEAD));
      const poolDone = pool.every((entry) => entry.finished) && earlyStopping === true;
      const done = !improvable || poolDone || candidates.every((c) => c.hits);

      const finished = pool
        .filter((e) => e.finished && e.hyp)
        .map((e) => ({ tokens: e.hyp!.tokens, score: e.score }));
      for (const [slot, beam] of running.entries()) {
        const last = beam.tokens.length - 1;
        const state: BeamStep = {
          step: t,
          parent: parents[slot],
          score: beam.score,
          tokens: beam.tokens,
          finished,
          done,
        };
        if (options.doSample) state.coins = coins;
        yield {
          sequence: slot,
          index: last,
          token: beam.tokens[last],
          text: "",
          logprob: beam.rawLogprobs[last],
          processedLogprob: beam.logprobs[last],
          beam: state,
        };
      }
      if (done) break;

      const reason = await interruption(setup);
      if (reason !== undefined) {
        const asFinished = running
          .filter((beam) => beam.score > DEAD / 2)
          .map((beam) => ({
            hyp: { ...beam, finishReason: reason },
            score: beam.score / generated ** lengthPenalty,
            finished: true,
          }));
        const all = pool.filter((entry) => entry.finished).concat(asFinished);
        pool = topN(
          all.map((entry) => entry.score),
          numBeams,
        ).map((i) => all[i]);
        break;
      }
      for (const beam of running) beam.logits = beam.session.forward([beam.tokens[beam.tokens.length - 1]]);
      setup.calls.modelCalls++;
    }
    return pool
      .filter((entry) => entry.hyp !== undefined)
      .slice(0, options.numReturnSequences)
      .map((entry) => toSequence(setup, entry.hyp!, entry.score));
  } finally {
    const sessions = new Set(running.map((beam) => beam.session));
    if (running.length === 0) sessions.add(first);
    for (const session of sessions) session.dispose();
  }
}

function toSequence(setup: DecodeSetup, hyp: Hypothesis, score: number): GeneratedSequence {
  const text = new TextStream(setup.tokenizer, setup.stops, setup.prompt);
  for (const token of hyp.tokens) text.push(token);
  text.finish();
  const steps = hyp.tokens.map((token, index): Step => ({
    sequence: 0,
    index,
    token,
    text: "",
    logprob: hyp.rawLogprobs[index],
    processedLogprob: hyp.logprobs[index],
  }));
  return {
    tokens: hyp.tokens,
    text: text.text,
    finishReason: hyp.finishReason ?? setup.lengthReason,
    score,
    logprob: hyp.rawLogprobs.reduce((sum, lp) => sum + lp, 0),
    steps,
  };
}

/** Whether the text of `tokens` contains a stop string (found only now, since earlier ones finished). */
function endsInStop(setup: DecodeSetup, tokens: readonly TokenId[]): boolean {
  if (setup.stops.length === 0 || setup.tokenizer === undefined) return false;
  const text = new TextStream(setup.tokenizer, setup.stops, setup.prompt);
  for (const token of tokens) if (text.push(token).stopped) return true;
  return false;
}

/** k indices drawn without replacement from softmax(scores); the uniforms used are pushed to coins. */
function drawWithoutReplacement(
  scores: Float64Array,
  k: number,
  random: () => number,
  coins: number[],
): number[] {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  const probs = scores.map((s) => (max === -Infinity ? 0 : Math.exp(s - max)));
  const picked: number[] = [];
  while (picked.length < k) {
    let total = 0;
    for (const p of probs) total += p;
    if (!(total > 0)) break;
    const coin = random();
    coins.push(coin);
    const target = coin * total;
    let cdf = 0;
    let chosen = -1;
    for (let i = 0; i < probs.length; i++) {
      if (probs[i] === 0) continue;
      chosen = i;
      cdf += probs[i];
      if (target < cdf) break;
    }
    picked.push(chosen);
    probs[chosen] = 0;
  }
  if (picked.length < k) {
    const drawn = new Set(picked);
    const rest = topN(scores, k + picked.length).filter((i) => !drawn.has(i));
    picked.push(...rest.slice(0, k - picked.length));
  }
  return picked;
}
