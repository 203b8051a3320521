// bearerkit-wasm in headless Chromium (the Debian package, driven by playwright-core): the shared
// vectors and WebCrypto interop inside a page, and the workbench used as a person would, with a
// screenshot saved under test-artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { serve } from "../www/serve.mjs";

const executablePath = process.env.CHROMIUM ?? execFileSync("sh", ["-c", "command -v chromium"]).toString().trim();
let server, browser, base;

before(async () => {
  server = await serve(0);
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
});
after(async () => {
  await browser?.close();
  server?.close();
});

test("vectors and WebCrypto interop in Chromium", async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/tests/browser.html`);
  const result = await (await page.waitForFunction(() => window.__result, null, { timeout: 60_000 })).jsonValue();
  assert.deepEqual(result.failures, []);
  assert.ok(result.passed > 450, `only ${result.passed} checks ran`);
  assert.equal(result.webcryptoVerifies, true);
  assert.equal(result.bearerkitVerifies, true);
  assert.equal(result.tamperedCode, "signature_out_of_range");
  await page.close();
});

test("the workbench: generate, sign a D1 assertion, verify it, refuse a tampered one", async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1800 } });
  await page.goto(`${base}/www/`);
  await page.waitForFunction(() => window.bearerkitReady);
  await page.click("#generate");
  assert.match(await page.inputValue("#key"), /BEGIN EC PRIVATE KEY/);
  assert.equal((await page.textContent("#thumbprint")).length, 43);
  await page.fill("#issuer", "MGW_ID_0042");
  await page.fill("#kid", "kid-7");
  await page.click("#sign");
  const token = await page.textContent("#token");
  assert.equal(token.split(".").length, 3);
  const claims = JSON.parse(await page.textContent("#decoded-claims"));
  assert.deepEqual([claims.iss, claims.sub, claims.aud], ["MGW_ID_0042", "MGW_ID_0042", "prd"]);
  assert.equal(JSON.parse(await page.textContent("#decoded-header")).kid, "kid-7");
  // The signed token is in the verify box: with the expected audience it is valid...
  await page.fill("#v-audience", "prd");
  await page.click("#verify");
  assert.match(await page.textContent("#verify-result"), /^valid/);
  // ... without it, the core's default refuses it, and a changed signature is refused too.
  await page.fill("#v-audience", "");
  await page.click("#verify");
  assert.match(await page.textContent("#verify-result"), /unexpected_audience/);
  await page.fill("#v-audience", "prd");
  await page.fill("#verify-token", token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA"));
  await page.click("#verify");
  assert.match(await page.textContent("#verify-result"), /refused: (bad_signature|bad_base64|signature_out_of_range)/);
  // A bad key shows its code.
  await page.fill("#key", "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----");
  assert.match(await page.textContent("#key-error"), /bad_/);
  mkdirSync(new URL("../test-artifacts/", import.meta.url), { recursive: true });
  await page.screenshot({ path: new URL("../test-artifacts/workbench.png", import.meta.url).pathname, fullPage: true });
  await page.close();
});
