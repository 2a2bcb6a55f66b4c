// Compiles src/**/*.wat to dist/**/*.wasm with wabt (SIMD and threads enabled). Run by `npm run build`.
// wabt's module.validate() ignores feature flags (it rejects shared memory), so the result is checked
// with WebAssembly.validate instead.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import initWabt from "wabt";

function findWat(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findWat(path);
    return entry.name.endsWith(".wat") ? [path] : [];
  });
}

const wabt = await initWabt();
for (const source of findWat("src")) {
  const target = join("dist", relative("src", source)).replace(/\.wat$/, ".wasm");
  let module;
  try {
    module = wabt.parseWat(source, readFileSync(source, "utf8"), { simd: true, threads: true });
    module.resolveNames();
  } catch (error) {
    console.error(String(error.message ?? error));
    process.exit(1);
  }
  // function names stay in the binary (a few KB) so CPU profiles show them
  const { buffer } = module.toBinary({ write_debug_names: true });
  module.destroy();
  if (!WebAssembly.validate(buffer)) throw new Error(`${source}: the compiled module does not validate`);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, buffer);
  console.log(`${source} -> ${target} (${buffer.byteLength} bytes)`);
}
