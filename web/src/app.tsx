// The playground: a prompt, the knobs, and four views of one model — the next-token distribution
// (Step), generated text with branches (Generate), the beam search tree (Beam) and strategies side by
// side (Compare). Every server call goes through `run`, which turns failures into a visible message.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import {
  api,
  ApiFailure,
  type CompareResponse,
  type GenerateResponse,
  type HeldSession,
  type ModelsResponse,
  setApiKey,
  type TokenReport,
} from "./api.js";
import { BeamTreeView } from "./beam-tree.js";
import { CompareTable } from "./compare.js";
import { DistributionView } from "./distribution.js";
import { type ColourBy, Inspector, Timeline, TokenText } from "./generated.js";
import { KnobsPanel } from "./knobs.js";
import { coinAt } from "./rng.js";
import { choose, DEFAULT_KNOBS, type Knobs, samplingOptions, shape } from "./shape.js";

type Tab = "step" | "generate" | "beam" | "compare";
const TABS: Array<[Tab, string]> = [
  ["step", "Next token"],
  ["generate", "Generate"],
  ["beam", "Beam search"],
  ["compare", "Compare"],
];

interface Problem {
  message: string;
  kind: "offline" | "auth" | "refused" | "input";
}

interface StepState {
  model: string;
  prompt: string;
  held: HeldSession;
  /** Tokens Step appended, with the shaped probability each had when taken. */
  taken: Array<{ token: number; prob: number }>;
}

interface Branch {
  label: string;
  steps: TokenReport[];
  /** Steps before this index came from the parent branch; the one at it is the alternative. */
  carried: number;
  session?: string;
  finishReason: string;
}

interface GenState {
  promptText: string;
  promptTokens: number[];
  options: Record<string, unknown>;
  branches: Branch[];
  active: number;
  elapsedMs: number;
}

const EMPTY_PROMPT = "The prompt is empty: type a few words for the model to continue.";

export function App() {
  const [boot, setBoot] = useState<ModelsResponse>();
  const [modelId, setModelId] = useState<string>();
  const [vocab, setVocab] = useState<string[]>([]);
  const [prompt, setPrompt] = useState("Once upon a time");
  const [count, setCount] = useState<number>();
  const [knobs, setKnobs] = useState<Knobs>(DEFAULT_KNOBS);
  const [tab, setTab] = useState<Tab>("step");
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState<string>();
  const [online, setOnline] = useState(true);
  const [step, setStep] = useState<StepState>();
  const [gen, setGen] = useState<GenState>();
  const [hovered, setHovered] = useState<number>();
  const [pinned, setPinned] = useState<number>();
  const [colourBy, setColourBy] = useState<ColourBy>("probability");
  const [beam, setBeam] = useState<{ response: GenerateResponse; prompt: string }>();
  const [compare, setCompare] = useState<CompareResponse>();
  const [strategies, setStrategies] = useState("");
  const [samples, setSamples] = useState(1);
  const [key, setKey] = useState("");
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const model = boot?.models.find((m) => m.id === modelId);

  async function run<T>(label: string, work: () => Promise<T>): Promise<T | undefined> {
    setBusy(label);
    setProblem(undefined);
    try {
      const result = await work();
      setOnline(true);
      return result;
    } catch (error) {
      if (error instanceof ApiFailure) {
        setOnline(error.kind !== "offline");
        const hint =
          error.code === "context_length_exceeded"
            ? " Shorten the prompt, or pick a model with a longer context."
            : "";
        setProblem({ message: error.message + hint, kind: error.kind });
      } else setProblem({ message: error instanceof Error ? error.message : String(error), kind: "refused" });
      return undefined;
    } finally {
      setBusy(undefined);
    }
  }

  const load = () =>
    run("Connecting", async () => {
      const models = await api.models();
      const chosen = models.models.find((m) => m.default) ?? models.models[0];
      setVocab(await api.vocab(chosen.id));
      setBoot(models);
      setModelId(chosen.id);
      setStrategies((s) => s || models.compare.strategies);
    });
  useEffect(() => void load(), []);

  // the prompt's length in tokens, against the context
  useEffect(() => {
    if (model === undefined) return;
    const timer = setTimeout(() => {
      api.tokenize(model.id, prompt).then(
        (r) => setCount(r.count),
        () => setCount(undefined),
      );
    }, 200);
    return () => clearTimeout(timer);
  }, [prompt, model]);

  const eos = model?.eosTokenIds ?? [];
  const ctx = step && { tokens: step.held.tokens, promptLength: step.held.promptLength };
  const shaped = useMemo(() => {
    if (!step || !ctx) return undefined;
    try {
      const main = shape(step.held.logits, ctx, knobs, eos);
      const otherOrder = knobs.samplerOrder === "hf" ? "llama.cpp" : "hf";
      const other = shape(step.held.logits, ctx, { ...knobs, samplerOrder: otherOrder }, eos);
      const coin = knobs.pick === "sample" ? coinAt(knobs.seed, step.taken.length) : undefined;
      const chosen = choose(step.held.logits, main, ctx, knobs, eos, coin ?? 0);
      return { main, other, chosen, coin, error: undefined };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }, [step, knobs]);

  const checkPrompt = (): boolean => {
    if (prompt.trim() === "") {
      setProblem({ message: EMPTY_PROMPT, kind: "input" });
      return false;
    }
    return true;
  };

  const onStep = () => {
    if (!checkPrompt() || model === undefined) return;
    void run("Stepping", async () => {
      if (!step || step.prompt !== prompt || step.model !== model.id) {
        if (step) void api.deleteSession(step.held.session);
        const held = await api.createSession(model.id, prompt);
        setStep({ model: model.id, prompt, held, taken: [] });
        return;
      }
      if (!shaped || shaped.error !== undefined || shaped.chosen === undefined) return;
      const token = shaped.chosen;
      const held = await api.append(step.held.session, [token]).catch(async (error: unknown) => {
        if (!(error instanceof ApiFailure) || error.code !== "session_not_found") throw error;
        return api.createSessionFromTokens(model.id, step.held.tokens.concat(token)); // expired: rebuild it
      });
      setStep({ ...step, held, taken: [...step.taken, { token, prob: shaped.main.probs[token] }] });
    });
  };

  const generationOptions = (): Record<string, unknown> => {
    const common = { maxNewTokens: knobs.maxNewTokens, repetitionPenalty: knobs.repetitionPenalty };
    if (knobs.pick === "greedy") return { ...common, doSample: false };
    const sampling: Record<string, unknown> = { ...samplingOptions(knobs, eos) };
    delete sampling.eosTokenId; // the model's own
    return { ...sampling, ...common, seed: knobs.seed };
  };

  const dropBranches = (state: GenState | undefined) => {
    for (const b of state?.branches ?? []) if (b.session) void api.deleteSession(b.session);
  };

  const onGenerate = () => {
    if (!checkPrompt() || model === undefined) return;
    void run("Generating", async () => {
      const options = generationOptions();
      const r = await api.generate({ model: model.id, prompt, options, keep: true, top: 10 });
      dropBranches(gen);
      const seq = r.sequences[0];
      setGen({
        promptText: prompt,
        promptTokens: r.promptTokens,
        options,
        branches: [
          {
            label: "original",
            steps: seq.steps,
            carried: 0,
            session: r.session,
            finishReason: seq.finishReason,
          },
        ],
        active: 0,
        elapsedMs: r.elapsedMs,
      });
      setPinned(undefined);
      setHovered(undefined);
    });
  };

  const onBranch = (index: number, token: number) => {
    if (!gen || model === undefined) return;
    const parent = gen.branches[gen.active];
    void run("Branching", async () => {
      const P = gen.promptTokens.length;
      let session = parent.session;
      if (session === undefined) {
        const tokens = gen.promptTokens.concat(parent.steps.slice(0, -1).map((s) => s.token));
        session = (await api.createSessionFromTokens(model.id, tokens)).session;
      }
      const fork = await api.fork(session, P + index, [token]);
      const remaining = Math.max(1, knobs.maxNewTokens - index - 1);
      const r = await api.generate({
        model: model.id,
        session: fork.session,
        options: { ...gen.options, maxNewTokens: remaining },
        keep: true,
        top: 10,
      });
      void api.deleteSession(fork.session);
      const was = parent.steps[index];
      const rank = was.alternatives.findIndex((a) => a.id === token);
      const alt = was.alternatives[rank];
      const altStep: TokenReport = {
        token,
        text: fork.appended[0] ?? "",
        logprob: alt?.logprob ?? NaN,
        processedLogprob: alt?.logprob ?? NaN,
        entropy: was.entropy,
        rank: rank + 1,
        alternatives: was.alternatives,
      };
      const seq = r.sequences[0];
      const branch: Branch = {
        label: `branch ${gen.branches.length}: token ${index + 1} ${JSON.stringify(was.text)} → ${JSON.stringify(altStep.text)}`,
        steps: parent.steps.slice(0, index).concat(altStep, seq.steps),
        carried: index,
        session: r.session,
        finishReason: seq.finishReason,
      };
      setGen({ ...gen, branches: [...gen.branches, branch], active: gen.branches.length });
      setPinned(index);
      setHovered(undefined);
    });
  };

  const onBeam = () => {
    if (!checkPrompt() || model === undefined) return;
    void run("Searching", async () => {
      const numBeams = Math.max(2, knobs.numBeams);
      const options = {
        numBeams,
        numReturnSequences: Math.min(3, numBeams),
        lengthPenalty: knobs.lengthPenalty,
        maxNewTokens: knobs.maxNewTokens,
        repetitionPenalty: knobs.repetitionPenalty,
        doSample: false,
      };
      const response = await api.generate({ model: model.id, prompt, options, top: 10 });
      setBeam({ response, prompt });
    });
  };

  const onCompare = () => {
    if (!checkPrompt() || model === undefined) return;
    void run("Comparing", async () => {
      setCompare(await api.compare({ model: model.id, prompt, strategies, samples, seed: knobs.seed }));
    });
  };

  const primary: Record<Tab, [string, () => void]> = {
    step: ["Step", onStep],
    generate: ["Generate", onGenerate],
    beam: ["Run beam search", onBeam],
    compare: ["Compare", onCompare],
  };

  const onTabKey = (e: KeyboardEvent, index: number) => {
    const next = e.key === "ArrowRight" ? index + 1 : e.key === "ArrowLeft" ? index - 1 : undefined;
    if (next === undefined) return;
    const [id] = TABS[(next + TABS.length) % TABS.length];
    setTab(id);
    tabRefs.current[id]?.focus();
  };

  const tooLong = model !== undefined && count !== undefined && count > model.contextLength;
  const active = gen?.branches[gen.active];
  const inspected = pinned ?? hovered;

  return (
    <div class="app">
      <header class="top">
        <h1>
          nextoken <span>playground</span>
        </h1>
        <label class="model-pick">
          model{" "}
          <select value={modelId} onChange={(e) => setModelId(e.currentTarget.value)} disabled={!boot}>
            {(boot?.models ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.id}
                {m.default ? " (default)" : ""}
              </option>
            ))}
          </select>
        </label>
        {model ? (
          <span class="model-facts">
            {model.architecture} · {formatCount(model.parameters)} parameters · vocabulary {model.vocabSize} ·
            context {model.contextLength}
          </span>
        ) : null}
        <span class={`status ${online ? "online" : "offline"}`} role="status">
          {busy ? `${busy}…` : online ? "connected" : "server unreachable"}
        </span>
      </header>

      {problem ? (
        <div class={`problem ${problem.kind}`} role="alert" data-testid="problem">
          <p>{problem.message}</p>
          {problem.kind === "offline" ? (
            <button type="button" onClick={() => (boot ? setProblem(undefined) : void load())}>
              {boot ? "Dismiss" : "Retry"}
            </button>
          ) : null}
          {problem.kind === "auth" ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                setApiKey(key);
                void load();
              }}
            >
              <label>
                API key <input type="password" value={key} onInput={(e) => setKey(e.currentTarget.value)} />
              </label>
              <button type="submit">Use key</button>
            </form>
          ) : null}
        </div>
      ) : null}

      <div class="layout">
        <section class="prompt-box">
          <label for="prompt">Prompt</label>
          <textarea
            id="prompt"
            rows={3}
            value={prompt}
            spellcheck={false}
            onInput={(e) => setPrompt(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                primary[tab][1]();
              }
            }}
          />
          <div class="prompt-actions">
            <span class={`count${tooLong ? " bad" : ""}`} data-testid="token-count">
              {count === undefined || model === undefined
                ? ""
                : `${count} / ${model.contextLength} tokens${tooLong ? ": longer than the model's context" : ""}`}
            </span>
            <button
              type="button"
              class="primary"
              onClick={primary[tab][1]}
              disabled={!model || busy !== undefined}
            >
              {primary[tab][0]}
            </button>
          </div>
          <p class="hint">Ctrl+Enter runs the current view. Tokens are buttons: Tab to them, Enter to pin.</p>
        </section>

        <details class="knobs-box" open={!window.matchMedia("(max-width: 760px)").matches}>
          <summary>Knobs</summary>
          <KnobsPanel knobs={knobs} vocabSize={model?.vocabSize ?? 1} onChange={setKnobs} />
        </details>

        <main class="views">
          <div role="tablist" aria-label="Views" class="tabs">
            {TABS.map(([id, label], i) => (
              <button
                key={id}
                type="button"
                role="tab"
                id={`tab-${id}`}
                aria-selected={tab === id}
                aria-controls={`panel-${id}`}
                tabIndex={tab === id ? 0 : -1}
                ref={(el) => {
                  tabRefs.current[id] = el;
                }}
                onClick={() => setTab(id)}
                onKeyDown={(e) => onTabKey(e, i)}
              >
                {label}
              </button>
            ))}
          </div>

          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} class="panel">
            {!boot && !problem ? <p class="dim">Connecting to the server…</p> : null}

            {tab === "step" ? (
              step === undefined ? (
                <p class="empty-view">
                  Press <b>Step</b> to see the exact distribution of the next token over all{" "}
                  {model?.vocabSize ?? ""} tokens of the vocabulary, then move the knobs to reshape it.
                </p>
              ) : (
                <>
                  <p class="stepped" data-testid="stepped">
                    <span class="prompt-part">{step.prompt}</span>
                    {step.taken.map((t, i) => (
                      <span key={i} class="taken-tok" title={`p ${t.prob.toFixed(3)} when taken`}>
                        {(vocab[t.token] ?? "").replaceAll("▁", " ").replaceAll("Ġ", " ")}
                      </span>
                    ))}
                    {step.prompt !== prompt ? (
                      <span class="dim"> (prompt edited: Step starts over)</span>
                    ) : null}
                  </p>
                  {shaped?.error !== undefined ? (
                    <p class="problem refused" role="alert">
                      {shaped.error}
                    </p>
                  ) : shaped ? (
                    <DistributionView
                      shaped={shaped.main}
                      other={shaped.other}
                      orderName={knobs.samplerOrder === "hf" ? "HF" : "llama.cpp"}
                      otherName={knobs.samplerOrder === "hf" ? "llama.cpp" : "HF"}
                      vocab={vocab}
                      chosen={shaped.chosen}
                      coin={shaped.coin}
                      position={step.held.tokens.length}
                    />
                  ) : null}
                </>
              )
            ) : null}

            {tab === "generate" ? (
              gen === undefined || active === undefined ? (
                <p class="empty-view">
                  Press <b>Generate</b> (
                  {knobs.pick === "greedy" ? "greedy" : `sampling with seed ${knobs.seed}`}, up to{" "}
                  {knobs.maxNewTokens} tokens). Each token is coloured by its probability; hover one for the
                  alternatives, click it to branch.
                </p>
              ) : (
                <div class="generated">
                  <div class="gen-bar">
                    {gen.branches.length > 1 ? (
                      <label>
                        branch{" "}
                        <select
                          value={gen.active}
                          onChange={(e) => {
                            setGen({ ...gen, active: Number(e.currentTarget.value) });
                            setPinned(undefined);
                          }}
                          data-testid="branch-select"
                        >
                          {gen.branches.map((b, i) => (
                            <option key={i} value={i}>
                              {b.label}
                            </option>
                          ))}
                        </select>
                      </label>
                    ) : null}
                    <fieldset class="choice inline">
                      <legend>colour by</legend>
                      <label>
                        <input
                          type="radio"
                          name="colour"
                          checked={colourBy === "probability"}
                          onChange={() => setColourBy("probability")}
                        />
                        probability
                      </label>
                      <label>
                        <input
                          type="radio"
                          name="colour"
                          checked={colourBy === "surprisal"}
                          onChange={() => setColourBy("surprisal")}
                        />
                        surprisal
                      </label>
                    </fieldset>
                  </div>
                  <TokenText
                    prefix={gen.promptText}
                    steps={active.steps}
                    colourBy={colourBy}
                    selected={pinned}
                    carried={active.carried}
                    idPrefix="tok"
                    onHover={setHovered}
                    onSelect={(i) => setPinned(pinned === i ? undefined : i)}
                  />
                  <p class="dim gen-summary" data-testid="gen-summary">
                    {active.label} · {active.steps.length} tokens · finished: {active.finishReason} · mean log
                    p {meanLogprob(active.steps).toFixed(3)} · perplexity{" "}
                    {Math.exp(-meanLogprob(active.steps)).toFixed(2)}
                  </p>
                  <Inspector
                    step={inspected === undefined ? undefined : active.steps[inspected]}
                    index={inspected}
                    vocab={vocab}
                    pinned={pinned !== undefined}
                    busy={busy !== undefined}
                    onBranch={onBranch}
                  />
                  <Timeline
                    steps={active.steps}
                    selected={inspected}
                    onSelect={(i) => {
                      setPinned(i);
                      document.getElementById(`tok-${i}`)?.focus();
                    }}
                  />
                </div>
              )
            ) : null}

            {tab === "beam" ? (
              beam === undefined ? (
                <p class="empty-view">
                  Press <b>Run beam search</b> ({knobs.numBeams} beams, length penalty {knobs.lengthPenalty})
                  to see every beam at every step, the hypotheses that finished and those that were pruned.
                </p>
              ) : (
                <div class="beam">
                  {beam.response.beam ? (
                    <BeamTreeView tree={beam.response.beam} promptLabel={beam.prompt} />
                  ) : null}
                  <h3>Returned hypotheses</h3>
                  <ol class="hypotheses">
                    {beam.response.sequences.map((seq, i) => (
                      <li key={i}>
                        <span class="dim">
                          score {seq.score?.toFixed(3)} · finished: {seq.finishReason} ·{" "}
                        </span>
                        <TokenText
                          prefix={beam.prompt}
                          steps={seq.steps}
                          colourBy={colourBy}
                          selected={undefined}
                          idPrefix={`beam${i}`}
                          onHover={() => undefined}
                          onSelect={() => undefined}
                        />
                      </li>
                    ))}
                  </ol>
                </div>
              )
            ) : null}

            {tab === "compare" ? (
              <div class="compare-view">
                <div class="compare-inputs">
                  <label for="strategies">strategies</label>
                  <input
                    id="strategies"
                    value={strategies}
                    onInput={(e) => setStrategies(e.currentTarget.value)}
                    spellcheck={false}
                  />
                  <label for="samples">samples</label>
                  <input
                    id="samples"
                    type="number"
                    min={1}
                    max={5}
                    value={samples}
                    onChange={(e) => setSamples(Math.max(1, Math.min(5, Number(e.currentTarget.value) || 1)))}
                  />
                </div>
                <p class="hint">
                  Specs separated by “;”, terms by “,”: greedy, sample, beam:N, top-k:K, top-p:P, min-p:P,
                  typical-p:P, t:T, rep:R, no-repeat:N. Each spec is the whole strategy.
                </p>
                {compare ? (
                  <CompareTable result={compare} />
                ) : (
                  <p class="empty-view">
                    Press <b>Compare</b>.
                  </p>
                )}
              </div>
            ) : null}
          </div>
        </main>
      </div>
    </div>
  );
}

function meanLogprob(steps: TokenReport[]): number {
  const finite = steps.filter((s) => Number.isFinite(s.logprob));
  return finite.length === 0 ? 0 : finite.reduce((sum, s) => sum + s.logprob, 0) / finite.length;
}

function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}K`;
  return String(n);
}
