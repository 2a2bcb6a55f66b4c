// The playground page end to end: Debian's Chromium (driven by playwright-core) against a real server
// on loopback with stories260K. Step, reshape with the sliders (the kept set must equal
// processLogits()), generate, branch, beam tree, compare, the error messages, a phone-sized screen.
// Screenshots go to artifacts/playground/ for a person to look at. Needs `npm run build` (web/dist)
// and /usr/bin/chromium (CI installs it: .ci/run).
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { generate } from "../generation/generate.js";
import { processLogits } from "../generation/pipeline.js";
import { loadModel, type Model } from "../load-model.js";
import { CHROMIUM, CHROMIUM_ARGS as ARGS } from "../testing/chromium.js";
import { sharedPath } from "../testing/shared.js";
import { type RunningServer, startServer } from "./server.js";
import { DEFAULT_WEB_ROOT } from "./static.js";

const SHOTS = join(process.cwd(), "artifacts", "playground");
const PROMPT = "Lily saw a";

let model: Model;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  assert.ok(
    existsSync(CHROMIUM),
    `${CHROMIUM} is missing: the playground's end-to-end test needs Debian's Chromium ` +
      "(apt-get install -y chromium fonts-wqy-zenhei fonts-noto-color-emoji; .ci/run does this)",
  );
  assert.ok(
    existsSync(join(DEFAULT_WEB_ROOT, "index.html")),
    `${DEFAULT_WEB_ROOT}index.html is missing: build the page first (npm run build)`,
  );
  mkdirSync(SHOTS, { recursive: true });
  model = await loadModel(sharedPath("models", "stories260K", "stories260K-f32.gguf"));
  server = await startServer(model, { modelId: "stories260K", port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 20_000 });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}/`);
  await page.getByRole("status").filter({ hasText: "connected" }).waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close().catch(() => undefined); // the last test already closed it
});

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

async function setPrompt(text: string): Promise<void> {
  await page.getByLabel("Prompt", { exact: true }).fill(text);
}

/** The ids the page shows as kept, ascending. */
async function keptShown(): Promise<number[]> {
  const raw = await page.locator("section.distribution").getAttribute("data-kept");
  return (raw ?? "").split(",").filter(Boolean).map(Number);
}

/** What processLogits keeps of the server's raw logits for the same tokens and options. */
function keptExpected(tokens: number[], options: Record<string, unknown>): number[] {
  const session = model.newSession();
  const logits = session.forward(tokens);
  session.dispose();
  const processed = processLogits(logits, { tokens, promptLength: tokens.length }, options);
  const kept: number[] = [];
  processed.forEach((x, id) => {
    if (x !== -Infinity) kept.push(id);
  });
  return kept;
}

async function sliderValue(label: string): Promise<number> {
  return Number(await page.getByRole("slider", { name: label }).inputValue());
}

describe("playground page", () => {
  test("the default model is preselected", async () => {
    const select = page.getByRole("combobox", { name: /^model/ });
    assert.equal(await select.inputValue(), "stories260K");
    assert.match(await page.locator("option").first().innerText(), /\(default\)/);
  });

  test("Step shows the exact distribution over the whole vocabulary and the chosen token", async () => {
    await setPrompt(PROMPT);
    await page.getByRole("button", { name: "Step", exact: true }).click();
    await page.locator("section.distribution").waitFor();
    assert.match(await page.getByTestId("kept-count").innerText(), /\/ 512/);
    assert.match(await page.getByTestId("tail").innerText(), /492 more tokens/);
    const rows = page.locator("table.candidates tbody tr");
    assert.equal(await rows.count(), 20);
    assert.equal(await page.locator("tr.chosen").count(), 1, "the chosen token is marked");
    await shot("01-step");
  });

  test("moving the sliders reshapes the distribution in the page exactly as processLogits() does", async () => {
    const tokens = model.tokenizer.encode(PROMPT, { addSpecialTokens: true });
    const slider = page.getByRole("slider", { name: "top-p" });
    await slider.focus();
    for (let i = 0; i < 30; i++) await slider.press("ArrowLeft"); // 1 → 0.70
    const temperature = page.getByRole("slider", { name: "temperature" });
    await temperature.focus();
    for (let i = 0; i < 4; i++) await temperature.press("ArrowRight"); // 1 → 1.2
    const options = {
      doSample: true,
      temperature: await sliderValue("temperature"),
      topK: await sliderValue("top-k"),
      topP: await sliderValue("top-p"),
      minP: 0,
      typicalP: 1,
      repetitionPenalty: 1,
      eosTokenId: [2],
    };
    assert.deepEqual([options.temperature, options.topP], [1.2, 0.7]);
    const expected = keptExpected(tokens, { ...options, samplerOrder: "hf" });
    assert.ok(expected.length > 1 && expected.length < 50, `a real cut: ${expected.length} kept`);
    assert.deepEqual(await keptShown(), expected);
    assert.match(
      await page.getByTestId("kept-count").innerText(),
      new RegExp(`^${expected.length} / 512`, "m"),
    );
    assert.equal(await page.locator("tr.nucleus-end").count(), 1, "the nucleus boundary is marked");
    assert.ok((await page.locator("tr.removed").count()) > 0, "removed tokens are greyed");
    await shot("02-sliders-hf");

    // llama.cpp order: temperature last, so top-p cuts the distribution at temperature 1
    await page.getByLabel("llama.cpp (temperature last)").check();
    const llama = keptExpected(tokens, { ...options, samplerOrder: "llama.cpp" });
    assert.notDeepEqual(llama, expected, "the orders differ at temperature 1.2");
    assert.deepEqual(await keptShown(), llama);
    assert.match(await page.getByTestId("order-diff").innerText(), /HF order would keep/);
    await shot("03-sliders-llamacpp");

    // min-p and the repetition penalty too
    await page.getByLabel("min-p value").fill("0.05");
    await page.getByLabel("min-p value").press("Enter");
    await page.getByLabel("repetition penalty value").fill("1.3");
    await page.getByLabel("repetition penalty value").press("Enter");
    const more = { ...options, samplerOrder: "llama.cpp", minP: 0.05, repetitionPenalty: 1.3 };
    assert.deepEqual(await keptShown(), keptExpected(tokens, more));
    await page.getByLabel("HF (temperature first)").check();
  });

  test("Step again appends the chosen token", async () => {
    const chosen = Number(await page.locator("tr.chosen").getAttribute("data-id"));
    await page.getByRole("button", { name: "Step", exact: true }).click();
    await page.getByTestId("stepped").locator(".taken-tok").first().waitFor();
    const promptLength = model.tokenizer.encode(PROMPT, { addSpecialTokens: true }).length;
    const position = await page.locator(".stat", { hasText: "position" }).innerText();
    assert.match(position, new RegExp(`\\b${promptLength + 1}\\b`));
    const taken = await page.getByTestId("stepped").locator(".taken-tok").first().innerText();
    assert.equal(taken.trim(), model.tokenizer.tokenToString(chosen).replace("▁", "").trim());
  });

  test("Generate colours each token, shows its alternatives on hover and the timeline", async () => {
    await page.getByRole("tab", { name: "Generate" }).click();
    await page.getByLabel("greedy (most likely)").check();
    await page.getByLabel("new tokens").fill("24");
    await page.getByLabel("new tokens").press("Enter");
    await page.getByRole("button", { name: "Generate", exact: true }).click();
    await page.locator(".tok-btn").first().waitFor();
    assert.equal(await page.locator(".tok-btn").count(), 24);
    const expected = await generate(model, PROMPT, { maxNewTokens: 24, repetitionPenalty: 1.3 });
    assert.equal(await page.locator("p.token-text").innerText(), PROMPT + expected.sequences[0].text);
    await page.locator("#tok-2").hover();
    assert.match(await page.getByTestId("inspector").innerText(), /token 3: .* rank \d+ · entropy/);
    assert.equal(await page.locator(".timeline rect.sbar").count(), 24);
    await page.getByLabel("surprisal", { exact: true }).check();
    await shot("04-generate");
  });

  test("clicking a token and an alternative branches from the forked cache", async () => {
    await page.locator("#tok-2").click();
    const inspector = page.getByTestId("inspector");
    const alternative = inspector.locator("li", { has: page.getByTestId("branch") }).first();
    const altText = await alternative.locator("code").innerText();
    await alternative.getByTestId("branch").click();
    await page.getByTestId("branch-select").waitFor();
    assert.match(await page.getByTestId("gen-summary").innerText(), /branch 1: token 3/);
    assert.equal(await page.locator(".tok-btn").count(), 24, "a branch keeps the token budget");
    assert.equal(await page.locator(".tok-btn.carried").count(), 2);
    const shown = await page.locator("#tok-2").innerText();
    assert.equal(shown.trim(), altText.replace(/^␣/, "").trim(), "the alternative took the token's place");
    await shot("05-branch");
  });

  test("the beam search tree shows every beam, pruned and finished hypotheses and why it stopped", async () => {
    await page.getByRole("tab", { name: "Beam search" }).click();
    await page.getByLabel("new tokens").fill("12");
    await page.getByLabel("new tokens").press("Enter");
    await page.getByRole("button", { name: "Run beam search" }).click();
    await page.getByTestId("beam-tree").waitFor();
    assert.ok((await page.locator(".beam-tree rect.node:not(.root)").count()) >= 3);
    assert.ok((await page.locator(".beam-tree .pruned-mark").count()) > 0, "pruned beams are marked");
    assert.match(await page.getByTestId("stop-reason").innerText(), /Stopped: .+/);
    assert.equal(await page.locator("ol.hypotheses > li").count(), 3);
    await shot("06-beam");
  });

  test("Compare runs strategies side by side with their metrics", async () => {
    await page.getByRole("tab", { name: "Compare" }).click();
    await setPrompt("Once upon a time");
    await page.getByLabel("strategies", { exact: true }).fill("greedy;t:1.5");
    await page.getByRole("button", { name: "Compare", exact: true }).click();
    const table = page.getByTestId("compare-table");
    await table.waitFor({ timeout: 20_000 });
    assert.equal(await table.locator("tbody tr").count(), 2);
    assert.ok((await table.locator(".repeat").count()) > 0, "greedy's repeats are underlined");
    await shot("07-compare");
  });

  test("an empty prompt and a prompt longer than the context get clear messages", async () => {
    await page.getByRole("tab", { name: "Next token" }).click();
    await setPrompt("   ");
    await page.getByRole("button", { name: "Step", exact: true }).click();
    assert.match(await page.getByTestId("problem").innerText(), /prompt is empty/);
    await shot("08-empty-prompt");

    await setPrompt("the cat sat on the mat ".repeat(100));
    await page.getByTestId("token-count").filter({ hasText: "longer than the model's context" }).waitFor();
    await page.getByRole("button", { name: "Step", exact: true }).click();
    await page.getByTestId("problem").filter({ hasText: "context length is 512" }).waitFor();
    await shot("09-too-long");
  });

  test("a phone-sized screen shows Chinese and emoji text and the distribution", async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    try {
      await phone.goto(`${server.url}/`);
      await phone.getByRole("status").filter({ hasText: "connected" }).waitFor();
      await phone.getByLabel("Prompt", { exact: true }).fill("小猫说：你好 🐱🌈 Lily saw a");
      await phone.getByRole("button", { name: "Step", exact: true }).click();
      await phone.locator("section.distribution").waitFor();
      const overflow = await phone.evaluate("document.documentElement.scrollWidth");
      assert.ok((overflow as number) <= 390, `no sideways scrolling (page is ${String(overflow)} px wide)`);
      await phone.screenshot({ path: join(SHOTS, "10-phone-cjk-emoji.png"), fullPage: true });
    } finally {
      await phone.close();
    }
  });

  test("a server that went away gets a message, not a blank page", async () => {
    await server.close();
    await setPrompt("Lily and Ben");
    await page.getByRole("button", { name: "Step", exact: true }).click();
    await page.getByTestId("problem").filter({ hasText: "Cannot reach the nextoken server" }).waitFor();
    assert.match(await page.getByRole("status").innerText(), /unreachable/);
    assert.equal(await page.locator("section.distribution").count(), 1, "what was shown stays");
    await shot("11-server-gone");
    assert.deepEqual(pageErrors, [], "no uncaught errors in the page");
  });
});
