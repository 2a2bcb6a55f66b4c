// Debian's Chromium, as the playground's browser tests launch it through playwright-core (no browser
// download; scripts/test-setup.mjs installs it for npm test).
export const CHROMIUM = "/usr/bin/chromium";

/** Headless, no sandbox (CI runs as root), and nothing that would reach the network. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-quic",
];
