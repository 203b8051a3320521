// bearerkit-wasm in Node (the `--target nodejs` build): the shared vectors, the API, error codes,
// and interop with Node's WebCrypto and jose.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { webcrypto } from "node:crypto";
import * as jose from "jose";
import { runVectors } from "./vectors.mjs";
import { vectorFiles } from "./load.mjs";

const bk = createRequire(import.meta.url)("../pkg/node/bearerkit_wasm.js");
const NOW = Math.floor(Date.now() / 1000);

test("the shared vectors pass byte for byte", () => {
  const { passed, failures } = runVectors(bk, vectorFiles());
  assert.deepEqual(failures, []);
  assert.ok(passed > 450, `only ${passed} checks ran`);
});

test("defaults are the core's, errors carry codes", () => {
  const key = bk.SigningKey.generate();
  const token = bk.signAssertion(key, { iss: "me", aud: "api", expiresIn: 60 });
  assert.throws(() => bk.verify(token, key.publicKey), (e) => e instanceof Error && e.code === "unexpected_audience");
  assert.equal(bk.verify(token, key.publicKey, { audience: "api" }).claims.iss, "me");
  assert.equal(bk.verify(token, key.publicKey, { anyAudience: true }).claims.aud, "api");
  assert.throws(() => bk.verify(token, key.publicKey, { audience: "api", leeway: 3601 }), { code: "invalid_policy" });
  const expired = bk.signClaims(key, { iss: "me", iat: NOW - 7200, exp: NOW - 3600 });
  assert.throws(() => bk.verify(expired, key.publicKey), { code: "expired" });
  const noExp = bk.signClaims(key, { iss: "me", iat: NOW });
  assert.throws(() => bk.verify(noExp, key.publicKey, { required: ["iss"] }), { code: "missing_claim" });
  assert.throws(() => bk.SigningKey.fromPem("nope"), { code: "bad_pem" });
  assert.throws(() => bk.signAssertion(key, { iss: "me" }), { code: "invalid_argument" });
  assert.throws(() => bk.verify("a.b", key.publicKey), { code: "malformed_token" });
  assert.throws(() => key.toPem("der"), { code: "invalid_argument" });
  const d = key.toJwk().d;
  assert.ok(!String(key).includes(d));
});

test("error messages: the core's text with its numbers, option names, no secrets", () => {
  // The module links no formatting code: the core builds its messages itself.
  const key = bk.SigningKey.generate();
  const token = bk.signAssertion(key, { iss: "me", expiresIn: 60 });
  assert.throws(() => bk.verify(token, key.publicKey, { maxBytes: 16 }), {
    code: "token_too_large",
    name: "BearerkitError",
    message: `token too large: limit 16 bytes, got ${token.length}`,
  });
  const [h, c] = token.split(".");
  assert.throws(() => bk.verify(`${h}.${c}.AAAA`, key.publicKey), {
    code: "bad_signature_length",
    message: "invalid signature length: expected 64 bytes, got 3",
  });
  assert.throws(() => bk.signAssertion(key, { iss: "me", expiresIn: 1.5 }), {
    code: "invalid_argument",
    message: "expiresIn must be a whole number of seconds, at least 0",
  });
  assert.throws(() => bk.signAssertion(key, { iss: 7, expiresIn: 60 }), { code: "invalid_argument", message: "iss must be a string" });
  assert.throws(() => bk.signAssertion(key, { aud: [1], expiresIn: 60 }), { code: "invalid_argument", message: "aud must hold strings" });
  assert.throws(() => bk.signAssertion(key, { iss: "me", exp: -1 }), { code: "invalid_argument" });
  // Past 2^53 − 1 a date is far beyond anything the core accepts: its own code, not a rounded value.
  assert.throws(() => bk.signClaims(key, { exp: 2 ** 60 }), (e) => e.code !== "invalid_argument" && typeof e.code === "string");
  // A random jti: 32 lower-case hex digits.
  const claims = bk.decodeUnverified(bk.d1Assertion(key, { issuerId: "MGW", env: "stg", kid: "k1" })).claims;
  assert.match(claims.jti, /^[0-9a-f]{32}$/);
  const d = key.toJwk().d;
  for (const f of [() => bk.SigningKey.fromPem(key.toPem().replace("A", "*")), () => bk.SigningKey.fromJwk({ ...key.toJwk(), crv: "P-384" })]) {
    assert.throws(f, (e) => typeof e.code === "string" && !e.message.includes(d));
  }
});

test("profiles, key sets, decodeUnverified, thumbprints", () => {
  const key = bk.SigningKey.generate();
  const d1 = bk.d1Assertion(key, { issuerId: "MGW_1", env: "prd", kid: "k1", now: NOW });
  const t = bk.verifyD1Assertion(d1, key.publicKey, { issuerId: "MGW_1", env: "prd", kid: "k1", now: NOW });
  assert.deepEqual([t.claims.iss, t.claims.sub, t.claims.aud, t.header.typ], ["MGW_1", "MGW_1", "prd", "JWT"]);
  assert.throws(() => bk.verifyD1Assertion(d1, key.publicKey, { issuerId: "MGW_1", env: "stg", kid: "k1", now: NOW }),
    { code: "audience_mismatch" });
  const ca = bk.clientAssertion(key, { clientId: "c1", audience: "https://kc/realms/r", now: NOW });
  assert.equal(bk.verifyClientAssertion(ca, key.publicKey, { clientId: "c1", audience: "https://kc/realms/r", now: NOW })
    .claims.jti.length, 32);
  const other = bk.SigningKey.generate();
  const set = new bk.KeySet();
  set.add("k1", key.publicKey);
  set.add("k2", other.publicKey);
  assert.deepEqual([set.size, set.kids()], [2, ["k1", "k2"]]);
  const t2 = bk.signAssertion(other, { iss: "me", expiresIn: 60, kid: "k2" });
  assert.equal(bk.verifyWithKeySet(t2, set).header.kid, "k2");
  assert.throws(() => bk.verifyWithKeySet(bk.signAssertion(other, { iss: "me", expiresIn: 60, kid: "k1" }), set),
    { code: "bad_signature" });
  const u = bk.decodeUnverified(t2);
  assert.deepEqual([u.header.kid, u.claims.iss, u.signatureLength], ["k2", "me", 64]);
  assert.equal(bk.jwkThumbprint(key.publicKey.toJwk()), key.thumbprint());
  // A reused key is prepared on its fourth use.
  const vk = bk.VerifyingKey.fromPem(key.publicKey.toPem());
  const tok = bk.signAssertion(key, { iss: "me", expiresIn: 60 });
  for (let i = 0; i < 3; i++) { bk.verify(tok, vk); assert.equal(vk.isPrepared, false); }
  bk.verify(tok, vk);
  assert.equal(vk.isPrepared, true);
});

test("interop with WebCrypto and jose, both ways", async () => {
  const key = bk.SigningKey.generate();
  const token = bk.signAssertion(key, { iss: "me", aud: "api", expiresIn: 60, kid: "k1" });
  // bearerkit -> WebCrypto
  const pub = await webcrypto.subtle.importKey("spki", key.publicKey.toSpkiDer(), { name: "ECDSA", namedCurve: "P-256" },
    false, ["verify"]);
  const [h, c, s] = token.split(".");
  const ok = await webcrypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub, Buffer.from(s, "base64url"),
    new TextEncoder().encode(`${h}.${c}`));
  assert.equal(ok, true);
  // bearerkit -> jose
  const { payload } = await jose.jwtVerify(token, await jose.importJWK(key.publicKey.toJwk(), "ES256"), { audience: "api" });
  assert.equal(payload.iss, "me");
  // WebCrypto -> bearerkit
  const priv = await webcrypto.subtle.importKey("pkcs8", key.toPkcs8Der(), { name: "ECDSA", namedCurve: "P-256" }, false,
    ["sign"]);
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${enc({ alg: "ES256" })}.${enc({ iss: "wc", exp: NOW + 60 })}`;
  const sig = await webcrypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, priv, new TextEncoder().encode(input));
  assert.equal(bk.verify(`${input}.${Buffer.from(sig).toString("base64url")}`, key.publicKey).claims.iss, "wc");
  // jose -> bearerkit
  const byJose = await new jose.SignJWT({ iss: "jose" }).setProtectedHeader({ alg: "ES256" }).setExpirationTime("1m")
    .sign(await jose.importJWK(key.toJwk(), "ES256"));
  assert.equal(bk.verify(byJose, key.publicKey).claims.iss, "jose");
});
