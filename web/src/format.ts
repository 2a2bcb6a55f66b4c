// Number formats and the colour scales the page shares.

export function fmtProb(p: number): string {
  if (p === 0) return "0";
  if (p >= 0.001) return p.toFixed(3);
  return p.toExponential(1);
}

export function fmtPercent(p: number): string {
  if (p > 0 && p < 0.001) return "<0.1%";
  return `${(100 * p).toFixed(1)}%`;
}

export function fmtNats(h: number): string {
  return `${h.toFixed(2)} nats`;
}

export function fmtLogprob(lp: number): string {
  return lp === -Infinity ? "−∞" : lp.toFixed(2).replace("-", "−");
}

/** Background for a token by its probability: red (unlikely) through amber to green (likely). */
export function probabilityColour(p: number): string {
  const hue = 8 + 122 * Math.sqrt(Math.max(0, Math.min(1, p)));
  return `hsl(${hue.toFixed(0)} 75% 84%)`;
}

/** Background for a token by its surprisal in nats: white (expected) to deep orange (8+ nats). */
export function surprisalColour(nats: number): string {
  const t = Math.max(0, Math.min(1, nats / 8));
  return `hsl(${(48 - 38 * t).toFixed(0)} ${(40 + 55 * t).toFixed(0)}% ${(96 - 30 * t).toFixed(0)}%)`;
}
