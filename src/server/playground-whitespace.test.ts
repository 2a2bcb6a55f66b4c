// Whitespace-only tokens in the playground, in real Chromium against a real server on loopback with the
// built-in model (KJV verses, one per line, so it writes newlines; stories260K never does): a newline
// token shows ↵ and then breaks the line, it can be hovered and branched from, and the Beam view shows
// it too. Needs `npm run build` (web/dist) and /usr/bin/chromium (npm test's set-up installs it).
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { loadDefaultModel } from "../default-model.js";
import type { Model } from "../load-model.js";
import { CHROMIUM, CHROMIUM_ARGS } from "../testing/chromium.js";
import { type RunningServer, startServer } from "./server.js";
import { DEFAULT_WEB_ROOT } from "./static.js";

/** Greedy from here the built-in model starts a verse on a new line and ends it: "\nAnd the LORD spake
 * unto Moses, saying,\nSpeak …" (a newline token first and one in the middle). */
const PROMPT = "Amen.";
const NEW_TOKENS = 16;

let model: Model;
let server: RunningServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run npm test, whose set-up installs it`);
  assert.ok(
    existsSync(join(DEFAULT_WEB_ROOT, "index.html")),
    `${DEFAULT_WEB_ROOT}index.html is missing: build the page first (npm run build)`,
  );
  model = await loadDefaultModel();
  server = await startServer(model, { modelId: "default", port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 20_000 });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}/`);
  await page.getByRole("status").filter({ hasText: "connected" }).waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The index (in the view) of the last token that is exactly a newline, from the page's buttons. */
async function lastNewline(buttons: Locator): Promise<number> {
  const texts = await Promise.all((await buttons.all()).map((button) => button.getAttribute("title")));
  const index = texts.lastIndexOf(JSON.stringify("\n"));
  assert.ok(index >= 0, `a newline token among ${JSON.stringify(texts)}`);
  return index;
}

async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await locator.boundingBox();
  assert.ok(found, "the element is laid out");
  return found;
}

describe("whitespace tokens in the playground", () => {
  let newline = -1;

  test("Generate shows a newline token as ↵ with the raw text in its tooltip, then breaks the line", async () => {
    await page.getByLabel("Prompt", { exact: true }).fill(PROMPT);
    await page.getByRole("tab", { name: "Generate" }).click();
    await page.getByLabel("greedy (most likely)").check();
    await page.getByLabel("new tokens").fill(String(NEW_TOKENS));
    await page.getByLabel("new tokens").press("Enter");
    await page.getByRole("button", { name: "Generate", exact: true }).click();
    await page.locator(".tok-btn").first().waitFor();
    const buttons = page.locator("p.token-text .tok-btn");
    assert.equal(await buttons.count(), NEW_TOKENS);
    newline = await lastNewline(buttons);
    assert.ok(newline > 0 && newline + 1 < NEW_TOKENS, `tokens before and after the newline (${newline})`);
    const button = page.locator(`#tok-${newline}`);
    assert.equal(await button.innerText(), "↵");
    assert.match((await button.getAttribute("class")) ?? "", /\bwhitespace\b/);
    const glyph = await box(button);
    assert.ok(glyph.width >= 4, `the newline token is ${glyph.width} px wide`);
    const next = await box(page.locator(`#tok-${newline + 1}`));
    assert.ok(next.y >= glyph.y + glyph.height / 2, "the token after a newline starts a new line");
    assert.ok(next.x < glyph.x, "and begins at the left again");
    assert.match(await page.locator("p.token-text").innerText(), /↵\n/);
    const shots = join(process.cwd(), "artifacts", "playground"); // for a person to look at
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, "12-newline-tokens.png"), fullPage: true });
  });

  test("hovering the newline token shows its details in the inspector", async () => {
    await page.locator(`#tok-${newline}`).hover();
    const header = await page.getByTestId("inspector").locator("header").innerText();
    assert.match(
      header,
      new RegExp(`^token ${newline + 1}: ↵ · p [\\d.e-]+ · log p .* · rank \\d+ · entropy`),
    );
    const taken = page.getByTestId("inspector").locator("li.taken code");
    assert.equal(await taken.innerText(), "↵");
  });

  test("branching from the newline token replaces it with the alternative and keeps what came before", async () => {
    await page.locator(`#tok-${newline}`).click();
    const alternative = page
      .getByTestId("inspector")
      .locator("li", { has: page.getByTestId("branch") })
      .first();
    const altText = await alternative.locator("code").innerText();
    assert.notEqual(altText, "↵");
    await alternative.getByTestId("branch").click();
    await page.getByTestId("branch-select").waitFor();
    assert.match(
      await page.getByTestId("gen-summary").innerText(),
      new RegExp(`branch 1: token ${newline + 1}`),
    );
    assert.equal(await page.locator(".tok-btn.carried").count(), newline);
    const shown = await page.locator(`#tok-${newline}`).innerText();
    assert.equal(shown.trim(), altText.replace(/^␣/, "").trim(), "the alternative took the newline's place");
    assert.equal(await page.locator(".tok-btn").count(), NEW_TOKENS, "a branch keeps the token budget");
  });

  test("the Beam view shows newline tokens as ↵ in the tree and in the returned hypotheses", async () => {
    await page.getByRole("tab", { name: "Beam search" }).click();
    await page.getByLabel("new tokens").fill("8");
    await page.getByLabel("new tokens").press("Enter");
    await page.getByRole("button", { name: "Run beam search" }).click();
    await page.getByTestId("beam-tree").waitFor();
    const nodes = await page.locator(".beam-tree .node-text").allTextContents(); // SVG text has no innerText
    assert.ok(nodes.includes("↵"), `a ↵ node among ${JSON.stringify(nodes)}`);
    const hypotheses = page.locator("ol.hypotheses .tok-btn");
    const button = hypotheses.nth(await lastNewline(hypotheses));
    assert.equal(await button.innerText(), "↵");
    assert.ok((await box(button)).width >= 4);
    assert.deepEqual(pageErrors, [], "no uncaught errors in the page");
  });
});
