// The next-token distribution: the filter chain with what each stage kept, the HF vs llama.cpp
// difference, and the candidates as bars (raw and shaped), removed ones greyed, the top-p nucleus
// boundary marked, the long tail summarised.
import { useState } from "preact/hooks";
import { fmtLogprob, fmtNats, fmtPercent, fmtProb } from "./format.js";
import { orderDifference, type Shaped, visible } from "./shape.js";

const STAGE_LABELS: Record<string, string> = {
  temperature: "temperature",
  top_k: "top-k",
  top_p: "top-p",
  min_p: "min-p",
  typical_p: "typical-p",
  repetition_penalty: "repetition penalty",
};

export function DistributionView(props: {
  shaped: Shaped;
  other: Shaped | undefined;
  orderName: string;
  otherName: string;
  vocab: string[];
  chosen: number;
  coin: number | undefined;
  position: number;
}) {
  const { shaped, vocab, chosen } = props;
  const [rows, setRows] = useState(20);
  const V = shaped.rawProbs.length;
  const shown = shaped.order.slice(0, Math.min(rows, V));
  const tail = shaped.order.slice(shown.length);
  const tailRaw = tail.reduce((sum, id) => sum + shaped.rawProbs[id], 0);
  const tailKept = tail.reduce((sum, id) => sum + shaped.probs[id], 0);
  const tailKeptCount = tail.filter((id) => shaped.removedBy[id] < 0).length;
  const maxProb = Math.max(shaped.rawProbs[shaped.order[0]], ...shown.map((id) => shaped.probs[id]));
  const diff = props.other && orderDifference(shaped.kept, props.other.kept);
  return (
    <section class="distribution" aria-label="Next-token distribution" data-kept={shaped.kept.join(",")}>
      <div class="summary">
        <Stat label="position" value={String(props.position)} />
        <Stat label="raw entropy" value={fmtNats(shaped.rawEntropy)} />
        <Stat label="after filters" value={fmtNats(shaped.entropy)} />
        <Stat label="kept" value={`${shaped.kept.length} / ${V}`} testId="kept-count" />
        <Stat label="kept raw mass" value={fmtPercent(shaped.keptRawMass)} />
        <Stat
          label="chosen"
          value={`${visible(vocab[chosen] ?? String(chosen))} · ${fmtProb(shaped.probs[chosen])}`}
          testId="chosen"
        />
      </div>
      {props.coin !== undefined ? (
        <p class="note">
          sampled with the uniform draw {props.coin.toFixed(4)} from the seeded generator (inverse CDF over
          the shaped distribution)
        </p>
      ) : (
        <p class="note">
          greedy: the most likely token after the penalties (the warpers only shape sampling)
        </p>
      )}
      <ol class="chain" aria-label="Filters in order">
        <li class="stage raw">
          <b>model</b>
          <span>
            {V} tokens · H {fmtNats(shaped.rawEntropy)}
          </span>
        </li>
        {shaped.stages.map((stage) => (
          <li class="stage" key={stage.name}>
            <b>
              {STAGE_LABELS[stage.name] ?? stage.name} {stage.value}
            </b>
            <span>
              kept {stage.kept} · removed {fmtPercent(stage.removedMass)} · H {fmtNats(stage.entropy)}
            </span>
            <span class="dim">raw mass kept {fmtPercent(stage.keptRawMass)}</span>
          </li>
        ))}
        {shaped.stages.length === 0 ? (
          <li class="stage dim">no filter active: sampling the raw distribution</li>
        ) : null}
      </ol>
      {diff && props.other ? (
        <p class="order-diff" data-testid="order-diff">
          {props.orderName} order keeps {shaped.kept.length}; {props.otherName} order would keep{" "}
          {props.other.kept.length}
          {diff.onlyA.length + diff.onlyB.length === 0
            ? " — the same tokens (temperature = 1 or no truncation: the orders agree)"
            : `: ${describeOnly(diff.onlyA, "only here", vocab)}, ${describeOnly(diff.onlyB, `only under ${props.otherName}`, vocab)}`}
        </p>
      ) : null}
      <table class="candidates">
        <caption class="sr-only">Most likely next tokens, in the order the filters see them</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">token</th>
            <th scope="col" class="bar-col">
              <span class="key raw" /> model <span class="key shaped" /> shaped
            </th>
            <th scope="col">p</th>
            <th scope="col" class="wide">
              log p
            </th>
            <th scope="col">shaped p</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((id, at) => {
            const removed = shaped.removedBy[id] >= 0;
            const stage = removed ? shaped.stages[shaped.removedBy[id]] : undefined;
            const boundary = shaped.nucleusEnd === at;
            return (
              <tr
                key={id}
                class={`${removed ? "removed" : "kept"}${id === chosen ? " chosen" : ""}${boundary ? " nucleus-end" : ""}`}
                data-id={id}
              >
                <td class="num">{at + 1}</td>
                <td class="tok">
                  <code>{visible(vocab[id] ?? String(id))}</code>
                  {id === chosen ? (
                    <span class="star" aria-label="chosen">
                      {" "}
                      ★
                    </span>
                  ) : null}
                </td>
                <td class="bar-col">
                  <div class="bars" aria-hidden="true">
                    <div class="bar raw" style={{ width: `${(100 * shaped.rawProbs[id]) / maxProb}%` }} />
                    <div class="bar shaped" style={{ width: `${(100 * shaped.probs[id]) / maxProb}%` }} />
                  </div>
                  {stage ? (
                    <span class="why">removed by {STAGE_LABELS[stage.name] ?? stage.name}</span>
                  ) : null}
                  {boundary ? <span class="boundary-label">top-p nucleus boundary</span> : null}
                </td>
                <td class="num">{fmtProb(shaped.rawProbs[id])}</td>
                <td class="num wide">{fmtLogprob(shaped.rawLogprobs[id])}</td>
                <td class="num">{removed ? "—" : fmtProb(shaped.probs[id])}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {tail.length > 0 ? (
        <p class="tail" data-testid="tail">
          … {tail.length} more tokens hold {fmtPercent(tailRaw)} of the model's probability; {tailKeptCount}{" "}
          of them are kept, holding {fmtPercent(tailKept)} after shaping.{" "}
          <button type="button" class="link" onClick={() => setRows(rows >= 100 ? 20 : Math.min(V, 100))}>
            {rows >= 100 ? "show 20" : `show ${Math.min(V, 100)}`}
          </button>
        </p>
      ) : null}
    </section>
  );
}

function Stat(props: { label: string; value: string; testId?: string }) {
  return (
    <div class="stat" data-testid={props.testId}>
      <span class="label">{props.label}</span>
      <span class="value">{props.value}</span>
    </div>
  );
}

function describeOnly(ids: number[], where: string, vocab: string[]): string {
  return ids.length === 0 ? `none ${where}` : `${ids.length} ${where} (${listTokens(ids, vocab)})`;
}

function listTokens(ids: number[], vocab: string[]): string {
  const shown = ids.slice(0, 6).map((id) => visible(vocab[id] ?? String(id)));
  return shown.join(" ") + (ids.length > 6 ? " …" : "");
}
