// The knobs: sliders with number boxes beside them (keyboard: arrows on either), the sampler order,
// how Step picks, and the generation settings.
import type { Knobs } from "./shape.js";

interface SliderSpec {
  key: "temperature" | "topK" | "topP" | "minP" | "typicalP" | "repetitionPenalty";
  label: string;
  min: number;
  max: number;
  step: number;
  /** What the value that switches the filter off means. */
  off?: number;
  hint: string;
}

const SLIDERS: SliderSpec[] = [
  {
    key: "temperature",
    label: "temperature",
    min: 0.05,
    max: 2,
    step: 0.05,
    hint: "divides the logits: <1 sharpens, >1 flattens",
  },
  {
    key: "topK",
    label: "top-k",
    min: 0,
    max: 200,
    step: 1,
    off: 0,
    hint: "keep the k most likely (0 = off)",
  },
  {
    key: "topP",
    label: "top-p",
    min: 0.05,
    max: 1,
    step: 0.01,
    off: 1,
    hint: "keep the smallest set holding p of the mass",
  },
  {
    key: "minP",
    label: "min-p",
    min: 0,
    max: 0.5,
    step: 0.01,
    off: 0,
    hint: "drop tokens below min-p × the top probability",
  },
  {
    key: "typicalP",
    label: "typical-p",
    min: 0.05,
    max: 1,
    step: 0.01,
    off: 1,
    hint: "keep tokens whose surprisal is closest to the entropy",
  },
  {
    key: "repetitionPenalty",
    label: "repetition penalty",
    min: 0.5,
    max: 2,
    step: 0.05,
    off: 1,
    hint: "shrinks logits of tokens already in the text",
  },
];

export function KnobsPanel(props: { knobs: Knobs; vocabSize: number; onChange: (knobs: Knobs) => void }) {
  const { knobs, onChange } = props;
  const set = <K extends keyof Knobs>(key: K, value: Knobs[K]) => onChange({ ...knobs, [key]: value });
  return (
    <section class="knobs" aria-label="Sampling knobs">
      <h2>Knobs</h2>
      {SLIDERS.map((spec) => {
        const value = knobs[spec.key];
        const max = spec.key === "topK" ? Math.min(spec.max, props.vocabSize) : spec.max;
        const off = spec.off !== undefined && value === spec.off;
        const id = `knob-${spec.key}`;
        const update = (raw: string) => {
          const number = Number(raw);
          if (raw.trim() !== "" && Number.isFinite(number)) set(spec.key, number);
        };
        return (
          <div class={`knob${off ? " off" : ""}`} key={spec.key}>
            <label for={id}>
              {spec.label}
              {off ? <span class="badge">off</span> : null}
            </label>
            <input
              id={id}
              type="range"
              min={spec.min}
              max={max}
              step={spec.step}
              value={value}
              aria-describedby={`${id}-hint`}
              onInput={(e) => update(e.currentTarget.value)}
            />
            <input
              class="number"
              type="number"
              aria-label={`${spec.label} value`}
              min={spec.min}
              max={max}
              step={spec.step}
              value={value}
              onChange={(e) => update(e.currentTarget.value)}
            />
            <small id={`${id}-hint`}>{spec.hint}</small>
          </div>
        );
      })}
      <fieldset class="choice">
        <legend>sampler order</legend>
        <label>
          <input
            type="radio"
            name="order"
            checked={knobs.samplerOrder === "hf"}
            onChange={() => set("samplerOrder", "hf")}
          />
          HF (temperature first)
        </label>
        <label>
          <input
            type="radio"
            name="order"
            checked={knobs.samplerOrder === "llama.cpp"}
            onChange={() => set("samplerOrder", "llama.cpp")}
          />
          llama.cpp (temperature last)
        </label>
      </fieldset>
      <fieldset class="choice">
        <legend>Step and Generate pick</legend>
        <label>
          <input
            type="radio"
            name="pick"
            checked={knobs.pick === "greedy"}
            onChange={() => set("pick", "greedy")}
          />
          greedy (most likely)
        </label>
        <label>
          <input
            type="radio"
            name="pick"
            checked={knobs.pick === "sample"}
            onChange={() => set("pick", "sample")}
          />
          sample with seed
        </label>
      </fieldset>
      <div class="row-inputs">
        <NumberInput label="seed" value={knobs.seed} min={0} step={1} onChange={(v) => set("seed", v)} />
        <NumberInput
          label="new tokens"
          value={knobs.maxNewTokens}
          min={1}
          max={512}
          step={1}
          onChange={(v) => set("maxNewTokens", v)}
        />
        <NumberInput
          label="beams"
          value={knobs.numBeams}
          min={2}
          max={8}
          step={1}
          onChange={(v) => set("numBeams", v)}
        />
        <NumberInput
          label="length penalty"
          value={knobs.lengthPenalty}
          min={-2}
          max={3}
          step={0.1}
          onChange={(v) => set("lengthPenalty", v)}
        />
      </div>
    </section>
  );
}

function NumberInput(props: {
  label: string;
  value: number;
  min?: number;
  max?: number;
  step: number;
  onChange: (value: number) => void;
}) {
  const id = `num-${props.label.replaceAll(" ", "-")}`;
  return (
    <div class="number-input">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        min={props.min}
        max={props.max}
        step={props.step}
        value={props.value}
        onChange={(e) => {
          const value = Number(e.currentTarget.value);
          if (e.currentTarget.value.trim() !== "" && Number.isFinite(value)) props.onChange(value);
        }}
      />
    </div>
  );
}
