// The beam search tree: a column per decoding step, a node per running beam (token, running score,
// length-normalised score), edges to the beam it extends, ✗ on beams pruned at the next step, the
// hypotheses that finished (✓) under each column, and why the search stopped.
import type { BeamTree } from "./api.js";
import { visible } from "./shape.js";

const COL_W = 132;
const ROW_H = 46;
const NODE_W = 116;
const NODE_H = 36;
const LEFT = 16;
const TOP = 28;

export function BeamTreeView(props: { tree: BeamTree; promptLabel: string }) {
  const { tree } = props;
  const beamsPerStep = tree.numBeams;
  const maxFinished = Math.max(0, ...tree.steps.map((s) => s.finished.length));
  const rows = beamsPerStep + maxFinished;
  const width = LEFT + (tree.steps.length + 1) * COL_W + 20;
  const height = TOP + rows * ROW_H + 12;
  const at = (column: number, row: number) => ({ x: LEFT + column * COL_W, y: TOP + row * ROW_H });
  const anchorOut = (column: number, row: number) => {
    const p = at(column, row);
    return { x: p.x + NODE_W, y: p.y + NODE_H / 2 };
  };
  const anchorIn = (column: number, row: number) => {
    const p = at(column, row);
    return { x: p.x, y: p.y + NODE_H / 2 };
  };
  const edge = (from: { x: number; y: number }, to: { x: number; y: number }) =>
    `M${from.x},${from.y} C${from.x + 12},${from.y} ${to.x - 12},${to.y} ${to.x},${to.y}`;
  return (
    <figure class="beam-tree" data-testid="beam-tree">
      <figcaption>
        {tree.numBeams} beams · length penalty {tree.lengthPenalty} · early stopping{" "}
        {String(tree.earlyStopping)} · nodes show the running score (sum of log-probs) and, below, score /
        length
        <sup>{tree.lengthPenalty}</sup>
      </figcaption>
      <div class="scroll">
        <svg width={width} height={height} role="img" aria-label="Beam search tree">
          {tree.steps.map((step) => (
            <text key={`h${step.step}`} x={at(step.step + 1, 0).x} y={16} class="axis">
              step {step.step + 1}
            </text>
          ))}
          {tree.steps.map((step) =>
            step.beams.map((b) => {
              const from = step.step === 0 ? anchorOut(0, 0) : anchorOut(step.step, b.parent);
              return (
                <path
                  key={`e${step.step}-${b.slot}`}
                  d={edge(from, anchorIn(step.step + 1, b.slot))}
                  class="edge"
                />
              );
            }),
          )}
          {tree.steps.map((step) =>
            step.finished.map((f, k) => {
              const from = step.step === 0 || f.parent < 0 ? anchorOut(0, 0) : anchorOut(step.step, f.parent);
              return (
                <path
                  key={`f${step.step}-${k}`}
                  d={edge(from, anchorIn(step.step + 1, beamsPerStep + k))}
                  class="edge finished"
                />
              );
            }),
          )}
          <g>
            <rect {...at(0, 0)} width={NODE_W} height={NODE_H} rx="6" class="node root" />
            <text x={at(0, 0).x + 8} y={at(0, 0).y + 22} class="node-text">
              {clip(props.promptLabel, 14)}
            </text>
          </g>
          {tree.steps.map((step, t) =>
            step.beams.map((b) => {
              const p = at(step.step + 1, b.slot);
              const pruned = tree.steps[t + 1]?.pruned.includes(b.slot) ?? false;
              return (
                <g key={`n${step.step}-${b.slot}`} class={pruned ? "pruned" : ""}>
                  <title>{`step ${step.step + 1}, beam ${b.slot}: ${JSON.stringify(b.piece)} extends beam ${b.parent}; score ${b.score.toFixed(3)}, normalised ${b.normalizedScore.toFixed(3)}${pruned ? "; pruned at the next step" : ""}`}</title>
                  <rect x={p.x} y={p.y} width={NODE_W} height={NODE_H} rx="6" class="node" />
                  <text x={p.x + 6} y={p.y + 15} class="node-text">
                    {clip(visible(b.piece), 10)}
                  </text>
                  <text x={p.x + NODE_W - 6} y={p.y + 15} class="node-score" text-anchor="end">
                    {b.score.toFixed(2)}
                  </text>
                  <text x={p.x + NODE_W - 6} y={p.y + 30} class="node-norm" text-anchor="end">
                    {b.normalizedScore.toFixed(2)}
                  </text>
                  {pruned ? (
                    <text x={p.x + 6} y={p.y + 30} class="mark pruned-mark">
                      ✗ pruned
                    </text>
                  ) : null}
                </g>
              );
            }),
          )}
          {tree.steps.map((step) =>
            step.finished.map((f, k) => {
              const p = at(step.step + 1, beamsPerStep + k);
              return (
                <g key={`h${step.step}-${k}`} class="finished">
                  <title>{`finished at step ${step.step + 1}: ${JSON.stringify(f.text)}, score ${f.score.toFixed(3)} (length-normalised)`}</title>
                  <rect x={p.x} y={p.y} width={NODE_W} height={NODE_H} rx="6" class="node done" />
                  <text x={p.x + 6} y={p.y + 15} class="node-text">
                    ✓ finished
                  </text>
                  <text x={p.x + NODE_W - 6} y={p.y + 30} class="node-norm" text-anchor="end">
                    {f.score.toFixed(3)}
                  </text>
                </g>
              );
            }),
          )}
        </svg>
      </div>
      <p class="stop-reason" data-testid="stop-reason">
        <b>Stopped:</b> {tree.stopReason}.
      </p>
    </figure>
  );
}

function clip(text: string, chars: number): string {
  const list = [...text];
  return list.length <= chars ? text : list.slice(0, chars - 1).join("") + "…";
}
