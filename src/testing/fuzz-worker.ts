// The file fuzzer's worker: loads one variant, runs a short prompt, and says what happened. It runs
// in its own thread so that a hang or a crash is seen by the runner (fuzz-files.ts), not suffered.
import { parentPort } from "node:worker_threads";
import { LlmError } from "../errors.js";
import { loadModel } from "../load-model.js";
import { loadTokenizer } from "../tokenizers/load-tokenizer.js";
import { MissingTokenizer } from "../tokenizers/missing-tokenizer.js";
import { loadCheckpoint } from "../train/checkpoint.js";

export interface FuzzJob {
  id: number;
  /** What loads it: loadModel (source = file or HF directory), loadTokenizer, loadCheckpoint. */
  loader: "model" | "tokenizer" | "checkpoint";
  source: string;
  tokenizer?: string;
}

export interface FuzzReport {
  id: number;
  /** refused: a typed error; loaded: it loaded and ran; failed: anything else. */
  outcome: "refused" | "loaded" | "failed";
  /** The error's class and message, or what went wrong after loading. */
  detail?: string;
  /** Error messages must start with (or contain) the path they are about. */
  message?: string;
  rssMb: number;
}

const PROMPT = "Once upon a time, there was";

async function run(job: FuzzJob): Promise<Omit<FuzzReport, "id" | "rssMb">> {
  let stage = "load";
  try {
    if (job.loader === "model") {
      const model = await loadModel(job.source, { tokenizer: job.tokenizer });
      try {
        stage = "forward";
        // an HF directory without tokenizer.json runs on ids
        const text = model.tokenizer instanceof MissingTokenizer ? [1, 2, 3] : model.tokenizer.encode(PROMPT);
        const ids = text.filter((id) => id >= 0 && id < model.vocabSize);
        const prompt = (ids.length > 0 ? ids : [0]).slice(0, Math.max(1, model.config.contextLength));
        const logits = model.newSession().forward(prompt);
        if (logits.length !== model.vocabSize)
          return { outcome: "failed", detail: `${logits.length} logits` };
        for (let i = 0; i < logits.length; i++) {
          if (!Number.isFinite(logits[i])) return { outcome: "failed", detail: `logit ${i} is ${logits[i]}` };
        }
      } finally {
        model.dispose();
      }
    } else if (job.loader === "tokenizer") {
      const tokenizer = await loadTokenizer(job.source);
      stage = "encode";
      const ids = tokenizer.encode(PROMPT);
      const bad = ids.find((id) => !(Number.isInteger(id) && id >= 0 && id < tokenizer.vocabSize));
      if (bad !== undefined)
        return { outcome: "failed", detail: `encode gave id ${bad} of ${tokenizer.vocabSize}` };
      tokenizer.decode(ids);
    } else {
      const c = await loadCheckpoint(job.source);
      for (const a of [c.params, c.m, c.v]) {
        if (!a.every(Number.isFinite)) return { outcome: "failed", detail: "loaded with non-finite values" };
      }
    }
    return { outcome: "loaded" };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!(error instanceof LlmError)) {
      const name = error instanceof Error ? error.constructor.name : typeof error;
      return { outcome: "failed", detail: `untyped ${name} at ${stage}: ${message}`, message };
    }
    return { outcome: "refused", detail: `${error.constructor.name} at ${stage}`, message };
  }
}

parentPort?.on("message", (job: FuzzJob) => {
  void run(job).then((report) => {
    parentPort?.postMessage({ ...report, id: job.id, rssMb: process.memoryUsage().rss / 2 ** 20 });
  });
});
