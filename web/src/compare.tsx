// Strategies side by side (as `nextoken compare`): metrics per run, and each text with the tokens that
// repeat an earlier n-gram underlined, so greedy's loops and high temperature's drift are visible.
import type { CompareResponse, CompareSample } from "./api.js";

export function CompareTable(props: { result: CompareResponse }) {
  const { result } = props;
  return (
    <div class="compare" data-testid="compare-table">
      <p class="note">
        logprob: mean raw log-probability per token (how likely the model finds the text); ppl =
        exp(−logprob); dist-n: distinct n-grams / n-grams; rep: share of tokens completing a{" "}
        {result.repetitionNgram}-gram seen earlier (underlined in the text).{" "}
        {(result.elapsedMs / 1000).toFixed(1)} s.
      </p>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">strategy</th>
              <th scope="col">seed</th>
              <th scope="col">logprob</th>
              <th scope="col">ppl</th>
              <th scope="col">dist-1</th>
              <th scope="col">dist-2</th>
              <th scope="col">rep</th>
              <th scope="col">len</th>
              <th scope="col">text</th>
            </tr>
          </thead>
          <tbody>
            {result.rows.flatMap((row) =>
              row.samples.map((s, i) => (
                <tr key={`${row.spec}-${i}`}>
                  <th scope="row">{i === 0 ? <code>{row.spec}</code> : null}</th>
                  <td class="num">{s.seed ?? "–"}</td>
                  <td class="num">{s.meanLogprob.toFixed(3)}</td>
                  <td class="num">{s.perplexity.toFixed(2)}</td>
                  <td class="num">{s.distinct1.toFixed(2)}</td>
                  <td class="num">{s.distinct2.toFixed(2)}</td>
                  <td
                    class={`num${s.repetitionRate >= 0.1 ? " bad" : s.repetitionRate >= 0.03 ? " warn" : ""}`}
                  >
                    {s.repetitionRate.toFixed(2)}
                  </td>
                  <td class="num">{s.length}</td>
                  <td class="compare-text">
                    <Repeats sample={s} n={result.repetitionNgram} />
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Repeats(props: { sample: CompareSample; n: number }) {
  const { tokens, pieces } = props.sample;
  const seen = new Set<string>();
  const repeat = tokens.map((_, end) => {
    if (end + 1 < props.n) return false;
    const gram = tokens.slice(end + 1 - props.n, end + 1).join(",");
    if (seen.has(gram)) return true;
    seen.add(gram);
    return false;
  });
  return (
    <span>
      {pieces.map((piece, i) => (
        <span key={i} class={repeat[i] ? "repeat" : undefined}>
          {piece}
        </span>
      ))}
    </span>
  );
}
