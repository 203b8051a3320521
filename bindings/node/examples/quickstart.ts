// The Node package from TypeScript (checked with `tsc --strict --noEmit` by the tests): sign and
// verify a Thales D1 assertion, handle errors by family and code, and set up a token client.
import {
  BearerkitError,
  ClaimMismatch,
  D1Grant,
  ExpiredToken,
  ExternalSigner,
  KeySet,
  OAuthError,
  PrivateKeyJwt,
  SigningKey,
  TokenClient,
  d1Assertion,
  decodeUnverified,
  signAssertion,
  verify,
  verifyAsync,
  verifyD1Assertion,
  type JsonObject,
  type VerifiedToken,
} from 'bearerkit';
import { createPrivateKey, sign as nodeSign } from 'node:crypto';

const key: SigningKey = SigningKey.generate();
const assertion: string = d1Assertion(key, { issuerId: 'MGW_ID_0001', env: 'prd', kid: 'k1' });

const verified: VerifiedToken = verifyD1Assertion(assertion, key.publicKey, { issuerId: 'MGW_ID_0001', env: 'prd', kid: 'k1' });
const { header, claims } = verified;
const sub: string | undefined = typeof claims.sub === 'string' ? claims.sub : undefined;
console.log(header.alg, header.kid, sub);

const keys = new KeySet({ k1: key.publicKey });
const custom: string = signAssertion(key, { iss: 'me', aud: ['a', 'b'], expiresIn: 60, claims: { scope: 'read' } });
try {
  verify(custom, keys, { audience: 'c' });
} catch (e) {
  if (e instanceof ExpiredToken) console.log('expired');
  else if (e instanceof ClaimMismatch) console.log('mismatch:', e.code);
  else if (e instanceof BearerkitError) console.log(e.code);
  else throw e;
}

async function main(): Promise<void> {
  const t: VerifiedToken = await verifyAsync(custom, key.publicKey, { audience: 'a' });
  const c: JsonObject = t.claims;
  console.log(c.iss, decodeUnverified(custom).signatureLength);

  // A KMS-held key: the callback returns the DER (or raw) signature; signing is async.
  const pem = key.toPem({ format: 'pkcs8' });
  const kms = new ExternalSigner(async (message: Buffer) => nodeSign('sha256', message, createPrivateKey(pem)));
  const viaKms: Promise<string> = d1Assertion(kms, { issuerId: 'MGW_ID_0001', env: 'prd', kid: 'k1' });
  console.log((await viaKms).length);

  const client = new TokenClient('http://127.0.0.1:8080/authz/v1/oauth2/token', new D1Grant('MGW_ID_0001', 'prd', 'k1', key), {
    timeout: 10,
    maxAttempts: 3,
    headers: { 'x-request-source': 'example' },
  });
  const worldline = new PrivateKeyJwt('Worldline-000021', key, { kid: 'FINGERPRINT', issuer: 'https://example-domain/auth/realms/example-realm' });
  console.log(worldline.algorithm, worldline.audienceFor('https://example-domain/auth/realms/example-realm/protocol/openid-connect/token'));
  try {
    const token = await client.token();
    console.log(token.authorization.length, token.scope ?? '(no scope)', String(token));
  } catch (e) {
    if (e instanceof OAuthError) console.log(e.error, e.description, e.status);
    else if (e instanceof BearerkitError) console.log(e.code);
  }
}

void main();
