'use strict';
// TokenClient against `bearerkit serve` on 127.0.0.1: each flow (D1 grant, client secret basic
// and post, private_key_jwt with a P-256 key and with an RSA key, RS256 and PS256), the cache and
// invalidate(), OAuth errors, single flight for 50 concurrent awaits, certificates made by openssl,
// and an ExternalSigner (async, DER or r||s; failures and timeouts as signer_failed) inside the client.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { inspect } = require('node:util');
const { bearerkit, serve } = require('./helpers');

const REALM = 'openbanking';
const CLIENT = 'Worldline-000021';
const SECRET = 'realm-secret-value';
const OUT_CLIENT = 'd1-outbound';
const OUT_SECRET = 'outbound-secret-value';

/** A self-signed certificate for `keyFile`, made by `openssl req -x509`. */
function selfSigned(dir, name, keyFile) {
  const out = path.join(dir, `${name}-cert.pem`);
  execFileSync('openssl', ['req', '-x509', '-new', '-key', keyFile, '-subj', `/CN=${CLIENT}`, '-days', '1',
    '-addext', 'basicConstraints=critical,CA:FALSE', '-out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  return fs.readFileSync(out, 'utf8');
}

const world = {};

test.before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bearerkit-node-'));
  world.dir = dir;
  world.d1Key = bearerkit.SigningKey.generate();
  fs.writeFileSync(path.join(dir, 'd1.pem'), world.d1Key.publicKey.toPem());
  fs.writeFileSync(path.join(dir, 'out.txt'), OUT_SECRET);
  fs.writeFileSync(path.join(dir, 'realm.txt'), SECRET);
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  fs.writeFileSync(path.join(dir, 'ec.pem'), ec);
  world.ecKey = bearerkit.SigningKey.fromPem(ec);
  world.ecCert = selfSigned(dir, 'ec', path.join(dir, 'ec.pem'));
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  fs.writeFileSync(path.join(dir, 'rsa.pem'), rsa);
  world.rsaKey = bearerkit.RsaSigningKey.fromPem(rsa);
  world.rsaCert = selfSigned(dir, 'rsa', path.join(dir, 'rsa.pem'));
  world.server = await serve(
    '--d1-key', `MGW_1:prd:k1:${path.join(dir, 'd1.pem')}`, '--d1-scope', 'MGW_1:d1-api:read',
    '--outbound-client', `${OUT_CLIENT}:${path.join(dir, 'out.txt')}`, '--outbound-scopes', `${OUT_CLIENT}:issuer-api`,
    '--realm-client', `${REALM}:${CLIENT}:${path.join(dir, 'realm.txt')}`,
    '--realm-cert-client', `${REALM}:${CLIENT}:${path.join(dir, 'ec-cert.pem')}`,
    '--realm-cert-client', `${REALM}:rsa-client:${path.join(dir, 'rsa-cert.pem')}`,
    '--realm-scopes', `${REALM}:${CLIENT}:VOP,WERO`, '--realm-scopes', `${REALM}:rsa-client:VOP`,
  );
  world.kcUrl = `${world.server.url}/auth/realms/${REALM}/protocol/openid-connect/token`;
});

test.after(() => {
  world.server?.close();
  if (world.dir) fs.rmSync(world.dir, { recursive: true, force: true });
});

async function requests() {
  return (await world.server.stats()).token_requests;
}

test('every flow gets a token, the cache is reused, invalidate() forgets it', async () => {
  const url = world.server.url;
  const flows = [
    [`${url}/authz/v1/oauth2/token`, new bearerkit.D1Grant('MGW_1', 'prd', 'k1', world.d1Key), 'd1-api:read'],
    [`${url}/oauth2/token`, new bearerkit.ClientSecret(OUT_CLIENT, OUT_SECRET), 'issuer-api'],
    [world.kcUrl, new bearerkit.ClientSecret(CLIENT, SECRET, { method: 'post' }), 'VOP WERO'],
    [world.kcUrl, new bearerkit.PrivateKeyJwt(CLIENT, world.ecKey, { certificate: world.ecCert }), 'VOP WERO'],
    [world.kcUrl, new bearerkit.PrivateKeyJwt('rsa-client', world.rsaKey, { certificate: world.rsaCert }), 'VOP'],
    [world.kcUrl, new bearerkit.PrivateKeyJwt('rsa-client', world.rsaKey, { certificate: Buffer.from(world.rsaCert), algorithm: 'PS256' }), 'VOP'],
  ];
  for (const [endpoint, auth, scope] of flows) {
    assert.ok(!inspect(auth).includes(SECRET) && !inspect(auth).includes(OUT_SECRET), inspect(auth));
    const client = new bearerkit.TokenClient(endpoint, auth);
    assert.equal(client.endpoint, endpoint);
    const before = await requests();
    const first = await client.token();
    assert.ok(first instanceof bearerkit.Token);
    assert.equal(first.tokenType, 'Bearer');
    assert.equal(first.scope, scope);
    assert.ok(first.expiresIn > 0 && first.remaining > 0 && !first.isExpired);
    assert.ok(first.accessToken.length > 8);
    for (const shown of [String(first), `${first}`, inspect(first), inspect({ first }), JSON.stringify(first), JSON.stringify({ first })]) {
      assert.ok(!shown.includes(first.accessToken), shown);
    }
    assert.equal(first.authorization, `Bearer ${first.accessToken}`);
    assert.equal(first.response.access_token, undefined);
    assert.equal(first.response.token_type, 'Bearer');
    const again = await client.token();
    assert.equal(again.accessToken, first.accessToken, 'the cached token is reused');
    assert.equal(await requests(), before + 1);
    client.invalidate();
    assert.notEqual((await client.token()).accessToken, first.accessToken);
    assert.equal(await requests(), before + 2);
  }
  assert.equal(new bearerkit.PrivateKeyJwt('rsa-client', world.rsaKey).algorithm, 'RS256');
  assert.equal(new bearerkit.PrivateKeyJwt('c', world.ecKey).audienceFor(world.kcUrl), world.kcUrl.split('/protocol/')[0]);
  const prints = bearerkit.certificateThumbprints(world.ecCert);
  const x = new crypto.X509Certificate(world.ecCert);
  assert.equal(prints.sha1Hex, x.fingerprint.replace(/:/g, ''));
  assert.equal(prints.x5tS256, Buffer.from(x.fingerprint256.replace(/:/g, ''), 'hex').toString('base64url'));
  assert.deepEqual(bearerkit.certificateThumbprints(x.raw), prints);
});

test('OAuth and configuration errors are typed', async () => {
  const bad = new bearerkit.TokenClient(world.kcUrl, new bearerkit.ClientSecret(CLIENT, 'wrong-secret', { method: 'post' }), { maxAttempts: 1 });
  await assert.rejects(bad.token(), (e) => {
    assert.ok(e instanceof bearerkit.OAuthError && e instanceof bearerkit.TokenClientError && e instanceof Error);
    assert.equal(e.code, 'invalid_client');
    assert.equal(e.error, 'invalid_client');
    assert.equal(e.status, 400);
    assert.equal(e.attempts, 1);
    assert.ok(!e.message.includes('wrong-secret'));
    return true;
  });
  const scoped = new bearerkit.TokenClient(world.kcUrl, new bearerkit.ClientSecret(CLIENT, SECRET, { method: 'post' }), { scope: 'VOP IDEAL' });
  await assert.rejects(scoped.token(), (e) => e.error === 'invalid_scope' && e.description === 'Invalid scopes: IDEAL');
  // The certificate must carry the key.
  assert.throws(() => new bearerkit.PrivateKeyJwt(CLIENT, world.ecKey, { certificate: world.rsaCert }), (e) => e instanceof bearerkit.InvalidKey && e.code === 'key_mismatch');
  assert.throws(() => new bearerkit.TokenClient('http://example.com/token', new bearerkit.ClientSecret('a', 'b')), (e) => e instanceof bearerkit.ConfigError && e.code === 'invalid_config');
  assert.throws(() => new bearerkit.TokenClient(world.kcUrl, new bearerkit.ClientSecret('a', 'b'), { timout: 1 }), bearerkit.InvalidArgument);
  assert.throws(() => new bearerkit.TokenClient(world.kcUrl, {}), TypeError);
  await assert.rejects(new bearerkit.TokenClient('http://127.0.0.1:9/token', new bearerkit.ClientSecret('a', 'b'), { maxAttempts: 1 }).token(),
    (e) => e instanceof bearerkit.TransportError && e.code === 'transport' && e.status === null);
});

test('settings reach the request: JSON body, correlation id, extra headers', async () => {
  const client = new bearerkit.TokenClient(`${world.server.url}/authz/v1/oauth2/token`, new bearerkit.D1Grant('MGW_1', 'prd', 'k1', world.d1Key, { lifetime: 600 }), {
    jsonBody: true, correlationId: 'corr-1', headers: { 'x-extra': 'yes' }, timeout: 10, connectTimeout: 5, maxAttempts: 2, maxElapsed: 20, refreshMargin: 30,
  });
  const t = await client.token();
  assert.equal(t.scope, 'd1-api:read');
  assert.throws(() => new bearerkit.TokenClient(world.kcUrl, new bearerkit.ClientSecret('a', 'b'), { correlationId: 'not valid!' }), (e) => e.code === 'invalid_config');
  assert.throws(() => new bearerkit.TokenClient(world.kcUrl, new bearerkit.ClientSecret('a', 'b'), { clientCertificate: 'x' }), bearerkit.InvalidArgument);
});

test('Promise.all of 50 token() calls makes one request', async () => {
  const client = new bearerkit.TokenClient(world.kcUrl, new bearerkit.PrivateKeyJwt(CLIENT, world.ecKey, { certificate: world.ecCert }));
  await world.server.fault({ kind: 'delay', millis: 400 });
  const before = await requests();
  const tokens = await Promise.all(Array.from({ length: 50 }, () => client.token()));
  assert.equal(tokens.length, 50);
  assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
  assert.equal(await requests(), before + 1);
});

// ---- an ExternalSigner inside the token client ------------------------------------------------

/** An async ExternalSigner over a node:crypto private key, answering in `dsaEncoding` (`der` or `ieee-p1363`). */
function kmsSigner(pem, dsaEncoding, options) {
  const key = crypto.createPrivateKey(pem);
  const messages = [];
  const signer = new bearerkit.ExternalSigner(async (message) => {
    assert.ok(Buffer.isBuffer(message));
    messages.push(message.toString('latin1'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    return crypto.sign('sha256', message, { key, dsaEncoding });
  }, options);
  return { signer, messages };
}

test('ExternalSigner in the token client: D1 (async, DER) and private_key_jwt (async, r||s)', async () => {
  const d1Pem = world.d1Key.toPem();
  const der = kmsSigner(d1Pem, 'der');
  const d1 = new bearerkit.TokenClient(`${world.server.url}/authz/v1/oauth2/token`, new bearerkit.D1Grant('MGW_1', 'prd', 'k1', der.signer));
  const before = await requests();
  const t1 = await d1.token();
  assert.equal(t1.scope, 'd1-api:read');
  assert.equal(der.messages.length, 1);
  const [h, c] = der.messages[0].split('.').map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
  assert.deepEqual([h.alg, h.kid, c.iss, c.sub, c.aud], ['ES256', 'k1', 'MGW_1', 'MGW_1', 'prd']);

  const raw = kmsSigner(fs.readFileSync(path.join(world.dir, 'ec.pem'), 'utf8'), 'ieee-p1363');
  const auth = new bearerkit.PrivateKeyJwt(CLIENT, raw.signer, { certificate: world.ecCert });
  assert.equal(auth.algorithm, 'ES256');
  const wl = new bearerkit.TokenClient(world.kcUrl, auth, { scope: 'VOP WERO' });
  const t2 = await wl.token();
  assert.equal(t2.scope, 'VOP WERO');
  assert.equal((await wl.token()).accessToken, t2.accessToken, 'cached');
  assert.equal(raw.messages.length, 1);
  const header = JSON.parse(Buffer.from(raw.messages[0].split('.')[0], 'base64url').toString());
  assert.equal(header.kid, new crypto.X509Certificate(world.ecCert).fingerprint.replace(/:/g, ''));
  // A sync signer works the same.
  const key = crypto.createPrivateKey(d1Pem);
  const sync = new bearerkit.ExternalSigner((m) => crypto.sign('sha256', m, { key, dsaEncoding: 'ieee-p1363' }));
  const t3 = await new bearerkit.TokenClient(`${world.server.url}/authz/v1/oauth2/token`, new bearerkit.D1Grant('MGW_1', 'prd', 'k1', sync)).token();
  assert.equal(t3.scope, 'd1-api:read');
  assert.equal(await requests(), before + 3);
  assert.throws(() => new bearerkit.PrivateKeyJwt(CLIENT, raw.signer, { algorithm: 'RS256' }), bearerkit.InvalidArgument);
  assert.throws(() => new bearerkit.ExternalSigner(() => Buffer.alloc(64), { timeout: 0 }), (e) => e instanceof bearerkit.InvalidArgument && e.code === 'invalid_argument');
  assert.throws(() => new bearerkit.ExternalSigner(() => Buffer.alloc(64), { timeout: '1' }), TypeError);
  assert.throws(() => new bearerkit.ExternalSigner(() => Buffer.alloc(64), { timout: 1 }), bearerkit.InvalidArgument);
});

test('ExternalSigner in the token client: a throw, a rejection, garbage or no answer is signer_failed', async () => {
  const endpoint = `${world.server.url}/authz/v1/oauth2/token`;
  const secretish = 'kms-credential-do-not-leak';
  const bad = {
    rejects: async () => { throw new Error(secretish); },
    throws: () => { throw new Error(secretish); },
    'rejects with a string': () => Promise.reject(secretish),
    'returns 10 bytes': async () => crypto.randomBytes(10),
    'returns 64 zero bytes': () => Buffer.alloc(64),
    'returns bad DER': async () => Buffer.from('3045022100ff', 'hex'),
    'returns a string': async () => 'a'.repeat(64),
    'returns nothing': async () => undefined,
  };
  const before = await requests();
  for (const [what, sign] of Object.entries(bad)) {
    const client = new bearerkit.TokenClient(endpoint, new bearerkit.D1Grant('MGW_1', 'prd', 'k1', new bearerkit.ExternalSigner(sign)));
    await assert.rejects(client.token(), (e) => {
      assert.ok(e instanceof bearerkit.SigningError && e instanceof bearerkit.BearerkitError, `${what}: ${e}`);
      assert.equal(e.code, 'signer_failed', what);
      assert.ok(!e.message.includes(secretish), e.message);
      return true;
    });
  }
  // No answer: the timeout ends the wait (the event loop stays free meanwhile).
  const started = Date.now();
  const never = new bearerkit.ExternalSigner(() => new Promise(() => {}), { timeout: 0.3 });
  const client = new bearerkit.TokenClient(`${world.server.url}/oauth2/token`, new bearerkit.PrivateKeyJwt(CLIENT, never, { audience: 'x' }));
  let ticks = 0;
  const timer = setInterval(() => { ticks += 1; }, 20);
  await assert.rejects(client.token(), (e) => e instanceof bearerkit.SigningError && e.code === 'signer_failed');
  clearInterval(timer);
  const took = Date.now() - started;
  assert.ok(took >= 250 && took < 5000, `${took} ms`);
  assert.ok(ticks >= 5, `the main thread ran meanwhile (${ticks} ticks)`);
  assert.equal(await requests(), before, 'nothing was sent');
});

test('Promise.all of 50 token() calls with an ExternalSigner makes one request and signs once', async () => {
  const { signer, messages } = kmsSigner(fs.readFileSync(path.join(world.dir, 'ec.pem'), 'utf8'), 'der');
  const client = new bearerkit.TokenClient(world.kcUrl, new bearerkit.PrivateKeyJwt(CLIENT, signer, { certificate: world.ecCert }));
  await world.server.fault({ kind: 'delay', millis: 400 });
  const before = await requests();
  const tokens = await Promise.all(Array.from({ length: 50 }, () => client.token()));
  assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
  assert.equal(await requests(), before + 1);
  assert.equal(messages.length, 1);
});

test('ExternalSigners that await another token() do not starve the client threads', async () => {
  // Each outer client blocks a thread of the addon's runtime while its signer runs; the signer
  // awaits another client's token() on the same runtime. More outer clients than cores.
  const key = crypto.createPrivateKey(world.d1Key.toPem());
  const outer = () => new bearerkit.TokenClient(`${world.server.url}/authz/v1/oauth2/token`, new bearerkit.D1Grant('MGW_1', 'prd', 'k1',
    new bearerkit.ExternalSigner(async (message) => {
      await new bearerkit.TokenClient(`${world.server.url}/oauth2/token`, new bearerkit.ClientSecret(OUT_CLIENT, OUT_SECRET)).token();
      return crypto.sign('sha256', message, { key, dsaEncoding: 'der' });
    }, { timeout: 10 })));
  const tokens = await Promise.all(Array.from({ length: 3 * os.availableParallelism() }, () => outer().token()));
  for (const t of tokens) assert.equal(t.scope, 'd1-api:read');
});
