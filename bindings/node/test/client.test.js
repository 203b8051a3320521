'use strict';
// TokenClient against `bearerkit serve` on 127.0.0.1: each flow (D1 grant, client secret basic
// and post, private_key_jwt with a P-256 key and with an RSA key, RS256 and PS256), the cache and
// invalidate(), OAuth errors, single flight for 50 concurrent awaits, certificates made by openssl.
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
