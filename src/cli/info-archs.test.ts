import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { sharedPath } from "../testing/shared.js";

/** `nextoken info` (the built binary) names each new architecture and its parts. */

const CLI = join(process.cwd(), "dist", "cli", "main.js");

function info(model: string): string {
  const path = sharedPath("golden", "archs", "models", model);
  const result = spawnSync(process.execPath, [CLI, "info", "--model", path], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

const CASES: Array<[string, RegExp[]]> = [
  ["qwen3.gguf", [/architecture\s+qwen3\n/, /q\/k norm\s+per-head RMSNorm before RoPE/]],
  [
    "qwen3moe-hf",
    [/architecture\s+qwen3_moe/, /experts\s+8, 2 per token \(width 16, weights renormalised\)/],
  ],
  ["mixtral.gguf", [/architecture\s+mixtral/, /experts\s+4, 2 per token \(width 32, weights renormalised\)/]],
  [
    "phi3-q8_0.gguf",
    [/architecture\s+phi3/, /rotary dims\s+12 of 16 per head/, /fused\s+qkv_proj, gate_up_proj/],
  ],
  [
    "gemma3.gguf",
    [
      /architecture\s+gemma3/,
      /sliding window\s+8 on layers 0, 2 \(local rope theta 10000\)/,
      /soft-cap\s+none/,
    ],
  ],
];

for (const [model, patterns] of CASES) {
  test(`info names ${model}'s architecture and its parts`, () => {
    const out = info(model);
    for (const p of patterns) assert.match(out, p);
  });
}
