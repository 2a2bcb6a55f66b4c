/**
 * The --trace header: the decoding settings a run used and where each came from (a flag, the model's
 * generation config, nextoken's default), with a drawn seed spelled out so the run can be repeated.
 */
import type { EffectiveSettings, Setting } from "../generation/settings.js";
import { BOLD, DIM, padRight, paint } from "./render.js";

/** The flag spelling of a knob (topK → --top-k). */
export function flagOf(knob: string): string {
  return `--${knob.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Lines for a terminal: the strategy, then every applied knob that is not a default left neutral
 * (those do nothing), then the knobs the strategy ignores although something set them.
 */
export function settingsHeader(settings: EffectiveSettings, tty: boolean): string {
  const entries = Object.entries<Setting>(settings.knobs);
  const doSample = settings.knobs.doSample;
  const lines = [
    paint(`decoding: ${settings.strategy}`, BOLD, tty) +
      (doSample === undefined
        ? ""
        : paint(` (do_sample ${String(doSample.value)}: ${doSample.source})`, DIM, tty)),
  ];
  const shown = entries.filter(
    ([knob, s]) => knob !== "doSample" && s.applied && !(s.neutral && s.source === "default"),
  );
  const width = Math.max(0, ...shown.map(([knob]) => flagOf(knob).length)) + 2;
  for (const [knob, s] of shown) {
    const value = formatValue(s.value);
    const source = s.source === "random" ? `random (add --seed ${value} to repeat this run)` : s.source;
    lines.push(`  ${padRight(flagOf(knob), width)}${padRight(value, 8)} ${paint(source, DIM, tty)}`);
  }
  // a default the strategy ignores says nothing; a value someone set and that does not apply does
  const ignored = entries.filter(([, s]) => !s.applied && s.source !== "default" && s.source !== "random");
  if (ignored.length > 0) {
    const list = ignored.map(
      ([knob, s]) => `${flagOf(knob)} ${formatValue(s.value)} (${s.source}; ${s.ignoredBecause ?? ""})`,
    );
    lines.push(paint(`  not applied: ${list.join(", ")}`, DIM, tty));
  }
  return lines.join("\n") + "\n";
}

function formatValue(value: unknown): string {
  return Array.isArray(value) ? value.join(",") : String(value);
}
