'use strict';
// The Node API: keys with node:crypto, interop with jose both ways, the profiles, key sets,
// external signers (async, raw or DER), RSA keys, async variants, errors and their codes, the
// core's defaults, and secrets kept out of inspect/toString/JSON.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { inspect } = require('node:util');
const { bearerkit, load } = require('./helpers');

const NOW = Math.floor(Date.now() / 1000);
let jose;
test.before(async () => {
  jose = await import('jose');
});

function ecPair() {
  return crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

// ---- keys ------------------------------------------------------------------------------------

test('keys from node:crypto import, and export back to node:crypto', () => {
  const { privateKey, publicKey } = ecPair();
  const sec1 = bearerkit.SigningKey.fromPem(privateKey.export({ type: 'sec1', format: 'pem' }));
  const pkcs8 = bearerkit.SigningKey.fromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const der = bearerkit.SigningKey.fromPkcs8Der(privateKey.export({ type: 'pkcs8', format: 'der' }));
  const sec1Der = bearerkit.SigningKey.fromSec1Der(privateKey.export({ type: 'sec1', format: 'der' }));
  const jwk = bearerkit.SigningKey.fromJwk(privateKey.export({ format: 'jwk' }));
  for (const k of [pkcs8, der, sec1Der, jwk]) assert.equal(k.thumbprint(), sec1.thumbprint());
  // bearerkit's PEM, DER and JWK read back in node:crypto as the same key.
  const d = privateKey.export({ format: 'jwk' }).d;
  for (const text of [sec1.toPem(), sec1.toPem({ format: 'sec1' })]) {
    assert.equal(crypto.createPrivateKey(text).export({ format: 'jwk' }).d, d);
  }
  assert.equal(crypto.createPrivateKey({ key: sec1.toPkcs8Der(), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }).d, d);
  assert.equal(crypto.createPrivateKey({ key: sec1.toJwk(), format: 'jwk' }).export({ format: 'jwk' }).d, d);
  const pub = bearerkit.VerifyingKey.fromPem(publicKey.export({ type: 'spki', format: 'pem' }));
  assert.ok(pub.equals(sec1.publicKey));
  assert.ok(bearerkit.VerifyingKey.fromSpkiDer(publicKey.export({ type: 'spki', format: 'der' })).equals(pub));
  assert.ok(bearerkit.VerifyingKey.fromJwk(publicKey.export({ format: 'jwk' })).equals(pub));
  assert.deepEqual(crypto.createPublicKey(pub.toPem()).export({ format: 'jwk' }), publicKey.export({ format: 'jwk' }));
  assert.deepEqual(crypto.createPublicKey({ key: pub.toSpkiDer(), format: 'der', type: 'spki' }).export({ format: 'jwk' }), publicKey.export({ format: 'jwk' }));
  assert.ok(bearerkit.VerifyingKey.fromSec1Bytes(pub.toSec1Bytes()).equals(pub));
  assert.throws(() => sec1.toPem({ format: 'der' }), (e) => e instanceof bearerkit.InvalidArgument && e.code === 'invalid_argument');
});

test('JWK round trip and RFC 7638 thumbprints, computed independently', () => {
  const key = bearerkit.SigningKey.generate();
  const jwk = key.toJwk();
  assert.deepEqual(Object.keys(jwk).sort(), ['crv', 'd', 'kty', 'x', 'y']);
  assert.equal(bearerkit.SigningKey.fromJwk(JSON.stringify(jwk)).thumbprint(), key.thumbprint());
  const pub = key.publicKey.toJwk();
  assert.equal(pub.d, undefined);
  const canonical = JSON.stringify({ crv: pub.crv, kty: pub.kty, x: pub.x, y: pub.y });
  const digest = crypto.createHash('sha256').update(canonical).digest('base64url');
  assert.equal(key.thumbprint(), digest);
  assert.equal(bearerkit.jwkThumbprint(pub), digest);
  assert.equal(bearerkit.jwkThumbprint(key.publicKey), digest);
  assert.equal(bearerkit.jwkThumbprint(JSON.stringify(pub)), digest);
});

test('inspect, toString and JSON.stringify never show a private key', () => {
  const key = bearerkit.SigningKey.generate();
  const { d } = key.toJwk();
  for (const shown of [inspect(key), String(key), JSON.stringify(key), inspect({ key }), `${key.publicKey}`]) {
    assert.ok(!shown.includes(d));
    assert.match(shown, /thumbprint/);
  }
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsa = bearerkit.RsaSigningKey.fromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const rsaD = privateKey.export({ format: 'jwk' }).d;
  for (const shown of [inspect(rsa), String(rsa), JSON.stringify(rsa)]) assert.ok(!shown.includes(rsaD));
});

test('bad key inputs are InvalidKey with codes; wrong types are TypeErrors', () => {
  const cases = [
    [() => bearerkit.SigningKey.fromPem('not a key'), 'bad_pem'],
    [() => bearerkit.SigningKey.fromPem(Buffer.from([0xff, 0xfe])), 'bad_pem'],
    [() => bearerkit.VerifyingKey.fromJwk({ kty: 'EC', crv: 'P-384', x: 'AA', y: 'AA' }), 'wrong_curve'],
    [() => bearerkit.VerifyingKey.fromJwk('{'), 'bad_jwk'],
    [() => bearerkit.VerifyingKey.fromSec1Bytes(Buffer.concat([Buffer.from([5]), Buffer.alloc(64, 1)])), 'invalid_point'],
    [() => bearerkit.SigningKey.fromPkcs8Der(Buffer.from([0x30, 0x00])), 'bad_der'],
    [() => bearerkit.RsaSigningKey.fromPem(crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' })), 'rsa_key_size'],
    [() => bearerkit.certificateThumbprints('nope'), 'bad_pem'],
  ];
  for (const [call, code] of cases) {
    assert.throws(call, (e) => e instanceof bearerkit.InvalidKey && e instanceof bearerkit.BearerkitError && e instanceof Error && e.code === code, code);
  }
  assert.throws(() => bearerkit.SigningKey.fromPem(42), TypeError);
  assert.throws(() => bearerkit.verify('a.b.c', bearerkit.SigningKey.generate()), TypeError);
  // A value given in the wrong place is not echoed in the error.
  const key = bearerkit.SigningKey.generate();
  assert.throws(() => bearerkit.verify('a.b.c', key.publicKey, { issuer: 1234567 }), (e) => e instanceof TypeError && !e.message.includes('1234567'));
  assert.throws(() => new bearerkit.SigningKey(), TypeError);
});

// ---- signing and verification: the core's defaults and codes ----------------------------------

test("omitted options are the core's defaults", () => {
  const key = bearerkit.SigningKey.generate();
  const token = bearerkit.signAssertion(key, { iss: 'me', aud: 'api', expiresIn: 60 });
  // No audience named: a token that carries one is refused...
  assert.throws(() => bearerkit.verify(token, key.publicKey), (e) => e instanceof bearerkit.ClaimMismatch && e.code === 'unexpected_audience');
  // ... unless it is named or explicitly not checked.
  assert.equal(bearerkit.verify(token, key.publicKey, { audience: 'api' }).claims.aud, 'api');
  assert.equal(bearerkit.verify(token, key.publicKey, { audience: ['other', 'api'] }).claims.iss, 'me');
  assert.equal(bearerkit.verify(token, key.publicKey, { anyAudience: true }).claims.iss, 'me');
  assert.throws(() => bearerkit.verify(token, key.publicKey, { audience: 'api', anyAudience: true }), bearerkit.InvalidArgument);
  assert.throws(() => bearerkit.verify(token, key.publicKey, { audiance: 'api' }), (e) => e.code === 'invalid_argument');
  // exp is required by default, whatever `required` adds.
  const noExp = new bearerkit.Assertion({ iss: 'me', iat: NOW }).sign(key);
  for (const extra of [{}, { required: ['iss'] }]) {
    assert.throws(() => bearerkit.verify(noExp, key.publicKey, extra), (e) => e instanceof bearerkit.InvalidToken && e.code === 'missing_claim');
  }
  assert.deepEqual(bearerkit.verify(noExp, key.publicKey, { dangerousAllowMissingExp: true }).claims, { iss: 'me', iat: NOW });
  assert.throws(() => bearerkit.verify(token, key.publicKey, { audience: 'api', leeway: 3601 }), (e) => e instanceof bearerkit.InvalidPolicy && e.code === 'invalid_policy');
  // signAssertion wants exactly one of expiresIn and exp.
  assert.throws(() => bearerkit.signAssertion(key, { iss: 'me' }), bearerkit.InvalidArgument);
});

test('error families and codes', () => {
  const key = bearerkit.SigningKey.generate();
  const other = bearerkit.SigningKey.generate();
  const expired = new bearerkit.Assertion({ iss: 'me', iat: NOW - 7200, exp: NOW - 3600 }).sign(key);
  const future = new bearerkit.Assertion({ iss: 'me', iat: NOW, nbf: NOW + 3600, exp: NOW + 7200 }).sign(key);
  const ok = bearerkit.signAssertion(key, { iss: 'me', expiresIn: 60 });
  const cases = [
    [() => bearerkit.verify(expired, key.publicKey), bearerkit.ExpiredToken, 'expired'],
    [() => bearerkit.verify(future, key.publicKey), bearerkit.NotYetValid, 'not_yet_valid'],
    [() => bearerkit.verify(ok, other.publicKey), bearerkit.InvalidToken, 'bad_signature'],
    [() => bearerkit.verify(ok, key.publicKey, { issuer: 'you' }), bearerkit.ClaimMismatch, 'issuer_mismatch'],
    [() => bearerkit.verify('a.b', key.publicKey), bearerkit.InvalidToken, 'malformed_token'],
    [() => bearerkit.verify(ok, key.publicKey, { maxBytes: 10 }), bearerkit.InvalidToken, 'token_too_large'],
    [() => bearerkit.decodeUnverified('eA.eA.eA'), bearerkit.InvalidToken, 'bad_json'],
    [() => new bearerkit.Assertion({ iss: 'x', claims: '[1]' }).sign(key), bearerkit.SigningError, 'claims_not_object'],
    [() => new bearerkit.Assertion({ iss: 'x', claims: { iss: 'again' } }).sign(key), bearerkit.SigningError, 'duplicate_member'],
  ];
  for (const [call, cls, code] of cases) {
    assert.throws(call, (e) => {
      assert.ok(e instanceof cls, `${e.name} is not ${cls.name} (${code})`);
      assert.equal(e.code, code);
      assert.equal(e.name, cls.name === 'InvalidToken' ? e.constructor.name : cls.name);
      assert.ok(e.message.length > 0 && !e.message.includes(ok));
      assert.ok(typeof e.stack === 'string');
      return true;
    });
  }
});

test('the async variants resolve and reject like the sync calls', async () => {
  const key = bearerkit.SigningKey.generate();
  const opts = { issuerId: 'MGW_1', env: 'prd', kid: 'k1', now: NOW, jti: 'j-1' };
  const token = await bearerkit.d1AssertionAsync(key, opts);
  assert.equal(token, bearerkit.d1Assertion(key, opts), 'deterministic ES256: the same token');
  const v = await bearerkit.verifyD1AssertionAsync(token, key.publicKey, { issuerId: 'MGW_1', env: 'prd', kid: 'k1', now: NOW });
  assert.equal(v.claims.sub, 'MGW_1');
  await assert.rejects(bearerkit.verifyD1AssertionAsync(token, key.publicKey, { issuerId: 'MGW_2', env: 'prd', kid: 'k1', now: NOW }), (e) => e instanceof bearerkit.ClaimMismatch && e.code === 'issuer_mismatch');
  await assert.rejects(bearerkit.verifyAsync(token, bearerkit.SigningKey.generate().publicKey, { anyAudience: true }), (e) => e.code === 'bad_signature');
  await assert.rejects(bearerkit.signAssertionAsync(key, { iss: 'x', exp: 253402300800 }), (e) => e instanceof bearerkit.SigningError && e.code === 'date_out_of_range');
  await assert.rejects(bearerkit.verifyAsync(token, key.publicKey, { nope: 1 }), bearerkit.InvalidArgument);
  assert.equal(await new bearerkit.Assertion({ iss: 'a', exp: NOW + 60 }).signAsync(key), new bearerkit.Assertion({ iss: 'a', exp: NOW + 60 }).sign(key));
  const ca = await bearerkit.clientAssertionAsync(key, { clientId: 'c', audience: 'https://as.example', now: NOW });
  assert.equal(bearerkit.verifyClientAssertion(ca, key.publicKey, { clientId: 'c', audience: 'https://as.example', now: NOW }).claims.iss, 'c');
});

test('D1 and client-assertion profiles, key sets, decodeUnverified', () => {
  const k1 = bearerkit.SigningKey.generate();
  const k2 = bearerkit.SigningKey.generate();
  const token = bearerkit.d1Assertion(k2, { issuerId: 'MGW', env: 'stg', kid: 'k2', now: NOW });
  const set = new bearerkit.KeySet({ k1: k1.publicKey, k2: k2.publicKey });
  assert.deepEqual(set.kids(), ['k1', 'k2']);
  assert.equal(set.size, 2);
  const v = bearerkit.verifyD1Assertion(token, set, { issuerId: 'MGW', env: 'stg', kid: 'k2', now: NOW });
  assert.deepEqual(v.header, { alg: 'ES256', typ: 'JWT', kid: 'k2' });
  assert.equal(v.claims.aud, 'stg');
  assert.equal(v.claims.exp - v.claims.iat, 300);
  assert.match(v.claims.jti, /^[0-9a-f]{32}$/);
  const { header, claims } = v;
  assert.equal(header.kid, 'k2');
  assert.equal(claims.iss, 'MGW');
  assert.equal(JSON.parse(v.claimsJson).sub, 'MGW');
  assert.throws(() => bearerkit.verifyD1Assertion(token, new bearerkit.KeySet(new Map([['k1', k1.publicKey]])), { issuerId: 'MGW', env: 'stg', kid: 'k2', now: NOW }), bearerkit.InvalidToken);
  assert.throws(() => bearerkit.d1Assertion(k1, { issuerId: 'MGW', env: 'dev', kid: 'k' }), bearerkit.InvalidArgument);
  const u = bearerkit.decodeUnverified(token);
  assert.equal(u.claims.iss, 'MGW');
  assert.equal(u.signatureLength, 64);
  assert.match(inspect(u), /NOT VERIFIED/);
  // Client assertions: one audience; an array with two is refused by the profile.
  const ca = bearerkit.clientAssertion(k1, { clientId: 'client-1', audience: 'https://as.example/realms/r', kid: 'FP', now: NOW });
  assert.deepEqual(bearerkit.decodeUnverified(ca).header, { alg: 'ES256', kid: 'FP' });
  const two = bearerkit.signAssertion(k1, { iss: 'client-1', sub: 'client-1', aud: ['https://as.example/realms/r', 'x'], jti: 'j', expiresIn: 60, now: NOW });
  assert.throws(() => bearerkit.verifyClientAssertion(two, k1.publicKey, { clientId: 'client-1', audience: 'https://as.example/realms/r', now: NOW }), (e) => e.code === 'audience_not_sole');
});

test('tokens of every length around the 8 KiB read buffer: whole, true length reported, nothing altered', () => {
  const key = bearerkit.SigningKey.generate();
  const limit = 8192;
  // A valid token of about `bytes` bytes (a private claim pads it).
  const tokenOf = (bytes, pad = 'x') => {
    const base = bearerkit.signAssertion(key, { iss: 'me', expiresIn: 60, now: NOW, claims: { p: '' } }).length;
    const n = Math.max(0, Math.floor(((bytes - base) * 3) / 4 / Buffer.byteLength(pad)));
    return bearerkit.signAssertion(key, { iss: 'me', expiresIn: 60, now: NOW, claims: { p: pad.repeat(n) } });
  };
  const tooLarge = (token, found, options) => assert.throws(() => bearerkit.verify(token, key.publicKey, options), (e) => {
    assert.equal(e.code, 'token_too_large');
    assert.match(e.message, new RegExp(`got ${found}$`));
    return true;
  });
  // Valid tokens just under, at and over the limit; the ones over it verify with a larger maxBytes.
  for (const bytes of [limit - 8, limit - 3, limit, limit + 1, limit + 4, limit + 5, 3 * limit]) {
    for (const pad of ['x', '€', '😀']) {
      const token = tokenOf(bytes, pad);
      if (token.length <= limit) {
        assert.equal(bearerkit.verify(token, key.publicKey).claims.iss, 'me');
      } else {
        tooLarge(token, token.length);
        assert.equal(bearerkit.verify(token, key.publicKey, { maxBytes: token.length }).claims.p.length > 0, true);
      }
    }
  }
  // Strings that are not tokens, of every length near the limit, with multi-byte characters at
  // the buffer's end: the core sees every byte (the true UTF-8 length, never a cut string).
  for (let len = limit - 6; len <= limit + 6; len++) {
    for (const tail of ['', '€', '😀', '\ud800']) {
      const s = 'a'.repeat(len) + tail;
      const bytes = Buffer.byteLength(s);
      if (bytes > limit) tooLarge(s, bytes);
      else assert.throws(() => bearerkit.verify(s, key.publicKey), (e) => e.code === 'malformed_token');
      if (bytes > limit) {
        assert.throws(() => bearerkit.verifyD1Assertion(s, key.publicKey, { issuerId: 'M', env: 'stg', kid: 'k', now: NOW }), (e) => e.code === 'token_too_large' && e.message.endsWith(`got ${bytes}`));
      }
    }
  }
  // A valid token with one character changed outside ASCII is refused, never read as Latin-1.
  const ok = tokenOf(300);
  for (const c of ['\u00e9', '\u0100', '\ud800', '\u{1F600}']) {
    const altered = ok.slice(0, 40) + c + ok.slice(41);
    assert.throws(() => bearerkit.verify(altered, key.publicKey), bearerkit.InvalidToken);
  }
  // Not a string: a TypeError, as before; the key set and the async path take the same tokens.
  assert.throws(() => bearerkit.verify(42, key.publicKey), (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE');
  assert.throws(() => bearerkit.verifyD1Assertion(undefined, key.publicKey, { issuerId: 'M', env: 'stg', kid: 'k' }), TypeError);
  const set = new bearerkit.KeySet({ k: key.publicKey });
  const d1 = bearerkit.d1Assertion(key, { issuerId: 'M', env: 'stg', kid: 'k', now: NOW });
  assert.equal(bearerkit.verifyD1Assertion(d1, set, { issuerId: 'M', env: 'stg', kid: 'k', now: NOW }).claims.iss, 'M');
  tooLarge('a'.repeat(limit + 1), limit + 1, { anyAudience: true });
});

test("the profiles' string options of every length around the short-string buffer, multi-byte tails included", () => {
  const key = bearerkit.SigningKey.generate();
  for (let len = 118; len <= 130; len++) {
    for (const tail of ['', 'é', '€', '😀']) {
      const id = 'i'.repeat(len) + tail;
      const kid = 'k'.repeat(len) + tail;
      const jti = 'j'.repeat(len) + tail;
      const token = bearerkit.d1Assertion(key, { issuerId: id, env: 'stg', kid, now: NOW, jti });
      const u = bearerkit.decodeUnverified(token);
      assert.deepEqual([u.claims.iss, u.claims.sub, u.header.kid, u.claims.jti], [id, id, kid, jti]);
      const v = bearerkit.verifyD1Assertion(token, key.publicKey, { issuerId: id, env: 'stg', kid, now: NOW });
      assert.equal(v.claims.iss, id);
      // One character less, anywhere, is another id.
      assert.throws(() => bearerkit.verifyD1Assertion(token, key.publicKey, { issuerId: id.slice(0, -1), env: 'stg', kid, now: NOW }), (e) => e.code === 'issuer_mismatch');
      assert.throws(() => bearerkit.verifyD1Assertion(token, key.publicKey, { issuerId: id, env: 'stg', kid: kid.slice(1), now: NOW }), (e) => e.code === 'kid_mismatch');
    }
  }
  // Not strings: TypeErrors, as before; null is undefined.
  assert.throws(() => bearerkit.d1Assertion(key, { issuerId: 7, env: 'stg', kid: 'k', now: NOW }), TypeError);
  assert.throws(() => bearerkit.verifyD1Assertion('a.b.c', key.publicKey, { issuerId: 'M', env: 'stg', kid: {}, now: NOW }), TypeError);
  const outcome = (f) => { try { return f(); } catch (e) { return e.code; } };
  for (const f of [
    (id) => bearerkit.d1Assertion(key, { issuerId: id, env: 'stg', kid: 'k', now: NOW, jti: 'j' }),
    (id) => outcome(() => bearerkit.verifyD1Assertion(bearerkit.d1Assertion(key, { issuerId: 'M', env: 'stg', kid: 'k', now: NOW }), key.publicKey, { issuerId: id, env: 'stg', kid: 'k', now: NOW }).claims.iss),
  ]) {
    assert.deepEqual(outcome(() => f(null)), outcome(() => f(undefined)));
  }
});

test('a reused VerifyingKey builds its tables on the fourth use, or with prepare()', () => {
  const key = bearerkit.SigningKey.generate();
  const token = bearerkit.signAssertion(key, { iss: 'me', expiresIn: 60 });
  const pub = bearerkit.VerifyingKey.fromPem(key.publicKey.toPem());
  for (let i = 0; i < 3; i++) {
    bearerkit.verify(token, pub);
    assert.equal(pub.isPrepared, false);
  }
  bearerkit.verify(token, pub);
  assert.equal(pub.isPrepared, true);
  const other = bearerkit.VerifyingKey.fromPem(key.publicKey.toPem());
  other.prepare();
  assert.equal(other.isPrepared, true);
  assert.equal(bearerkit.verify(token, other).claims.iss, 'me');
  // A prepared key still refuses a bad signature.
  const forged = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
  assert.throws(() => bearerkit.verify(forged, other), (e) => e.code === 'bad_signature' || e.code === 'bad_base64');
});

test('claims: member order kept, non-ASCII as UTF-8, BigInt integers beyond 2^53', () => {
  const key = bearerkit.SigningKey.generate();
  const t = new bearerkit.Assertion({ iss: 'x', exp: NOW + 60, claims: { z: 1, a: 'é', big: 123456789012345678901234567890n, list: [1n, 'x'] } }).sign(key);
  const v = bearerkit.verify(t, key.publicKey);
  assert.equal(v.claimsJson, `{"iss":"x","exp":${NOW + 60},"z":1,"a":"é","big":123456789012345678901234567890,"list":[1,"x"]}`);
  assert.throws(() => new bearerkit.Assertion({ claims: { f() {}, c: (() => { const o = {}; o.o = o; return o; })() } }), bearerkit.InvalidArgument);
});

// ---- interop ---------------------------------------------------------------------------------

test('bearerkit tokens verify in jose.jwtVerify (ES256, RS256, PS256)', async () => {
  const { privateKey, publicKey } = ecPair();
  const key = bearerkit.SigningKey.fromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const token = bearerkit.d1Assertion(key, { issuerId: 'MGW', env: 'prd', kid: 'k1' });
  const { payload, protectedHeader } = await jose.jwtVerify(token, publicKey, { issuer: 'MGW', audience: 'prd', algorithms: ['ES256'] });
  assert.equal(payload.sub, 'MGW');
  assert.deepEqual(protectedHeader, { alg: 'ES256', typ: 'JWT', kid: 'k1' });
  // jose's own key import of bearerkit's JWK and PEM.
  await jose.jwtVerify(token, await jose.importJWK(key.publicKey.toJwk(), 'ES256'), { audience: 'prd' });
  await jose.jwtVerify(token, await jose.importSPKI(key.publicKey.toPem(), 'ES256'), { audience: 'prd' });
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaKey = bearerkit.RsaSigningKey.fromPem(rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }));
  assert.equal(rsaKey.modulusBits, 2048);
  assert.deepEqual(rsaKey.publicJwk(), { kty: 'RSA', n: rsa.publicKey.export({ format: 'jwk' }).n, e: 'AQAB' });
  for (const algorithm of [undefined, 'RS256', 'PS256']) {
    const ca = bearerkit.clientAssertion(rsaKey, { clientId: 'c', audience: 'https://as.example', algorithm });
    const r = await jose.jwtVerify(ca, rsa.publicKey, { issuer: 'c', audience: 'https://as.example' });
    assert.equal(r.protectedHeader.alg, algorithm ?? 'RS256');
    const signed = bearerkit.signAssertion(rsaKey, { iss: 'c', expiresIn: 60, algorithm });
    assert.equal((await jose.jwtVerify(signed, rsa.publicKey)).payload.iss, 'c');
  }
  assert.throws(() => bearerkit.signAssertion(rsaKey, { iss: 'c', expiresIn: 60, algorithm: 'ES256' }), bearerkit.InvalidArgument);
  assert.throws(() => bearerkit.d1Assertion(rsaKey, { issuerId: 'MGW', env: 'prd', kid: 'k1' }), bearerkit.InvalidArgument);
});

test('jose.SignJWT tokens verify in bearerkit', async () => {
  const { privateKey, publicKey } = ecPair();
  const token = await new jose.SignJWT({ scope: 'read' })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'k1' })
    .setIssuer('MGW').setSubject('MGW').setAudience('prd').setIssuedAt(NOW).setExpirationTime(NOW + 300).setJti('j-1')
    .sign(privateKey);
  const pub = bearerkit.VerifyingKey.fromPem(publicKey.export({ type: 'spki', format: 'pem' }));
  const v = bearerkit.verifyD1Assertion(token, pub, { issuerId: 'MGW', env: 'prd', kid: 'k1', now: NOW });
  assert.equal(v.claims.scope, 'read');
  assert.equal(bearerkit.verify(token, pub, { audience: 'prd', issuer: 'MGW', now: NOW }).header.kid, 'k1');
  // jose's key generation and JWK export, into bearerkit.
  const pair = await jose.generateKeyPair('ES256', { extractable: true });
  const t2 = await new jose.SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer('a').setExpirationTime('2m').sign(pair.privateKey);
  assert.equal(bearerkit.verify(t2, bearerkit.VerifyingKey.fromJwk(await jose.exportJWK(pair.publicKey))).claims.iss, 'a');
  const signer = bearerkit.SigningKey.fromJwk(await jose.exportJWK(pair.privateKey));
  assert.equal(signer.thumbprint(), await jose.calculateJwkThumbprint(await jose.exportJWK(pair.publicKey)));
  // An HS256 token is refused, whatever its content.
  const hs = await new jose.SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('2m').sign(new Uint8Array(32));
  assert.throws(() => bearerkit.verify(hs, pub), (e) => e instanceof bearerkit.InvalidToken && ['unsupported_alg', 'bad_signature_length'].includes(e.code));
});

test("the D1 guide's SEC1 key works in bearerkit where jose cannot import it", async () => {
  const c = load('d1_guide_example.json');
  await assert.rejects(jose.importPKCS8(c.sec1_pem, 'ES256'));
  const key = bearerkit.SigningKey.fromPem(c.sec1_pem);
  assert.equal(key.thumbprint(), c.thumbprint);
  const token = bearerkit.d1Assertion(key, { issuerId: 'MGW_ID', env: 'prd', kid: 'k1' });
  // ... and the token it signs verifies in jose with the guide's public key.
  const { payload } = await jose.jwtVerify(token, await jose.importJWK(c.public_jwk, 'ES256'), { audience: 'prd' });
  assert.equal(payload.iss, 'MGW_ID');
  assert.equal(bearerkit.verify(c.token, key.publicKey, Object.fromEntries(Object.entries(c.policy).map(([k, v]) => [{ iss: 'issuer', sub: 'subject', aud: 'audience', max_lifetime: 'maxLifetime' }[k] ?? k, v]))).claims.iss, c.expected_claims.iss);
});

// ---- external signers ------------------------------------------------------------------------

test('an external signer (async, DER or raw) signs byte-identical tokens', async () => {
  const { privateKey } = ecPair();
  const key = bearerkit.SigningKey.fromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const messages = [];
  const kms = new bearerkit.ExternalSigner(async (message) => {
    messages.push(message);
    await new Promise((r) => setTimeout(r, 5));
    return crypto.sign('sha256', message, privateKey); // DER, as KMS APIs return it
  });
  const raw = new bearerkit.ExternalSigner((message) => crypto.sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
  const opts = { issuerId: 'MGW', env: 'prd', kid: 'k1', now: NOW, jti: 'j-1' };
  for (const signer of [kms, raw]) {
    const token = await bearerkit.d1Assertion(signer, opts);
    bearerkit.verifyD1Assertion(token, key.publicKey, { issuerId: 'MGW', env: 'prd', kid: 'k1', now: NOW });
    // ECDSA from node:crypto is randomized: the signing input is what must match.
    assert.equal(token.split('.').slice(0, 2).join('.'), bearerkit.d1Assertion(key, opts).split('.').slice(0, 2).join('.'));
  }
  assert.equal(messages.length, 1);
  assert.ok(Buffer.isBuffer(messages[0]));
  // Without a jti, the profile's random one is signed and kept.
  const t = await bearerkit.d1Assertion(kms, { issuerId: 'MGW', env: 'prd', kid: 'k1' });
  assert.match(bearerkit.decodeUnverified(t).claims.jti, /^[0-9a-f]{32}$/);
  assert.equal(await bearerkit.signAssertion(kms, { iss: 'x', expiresIn: 60, now: NOW }).then((s) => bearerkit.verify(s, key.publicKey, { now: NOW }).claims.iss), 'x');
  assert.equal(typeof (await new bearerkit.Assertion({ iss: 'x', exp: NOW + 60 }).sign(kms)), 'string');
  // A failing callback is signer_failed with its error as the cause; a bad signature is refused.
  const boom = new Error('KMS unavailable');
  await assert.rejects(bearerkit.d1Assertion(new bearerkit.ExternalSigner(async () => { throw boom; }), opts), (e) => e instanceof bearerkit.SigningError && e.code === 'signer_failed' && e.cause === boom);
  await assert.rejects(bearerkit.d1Assertion(new bearerkit.ExternalSigner(() => Buffer.from([0x30, 0x01, 0x00])), opts), (e) => e.code === 'bad_der_signature');
  await assert.rejects(bearerkit.d1Assertion(new bearerkit.ExternalSigner(() => Buffer.alloc(64)), opts), (e) => e.code === 'signature_out_of_range');
  await assert.rejects(bearerkit.d1Assertion(new bearerkit.ExternalSigner(() => 'nope'), opts), (e) => e.code === 'signer_failed');
  assert.equal(inspect(kms), 'ExternalSigner(ES256)');
  assert.throws(() => new bearerkit.ExternalSigner('no'), TypeError);
});
