// The playground page: preact + TypeScript, bundled by vite into web/dist, which the server serves at /.
// The page imports the engine's pure processors from ../src/generation, so the distribution it draws
// is computed by the same code that generates. No CDN: everything it needs is in the bundle.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  publicDir: "public",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    reportCompressedSize: false,
  },
  logLevel: "warn",
});
