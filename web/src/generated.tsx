// Generated text, one button per token coloured by probability or surprisal; an inspector with the
// hovered (or clicked) token's alternatives, each a branch; and the entropy / surprisal timeline.
import { Fragment } from "preact";
import { isWhitespaceOnly, visibleText } from "../../src/tokenizers/visible-text.js";
import type { TokenReport } from "./api.js";
import { fmtLogprob, fmtNats, fmtProb, probabilityColour, surprisalColour } from "./format.js";
import { visible } from "./shape.js";

export type ColourBy = "probability" | "surprisal";

export function tokenColour(step: TokenReport, by: ColourBy): string {
  return by === "probability" ? probabilityColour(Math.exp(step.logprob)) : surprisalColour(-step.logprob);
}

export function TokenText(props: {
  prefix: string;
  steps: TokenReport[];
  colourBy: ColourBy;
  selected: number | undefined;
  /** Tokens before this index were carried over from the branch's parent. */
  carried?: number;
  onHover: (index: number | undefined) => void;
  onSelect: (index: number) => void;
  idPrefix: string;
}) {
  return (
    <p class="token-text" onMouseLeave={() => props.onHover(undefined)}>
      <span class="prompt-part">{props.prefix}</span>
      {props.steps.map((step, i) => {
        // drawn as is, a newline or space token is an empty 0 px button: show its glyph (↵ · ⇥)
        // instead, the raw text in the tooltip, and after a newline the line break itself
        const whitespace = isWhitespaceOnly(step.text);
        return (
          <Fragment key={i}>
            <button
              type="button"
              id={`${props.idPrefix}-${i}`}
              class={`tok-btn${props.selected === i ? " selected" : ""}${i < (props.carried ?? 0) ? " carried" : ""}${step.text === "" ? " partial" : ""}${whitespace ? " whitespace" : ""}`}
              style={{ background: tokenColour(step, props.colourBy) }}
              title={whitespace ? JSON.stringify(step.text) : undefined}
              aria-label={`token ${i + 1}: ${JSON.stringify(step.text)}, probability ${fmtProb(Math.exp(step.logprob))}`}
              aria-pressed={props.selected === i}
              onMouseEnter={() => props.onHover(i)}
              onFocus={() => props.onHover(i)}
              onClick={() => props.onSelect(i)}
            >
              {step.text === "" ? "\u200b" : whitespace ? visibleText(step.text) : step.text}
            </button>
            {whitespace ? step.text.replace(/[^\n]/g, "") : null}
          </Fragment>
        );
      })}
    </p>
  );
}

export function Inspector(props: {
  step: TokenReport | undefined;
  index: number | undefined;
  vocab: string[];
  pinned: boolean;
  busy: boolean;
  onBranch: (index: number, token: number) => void;
}) {
  const { step, index } = props;
  if (step === undefined || index === undefined) {
    return (
      <aside class="inspector empty" aria-live="polite">
        Hover or focus a token to see the alternatives the model weighed; click it (or press Enter) to branch
        from one of them.
      </aside>
    );
  }
  return (
    <aside class="inspector" aria-live="polite" data-testid="inspector">
      <header>
        token {index + 1}: <code>{visible(props.vocab[step.token] ?? String(step.token))}</code> · p{" "}
        {fmtProb(Math.exp(step.logprob))} · log p {fmtLogprob(step.logprob)} · rank {step.rank} · entropy{" "}
        {fmtNats(step.entropy)}
        {step.coin !== undefined ? ` · draw ${step.coin.toFixed(3)}` : ""}
      </header>
      <ul class="alternatives">
        {step.alternatives.map((alt) => (
          <li key={alt.id} class={alt.id === step.token ? "taken" : ""}>
            <span class="alt-bar" style={{ width: `${Math.max(1, 100 * alt.prob)}%` }} aria-hidden="true" />
            <code>{visible(props.vocab[alt.id] ?? String(alt.id))}</code>
            <span class="num">{fmtProb(alt.prob)}</span>
            {props.pinned && alt.id !== step.token ? (
              <button
                type="button"
                class="branch"
                disabled={props.busy}
                onClick={() => props.onBranch(index, alt.id)}
                data-testid="branch"
              >
                branch here
              </button>
            ) : alt.id === step.token ? (
              <span class="dim">taken</span>
            ) : null}
          </li>
        ))}
      </ul>
      {!props.pinned ? <p class="dim">Click the token to branch from an alternative.</p> : null}
    </aside>
  );
}

/** Surprisal (bars) and entropy (line) per generated token, in nats. */
export function Timeline(props: {
  steps: TokenReport[];
  selected: number | undefined;
  onSelect: (i: number) => void;
}) {
  const { steps } = props;
  if (steps.length === 0) return null;
  const barW = 12;
  const height = 120;
  const top = Math.max(1, ...steps.map((s) => Math.max(-s.logprob, s.entropy)));
  const y = (v: number) => height - 4 - ((height - 12) * Math.min(v, top)) / top;
  const width = steps.length * barW + 40;
  const line = steps.map((s, i) => `${30 + i * barW + barW / 2},${y(s.entropy).toFixed(1)}`).join(" ");
  return (
    <figure class="timeline">
      <figcaption>
        <span class="key surprisal" /> surprisal −log p of the chosen token · <span class="key entropy" />{" "}
        entropy of the distribution it came from (nats); high bars are surprises, a high line is hesitation
      </figcaption>
      <div class="scroll">
        <svg width={width} height={height + 16} role="img" aria-label="Surprisal and entropy per token">
          <text x="2" y="12" class="axis">
            {top.toFixed(1)}
          </text>
          <text x="2" y={height} class="axis">
            0
          </text>
          <line x1="28" x2={width} y1={height - 4} y2={height - 4} class="axis-line" />
          {steps.map((s, i) => (
            <rect
              key={i}
              x={31 + i * barW}
              y={y(-s.logprob)}
              width={barW - 2}
              height={Math.max(1, height - 4 - y(-s.logprob))}
              class={`sbar${props.selected === i ? " selected" : ""}`}
              onClick={() => props.onSelect(i)}
            >
              <title>
                {`token ${i + 1} ${JSON.stringify(s.text)}: surprisal ${(-s.logprob).toFixed(2)}, entropy ${s.entropy.toFixed(2)} nats`}
              </title>
            </rect>
          ))}
          <polyline points={line} class="eline" />
        </svg>
      </div>
    </figure>
  );
}
