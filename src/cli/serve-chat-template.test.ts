// `nextoken serve --chat-template FILE`, through the built binary: a file that is missing, empty or
// not Jinja is refused before anything loads, naming the file; a good one makes chat answer.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";

const CLI = join(process.cwd(), "dist", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "nextoken-chat-template-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function serve(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, "serve", "--port", "0", ...args], {
    encoding: "utf8",
    timeout: 20_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("a missing, empty or unparsable --chat-template file is refused, naming the file", () => {
  const missing = join(dir, "missing.jinja");
  const empty = join(dir, "empty.jinja");
  const broken = join(dir, "broken.jinja");
  writeFileSync(empty, "\n");
  writeFileSync(broken, "{% for m in messages %");
  for (const [path, why] of [
    [missing, /no such file/],
    [empty, /the file is empty/],
    [broken, /not a valid Jinja template/],
  ] as const) {
    const { code, stdout, stderr } = serve(["--chat-template", path]);
    assert.equal(code, 2, stderr);
    assert.equal(stdout, "");
    assert.ok(stderr.startsWith("nextoken: --chat-template must be a Jinja chat template file"), stderr);
    assert.ok(stderr.includes(`${path}: `), `names the file: ${stderr}`);
    assert.match(stderr, why);
    assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  }
});

test("serve --chat-template FILE renders chats with the file's template", async () => {
  const path = join(dir, "plain.jinja");
  writeFileSync(path, "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}assistant:");
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", "--chat-template", path], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = "";
      child.stderr.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        const match = /on (http:\/\/127\.0\.0\.1:\d+)\/v1, playground at/.exec(err);
        if (match) resolve(match[1]);
      });
      child.on("exit", () => reject(new Error(`serve exited: ${err}`)));
    });
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        model: "default",
        messages: [{ role: "user", content: "In the beginning" }],
        max_tokens: 2,
        temperature: 0,
      }),
    });
    const json = (await response.json()) as { usage: { prompt_tokens: number } };
    assert.equal(response.status, 200, JSON.stringify(json));
    const plain = await fetch(`${url}/v1/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "default", prompt: "user: In the beginning\nassistant:", max_tokens: 1 }),
    });
    const expected = ((await plain.json()) as { usage: { prompt_tokens: number } }).usage.prompt_tokens;
    assert.equal(json.usage.prompt_tokens, expected, "chat's prompt is the template's rendering");
  } finally {
    child.kill();
  }
});
