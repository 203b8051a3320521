// bearerkit-wasm in Node (the `--target nodejs` build): the shared vectors, the API, error codes,
// and interop with Node's WebCrypto and jose.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { inspect } from "node:util";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { webcrypto } from "node:crypto";
import * as jose from "jose";
import { runVectors } from "./vectors.mjs";
import { vectorFiles } from "./load.mjs";

// The package's own Node entry point (index.cjs, through package.json "exports"), as a user loads it.
const bk = createRequire(import.meta.url)("bearerkit-wasm");
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
  assert.equal(String(key), `SigningKey(ES256, thumbprint=${key.thumbprint()})`);
  assert.ok(!String(key).includes(d) && !JSON.stringify(key).includes(d));
  assert.deepEqual(JSON.parse(JSON.stringify({ key })).key, { kty: "EC", crv: "P-256", thumbprint: key.thumbprint() });
});

test("errors are the Node package's classes, by where they happen", () => {
  const key = bk.SigningKey.generate();
  const is = (Class, code, name = Class.name) => (e) => e instanceof Class && e instanceof bk.BearerkitError
    && e instanceof Error && e.code === code && e.name === name;
  const expired = bk.signClaims(key, { iss: "me", iat: NOW - 7200, exp: NOW - 3600 });
  assert.throws(() => bk.verify(expired, key.publicKey), is(bk.ExpiredToken, "expired"));
  assert.throws(() => bk.verify(expired, key.publicKey), is(bk.InvalidToken, "expired", "ExpiredToken"));
  const future = bk.signClaims(key, { iss: "me", nbf: NOW + 3600, exp: NOW + 7200 });
  assert.throws(() => bk.verify(future, key.publicKey), is(bk.NotYetValid, "not_yet_valid"));
  const token = bk.signAssertion(key, { iss: "me", aud: "api", expiresIn: 60 });
  assert.throws(() => bk.verify(token, key.publicKey), is(bk.ClaimMismatch, "unexpected_audience"));
  assert.throws(() => bk.verify("a.b", key.publicKey), (e) => is(bk.InvalidToken, "malformed_token")(e)
    && !(e instanceof bk.ClaimMismatch));
  assert.throws(() => bk.verify(token, key.publicKey, { audience: [] }), is(bk.InvalidPolicy, "invalid_policy"));
  assert.throws(() => bk.SigningKey.fromPem("nope"), is(bk.InvalidKey, "bad_pem"));
  assert.throws(() => bk.VerifyingKey.fromSec1Bytes(new Uint8Array(65)), is(bk.InvalidKey, "invalid_point"));
  assert.throws(() => bk.signClaims(key, { claims: "[1]" }), is(bk.SigningError, "claims_not_object"));
  assert.throws(() => bk.signAssertion(key, { iss: "me" }), is(bk.InvalidArgument, "invalid_argument"));
});

test("options a call does not know are refused, never ignored", () => {
  const key = bk.SigningKey.generate();
  const token = bk.signAssertion(key, { iss: "me", aud: "api", expiresIn: 60 });
  // A misspelt `issuer` must not verify the token without checking its issuer.
  assert.throws(() => bk.verify(token, key.publicKey, { audience: "api", isuer: "someone-else" }),
    { code: "invalid_argument", message: 'unknown option "isuer"' });
  assert.throws(() => bk.signAssertion(key, { iss: "me", expiresIn: 60, audience: "api" }), { message: 'unknown option "audience"' });
  assert.throws(() => bk.signClaims(key, { iss: "me", now: NOW }), { message: 'unknown option "now"' });
  assert.throws(() => bk.d1Assertion(key, { issuerId: "M", env: "prd", kid: "k", aud: "x" }), { code: "invalid_argument" });
  assert.throws(() => bk.clientAssertion(key, { clientId: "c", audience: "a", issuer: "x" }), { code: "invalid_argument" });
  assert.throws(() => bk.verifyD1Assertion(token, key.publicKey, { issuerId: "M", env: "prd", kid: "k", audience: "x" }),
    { code: "invalid_argument" });
  assert.throws(() => bk.verifyClientAssertion(token, key.publicKey, { clientId: "c", audience: "a", issuer: "x" }),
    { code: "invalid_argument" });
  assert.throws(() => key.toPem({ fmt: "sec1" }), { message: 'unknown option "fmt"' });
  // `algorithm` as in the Node package: ES256 is this package's one algorithm.
  assert.equal(bk.verify(bk.signAssertion(key, { iss: "me", expiresIn: 60, algorithm: "ES256" }), key.publicKey).header.alg, "ES256");
  assert.throws(() => bk.signAssertion(key, { iss: "me", expiresIn: 60, algorithm: "RS256" }), { code: "invalid_argument" });
  assert.throws(() => bk.clientAssertion(key, { clientId: "c", audience: "a", algorithm: "PS256" }), { code: "invalid_argument" });
});

test("keys as in the Node package: toPem options, SEC1 points, toString and toJSON", async () => {
  const key = bk.SigningKey.generate();
  assert.match(key.toPem(), /^-----BEGIN PRIVATE KEY-----\n/);
  assert.match(key.toPem({ format: "sec1" }), /^-----BEGIN EC PRIVATE KEY-----\n/);
  assert.equal(key.toPem({ format: "pkcs8" }), key.toPem());
  assert.equal(key.toPem({}), key.toPem());
  assert.throws(() => key.toPem({ format: "der" }), { code: "invalid_argument" });
  const vk = key.publicKey;
  const point = vk.toSec1Bytes();
  assert.ok(point instanceof Uint8Array && point.length === 65 && point[0] === 4);
  // The same bytes as WebCrypto's raw export of the same public key.
  const imported = await webcrypto.subtle.importKey("spki", vk.toSpkiDer(), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  assert.deepEqual(new Uint8Array(await webcrypto.subtle.exportKey("raw", imported)), point);
  assert.ok(bk.VerifyingKey.fromSec1Bytes(point).equals(vk));
  const compressed = Uint8Array.of(2 + (point[64] & 1), ...point.subarray(1, 33));
  assert.ok(bk.VerifyingKey.fromSec1Bytes(compressed).equals(vk));
  assert.equal(String(vk), `VerifyingKey(ES256, thumbprint=${vk.thumbprint()})`);
  assert.deepEqual(JSON.parse(JSON.stringify(vk)), vk.toJwk());
  // jwkThumbprint takes keys as well as JWKs, as in the Node package.
  assert.equal(bk.jwkThumbprint(vk), vk.thumbprint());
  assert.equal(bk.jwkThumbprint(key), key.thumbprint());
  assert.equal(bk.jwkThumbprint(JSON.stringify(vk.toJwk())), vk.thumbprint());
  assert.throws(() => bk.jwkThumbprint({ kty: "EC" }), { code: "bad_jwk" });
});

test("tokens, Assertion and key arguments as in the Node package", () => {
  const [a, b] = [bk.SigningKey.generate(), bk.SigningKey.generate()];
  const set = new bk.KeySet({ ka: a.publicKey, kb: b.publicKey });
  // verify and the profile checks take a VerifyingKey or a KeySet.
  const token = bk.signAssertion(b, { iss: "me", aud: "api", expiresIn: 60, kid: "kb" });
  const t = bk.verify(token, set, { audience: "api" });
  assert.ok(t instanceof bk.VerifiedToken);
  const [h, c] = token.split(".");
  assert.equal(t.headerJson, Buffer.from(h, "base64url").toString());
  assert.equal(t.claimsJson, Buffer.from(c, "base64url").toString());
  assert.deepEqual(JSON.parse(JSON.stringify(t)), { header: t.header, claims: t.claims });
  assert.match(inspect(t), /^VerifiedToken \{ header: \{"alg":"ES256"/);
  assert.equal(bk.verify(token, b.publicKey, { audience: "api" }).claims.iss, "me");
  assert.throws(() => bk.verify(token, a.publicKey, { audience: "api" }), { code: "bad_signature" });
  const d1 = bk.d1Assertion(a, { issuerId: "MGW", env: "stg", kid: "ka", now: NOW });
  assert.equal(bk.verifyD1Assertion(d1, set, { issuerId: "MGW", env: "stg", kid: "ka", now: NOW }).claims.aud, "stg");
  const ca = bk.clientAssertion(b, { clientId: "c1", audience: "https://kc/realms/r", kid: "kb", now: NOW });
  assert.equal(bk.verifyClientAssertion(ca, set, { clientId: "c1", audience: "https://kc/realms/r", now: NOW }).header.kid, "kb");
  // A kid the set does not hold.
  const other = bk.clientAssertion(b, { clientId: "c1", audience: "x", kid: "zz", now: NOW });
  assert.throws(() => bk.verifyClientAssertion(other, set, { clientId: "c1", audience: "x", now: NOW }), { code: "kid_mismatch" });
  // decodeUnverified gives an UnverifiedToken.
  const u = bk.decodeUnverified(token);
  assert.ok(u instanceof bk.UnverifiedToken);
  assert.deepEqual([u.header.kid, u.claims.aud, u.signatureLength], ["kb", "api", 64]);
  // Wrong argument types: a TypeError with Node's code, never a wrong answer.
  const wrongType = { name: "TypeError", code: "ERR_INVALID_ARG_TYPE" };
  assert.throws(() => bk.verify(token, a, { audience: "api" }), wrongType);
  assert.throws(() => bk.verify(token, a.publicKey.toJwk()), wrongType);
  assert.throws(() => bk.verify(42, a.publicKey), wrongType);
  assert.throws(() => bk.verifyWithKeySet(token, a.publicKey), wrongType);
  assert.throws(() => bk.signAssertion(a.publicKey, { iss: "me", expiresIn: 60 }), wrongType);
  assert.throws(() => bk.decodeUnverified(null), wrongType);
  // The Assertion class: exactly the members given, as signClaims.
  const members = { iss: "me", sub: "me", aud: ["x", "y"], iat: NOW, exp: NOW + 60, jti: "j1", kid: "k", claims: { scope: "a b" } };
  const assertion = new bk.Assertion(members);
  assert.equal(assertion.sign(a), bk.signClaims(a, members));
  assert.equal(assertion.sign(a, { algorithm: "ES256" }), bk.signClaims(a, members));
  assert.throws(() => assertion.sign(a, { algorithm: "PS256" }), { code: "invalid_argument" });
  assert.throws(() => assertion.sign(a.publicKey), wrongType);
  assert.throws(() => new bk.Assertion({ issuer: "me" }), { code: "invalid_argument", name: "InvalidArgument" });
  assert.throws(() => new bk.Assertion({ exp: NOW, expiresIn: 60 }), { code: "invalid_argument" });
  assert.equal(inspect(assertion), "Assertion { ... }");
  // Keys in Node's inspect show what toString shows.
  assert.equal(inspect(a), a.toString());
  assert.equal(inspect(set), 'KeySet(["ka","kb"])');
});

test("options: inherited members count, a getter's exception is not swallowed", () => {
  const key = bk.SigningKey.generate();
  const token = bk.signAssertion(key, { iss: "me", aud: "api", expiresIn: 60 });
  // An inherited option is read, and an inherited unknown one refused (what for…in lists).
  assert.throws(() => bk.verify(token, key.publicKey, Object.create({ audience: "api", issuer: "someone-else" })),
    { code: "issuer_mismatch" });
  assert.throws(() => bk.verify(token, key.publicKey, Object.create({ audience: "api", isuer: "x" })),
    { code: "invalid_argument", message: 'unknown option "isuer"' });
  assert.throws(() => bk.signAssertion(key, Object.create({ iss: "me", expiresIn: 60, issuer: "x" })),
    { code: "invalid_argument" });
  // A getter that throws fails the call (never an option silently left out).
  const boom = new Error("boom");
  assert.throws(() => bk.verify(token, key.publicKey, { audience: "api", get issuer() { throw boom; } }), (e) => e === boom);
  assert.throws(() => bk.d1Assertion(key, { issuerId: "M", env: "prd", get kid() { throw boom; } }), (e) => e === boom);
});

test("inputs as in the Node package: PEM bytes, DER certificates, BigInt claims, snapshots", async () => {
  const key = bk.SigningKey.generate();
  const pem = key.toPem();
  assert.equal(bk.SigningKey.fromPem(new TextEncoder().encode(pem)).thumbprint(), key.thumbprint());
  assert.ok(bk.VerifyingKey.fromPem(Buffer.from(key.publicKey.toPem())).equals(key.publicKey));
  assert.throws(() => bk.SigningKey.fromPem(Uint8Array.of(0xff, 0xfe)), { name: "InvalidKey", code: "bad_pem" });
  assert.throws(() => bk.SigningKey.fromPem(42), { name: "TypeError", code: "ERR_INVALID_ARG_TYPE" });
  // equals answers false for anything but a VerifyingKey.
  assert.deepEqual([key.publicKey.equals(key), key.publicKey.equals(null), key.publicKey.equals(key.publicKey)], [false, false, true]);
  // A certificate as PEM text, PEM bytes or DER bytes gives the same fingerprints as Node's X.509.
  const certPem = readFileSync(new URL("../../../crates/bearerkit-rsa/tests/keys/ec-p256-cert.pem", import.meta.url), "utf8");
  const { X509Certificate, createHash } = await import("node:crypto");
  const cert = new X509Certificate(certPem);
  const expected = { sha1Hex: cert.fingerprint.replaceAll(":", ""), x5t: createHash("sha1").update(cert.raw).digest("base64url"),
    x5tS256: createHash("sha256").update(cert.raw).digest("base64url") };
  for (const input of [certPem, Buffer.from(`\n ${certPem}`), new Uint8Array(cert.raw), cert.raw.buffer.slice(cert.raw.byteOffset, cert.raw.byteOffset + cert.raw.length)]) {
    assert.deepEqual({ ...bk.certificateThumbprints(input) }, expected);
  }
  assert.throws(() => bk.certificateThumbprints(Uint8Array.of(1, 2, 3)), { name: "InvalidKey", code: "bad_der" });
  assert.throws(() => bk.certificateThumbprints(7), { name: "TypeError" });
  // BigInt claims keep their digits.
  const big = 2n ** 64n + 1n;
  const t = bk.signClaims(key, { iss: "me", exp: NOW + 60, claims: { big, list: [1n, "x"] } });
  assert.equal(bk.verify(t, key.publicKey).claimsJson, `{"iss":"me","exp":${NOW + 60},"big":${big},"list":[1,"x"]}`);
  // An Assertion is a snapshot of its options.
  const claims = { x: 1 };
  const aud = ["a"];
  const assertion = new bk.Assertion({ iss: "me", aud, exp: NOW + 60, claims });
  const before = assertion.sign(key);
  claims.x = 2;
  aud.push("b");
  assert.equal(assertion.sign(key), before);
  // A look-alike object is not a key: jwkThumbprint reads it as a JWK.
  assert.throws(() => bk.jwkThumbprint({ thumbprint: () => "fake" }), { code: "bad_jwk" });
});

test("version: the package's, the crates' and the one exported agree", () => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const cargo = readFileSync(new URL("../../../Cargo.toml", import.meta.url), "utf8");
  const crate = cargo.match(/\[workspace\.package\][^[]*?\nversion = "([^"]+)"/)[1];
  assert.deepEqual([bk.version, pkg.version], [crate, crate]);
});

test("key sets: built from an object, a Map or pairs; a kid given twice is refused", () => {
  const [a, b] = [bk.SigningKey.generate(), bk.SigningKey.generate()];
  const tokenB = bk.signAssertion(b, { iss: "me", expiresIn: 60, kid: "k2" });
  for (const set of [
    new bk.KeySet({ k1: a.publicKey, k2: b.publicKey }),
    new bk.KeySet(new Map([["k1", a.publicKey], ["k2", b.publicKey]])),
    new bk.KeySet([["k1", a.publicKey], ["k2", b.publicKey]]),
  ]) {
    assert.deepEqual([set.size, set.kids(), String(set)], [2, ["k1", "k2"], 'KeySet(["k1","k2"])']);
    assert.equal(bk.verifyWithKeySet(tokenB, set).claims.iss, "me");
  }
  assert.equal(new bk.KeySet().size, 0);
  assert.equal(new bk.KeySet({}).size, 0);
  assert.throws(() => new bk.KeySet([["k1", a.publicKey], ["k1", b.publicKey]]), { code: "invalid_argument", message: "a kid is given twice" });
  const set = new bk.KeySet({ k1: a.publicKey });
  assert.throws(() => set.add("k1", b.publicKey), { code: "invalid_argument" });
  assert.equal(set.size, 1);
  // Wrong types are TypeErrors with Node's code, as in the Node package; look-alikes are not keys.
  const wrongType = { name: "TypeError", code: "ERR_INVALID_ARG_TYPE" };
  assert.throws(() => new bk.KeySet({ k1: a }), { ...wrongType, message: "KeySet: every key must be a VerifyingKey" });
  assert.throws(() => new bk.KeySet({ k1: "not a key" }), wrongType);
  assert.throws(() => new bk.KeySet({ k1: { toSec1Bytes: () => a.publicKey.toSec1Bytes() } }), wrongType);
  assert.throws(() => new bk.KeySet(new Map([[1, a.publicKey]])), { ...wrongType, message: "KeySet: every kid must be a string" });
  assert.throws(() => new bk.KeySet([["k1"]]), wrongType);
  assert.throws(() => new bk.KeySet(["k1"]), wrongType);
  assert.throws(() => new bk.KeySet("k1"), wrongType);
  assert.throws(() => set.add("k2", {}), wrongType);
  assert.equal(set.size, 1);
});

test("error messages: the core's text with its numbers, option names, no secrets", () => {
  // The module links no formatting code: the core builds its messages itself.
  const key = bk.SigningKey.generate();
  const token = bk.signAssertion(key, { iss: "me", expiresIn: 60 });
  assert.throws(() => bk.verify(token, key.publicKey, { maxBytes: 16 }), {
    code: "token_too_large",
    name: "InvalidToken",
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

test("TypeScript: the example passes tsc --strict against the package's types; a misuse does not", () => {
  const pkg = fileURLToPath(new URL("..", import.meta.url));
  const tsc = (...files) => execFileSync(`${pkg}node_modules/.bin/tsc`, ["--strict", "--noEmit", "--target", "es2022",
    "--module", "nodenext", "--moduleResolution", "nodenext", "--lib", "es2022,dom,esnext.disposable", ...files], { cwd: pkg, encoding: "utf8" });
  tsc("examples/quickstart.ts");
  // Files inside the package resolve "bearerkit-wasm" to the package itself (its "exports").
  const dir = mkdtempSync(`${pkg}test-artifacts/tsc-`);
  try {
    writeFileSync(`${dir}/node.mts`, [
      'import { SigningKey, KeySet, verify, ExpiredToken, jwkThumbprint, Assertion } from "bearerkit-wasm";',
      'const key = SigningKey.generate();',
      'const t = verify("t", key.publicKey);',
      'const set = new KeySet(new Map([["k1", key.publicKey]]));',
      'export const out: [unknown, number, string, string] = [t.claims, set.size, jwkThumbprint(key), key.toPem()];',
      'export const isExpired = (e: unknown): boolean => e instanceof ExpiredToken && e.code === "expired";',
      'export const viaSet: string = verify("t", set, { audience: "a" }).headerJson;',
      'export const exact: string = new Assertion({ iss: "me", expiresIn: 60 }).sign(key, { algorithm: "ES256" });',
    ].join("\n"));
    tsc(`${dir}/node.mts`);
    writeFileSync(`${dir}/wrong.mts`, 'import { verify, SigningKey } from "bearerkit-wasm";\nverify("t", SigningKey.generate());\n');
    assert.throws(() => tsc(`${dir}/wrong.mts`), (e) => /TS2345/.test(e.stdout) && /SigningKey/.test(e.stdout));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("npm pack: the tarball installs in a fresh project; require, import and the error classes work", () => {
  const pkg = fileURLToPath(new URL("..", import.meta.url));
  const dir = mkdtempSync(`${tmpdir()}/bearerkit-wasm-pack-`);
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  try {
    execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: pkg, stdio: ["ignore", "pipe", "pipe"] });
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    assert.ok(tarball, "npm pack wrote a tarball");
    writeFileSync(`${dir}/package.json`, '{"name": "fresh", "private": true}');
    run("npm", ["install", "--no-audit", "--no-fund", "--offline", "--loglevel=error", `./${tarball}`]);
    assert.ok(!lstatSync(`${dir}/node_modules/bearerkit-wasm`).isSymbolicLink(), "a real copy, not a link");
    const smoke = (ext, load) => {
      writeFileSync(`${dir}/smoke.${ext}`, `${load}
const key = bk.SigningKey.generate();
const token = bk.d1Assertion(key, { issuerId: "MGW", env: "prd", kid: "k1" });
try { bk.verify(token, key.publicKey, { audience: "stg" }); } catch (e) {
  console.log(e instanceof bk.ClaimMismatch && e instanceof bk.BearerkitError, e.name, e.code);
}`);
      return run(process.execPath, [`smoke.${ext}`]).trim();
    };
    assert.equal(smoke("cjs", 'const bk = require("bearerkit-wasm");'), "true ClaimMismatch audience_mismatch");
    assert.equal(smoke("mjs", 'import * as bk from "bearerkit-wasm";'), "true ClaimMismatch audience_mismatch");
    // The browser entry point from the tarball too (index.mjs, pkg/web, errors.mjs), with the
    // module's bytes given to initSync (Node's fetch reads no file: URLs).
    assert.equal(smoke("web.mjs", `import * as bk from "bearerkit-wasm/web";
import { readFileSync } from "node:fs";
bk.initSync({ module: readFileSync(new URL("./node_modules/bearerkit-wasm/pkg/web/bearerkit_wasm_bg.wasm", import.meta.url)) });`),
    "true ClaimMismatch audience_mismatch");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
