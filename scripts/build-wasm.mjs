// Compiles src/**/*.wat to dist/**/*.wasm with wabt (SIMD and threads enabled). Run by `npm run build`.
// A .wat file with `;;#if relaxed` / `;;#else` / `;;#end` sections is built twice: NAME.wasm from the
// #else sides (SIMD128 only) and NAME-relaxed.wasm from the #if sides (relaxed SIMD too); dropped
// lines become blank so wabt's line numbers stay right.
// wabt's module.validate() ignores feature flags (it rejects shared memory), so the result is checked
// with WebAssembly.validate instead; Node 20 validates relaxed SIMD only behind a V8 flag, which is
// turned on here for that (src/tensor/wasm/module.ts does the same at run time).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { setFlagsFromString } from "node:v8";
import initWabt from "wabt";

setFlagsFromString("--experimental-wasm-relaxed-simd");

function findWat(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findWat(path);
    return entry.name.endsWith(".wat") ? [path] : [];
  });
}

/** The source with the `relaxed` side (relaxed = true) or the other side of each ;;#if kept. */
function selectSections(source, path, relaxed) {
  let section = null; // null outside a section, else "if" or "else"
  const lines = source.split("\n").map((line, i) => {
    const directive = line.trim().match(/^;;#(if relaxed|else|end)\s*$/)?.[1];
    const where = `${path}:${i + 1}`;
    if (directive === "if relaxed") {
      if (section) throw new Error(`${where}: ;;#if inside an ;;#if`);
      section = "if";
      return "";
    }
    if (directive === "else") {
      if (section !== "if") throw new Error(`${where}: ;;#else without ;;#if`);
      section = "else";
      return "";
    }
    if (directive === "end") {
      if (!section) throw new Error(`${where}: ;;#end without ;;#if`);
      section = null;
      return "";
    }
    if (section === "if" && !relaxed) return "";
    if (section === "else" && relaxed) return "";
    return line;
  });
  if (section) throw new Error(`${path}: ;;#if not closed`);
  return lines.join("\n");
}

const wabt = await initWabt();
for (const source of findWat("src")) {
  const text = readFileSync(source, "utf8");
  const base = join("dist", relative("src", source)).replace(/\.wat$/, "");
  const builds = text.includes(";;#if relaxed")
    ? [
        { target: `${base}.wasm`, relaxed: false },
        { target: `${base}-relaxed.wasm`, relaxed: true },
      ]
    : [{ target: `${base}.wasm`, relaxed: false }];
  for (const { target, relaxed } of builds) {
    let module;
    try {
      module = wabt.parseWat(source, selectSections(text, source, relaxed), {
        simd: true,
        threads: true,
        relaxed_simd: relaxed,
      });
      module.resolveNames();
    } catch (error) {
      console.error(String(error.message ?? error));
      process.exit(1);
    }
    // function names stay in the binary (a few KB) so CPU profiles show them
    const { buffer } = module.toBinary({ write_debug_names: true });
    module.destroy();
    if (!WebAssembly.validate(buffer)) throw new Error(`${target}: the compiled module does not validate`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, buffer);
    console.log(`${source} -> ${target} (${buffer.byteLength} bytes)`);
  }
}
