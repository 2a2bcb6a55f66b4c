// A download progress line for a terminal (redrawn in place, at most ~10 times a second), or one
// plain line per file when the output is not a terminal.
import type { ProgressListener } from "./download.js";

export interface ProgressOutput {
  write(text: string): void;
  isTTY: boolean;
}

const BAR_WIDTH = 24;

/** An `onFile` callback for pullModel that draws on `out`. */
export function progressReporter(out: ProgressOutput): (file: string, size: number) => ProgressListener {
  return (file, size) => {
    if (!out.isTTY) {
      out.write(`downloading ${file} (${formatBytes(size)})\n`);
      return () => {};
    }
    let lastDraw = 0;
    return (done, total) => {
      const now = Date.now();
      if (done < total && now - lastDraw < 100) return;
      lastDraw = now;
      const fraction = total === 0 ? 1 : done / total;
      const filled = Math.round(fraction * BAR_WIDTH);
      const bar = "█".repeat(filled) + "░".repeat(BAR_WIDTH - filled);
      const percent = `${Math.floor(fraction * 100)}`.padStart(3);
      out.write(`\r\x1b[2K${file} ${bar} ${percent}% ${formatBytes(done)} / ${formatBytes(total)}`);
      if (done >= total) out.write("\n");
    };
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
