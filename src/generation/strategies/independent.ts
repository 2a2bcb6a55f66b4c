// Greedy decoding and multinomial sampling: `count` independent sequences from one prompt. The prompt
// is prefilled once; each sequence then runs on its own fork() of that session. One decoding step
// forwards every live sequence's last token (one batched call, counted once).
import type { Session, TokenId } from "../../models/types.js";
import { requireFiniteMass } from "../finite-mass.js";
import { TextStream } from "../stop.js";
import { logprobOf, runProcessors, runProcessorsTraced, stepTrace } from "../trace.js";
import type { FinishReason, GeneratedSequence, Step } from "../types.js";
import { type DecodeSetup, interruption, type Selector } from "./common.js";

interface Running {
  session: Session;
  /** Prompt + generated tokens. */
  all: TokenId[];
  generated: TokenId[];
  logits: Float32Array;
  /** This sequence's logits buffer, reused every step once the prompt's logits are consumed. */
  buffer?: Float32Array;
  text: TextStream;
  steps: Step[];
  logprob: number;
  finishReason?: FinishReason;
}

/**
 * Yields each token as it is chosen (sequences interleaved by step) and returns the sequences.
 * Throws NoFiniteMassError (named for `strategy`) when a step's logits, raw or processed, hold a NaN
 * or +Infinity or are all -Infinity.
 */
export async function* decodeIndependent(
  setup: DecodeSetup,
  select: Selector,
  count: number,
  strategy = "greedy",
): AsyncGenerator<Step, GeneratedSequence[]> {
  const { prompt, processors, eosTokenIds, maxLength, traceTop } = setup;
  const emptyAs = (reason: FinishReason): GeneratedSequence[] =>
    Array.from({ length: count }, () => ({
      tokens: [],
      text: "",
      finishReason: reason,
      logprob: 0,
      steps: [],
    }));
  if (prompt.length >= maxLength) return emptyAs(setup.lengthReason);
  const early = await interruption(setup);
  if (early !== undefined) return emptyAs(early);

  const first = setup.model.newSession();
  const seqs: Running[] = [];
  try {
    const logits = first.forward(prompt);
    setup.calls.modelCalls++;
    for (let i = 0; i < count; i++) {
      seqs.push({
        session: i === 0 ? first : first.fork(),
        all: prompt.slice(),
        generated: [],
        logits,
        text: new TextStream(setup.tokenizer, setup.stops, prompt),
        steps: [],
        logprob: 0,
      });
    }
    for (;;) {
      for (const [sequence, seq] of seqs.entries()) {
        if (seq.finishReason !== undefined) continue;
        const ctx = { tokens: seq.all, promptLength: prompt.length };
        requireFiniteMass(seq.logits, seq.generated.length, "model", strategy);
        const traced = traceTop > 0 ? runProcessorsTraced(seq.logits, processors, ctx, traceTop) : undefined;
        const processed = traced?.processed ?? runProcessors(seq.logits, processors, ctx);
        if (processed !== seq.logits)
          requireFiniteMass(processed, seq.generated.length, "processors", strategy);
        const { token, coin } = select(processed, setup.random);
        seq.all.push(token);
        seq.generated.push(token);
        const delta = seq.text.push(token);
        const logprob = logprobOf(seq.logits, token);
        seq.logprob += logprob;
        if (eosTokenIds.includes(token)) seq.finishReason = "eos";
        else if (delta.stopped) seq.finishReason = "stop";
        else if (seq.all.length >= maxLength) seq.finishReason = setup.lengthReason;
        const text = seq.finishReason === undefined ? delta.text : delta.text + seq.text.finish().text;
        const step: Step = {
          sequence,
          index: seq.generated.length - 1,
          token,
          text,
          logprob,
          processedLogprob: processed === seq.logits ? logprob : logprobOf(processed, token),
        };
        if (coin !== undefined) step.coin = coin;
        if (traced !== undefined) step.trace = stepTrace(traced, token, traceTop);
        if (seq.finishReason !== undefined) step.finishReason = seq.finishReason;
        seq.steps.push(step);
        yield step;
      }
      const live = seqs.filter((seq) => seq.finishReason === undefined);
      if (live.length === 0) break;
      const reason = await interruption(setup);
      if (reason !== undefined) {
        for (const seq of live) {
          seq.finishReason = reason;
          seq.text.finish(); // the held-back tail belongs to the returned text
        }
        break;
      }
      for (const seq of live) {
        seq.buffer ??= new Float32Array(seq.logits.length);
        seq.logits = seq.session.forward([seq.all[seq.all.length - 1]], { out: seq.buffer });
      }
      setup.calls.modelCalls++;
    }
  } finally {
    if (seqs.length === 0) first.dispose();
    for (const seq of seqs) seq.session.dispose();
  }
  return seqs.map((seq) => ({
    tokens: seq.generated,
    text: seq.text.text,
    finishReason: seq.finishReason ?? setup.lengthReason,
    logprob: seq.logprob,
    steps: seq.steps,
  }));
}
