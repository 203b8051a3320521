// bearerkit-wasm in headless Chromium (the Debian package, driven by playwright-core): the shared
// vectors and WebCrypto interop inside a page, and the workbench used as a person would, with a
// screenshot saved under test-artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { X509Certificate, createHash } from "node:crypto";
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
  assert.equal(result.tamperedClass, "InvalidToken");
  await page.close();
});

const shot = new URL("../test-artifacts/workbench.png", import.meta.url).pathname;

test("the workbench: generate a key, sign a D1 assertion, verify it, refuse it with exact codes", async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 2200 } });
  mkdirSync(new URL("../test-artifacts/", import.meta.url), { recursive: true });
  rmSync(shot, { force: true });
  try {
    await page.goto(`${base}/www/`);
    await page.waitForFunction(() => window.bearerkitReady);
    // Generate in each format: the key box holds it, the page reads it back.
    await page.selectOption("#generate-format", "jwk");
    await page.click("#generate");
    assert.ok(JSON.parse(await page.inputValue("#key")).d);
    await page.selectOption("#generate-format", "pkcs8");
    await page.click("#generate");
    assert.match(await page.inputValue("#key"), /^-----BEGIN PRIVATE KEY-----/);
    await page.selectOption("#generate-format", "sec1");
    await page.click("#generate");
    assert.match(await page.inputValue("#key"), /^-----BEGIN EC PRIVATE KEY-----/);
    assert.match(await page.textContent("#key-kind"), /^private/);
    assert.equal((await page.textContent("#thumbprint")).length, 43);
    assert.equal(JSON.parse(await page.textContent("#public-jwk")).d, undefined);
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
    assert.equal(JSON.parse(await page.textContent("#verify-claims")).iss, "MGW_ID_0042");
    // ... with the D1 profile too, and refused by it for the other environment ...
    await page.selectOption("#v-policy", "d1");
    await page.fill("#v-issuer", "MGW_ID_0042");
    await page.fill("#v-kid", "kid-7");
    await page.click("#verify");
    assert.match(await page.textContent("#verify-result"), /^valid/);
    await page.fill("#v-audience", "stg");
    await page.click("#verify");
    assert.equal(await page.textContent("#verify-result"),
      "refused: ClaimMismatch audience_mismatch: aud does not contain the expected audience");
    // ... without an expected audience the core's default refuses it ...
    await page.selectOption("#v-policy", "generic");
    await page.fill("#v-issuer", "");
    await page.fill("#v-kid", "");
    await page.fill("#v-audience", "");
    await page.click("#verify");
    assert.match(await page.textContent("#verify-result"), /^refused: ClaimMismatch unexpected_audience: /);
    // ... and a changed signature byte is refused with its exact code (a character in the
    // middle of the signature: a valid encoding of a different, in-range s).
    await page.fill("#v-audience", "prd");
    const i = token.length - 20;
    await page.fill("#verify-token", token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1));
    await page.click("#verify");
    assert.match(await page.textContent("#verify-result"), /^refused: InvalidToken bad_signature: /);
    // An expired token at a chosen `now`.
    await page.fill("#verify-token", token);
    await page.fill("#v-now", String(claims.exp + 3600));
    await page.click("#verify");
    assert.match(await page.textContent("#verify-result"), /^refused: ExpiredToken expired: /);
    await page.fill("#v-now", "");
    // A bad key shows its class and code.
    await page.fill("#key", "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----");
    assert.match(await page.textContent("#key-error"), /^InvalidKey bad_/);
  } finally {
    await page.screenshot({ path: shot, fullPage: true });
    await page.close();
  }
  assert.ok(statSync(shot).size > 10_000, "the screenshot was written");
});

test("the workbench: PKCS#8 key, client assertion, a separate public JWK, certificate thumbprints", async () => {
  const keys = JSON.parse(readFileSync(new URL("../../../tests/vectors/keys.json", import.meta.url), "utf8"));
  const vector = (name) => keys.valid.find((c) => c.name === name);
  const pem = (name) => vector(name).input;
  const page = await browser.newPage();
  try {
    await page.goto(`${base}/www/`);
    await page.waitForFunction(() => window.bearerkitReady);
    await page.fill("#key", pem("pkcs8_pem"));
    assert.equal(await page.textContent("#thumbprint"), vector("pkcs8_pem").thumbprint);
    await page.selectOption("#profile", "client-assertion");
    await page.fill("#issuer", "merchant-client");
    const realm = "https://example-domain/auth/realms/example-realm";
    assert.equal(await page.inputValue("#audience"), realm);
    await page.click("#sign");
    const claims = JSON.parse(await page.textContent("#decoded-claims"));
    assert.deepEqual([claims.iss, claims.sub, claims.aud], ["merchant-client", "merchant-client", realm]);
    assert.match(claims.jti, /^[0-9a-f]{32}$/);
    // Verified with the public JWK pasted separately, under the client-assertion profile.
    await page.fill("#verify-key", JSON.stringify(vector("pkcs8_pem").public_jwk));
    await page.selectOption("#v-policy", "client-assertion");
    await page.fill("#v-issuer", "merchant-client");
    await page.fill("#v-audience", realm);
    await page.click("#verify");
    assert.match(await page.textContent("#verify-result"), /^valid/);
    await page.fill("#v-issuer", "another-client");
    await page.click("#verify");
    assert.match(await page.textContent("#verify-result"), /^refused: ClaimMismatch issuer_mismatch: /);
    // A public key in the key box verifies but does not sign.
    await page.fill("#key", pem("spki_pem"));
    assert.match(await page.textContent("#key-kind"), /^public/);
    await page.click("#sign");
    assert.match(await page.textContent("#sign-error"), /needs a private key/);
    // Certificate thumbprints, checked against Node's own X.509 parser.
    const certPem = readFileSync(new URL("../../../crates/bearerkit-rsa/tests/keys/ec-p256-cert.pem", import.meta.url), "utf8");
    const cert = new X509Certificate(certPem);
    await page.fill("#cert", certPem);
    await page.click("#cert-thumbprints");
    const out = await page.textContent("#cert-result");
    assert.ok(out.includes(cert.fingerprint.replaceAll(":", "")), out);
    assert.ok(out.includes(createHash("sha1").update(cert.raw).digest("base64url")), out);
    assert.ok(out.includes(createHash("sha256").update(cert.raw).digest("base64url")), out);
    await page.fill("#cert", "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----");
    await page.click("#cert-thumbprints");
    assert.match(await page.textContent("#cert-result"), /^InvalidKey bad_pem/);
  } finally {
    await page.close();
  }
});
