// The README's examples as runnable units: fenced ```sh / ```bash / ```ts blocks, each with the
// marker comment written just before it, if any:
//   <!-- example: skip: REASON -->          never run (the install itself, the whole suite)
//   <!-- example: fake-hub -->              run with HF_ENDPOINT at a local fake Hub
//   <!-- example: with-server: CMD -->      run while CMD (a server) answers on its port
// Shell blocks run with bash -e (a failing line fails the block), TypeScript blocks are transpiled
// and run with node where `import "nextoken"` resolves to this package (not shipped: dist/testing).
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import ts from "typescript";

export type ExampleMarker =
  | { kind: "run" }
  | { kind: "skip"; reason: string }
  | { kind: "fake-hub" }
  | { kind: "with-server"; command: string };

export interface Example {
  /** 1-based line of the opening fence in the markdown file. */
  line: number;
  lang: "sh" | "ts";
  code: string;
  marker: ExampleMarker;
}

const LANGS: Record<string, "sh" | "ts"> = { sh: "sh", bash: "sh", ts: "ts", typescript: "ts" };
const MARKER = /^<!--\s*example:\s*(.*?)\s*-->$/;

/** The runnable blocks of `markdown` (other fences are ignored); a malformed marker throws, naming its line. */
export function parseExamples(markdown: string, fileName = "README.md"): Example[] {
  const lines = markdown.split("\n");
  const examples: Example[] = [];
  let pending: { marker: ExampleMarker; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    const marker = MARKER.exec(text.trim());
    if (marker) {
      if (pending)
        throw new Error(`${fileName}:${pending.line}: example marker not followed by a code block`);
      pending = { marker: markerOf(marker[1], `${fileName}:${i + 1}`), line: i + 1 };
      continue;
    }
    const fence = /^```(\S*)\s*$/.exec(text);
    if (!fence) {
      if (pending && text.trim() !== "")
        throw new Error(`${fileName}:${pending.line}: example marker not followed by a code block`);
      continue;
    }
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`${fileName}:${i + 1}: code block never closed`);
    const lang = LANGS[fence[1]];
    if (lang !== undefined) {
      const code = lines.slice(i + 1, end).join("\n");
      examples.push({ line: i + 1, lang, code, marker: pending?.marker ?? { kind: "run" } });
    } else if (pending) {
      throw new Error(`${fileName}:${pending.line}: example marker before a \`\`\`${fence[1]} block`);
    }
    pending = undefined;
    i = end;
  }
  if (pending) throw new Error(`${fileName}:${pending.line}: example marker not followed by a code block`);
  return examples;
}

function markerOf(text: string, where: string): ExampleMarker {
  if (text === "fake-hub") return { kind: "fake-hub" };
  const skip = /^skip:\s*(\S.*)$/.exec(text);
  if (skip) return { kind: "skip", reason: skip[1] };
  const server = /^with-server:\s*(\S.*)$/.exec(text);
  if (server) return { kind: "with-server", command: server[1] };
  throw new Error(
    `${where}: unknown example marker "${text}" (expected "skip: REASON", "fake-hub" or "with-server: CMD")`,
  );
}

export interface RunContext {
  /** The package root: `nextoken` resolves here (npx, and TypeScript imports). */
  root: string;
  /** Where shell commands run (the examples write files only under TMPDIR or mktemp). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one example to its end; rejects, naming the README line, when it fails or runs too long. */
export async function runExample(
  example: Example,
  context: RunContext,
  fileName = "README.md",
): Promise<RunResult> {
  const where = `${fileName}:${example.line} (${example.lang} example)`;
  let result: RunResult & { timedOut: boolean };
  if (example.lang === "sh") {
    result = await run("bash", ["-e", "-o", "pipefail", "-c", example.code], context);
  } else {
    const dir = join(context.root, "dist", ".readme-examples");
    mkdirSync(dir, { recursive: true });
    // inside the package, so "nextoken" resolves to it by its own exports and "openai" from its node_modules
    const file = join(dir, `line-${example.line}-${process.pid}.mjs`);
    const js = ts.transpileModule(example.code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      reportDiagnostics: true,
    });
    writeFileSync(file, js.outputText);
    try {
      result = await run(process.execPath, [file], context);
    } finally {
      rmSync(file, { force: true });
    }
  }
  if (result.timedOut)
    throw new Error(`${where}: still running after ${context.timeoutMs} ms${tail(result)}`);
  if (result.code !== 0) throw new Error(`${where}: exit code ${result.code}${tail(result)}`);
  return result;
}

function tail(result: RunResult): string {
  return `\n--- stdout\n${result.stdout.slice(-2000)}\n--- stderr\n${result.stderr.slice(-2000)}`;
}

function run(
  command: string,
  args: string[],
  context: RunContext,
): Promise<RunResult & { timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: context.cwd,
      env: context.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, context.timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** Ends the process group this module started (detached: the child leads it). */
function killGroup(pid: number | undefined, signal: NodeJS.Signals = "SIGKILL"): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** A port nothing listens on now, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface BackgroundServer {
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `command` with bash in the background and waits until http://127.0.0.1:PORT/health answers
 * 200; rejects with the command's output if it exits first or never answers within `timeoutMs`.
 */
export async function startBackgroundServer(
  command: string,
  port: number,
  context: RunContext,
): Promise<BackgroundServer> {
  const child = spawn("bash", ["-c", `exec ${command}`], {
    cwd: context.cwd,
    env: context.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const stop = async () => {
    if (!gone) killGroup(child.pid, "SIGTERM");
    const forced = setTimeout(() => killGroup(child.pid), 5000);
    await exited;
    clearTimeout(forced);
  };
  const deadline = Date.now() + context.timeoutMs;
  for (;;) {
    if (gone) throw new Error(`"${command}" exited before it answered on port ${port}:\n${output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { output: () => output, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `"${command}" did not answer on port ${port} within ${context.timeoutMs} ms:\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Type errors of the TypeScript examples against this package's own types (dist/index.d.ts, as a
 * user's `import "nextoken"` sees them), each as "README.md:LINE: message" with the README's line.
 */
export function typeCheckExamples(examples: Example[], root: string, fileName = "README.md"): string[] {
  const dir = join(root, "dist", `.readme-check-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const blocks = new Map<string, Example>();
    for (const example of examples.filter((e) => e.lang === "ts")) {
      const file = join(dir, `line-${example.line}.ts`);
      writeFileSync(file, `${example.code}\nexport {};\n`); // a module: top-level await
      blocks.set(file, example);
    }
    const program = ts.createProgram([...blocks.keys()], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      types: ["node"],
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const example = d.file && blocks.get(d.file.fileName);
      const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
      if (!example || d.start === undefined) return `${fileName}: ${message}`;
      // the block's first line is the line after its opening fence
      const line = example.line + 1 + d.file!.getLineAndCharacterOfPosition(d.start).line;
      return `${fileName}:${line}: ${message}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
