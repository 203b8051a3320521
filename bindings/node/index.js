'use strict';
/**
 * bearerkit for Node.js: ES256 JWT assertions (RFC 7523) for Thales D1 and Worldline/Keycloak —
 * signing, strict verification, keys and an OAuth 2.0 token client — on bearerkit's Rust core
 * (a napi-rs addon).
 *
 * This file is the CommonJS entry point (`index.mjs` re-exports it for ESM). It is a thin layer
 * over the addon: it turns options objects into the addon's arguments, JSON text into objects,
 * and the addon's encoded errors into `Error` instances with a stable `.code`. Every rule and
 * every default is the core's: an option left `undefined` is the core's default.
 * @module bearerkit
 */

const path = require('node:path');
const { inspect } = require('node:util');

// ---- the native addon ------------------------------------------------------------------------

/** The file-name part of the addon for this platform, as `napi build --platform` names it. */
function platformName() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
    const glibc = report && report.header && report.header.glibcVersionRuntime;
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

function loadNative() {
  const file = path.join(__dirname, `bearerkit.${platformName()}.node`);
  try {
    return require(file);
  } catch (e) {
    const err = new Error(
      `bearerkit: the native addon ${path.basename(file)} could not be loaded (${e.message}). ` +
        'Build it with `node install.js` in the package directory (needs Rust and cargo).',
    );
    err.code = 'addon_missing';
    throw err;
  }
}

const native = loadNative();

// ---- errors ----------------------------------------------------------------------------------

/** Base class of every bearerkit error; `.code` is the stable snake_case code of the Rust crates. */
class BearerkitError extends Error {
  /**
   * @param {string} message
   * @param {string} code
   */
  constructor(message, code) {
    super(message);
    this.name = new.target.name;
    /** @type {string} */
    this.code = code;
  }
}
/** An argument the API refuses (`invalid_argument`): an unknown option, format, env or algorithm, claims that are not JSON. */
class InvalidArgument extends BearerkitError {}
/** A key, JWK or certificate could not be read: `bad_pem`, `bad_der`, `bad_jwk`, `wrong_curve`, `invalid_point`, `rsa_key_size`, ... */
class InvalidKey extends BearerkitError {}
/** Verification refused the token (format, JSON, header, signature or claims). */
class InvalidToken extends BearerkitError {}
/** The token has expired (`expired`). */
class ExpiredToken extends InvalidToken {}
/** The token is not valid yet: `not_yet_valid` (nbf) or `issued_in_future` (iat). */
class NotYetValid extends InvalidToken {}
/** A claim or header value differs from the policy: `issuer_mismatch`, `unexpected_audience`, `kid_mismatch`, ... */
class ClaimMismatch extends InvalidToken {}
/** The verification policy itself is unusable (`invalid_policy`). */
class InvalidPolicy extends BearerkitError {}
/** An assertion could not be signed: `date_out_of_range`, `claims_not_object`, `signer_failed`, `bad_der_signature`, ... */
class SigningError extends BearerkitError {}
/** Base class of the token client's errors; `.attempts` is the number of requests made. */
class TokenClientError extends BearerkitError {}
/** The token endpoint answered an RFC 6749 error: `.error` (also `.code`), `.description`, `.uri`, `.status`. */
class OAuthError extends TokenClientError {}
/** No usable answer: `transport`, `tls`, `timeout`, `unexpected_response`, `response_too_large`, `rng_failed`; `.status` when there was an answer. */
class TransportError extends TokenClientError {}
/** HTTP 429 until the retries gave up: `.retryAfter` (seconds or null), `.status` (429). */
class RateLimited extends TokenClientError {}
/** The token client's configuration is unusable (`invalid_config`). */
class ConfigError extends BearerkitError {}

const FAMILIES = {
  BearerkitError, InvalidArgument, InvalidKey, InvalidToken, ExpiredToken, NotYetValid, ClaimMismatch,
  InvalidPolicy, SigningError, TokenClientError, OAuthError, TransportError, RateLimited, ConfigError,
};

/**
 * The addon's error as the package's: its encoded errors (family U+001F code U+001F message
 * [U+001F extra JSON]) become the family's class; napi's argument conversion errors become
 * `TypeError`s without the offending value (which could be a secret given in the wrong place).
 */
function fromNative(e) {
  if (!(e instanceof Error) || e instanceof BearerkitError) return e;
  const message = e.message;
  if (e.code === 'GenericFailure' && message.includes('\u001f')) {
    const parts = message.split('\u001f');
    const Family = FAMILIES[parts[0]] || BearerkitError;
    const err = new Family(parts[2], parts[1]);
    if (parts.length > 3) Object.assign(err, JSON.parse(parts[3]));
    return err;
  }
  if (typeof e.code === 'string' && e.code !== 'GenericFailure') {
    const err = new TypeError(message.replace(/JavaScript value `[^`]*`/g, 'a JavaScript value'));
    err.code = 'ERR_INVALID_ARG_TYPE';
    return err;
  }
  return e;
}

function argumentError(message) {
  return new InvalidArgument(message, 'invalid_argument');
}

/** Refuse options this call does not know (a misspelt `audience` must not pass silently). */
function checkOptions(options, known, what) {
  if (options === undefined || options === null) return EMPTY;
  if (typeof options !== 'object') throw new TypeError(`${what}: options must be an object`);
  for (const name in options) {
    if (!known.has(name)) throw argumentError(`${what}: unknown option ${JSON.stringify(name)}`);
  }
  return options;
}
const EMPTY = Object.freeze({});

/** A JSON document given as text (used as is) or as a value (written like `JSON.stringify`, with `BigInt`s as integers). */
function jsonText(value, what) {
  if (typeof value === 'string') return value;
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    if (!(e instanceof TypeError) || !/BigInt/.test(e.message)) throw argumentError(`${what} is not JSON: ${e.message}`);
    text = stringifyWithBigInt(value, what);
  }
  if (text === undefined) throw argumentError(`${what} is not JSON`);
  return text;
}

/**
 * `JSON.stringify(value)` for values holding `BigInt`s (claims with integers beyond 2^53),
 * written as JSON integers. Only plain data: objects, arrays, strings, numbers, booleans, null.
 */
function stringifyWithBigInt(value, what, depth = 0) {
  if (depth > 64) throw argumentError(`${what} is nested too deeply`);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (typeof value.toJSON === 'function') return stringifyWithBigInt(value.toJSON(), what, depth + 1);
  if (Array.isArray(value)) {
    return `[${value.map((v) => stringifyWithBigInt(v, what, depth + 1) ?? 'null').join(',')}]`;
  }
  const members = [];
  for (const [k, v] of Object.entries(value)) {
    const text = stringifyWithBigInt(v, what, depth + 1);
    if (text !== undefined) members.push(`${JSON.stringify(k)}:${text}`);
  }
  return `{${members.join(',')}}`;
}

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

// ---- keys ----------------------------------------------------------------------------------

/** Only the package makes key objects from the addon's (`SigningKey.fromPem(...)` and the like). */
const PRIVATE = Symbol('bearerkit.private');

function call(f) {
  try {
    return f();
  } catch (e) {
    throw fromNative(e);
  }
}

function pemArg(pem) {
  if (typeof pem === 'string') return pem;
  return toBuffer(pem, 'pem');
}

let innerOfSigningKey;
let innerOfVerifyingKey;
let innerOfRsaKey;
let innerOfKeySet;
let handleOfSigningKey;
let handleOfVerifyingKey;
let handleOfKeySet;
let wrapVerifyingKey;

/**
 * A P-256 private key that signs ES256 (RFC 6979 deterministic signatures). Its scalar never
 * appears in `inspect`, `toString` or `JSON.stringify` output.
 */
class SigningKey {
  #inner;
  /** The addon's `External` of the same key, for the synchronous signing calls (taken on first use). */
  #handle;

  /** @internal Use the static constructors. */
  constructor(token, inner) {
    if (token !== PRIVATE) throw new TypeError('use SigningKey.generate(), fromPem(), fromJwk(), fromSec1Der() or fromPkcs8Der()');
    this.#inner = inner;
  }

  static {
    innerOfSigningKey = (k) => k.#inner;
    handleOfSigningKey = (k) => (k.#handle ??= k.#inner._handle());
  }

  /** A new random key (from the operating system's generator). */
  static generate() {
    return new SigningKey(PRIVATE, call(() => native.SigningKey.generate()));
  }

  /** A private key from PEM (string or Buffer): SEC1 (`BEGIN EC PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`). */
  static fromPem(pem) {
    return new SigningKey(PRIVATE, call(() => native.SigningKey.fromPem(pemArg(pem))));
  }

  /** A private key from a JWK (object or JSON text) with `kty` `EC`, `crv` `P-256`, `d`. */
  static fromJwk(jwk) {
    return new SigningKey(PRIVATE, call(() => native.SigningKey._fromJwkJson(jsonText(jwk, 'jwk'))));
  }

  /** A private key from SEC1 `ECPrivateKey` DER (RFC 5915). */
  static fromSec1Der(der) {
    return new SigningKey(PRIVATE, call(() => native.SigningKey.fromSec1Der(toBuffer(der, 'der'))));
  }

  /** A private key from PKCS#8 `PrivateKeyInfo` DER (RFC 5208). */
  static fromPkcs8Der(der) {
    return new SigningKey(PRIVATE, call(() => native.SigningKey.fromPkcs8Der(toBuffer(der, 'der'))));
  }

  /** The private key as PEM: `format` `'pkcs8'` (the default) or `'sec1'`. */
  toPem(options) {
    const o = checkOptions(options, FORMAT_OPTIONS, 'toPem');
    return call(() => this.#inner._toPem(o.format));
  }

  /** The private key as PKCS#8 DER. */
  toPkcs8Der() {
    return call(() => this.#inner.toPkcs8Der());
  }

  /** The private JWK (`kty`, `crv`, `x`, `y`, `d`). */
  toJwk() {
    return JSON.parse(this.#inner._toJwkJson());
  }

  /** The public key. */
  get publicKey() {
    return wrapVerifyingKey(this.#inner.publicKey);
  }

  /** The RFC 7638 JWK thumbprint of the public key. */
  thumbprint() {
    return this.#inner.thumbprint();
  }

  toString() {
    return `SigningKey(ES256, thumbprint=${this.thumbprint()})`;
  }

  /** Never the private key (`toJwk()` gives it on purpose). */
  toJSON() {
    return { kty: 'EC', crv: 'P-256', thumbprint: this.thumbprint() };
  }

  [inspect.custom]() {
    return this.toString();
  }
}
const FORMAT_OPTIONS = new Set(['format']);

/**
 * A P-256 public key that verifies ES256. Reused across calls, it verifies with precomputed
 * tables (about 85 KiB, built on its fourth use, or now with `prepare()`), several times faster.
 */
class VerifyingKey {
  #inner;
  /** The addon's `External` of the same key, for the synchronous verifications (taken on first use). */
  #handle;

  /** @internal Use the static constructors. */
  constructor(token, inner) {
    if (token !== PRIVATE) throw new TypeError('use VerifyingKey.fromPem(), fromJwk(), fromSpkiDer() or fromSec1Bytes()');
    this.#inner = inner;
  }

  static {
    innerOfVerifyingKey = (k) => k.#inner;
    handleOfVerifyingKey = (k) => (k.#handle ??= k.#inner._handle());
    wrapVerifyingKey = (inner) => new VerifyingKey(PRIVATE, inner);
  }

  /** A public key from PEM: SPKI (`BEGIN PUBLIC KEY`), or the public half of a SEC1 or PKCS#8 private key. */
  static fromPem(pem) {
    return new VerifyingKey(PRIVATE, call(() => native.VerifyingKey.fromPem(pemArg(pem))));
  }

  /** A public key from a JWK (object or JSON text); a private JWK gives its public half. */
  static fromJwk(jwk) {
    return new VerifyingKey(PRIVATE, call(() => native.VerifyingKey._fromJwkJson(jsonText(jwk, 'jwk'))));
  }

  /** A public key from DER `SubjectPublicKeyInfo` (RFC 5480). */
  static fromSpkiDer(der) {
    return new VerifyingKey(PRIVATE, call(() => native.VerifyingKey.fromSpkiDer(toBuffer(der, 'der'))));
  }

  /** A public key from a SEC1 point: `04‖x‖y` (65 bytes) or compressed. */
  static fromSec1Bytes(point) {
    return new VerifyingKey(PRIVATE, call(() => native.VerifyingKey.fromSec1Bytes(toBuffer(point, 'point'))));
  }

  /** The public key as SPKI PEM (`BEGIN PUBLIC KEY`). */
  toPem() {
    return this.#inner.toPem();
  }

  /** The public key as DER `SubjectPublicKeyInfo`. */
  toSpkiDer() {
    return call(() => this.#inner.toSpkiDer());
  }

  /** The uncompressed SEC1 point `04‖x‖y`. */
  toSec1Bytes() {
    return this.#inner.toSec1Bytes();
  }

  /** The public JWK (`kty`, `crv`, `x`, `y`). */
  toJwk() {
    return JSON.parse(this.#inner._toJwkJson());
  }

  /** The RFC 7638 JWK thumbprint. */
  thumbprint() {
    return this.#inner.thumbprint();
  }

  /** Build the precomputed verification tables now (otherwise on the fourth use). */
  prepare() {
    this.#inner.prepare();
  }

  /** Whether the precomputed tables exist. */
  get isPrepared() {
    return this.#inner.isPrepared;
  }

  /** Whether `other` is the same public key. */
  equals(other) {
    return other instanceof VerifyingKey && this.#inner.equals(other.#inner);
  }

  toString() {
    return `VerifyingKey(ES256, thumbprint=${this.thumbprint()})`;
  }

  toJSON() {
    return this.toJwk();
  }

  [inspect.custom]() {
    return this.toString();
  }
}

/** An RSA private key (2048 to 4096 bits) that signs RS256 (the default) or PS256 client assertions. */
class RsaSigningKey {
  #inner;

  /** @internal Use `RsaSigningKey.fromPem()`. */
  constructor(token, inner) {
    if (token !== PRIVATE) throw new TypeError('use RsaSigningKey.fromPem()');
    this.#inner = inner;
  }

  static {
    innerOfRsaKey = (k) => k.#inner;
  }

  /** An RSA private key from PEM: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`). */
  static fromPem(pem) {
    return new RsaSigningKey(PRIVATE, call(() => native.RsaSigningKey.fromPem(pemArg(pem))));
  }

  /** The modulus length in bits. */
  get modulusBits() {
    return this.#inner.modulusBits;
  }

  /** The public JWK (`kty` `RSA`, `n`, `e`). */
  publicJwk() {
    return JSON.parse(this.#inner._publicJwkJson());
  }

  /** The RFC 7638 JWK thumbprint of the public key. */
  thumbprint() {
    return this.#inner.thumbprint();
  }

  toString() {
    return `RsaSigningKey(${this.modulusBits} bits, thumbprint=${this.thumbprint()})`;
  }

  toJSON() {
    return { kty: 'RSA', bits: this.modulusBits, thumbprint: this.thumbprint() };
  }

  [inspect.custom]() {
    return this.toString();
  }
}

/** Verifying keys chosen by the token's `kid`: `new KeySet({k1: key1, k2: key2})`, a `Map` or `[kid, key]` pairs. */
class KeySet {
  #inner;
  /** The addon's `External` of the complete set (see `VerifyingKey`). */
  #handle;

  constructor(keys) {
    const inner = new native.KeySet();
    const entries = keys instanceof Map || (keys && typeof keys[Symbol.iterator] === 'function')
      ? keys
      : Object.entries(keys ?? {});
    for (const [kid, key] of entries) {
      if (typeof kid !== 'string') throw new TypeError('KeySet: every kid must be a string');
      if (!(key instanceof VerifyingKey)) throw new TypeError('KeySet: every key must be a VerifyingKey');
      call(() => inner._add(kid, innerOfVerifyingKey(key)));
    }
    this.#inner = inner;
  }

  static {
    innerOfKeySet = (s) => s.#inner;
    handleOfKeySet = (s) => (s.#handle ??= s.#inner._handle());
  }

  /** The key ids, in their order. */
  kids() {
    return this.#inner.kids();
  }

  /** The number of keys. */
  get size() {
    return this.#inner.size;
  }

  toString() {
    return `KeySet(${JSON.stringify(this.kids())})`;
  }

  [inspect.custom]() {
    return this.toString();
  }
}

/** Each ExternalSigner's `{sign, native}` (`native`: the addon's signer, for the token client). */
const SIGNERS = new WeakMap();
const EXTERNAL_SIGNER_OPTIONS = new Set(['timeout']);
/** How long the token client waits for an external signature, in seconds, unless `timeout` is given. */
const DEFAULT_SIGNER_TIMEOUT = 30;

/**
 * An ES256 signer whose private key lives elsewhere (a cloud KMS, an HSM): `sign(message)`
 * returns (or resolves to) the P-256 ECDSA signature over SHA-256 of `message`, either 64 bytes
 * `r‖s` or DER (what most KMS APIs return; converted by the core). Signing with it is async.
 * `D1Grant` and `PrivateKeyJwt` take it too: the token client then waits at most `timeout`
 * seconds (default 30) for each signature.
 */
class ExternalSigner {
  /**
   * @param {(message: Buffer) => Promise<Uint8Array> | Uint8Array} sign
   * @param {{timeout?: number}} [options]
   */
  constructor(sign, options) {
    if (typeof sign !== 'function') {
      throw new TypeError('ExternalSigner needs a function: sign(message: Buffer) => Promise<Buffer> | Buffer');
    }
    const o = checkOptions(options, EXTERNAL_SIGNER_OPTIONS, 'ExternalSigner');
    const timeout = o.timeout === undefined ? DEFAULT_SIGNER_TIMEOUT : o.timeout;
    // The addon's signer, for the token client's flows: it calls `sign` on the main thread
    // through a function that always returns a promise of a Buffer (a sync value, a throw and
    // a rejection alike), and waits for it on the client's thread.
    const bridge = (message) => {
      try {
        return Promise.resolve(sign(message)).then(signatureBuffer);
      } catch (e) {
        return Promise.reject(e);
      }
    };
    SIGNERS.set(this, { sign, native: call(() => new native._JsSigner(bridge, timeout)) });
  }

  /** The JWS algorithm: `ES256`. */
  get algorithm() {
    return 'ES256';
  }

  toString() {
    return 'ExternalSigner(ES256)';
  }

  [inspect.custom]() {
    return this.toString();
  }
}

/** The RFC 7638 thumbprint of a key, or of a P-256 JWK (object or JSON text). */
function jwkThumbprint(key) {
  if (key instanceof VerifyingKey || key instanceof SigningKey || key instanceof RsaSigningKey) {
    return key.thumbprint();
  }
  return VerifyingKey.fromJwk(key).thumbprint();
}

/** The fingerprints of an X.509 certificate given as PEM (string or Buffer) or DER (Buffer). */
function certificateThumbprints(cert) {
  try {
    return native.certificateThumbprints(typeof cert === 'string' ? cert : toBuffer(cert, 'certificate'));
  } catch (e) {
    throw fromNative(e);
  }
}

function toBuffer(bytes, what) {
  if (Buffer.isBuffer(bytes)) return bytes;
  if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new TypeError(`${what} must be a Buffer or a Uint8Array`);
}

// ---- signing ---------------------------------------------------------------------------------

const EXACT = 0;
const D1 = 1;
const CLIENT_ASSERTION = 2;

function audienceArg(aud) {
  if (aud === undefined || typeof aud === 'string' || Array.isArray(aud)) return aud;
  throw new TypeError('aud must be a string or an array of strings');
}

function claimsArg(claims) {
  return claims === undefined ? undefined : jsonText(claims, 'claims');
}

/**
 * Sign the spec with `key`: a string for `SigningKey` and `RsaSigningKey` (or a promise when
 * `background`), always a promise for an `ExternalSigner`.
 */
function signSpec(key, algorithm, background, p, env, iss, sub, aud, exp, expiresIn, nbf, iat, jti, kid, typ, claims) {
  if (key instanceof SigningKey) {
    if (algorithm !== undefined && algorithm !== 'ES256') throw argumentError(`a P-256 SigningKey signs ES256, not ${algorithm}`);
    if (background) {
      return native._signEs256Async(innerOfSigningKey(key), p, env, iss, sub, aud, exp, expiresIn, nbf, iat, jti, kid, typ, claims)
        .catch((e) => { throw fromNative(e); });
    }
    // The profiles take no sub, exp, nbf, typ or claims: the addon's shorter entry point.
    if (p !== EXACT) return native._signProfileEs256(handleOfSigningKey(key), p, env, iss, aud, expiresIn, iat, jti, kid);
    return native._signEs256(handleOfSigningKey(key), p, env, iss, sub, aud, exp, expiresIn, nbf, iat, jti, kid, typ, claims);
  }
  if (key instanceof RsaSigningKey) {
    if (background) {
      return native._signRsaAsync(innerOfRsaKey(key), algorithm, p, env, iss, sub, aud, exp, expiresIn, nbf, iat, jti, kid, typ, claims)
        .catch((e) => { throw fromNative(e); });
    }
    return native._signRsa(innerOfRsaKey(key), algorithm, p, env, iss, sub, aud, exp, expiresIn, nbf, iat, jti, kid, typ, claims);
  }
  if (key instanceof ExternalSigner) {
    if (algorithm !== undefined && algorithm !== 'ES256') throw argumentError(`an ExternalSigner signs ES256, not ${algorithm}`);
    return signExternal(SIGNERS.get(key).sign, p, env, iss, sub, aud, exp, expiresIn, nbf, iat, jti, kid, typ, claims);
  }
  throw new TypeError('key must be a SigningKey, an RsaSigningKey or an ExternalSigner');
}

/** Sign through a callback: the core writes the signing input, the callback signs, the core finishes the token. */
async function signExternal(sign, p, env, iss, sub, aud, exp, expiresIn, nbf, iat, jti, kid, typ, claims) {
  let input;
  try {
    const first = native._signingInput(p, env, iss, sub, aud, exp, expiresIn, nbf, iat, jti, kid, typ, claims);
    input = first[0];
    if (first.length > 1) jti = first[1];
  } catch (e) {
    throw fromNative(e);
  }
  let signature;
  try {
    signature = await sign(Buffer.from(input, 'latin1'));
  } catch (cause) {
    const err = new SigningError('signer failed: the external signer threw or rejected', 'signer_failed');
    err.cause = cause;
    throw err;
  }
  if (!(signature instanceof Uint8Array)) {
    throw new SigningError('signer failed: the external signer must return a Buffer or a Uint8Array', 'signer_failed');
  }
  try {
    return native._finishSigned(toBuffer(signature, 'signature'), input, p, env, iss, sub, aud, exp, expiresIn, nbf, iat, jti, kid, typ, claims);
  } catch (e) {
    throw fromNative(e);
  }
}

/** The signature `sign` returned, as a Buffer (the token client's bridge refuses anything else). */
function signatureBuffer(signature) {
  if (!(signature instanceof Uint8Array)) throw new TypeError('the external signer must return a Buffer or a Uint8Array');
  return toBuffer(signature, 'signature');
}

/** Run `f` and return its result, or a rejected promise with the package's error when `asPromise`. */
function settle(f, asPromise) {
  try {
    const result = f();
    return asPromise ? Promise.resolve(result) : result;
  } catch (e) {
    const err = fromNative(e);
    if (asPromise) return Promise.reject(err);
    throw err;
  }
}

const ASSERTION_OPTIONS = new Set(['iss', 'sub', 'aud', 'exp', 'expiresIn', 'nbf', 'iat', 'jti', 'kid', 'typ', 'claims']);
const SIGN_OPTIONS = new Set(['iss', 'sub', 'aud', 'expiresIn', 'exp', 'now', 'nbf', 'jti', 'kid', 'typ', 'claims', 'algorithm']);
const KEY_OPTIONS = new Set(['algorithm']);

const FIELDS = new WeakMap();

/**
 * A JWT assertion, member by member, as the core builds it: header `{alg, typ?, kid?}`, claims
 * `iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti` (each only when given), then the private
 * `claims` in their order. Unlike `signAssertion`, nothing is added: no `iat` unless given.
 */
class Assertion {
  constructor(options) {
    const o = checkOptions(options, ASSERTION_OPTIONS, 'Assertion');
    if (o.exp !== undefined && o.expiresIn !== undefined) throw argumentError('give exp or expiresIn, not both');
    FIELDS.set(this, { ...o, aud: audienceArg(o.aud), claims: claimsArg(o.claims) });
  }

  /** The compact JWS signed by `key` (a promise for an `ExternalSigner`). */
  sign(key, options) {
    return this.#sign(key, options, false);
  }

  /** `sign` off the main thread: always a promise. */
  signAsync(key, options) {
    return this.#sign(key, options, true);
  }

  #sign(key, options, background) {
    return settle(() => {
      const { algorithm } = checkOptions(options, KEY_OPTIONS, 'sign');
      const f = FIELDS.get(this);
      return signSpec(key, algorithm, background, EXACT, undefined, f.iss, f.sub, f.aud, f.exp, f.expiresIn, f.nbf, f.iat, f.jti, f.kid, f.typ, f.claims);
    }, background || key instanceof ExternalSigner);
  }

  [inspect.custom]() {
    return 'Assertion { ... }';
  }
}

function signAssertionWith(key, options, background) {
  return settle(() => {
    const o = checkOptions(options, SIGN_OPTIONS, 'signAssertion');
    if ((o.exp === undefined) === (o.expiresIn === undefined)) {
      throw argumentError('give exactly one of expiresIn (seconds from now) and exp');
    }
    const iat = o.now === undefined ? nowSeconds() : o.now;
    return signSpec(key, o.algorithm, background, EXACT, undefined, o.iss, o.sub, audienceArg(o.aud), o.exp, o.expiresIn, o.nbf, iat, o.jti, o.kid, o.typ, claimsArg(o.claims));
  }, background || key instanceof ExternalSigner);
}

/**
 * Sign a JWT assertion: `iat` = `now` (the system clock unless given), `exp` = `now` +
 * `expiresIn` (or `exp` exactly), plus whatever else is given.
 */
function signAssertion(key, options) {
  return signAssertionWith(key, options, false);
}

/** `signAssertion` off the main thread. */
function signAssertionAsync(key, options) {
  return signAssertionWith(key, options, true);
}

const D1_OPTIONS = new Set(['issuerId', 'env', 'kid', 'now', 'expiresIn', 'jti']);

function d1With(key, options, background) {
  return settle(() => {
    const o = checkOptions(options, D1_OPTIONS, 'd1Assertion');
    if (key instanceof RsaSigningKey) throw argumentError('Thales D1 accepts ES256 only: use a P-256 key');
    const now = o.now === undefined ? nowSeconds() : o.now;
    return signSpec(key, undefined, background, D1, o.env, o.issuerId, undefined, undefined, undefined, o.expiresIn, undefined, now, o.jti, o.kid, undefined, undefined);
  }, background || key instanceof ExternalSigner);
}

/**
 * A Thales D1 assertion (the core's `d1` profile): `iss` = `sub` = `issuerId`, `aud`
 * `stg`/`prd`, `kid`, `typ` `JWT`, `iat` = now, `exp` = now + `expiresIn` (default 300, at
 * most 900), and a `jti` (random unless given).
 */
function d1Assertion(key, options) {
  return d1With(key, options, false);
}

/** `d1Assertion` off the main thread. */
function d1AssertionAsync(key, options) {
  return d1With(key, options, true);
}

const CA_OPTIONS = new Set(['clientId', 'audience', 'kid', 'now', 'expiresIn', 'jti', 'algorithm']);

function clientAssertionWith(key, options, background) {
  return settle(() => {
    const o = checkOptions(options, CA_OPTIONS, 'clientAssertion');
    if (typeof o.audience !== 'string') throw new TypeError('clientAssertion: audience must be a string');
    const now = o.now === undefined ? nowSeconds() : o.now;
    return signSpec(key, o.algorithm, background, CLIENT_ASSERTION, undefined, o.clientId, undefined, o.audience, undefined, o.expiresIn, undefined, now, o.jti, o.kid, undefined, undefined);
  }, background || key instanceof ExternalSigner);
}

/**
 * A `private_key_jwt` client assertion (the core's `client_assertion` profile): `iss` = `sub` =
 * `clientId`, `aud` = `audience` (one string: the authorization server's issuer, or its token
 * endpoint), `jti` (random unless given), `iat` = now, `exp` = now + `expiresIn` (default 60),
 * `kid` when given.
 */
function clientAssertion(key, options) {
  return clientAssertionWith(key, options, false);
}

/** `clientAssertion` off the main thread. */
function clientAssertionAsync(key, options) {
  return clientAssertionWith(key, options, true);
}

// ---- verification ----------------------------------------------------------------------------

const HEADER_JSON = Symbol('headerJson');
const CLAIMS_JSON = Symbol('claimsJson');

/**
 * A verified token: its header and claims (parsed when first read) and their JSON text (split
 * from the addon's `header U+001F claims` answer when first read).
 */
class VerifiedToken {
  #joined;
  #header;
  #claims;

  constructor(joined) {
    this.#joined = joined;
  }

  /** The JOSE header. */
  get header() {
    return (this.#header ??= JSON.parse(this[HEADER_JSON]));
  }

  /** The claims. */
  get claims() {
    return (this.#claims ??= JSON.parse(this[CLAIMS_JSON]));
  }

  /** The header JSON exactly as it was in the token. */
  get headerJson() {
    return this[HEADER_JSON];
  }

  /** The claims JSON exactly as it was in the token. */
  get claimsJson() {
    return this[CLAIMS_JSON];
  }

  get [HEADER_JSON]() {
    return this.#joined.slice(0, this.#joined.indexOf('\u001f'));
  }

  get [CLAIMS_JSON]() {
    return this.#joined.slice(this.#joined.indexOf('\u001f') + 1);
  }

  toJSON() {
    return { header: this.header, claims: this.claims };
  }

  [inspect.custom]() {
    return `VerifiedToken { header: ${this[HEADER_JSON]}, claims: ${this[CLAIMS_JSON]} }`;
  }
}

/** A token decoded WITHOUT verification: never trust its content. */
class UnverifiedToken {
  constructor(joined) {
    const [header, claims, len] = joined.split('\u001f');
    /** The JOSE header (NOT verified). */
    this.header = JSON.parse(header);
    /** The claims (NOT verified). */
    this.claims = JSON.parse(claims);
    /** The signature's length in bytes (64 for ES256). */
    this.signatureLength = Number(len);
  }

  [inspect.custom]() {
    return `UnverifiedToken { header: ${JSON.stringify(this.header)}, claims: ${JSON.stringify(this.claims)}, NOT VERIFIED }`;
  }
}

/**
 * Decode a token WITHOUT checking its signature or claims (the core's format and JSON rules
 * still apply): for inspection and logging only.
 */
function decodeUnverified(token) {
  try {
    return new UnverifiedToken(native._decodeUnverified(token));
  } catch (e) {
    throw fromNative(e);
  }
}

function audienceList(aud) {
  return aud === undefined || Array.isArray(aud) ? aud : [aud];
}

const VERIFY_OPTIONS = new Set([
  'issuer', 'audience', 'anyAudience', 'subject', 'kid', 'requireKid', 'typ', 'leeway', 'maxLifetime',
  'maxExpiryAhead', 'required', 'maxBytes', 'now', 'issuerEqualsSubject', 'soleAudience', 'audienceAsString',
  'dangerousAllowMissingExp',
]);

/** The addon's verification for `key`, sync or as a task. */
function verifyNative(key, background) {
  if (key instanceof VerifyingKey) return background ? native._verifyKeyAsync : native._verifyKey;
  if (key instanceof KeySet) return background ? native._verifySetAsync : native._verifySet;
  throw new TypeError('key must be a VerifyingKey or a KeySet');
}

/** The key as the addon's verification takes it: its `External` handle for a synchronous call, the object for a task. */
function innerKey(key, background) {
  if (key instanceof VerifyingKey) return background ? innerOfVerifyingKey(key) : handleOfVerifyingKey(key);
  return background ? innerOfKeySet(key) : handleOfKeySet(key);
}

/**
 * Verify with a profile's policy (D1 or client assertion): the addon's shorter entry point
 * (only the options the profiles take) for a synchronous call.
 */
function verifyProfile(token, key, background, profile, env, issuer, audience, kid, leeway, maxLifetime, now) {
  if (!background) {
    if (key instanceof VerifyingKey) {
      return new VerifiedToken(native._verifyProfileKey(token, handleOfVerifyingKey(key), profile, env, issuer, audience, kid, leeway, maxLifetime, now));
    }
    if (key instanceof KeySet) {
      return new VerifiedToken(native._verifyProfileSet(token, handleOfKeySet(key), profile, env, issuer, audience, kid, leeway, maxLifetime, now));
    }
  }
  const f = verifyNative(key, background);
  const out = f(token, innerKey(key, background), profile, env, issuer, audience, undefined, undefined, kid, undefined, undefined,
    leeway, maxLifetime, undefined, undefined, undefined, now);
  return finishVerify(out, background);
}

function finishVerify(result, background) {
  if (!background) return new VerifiedToken(result);
  return result.then((joined) => new VerifiedToken(joined), (e) => { throw fromNative(e); });
}

function verifyWith(token, key, options, background) {
  return settle(() => {
    const o = checkOptions(options, VERIFY_OPTIONS, 'verify');
    const f = verifyNative(key, background);
    const out = f(token, innerKey(key, background), 0, undefined, o.issuer, audienceList(o.audience), o.anyAudience, o.subject, o.kid,
      o.requireKid, o.typ, o.leeway, o.maxLifetime, o.maxExpiryAhead, o.required, o.maxBytes, o.now,
      o.issuerEqualsSubject, o.soleAudience, o.audienceAsString, o.dangerousAllowMissingExp);
    return finishVerify(out, background);
  }, background);
}

/**
 * Verify a token with the core's strict contract and return its header and claims.
 *
 * Every option left `undefined` is the core's default: `exp` required, `typ` `JWT` or absent,
 * 60 s leeway, 8 KiB at most, and no audience expected (a token that carries `aud` is refused
 * unless `audience` names one of its values or `anyAudience` is set).
 */
function verify(token, key, options) {
  return verifyWith(token, key, options, false);
}

/** `verify` off the main thread. */
function verifyAsync(token, key, options) {
  return verifyWith(token, key, options, true);
}

const VERIFY_D1_OPTIONS = new Set(['issuerId', 'env', 'kid', 'now', 'leeway']);

function verifyD1With(token, key, options, background) {
  return settle(() => {
    const o = checkOptions(options, VERIFY_D1_OPTIONS, 'verifyD1Assertion');
    return verifyProfile(token, key, background, D1, o.env, o.issuerId, undefined, o.kid, o.leeway, undefined, o.now);
  }, background);
}

/**
 * Verify a Thales D1 assertion the way D1 does (the core's `d1` profile): `iss` = `sub` =
 * `issuerId`, `aud` `stg`/`prd`, `kid` required and equal, `typ` `JWT`, `exp` at most 15
 * minutes ahead.
 */
function verifyD1Assertion(token, key, options) {
  return verifyD1With(token, key, options, false);
}

/** `verifyD1Assertion` off the main thread. */
function verifyD1AssertionAsync(token, key, options) {
  return verifyD1With(token, key, options, true);
}

const VERIFY_CA_OPTIONS = new Set(['clientId', 'audience', 'now', 'leeway', 'maxLifetime', 'kid']);

function verifyClientAssertionWith(token, key, options, background) {
  return settle(() => {
    const o = checkOptions(options, VERIFY_CA_OPTIONS, 'verifyClientAssertion');
    if (o.audience === undefined) throw new TypeError('verifyClientAssertion: audience is required');
    return verifyProfile(token, key, background, CLIENT_ASSERTION, undefined, o.clientId, audienceList(o.audience), o.kid,
      o.leeway, o.maxLifetime, o.now);
  }, background);
}

/**
 * Verify a `private_key_jwt` client assertion (the core's `client_assertion` profile): `iss` =
 * `sub` = `clientId`, `aud` one of `audience` and a single audience, `jti` and `exp` required.
 */
function verifyClientAssertion(token, key, options) {
  return verifyClientAssertionWith(token, key, options, false);
}

/** `verifyClientAssertion` off the main thread. */
function verifyClientAssertionAsync(token, key, options) {
  return verifyClientAssertionWith(token, key, options, true);
}

// ---- token client ----------------------------------------------------------------------------

const AUTH = Symbol('bearerkit.auth');

function makeAuth(target, f) {
  let auth;
  try {
    auth = f();
  } catch (e) {
    throw fromNative(e);
  }
  Object.defineProperty(target, AUTH, { value: auth });
}

const authMethods = {
  toString() {
    return this[AUTH].describe();
  },
  [inspect.custom]() {
    return this[AUTH].describe();
  },
  toJSON() {
    return this[AUTH].describe();
  },
};

/** The Thales D1 inbound grant: ES256 assertions, a fresh one per token request, signed by a `SigningKey` or an `ExternalSigner`. */
class D1Grant {
  constructor(issuerId, env, kid, key, options) {
    const o = checkOptions(options, new Set(['lifetime']), 'D1Grant');
    if (key instanceof SigningKey) {
      makeAuth(this, () => native._Auth.d1(issuerId, env, kid, innerOfSigningKey(key), o.lifetime));
    } else if (key instanceof ExternalSigner) {
      makeAuth(this, () => native._Auth.d1External(issuerId, env, kid, SIGNERS.get(key).native, o.lifetime));
    } else {
      throw new TypeError('Thales D1 accepts ES256 only: key must be a SigningKey or an ExternalSigner');
    }
  }
}

/** Client credentials with a client secret: HTTP Basic (`method: 'basic'`, the default) or in the form body (`'post'`). */
class ClientSecret {
  constructor(clientId, secret, options) {
    const o = checkOptions(options, new Set(['method']), 'ClientSecret');
    makeAuth(this, () => native._Auth.clientSecret(clientId, secret, o.method));
  }
}

const PKJ_OPTIONS = new Set(['kid', 'certificate', 'issuer', 'discoverIssuer', 'audience', 'lifetime', 'algorithm']);

/**
 * `private_key_jwt` client authentication (Worldline Open Banking / Keycloak): a client
 * assertion per request signed by a `SigningKey` or an `ExternalSigner` (ES256), or an
 * `RsaSigningKey` (RS256, or PS256 with `algorithm: 'PS256'`); `certificate` (PEM) gives `kid`
 * (its SHA-1 fingerprint) after checking it carries the key (an external signer's key is
 * unknown here: not checked).
 */
class PrivateKeyJwt {
  constructor(clientId, key, options) {
    const o = checkOptions(options, PKJ_OPTIONS, 'PrivateKeyJwt');
    const opts = { ...o, certificate: o.certificate === undefined || typeof o.certificate === 'string' ? o.certificate : toBuffer(o.certificate, 'certificate').toString('latin1') };
    if (key instanceof SigningKey) {
      makeAuth(this, () => native._Auth.privateKeyJwtEc(clientId, innerOfSigningKey(key), opts));
    } else if (key instanceof RsaSigningKey) {
      makeAuth(this, () => native._Auth.privateKeyJwtRsa(clientId, innerOfRsaKey(key), opts));
    } else if (key instanceof ExternalSigner) {
      makeAuth(this, () => native._Auth.privateKeyJwtExternal(clientId, SIGNERS.get(key).native, opts));
    } else {
      throw new TypeError('PrivateKeyJwt: key must be a SigningKey, an RsaSigningKey or an ExternalSigner');
    }
  }

  /** The JWS algorithm of the assertions. */
  get algorithm() {
    return this[AUTH].algorithm;
  }

  /** The `aud` the assertions carry when sent to `tokenEndpoint` (without discovery). */
  audienceFor(tokenEndpoint) {
    return this[AUTH].audienceFor(tokenEndpoint);
  }
}

for (const C of [D1Grant, ClientSecret, PrivateKeyJwt]) {
  for (const name of Reflect.ownKeys(authMethods)) {
    Object.defineProperty(C.prototype, name, { value: authMethods[name], writable: true, configurable: true });
  }
}

/** An access token. `toString()`, `inspect` and `JSON.stringify` never show it: read `accessToken` or `authorization`. */
class Token {
  #inner;

  /** @internal Tokens come from `TokenClient.token()`. */
  constructor(token, inner) {
    if (token !== PRIVATE) throw new TypeError('tokens come from TokenClient.token()');
    this.#inner = inner;
  }

  /** The access token itself. */
  get accessToken() {
    return this.#inner.accessToken;
  }

  /** `token_type` (`Bearer`). */
  get tokenType() {
    return this.#inner.tokenType;
  }

  /** The granted `scope`, when the server sent one. */
  get scope() {
    return this.#inner.scope ?? undefined;
  }

  /** The lifetime the server gave, in seconds. */
  get expiresIn() {
    return this.#inner.expiresIn;
  }

  /** Seconds until it expires (0 when expired). */
  get remaining() {
    return this.#inner.remaining;
  }

  /** Whether it has expired. */
  get isExpired() {
    return this.#inner.isExpired;
  }

  /** The `Authorization` header value, `Bearer <token>`. */
  get authorization() {
    return this.#inner.authorization;
  }

  /** The other members of the token response, in their order; never `access_token`, `refresh_token` or `id_token`. */
  get response() {
    return JSON.parse(this.#inner._responseJson());
  }

  toString() {
    return this.#inner.describe();
  }

  toJSON() {
    return { tokenType: this.tokenType, scope: this.scope, expiresIn: this.expiresIn };
  }

  [inspect.custom]() {
    return this.toString();
  }
}

const CLIENT_OPTIONS = new Set([
  'scope', 'timeout', 'connectTimeout', 'maxAttempts', 'maxElapsed', 'proxy', 'rootCertificates', 'onlyGivenRoots',
  'clientCertificate', 'clientKey', 'correlationId', 'jsonBody', 'headers', 'insecureTransport', 'refreshMargin',
]);

function headerPairs(headers) {
  if (headers === undefined) return undefined;
  const entries = headers instanceof Map || Array.isArray(headers) ? [...headers] : Object.entries(headers);
  return entries.map(([name, value]) => [String(name), String(value)]);
}

const CLIENT = Symbol('bearerkit.client');

/**
 * The token client over `bearerkit-client`: `await client.token()` gives a valid access token,
 * cached until shortly before it expires; concurrent awaits share one request.
 */
class TokenClient {
  constructor(url, auth, options) {
    const o = checkOptions(options, CLIENT_OPTIONS, 'TokenClient');
    if (!auth || !auth[AUTH]) throw new TypeError('auth must be a D1Grant, a ClientSecret or a PrivateKeyJwt');
    const settings = { ...o, headers: headerPairs(o.headers) };
    let client;
    try {
      client = new native._TokenClient(url, auth[AUTH], settings);
    } catch (e) {
      throw fromNative(e);
    }
    Object.defineProperty(this, CLIENT, { value: client });
  }

  /** A valid access token: the cached one while fresh, else a new one from the token endpoint. */
  async token() {
    try {
      return new Token(PRIVATE, await this[CLIENT].token());
    } catch (e) {
      throw fromNative(e);
    }
  }

  /** Forget the cached token (for example after a resource server answered 401). */
  invalidate() {
    this[CLIENT].invalidate();
  }

  /** The token endpoint. */
  get endpoint() {
    return this[CLIENT].endpoint;
  }

  toString() {
    return `TokenClient(${JSON.stringify(this.endpoint)})`;
  }

  [inspect.custom]() {
    return this.toString();
  }
}

// ---- exports ---------------------------------------------------------------------------------

module.exports = {
  version: native.version(),
  BearerkitError, InvalidArgument, InvalidKey, InvalidToken, ExpiredToken, NotYetValid, ClaimMismatch, InvalidPolicy,
  SigningError, TokenClientError, OAuthError, TransportError, RateLimited, ConfigError,
  SigningKey, VerifyingKey, KeySet, RsaSigningKey, ExternalSigner, jwkThumbprint, certificateThumbprints,
  Assertion, signAssertion, signAssertionAsync, d1Assertion, d1AssertionAsync, clientAssertion, clientAssertionAsync,
  VerifiedToken, UnverifiedToken, verify, verifyAsync, verifyD1Assertion, verifyD1AssertionAsync,
  verifyClientAssertion, verifyClientAssertionAsync, decodeUnverified,
  D1Grant, ClientSecret, PrivateKeyJwt, Token, TokenClient,
  // Private: the benchmark's baseline (the same core call timed inside the addon).
  _benchCoreVerifyD1: (token, key, issuerId, env, kid, now, n) =>
    native._benchCoreVerifyD1(token, innerOfVerifyingKey(key), issuerId, env, kid, now, n),
  _benchCoreSignD1: (key, issuerId, env, kid, now, jti, n) =>
    native._benchCoreSignD1(innerOfSigningKey(key), issuerId, env, kid, now, jti, n),
  _benchCoreSigningInputD1: (issuerId, env, kid, now, jti, n) =>
    native._benchCoreSigningInputD1(issuerId, env, kid, now, jti, n),
};
