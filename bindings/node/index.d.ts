/**
 * bearerkit for Node.js: ES256 JWT assertions (RFC 7523) for the Thales D1 JWT-bearer grant and
 * for `private_key_jwt` client authentication (Worldline Open Banking / Keycloak) — signing,
 * strict verification, keys and an OAuth 2.0 token client — on bearerkit's Rust core.
 *
 * Every verification option left `undefined` is the core's default. Errors are
 * {@link BearerkitError} instances with a stable `.code`.
 * @packageDocumentation
 */

/// <reference types="node" />

/** The package's version (the Rust crates'). */
export declare const version: string;

/** A JSON value as `JSON.parse` returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [name: string]: JsonValue };
/** A JSON object as `JSON.parse` returns it. */
export type JsonObject = { [name: string]: JsonValue };

/** A P-256 JWK (public: `kty`, `crv`, `x`, `y`; private: also `d`). */
export interface EcJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  d?: string;
  [member: string]: JsonValue | undefined;
}

/** An RSA public JWK (`kty`, `n`, `e`). */
export interface RsaPublicJwk {
  kty: 'RSA';
  n: string;
  e: string;
}

/** The JWS algorithms bearerkit signs with. */
export type Algorithm = 'ES256' | 'RS256' | 'PS256';
/** The Thales D1 environments: the assertion's `aud`. */
export type D1Env = 'stg' | 'prd' | 'staging' | 'production';
/** A JWT `aud`: one string or a list. */
export type Audience = string | readonly string[];
/** Bytes: a `Buffer` or any `Uint8Array`. */
export type Bytes = Buffer | Uint8Array;

// ---- errors ----------------------------------------------------------------------------------

/** Base class of every bearerkit error. */
export declare class BearerkitError extends Error {
  /** The stable snake_case code (the Rust crates'), e.g. `bad_signature`. */
  readonly code: string;
  constructor(message: string, code: string);
}
/** An argument the API refuses (`invalid_argument`): an unknown option, format, env or algorithm, claims that are not JSON. */
export declare class InvalidArgument extends BearerkitError {}
/** A key, JWK or certificate could not be read: `bad_pem`, `bad_der`, `bad_jwk`, `wrong_curve`, `invalid_point`, `key_mismatch`, `rsa_key_size`, ... */
export declare class InvalidKey extends BearerkitError {}
/** Verification refused the token (format, JSON, header, signature or claims). */
export declare class InvalidToken extends BearerkitError {}
/** The token has expired (`expired`). */
export declare class ExpiredToken extends InvalidToken {}
/** The token is not valid yet: `not_yet_valid` (nbf) or `issued_in_future` (iat). */
export declare class NotYetValid extends InvalidToken {}
/** A claim or header value differs from the policy: `issuer_mismatch`, `subject_mismatch`, `audience_mismatch`, `unexpected_audience`, `audience_not_sole`, `kid_mismatch`, `missing_kid`, `lifetime_too_long`. */
export declare class ClaimMismatch extends InvalidToken {}
/** The verification policy itself is unusable (`invalid_policy`: a leeway above 3600, an empty audience list, ...). */
export declare class InvalidPolicy extends BearerkitError {}
/** An assertion could not be signed: `date_out_of_range`, `claims_not_object`, `signer_failed`, `bad_der_signature`, ... */
export declare class SigningError extends BearerkitError {}
/** Base class of the token client's errors. */
export declare class TokenClientError extends BearerkitError {
  /** The number of requests made. */
  readonly attempts: number;
}
/** The token endpoint answered an RFC 6749 error. `code` is the same as `error`. */
export declare class OAuthError extends TokenClientError {
  /** The RFC 6749 `error` (`invalid_client`, `invalid_grant`, `invalid_scope`, ...). */
  readonly error: string;
  /** `error_description`, when sent. */
  readonly description: string | null;
  /** `error_uri`, when sent. */
  readonly uri: string | null;
  /** The HTTP status. */
  readonly status: number;
}
/** No usable answer: `transport`, `tls`, `timeout`, `unexpected_response`, `response_too_large`, `rng_failed`. */
export declare class TransportError extends TokenClientError {
  /** The HTTP status, when there was an answer. */
  readonly status: number | null;
}
/** HTTP 429 until the retries gave up (`rate_limited`). */
export declare class RateLimited extends TokenClientError {
  /** The wait the server asked for (`Retry-After`), in seconds. */
  readonly retryAfter: number | null;
  /** 429. */
  readonly status: number;
}
/** The token client's configuration is unusable (`invalid_config`). */
export declare class ConfigError extends BearerkitError {}

// ---- keys ------------------------------------------------------------------------------------

/** A P-256 private key that signs ES256 (RFC 6979). Its scalar never appears in `inspect`, `toString` or `JSON.stringify`. */
export declare class SigningKey {
  private constructor();
  /** A new random key (from the operating system's generator). */
  static generate(): SigningKey;
  /** A private key from PEM: SEC1 (`BEGIN EC PRIVATE KEY`, trailing spaces and all) or PKCS#8 (`BEGIN PRIVATE KEY`). */
  static fromPem(pem: string | Bytes): SigningKey;
  /** A private key from a JWK (object or JSON text) with `kty` `EC`, `crv` `P-256`, `d`. */
  static fromJwk(jwk: EcJwk | JsonObject | string): SigningKey;
  /** A private key from SEC1 `ECPrivateKey` DER (RFC 5915). */
  static fromSec1Der(der: Bytes): SigningKey;
  /** A private key from PKCS#8 `PrivateKeyInfo` DER (RFC 5208). */
  static fromPkcs8Der(der: Bytes): SigningKey;
  /** The private key as PEM: `pkcs8` (`BEGIN PRIVATE KEY`, the default) or `sec1` (`BEGIN EC PRIVATE KEY`). */
  toPem(options?: { format?: 'pkcs8' | 'sec1' }): string;
  /** The private key as PKCS#8 DER. */
  toPkcs8Der(): Buffer;
  /** The private JWK (`kty`, `crv`, `x`, `y`, `d`). */
  toJwk(): EcJwk & { d: string };
  /** The public key. */
  readonly publicKey: VerifyingKey;
  /** The RFC 7638 JWK thumbprint of the public key. */
  thumbprint(): string;
  /** `SigningKey(ES256, thumbprint=…)`. */
  toString(): string;
  /** `{kty, crv, thumbprint}`: never the private key. */
  toJSON(): { kty: 'EC'; crv: 'P-256'; thumbprint: string };
}

/**
 * A P-256 public key that verifies ES256. Reused across calls it verifies with the core's
 * precomputed tables (about 85 KiB, built on its fourth use, or now with `prepare()`).
 */
export declare class VerifyingKey {
  private constructor();
  /** A public key from PEM: SPKI (`BEGIN PUBLIC KEY`), or the public half of a SEC1 or PKCS#8 private key. */
  static fromPem(pem: string | Bytes): VerifyingKey;
  /** A public key from a JWK (object or JSON text); a private JWK gives its public half. */
  static fromJwk(jwk: EcJwk | JsonObject | string): VerifyingKey;
  /** A public key from DER `SubjectPublicKeyInfo` (RFC 5480). */
  static fromSpkiDer(der: Bytes): VerifyingKey;
  /** A public key from a SEC1 point: `04‖x‖y` (65 bytes) or compressed `02‖x` / `03‖x`. */
  static fromSec1Bytes(point: Bytes): VerifyingKey;
  /** The public key as SPKI PEM. */
  toPem(): string;
  /** The public key as DER `SubjectPublicKeyInfo`. */
  toSpkiDer(): Buffer;
  /** The uncompressed SEC1 point `04‖x‖y` (65 bytes). */
  toSec1Bytes(): Buffer;
  /** The public JWK (`kty`, `crv`, `x`, `y`). */
  toJwk(): EcJwk;
  /** The RFC 7638 JWK thumbprint. */
  thumbprint(): string;
  /** Build the precomputed verification tables now (otherwise on the fourth use). */
  prepare(): void;
  /** Whether the precomputed tables exist. */
  readonly isPrepared: boolean;
  /** Whether `other` is the same public key. */
  equals(other: VerifyingKey): boolean;
  /** `VerifyingKey(ES256, thumbprint=…)`. */
  toString(): string;
  /** The public JWK. */
  toJSON(): EcJwk;
}

/** Verifying keys chosen by the token's `kid`. */
export declare class KeySet {
  /** `new KeySet({k1: key1, k2: key2})`, a `Map` or `[kid, key]` pairs. */
  constructor(keys: Readonly<Record<string, VerifyingKey>> | ReadonlyMap<string, VerifyingKey> | Iterable<readonly [string, VerifyingKey]>);
  /** The key ids, in their order. */
  kids(): string[];
  /** The number of keys. */
  readonly size: number;
  /** `KeySet([...kids])`. */
  toString(): string;
}

/** An RSA private key of 2048 to 4096 bits that signs RS256 (the default) or PS256 client assertions. */
export declare class RsaSigningKey {
  private constructor();
  /** From PEM: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`); `rsa_key_size` outside 2048..4096 bits. */
  static fromPem(pem: string | Bytes): RsaSigningKey;
  /** The modulus length in bits. */
  readonly modulusBits: number;
  /** The public JWK (`kty` `RSA`, `n`, `e`). */
  publicJwk(): RsaPublicJwk;
  /** The RFC 7638 JWK thumbprint of the public key. */
  thumbprint(): string;
  /** `RsaSigningKey(N bits, thumbprint=…)`. */
  toString(): string;
  /** `{kty, bits, thumbprint}`: never the private key. */
  toJSON(): { kty: 'RSA'; bits: number; thumbprint: string };
}

/**
 * The callback of an {@link ExternalSigner}: the P-256 ECDSA signature over SHA-256 of
 * `message`, 64 bytes `r‖s` or DER (as most KMS APIs return it).
 */
export type SignCallback = (message: Buffer) => Promise<Bytes> | Bytes;

/** The options of an {@link ExternalSigner}. */
export interface ExternalSignerOptions {
  /**
   * How long a {@link TokenClient} waits for each signature, in seconds (a positive number);
   * after it the token request fails with `signer_failed`. Defaults to 30.
   */
  timeout?: number;
}

/**
 * An ES256 signer whose private key lives elsewhere (a cloud KMS, an HSM). Signing with it
 * returns a promise. {@link D1Grant} and {@link PrivateKeyJwt} take it too: the token client
 * calls `sign` on the main thread for each assertion; a throw, a rejection, a result that is
 * not a P-256 signature or no answer within `timeout` fail `token()` with a
 * {@link SigningError} whose code is `signer_failed`.
 */
export declare class ExternalSigner {
  constructor(sign: SignCallback, options?: ExternalSignerOptions);
  /** `ES256`. */
  readonly algorithm: 'ES256';
  /** `ExternalSigner(ES256)`. */
  toString(): string;
}

/** The fingerprints of an X.509 certificate. */
export interface CertificateThumbprints {
  /** SHA-1 of the DER certificate, 40 upper-case hex digits (Worldline's `kid`). */
  sha1Hex: string;
  /** base64url SHA-1 (`x5t`). */
  x5t: string;
  /** base64url SHA-256 (`x5t#S256`). */
  x5tS256: string;
}

/** The fingerprints of an X.509 certificate given as PEM (string or Buffer) or DER (Buffer). */
export declare function certificateThumbprints(cert: string | Bytes): CertificateThumbprints;
/** The RFC 7638 thumbprint of a key, or of a P-256 JWK (object or JSON text). */
export declare function jwkThumbprint(key: VerifyingKey | SigningKey | RsaSigningKey | EcJwk | JsonObject | string): string;

// ---- signing ---------------------------------------------------------------------------------

/** A key that signs synchronously. */
export type SyncSigner = SigningKey | RsaSigningKey;
/** Any key that signs. */
export type AnySigner = SyncSigner | ExternalSigner;
/** Private claims: an object (written by `JSON.stringify`, member order kept) or JSON object text. */
export type Claims = Readonly<JsonObject> | string;

/** The members of an {@link Assertion}, exactly as given. Dates are seconds since the epoch. */
export interface AssertionOptions {
  iss?: string;
  sub?: string;
  aud?: Audience;
  exp?: number;
  /** `exp` = `iat` + `expiresIn` (needs `iat`). */
  expiresIn?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  /** Header `kid`. */
  kid?: string;
  /** Header `typ`. */
  typ?: string;
  claims?: Claims;
}

/** The algorithm option of signing calls. */
export interface AlgorithmOption {
  /** The default is the key's: ES256 for P-256 keys, RS256 for RSA keys. */
  algorithm?: Algorithm;
}

/** A JWT assertion, member by member, as the core builds it; no `iat` unless given. */
export declare class Assertion {
  constructor(options?: AssertionOptions);
  /** The compact JWS signed by `key`. */
  sign(key: SyncSigner, options?: AlgorithmOption): string;
  /** The compact JWS signed by an external signer. */
  sign(key: ExternalSigner, options?: AlgorithmOption): Promise<string>;
  /** `sign` off the main thread. */
  signAsync(key: AnySigner, options?: AlgorithmOption): Promise<string>;
}

/** The options of {@link signAssertion}: exactly one of `expiresIn` and `exp`. */
export interface SignAssertionOptions extends AlgorithmOption {
  iss?: string;
  sub?: string;
  aud?: Audience;
  /** Seconds from `now` to `exp`. */
  expiresIn?: number;
  /** `exp`, exactly. */
  exp?: number;
  /** `iat`: the system clock unless given. */
  now?: number;
  nbf?: number;
  jti?: string;
  kid?: string;
  typ?: string;
  claims?: Claims;
}

/** Sign a JWT assertion: `iat` = `now`, `exp` = `now` + `expiresIn` (or `exp`), plus whatever else is given. */
export declare function signAssertion(key: SyncSigner, options: SignAssertionOptions): string;
export declare function signAssertion(key: ExternalSigner, options: SignAssertionOptions): Promise<string>;
/** {@link signAssertion} off the main thread. */
export declare function signAssertionAsync(key: AnySigner, options: SignAssertionOptions): Promise<string>;

/** The options of {@link d1Assertion}. */
export interface D1AssertionOptions {
  /** `iss` = `sub`. */
  issuerId: string;
  /** The `aud`: `stg` or `prd`. */
  env: D1Env;
  /** Header `kid`. */
  kid: string;
  /** The system clock unless given. */
  now?: number;
  /** Default 300, at most 900 (larger values are lowered to it). */
  expiresIn?: number;
  /** Random unless given. */
  jti?: string;
}

/** A Thales D1 assertion (the core's `d1` profile), ES256 only. */
export declare function d1Assertion(key: SigningKey, options: D1AssertionOptions): string;
export declare function d1Assertion(key: ExternalSigner, options: D1AssertionOptions): Promise<string>;
/** {@link d1Assertion} off the main thread. */
export declare function d1AssertionAsync(key: SigningKey | ExternalSigner, options: D1AssertionOptions): Promise<string>;

/** The options of {@link clientAssertion}. */
export interface ClientAssertionOptions extends AlgorithmOption {
  /** `iss` = `sub`. */
  clientId: string;
  /** The one `aud`: the authorization server's issuer, or its token endpoint. */
  audience: string;
  kid?: string;
  now?: number;
  /** Default 60. */
  expiresIn?: number;
  /** Random unless given. */
  jti?: string;
}

/** A `private_key_jwt` client assertion (the core's `client_assertion` profile). */
export declare function clientAssertion(key: SyncSigner, options: ClientAssertionOptions): string;
export declare function clientAssertion(key: ExternalSigner, options: ClientAssertionOptions): Promise<string>;
/** {@link clientAssertion} off the main thread. */
export declare function clientAssertionAsync(key: AnySigner, options: ClientAssertionOptions): Promise<string>;

// ---- verification ----------------------------------------------------------------------------

/** A verified token's JOSE header. */
export interface JoseHeader extends JsonObject {
  alg: string;
}

/** A verified token: `{header, claims}` (parsed when first read) and their JSON text. */
export declare class VerifiedToken {
  private constructor();
  /** The JOSE header. */
  readonly header: JoseHeader;
  /** The claims. */
  readonly claims: JsonObject;
  /** The header JSON exactly as it was in the token. */
  readonly headerJson: string;
  /** The claims JSON exactly as it was in the token. */
  readonly claimsJson: string;
  /** `{header, claims}`. */
  toJSON(): { header: JoseHeader; claims: JsonObject };
}

/** A token decoded WITHOUT verification: never trust its content. */
export declare class UnverifiedToken {
  private constructor();
  /** The JOSE header (NOT verified). */
  readonly header: JsonObject;
  /** The claims (NOT verified). */
  readonly claims: JsonObject;
  /** The signature's length in bytes (64 for ES256). */
  readonly signatureLength: number;
}

/** A verification key: one P-256 key, or a key set chosen by `kid`. */
export type VerificationKey = VerifyingKey | KeySet;

/** The options of {@link verify}: each left `undefined` is the core's default. */
export interface VerifyOptions {
  /** The expected `iss`. */
  issuer?: string;
  /** The accepted audiences: the token's `aud` must contain one. */
  audience?: Audience;
  /** Do not check `aud` (checked elsewhere); excludes `audience`. */
  anyAudience?: boolean;
  /** The expected `sub`. */
  subject?: string;
  /** The expected header `kid`. */
  kid?: string;
  /** A header `kid` is required. */
  requireKid?: boolean;
  /** The accepted header `typ` values (default: `JWT` or absent). */
  typ?: readonly string[];
  /** Clock skew in seconds (default 60, at most 3600). */
  leeway?: number;
  /** The longest `exp` − `iat` accepted, in seconds. */
  maxLifetime?: number;
  /** The furthest `exp` ahead of now accepted, in seconds. */
  maxExpiryAhead?: number;
  /** Claims that must be present (`exp` always is, unless `dangerousAllowMissingExp`). */
  required?: readonly string[];
  /** The longest token accepted, in bytes (default 8192). */
  maxBytes?: number;
  /** Seconds since the epoch: the system clock unless given. */
  now?: number;
  /** `iss` must equal `sub`. */
  issuerEqualsSubject?: boolean;
  /** An `aud` array must have exactly one member. */
  soleAudience?: boolean;
  /** `aud` must be a string, not an array. */
  audienceAsString?: boolean;
  /** Accept a token without `exp`. Dangerous: such a token never expires. */
  dangerousAllowMissingExp?: boolean;
}

/**
 * Verify a token with the core's strict contract. Defaults: `exp` required, `typ` `JWT` or
 * absent, 60 s leeway, 8 KiB at most, and a token that carries `aud` is refused unless
 * `audience` names one of its values or `anyAudience` is set.
 */
export declare function verify(token: string, key: VerificationKey, options?: VerifyOptions): VerifiedToken;
/** {@link verify} off the main thread. */
export declare function verifyAsync(token: string, key: VerificationKey, options?: VerifyOptions): Promise<VerifiedToken>;

/** The options of {@link verifyD1Assertion}. */
export interface VerifyD1Options {
  issuerId: string;
  env: D1Env;
  kid: string;
  now?: number;
  leeway?: number;
}

/** Verify a Thales D1 assertion the way D1 does (the core's `d1` profile). */
export declare function verifyD1Assertion(token: string, key: VerificationKey, options: VerifyD1Options): VerifiedToken;
/** {@link verifyD1Assertion} off the main thread. */
export declare function verifyD1AssertionAsync(token: string, key: VerificationKey, options: VerifyD1Options): Promise<VerifiedToken>;

/** The options of {@link verifyClientAssertion}. */
export interface VerifyClientAssertionOptions {
  clientId: string;
  /** The accepted audiences (the issuer and/or the token endpoint URL). */
  audience: Audience;
  now?: number;
  leeway?: number;
  maxLifetime?: number;
  kid?: string;
}

/** Verify a `private_key_jwt` client assertion (the core's `client_assertion` profile). */
export declare function verifyClientAssertion(token: string, key: VerificationKey, options: VerifyClientAssertionOptions): VerifiedToken;
/** {@link verifyClientAssertion} off the main thread. */
export declare function verifyClientAssertionAsync(token: string, key: VerificationKey, options: VerifyClientAssertionOptions): Promise<VerifiedToken>;

/** Decode a token WITHOUT checking its signature or claims: for inspection and logging only. */
export declare function decodeUnverified(token: string): UnverifiedToken;

// ---- token client ----------------------------------------------------------------------------

/** The Thales D1 inbound grant: ES256 assertions, a fresh one per token request. */
export declare class D1Grant {
  constructor(issuerId: string, env: D1Env, kid: string, key: SigningKey | ExternalSigner, options?: { lifetime?: number });
  /** The flow, secrets redacted. */
  toString(): string;
}

/** Client credentials with a client secret: HTTP Basic (the default) or in the form body (`post`). */
export declare class ClientSecret {
  constructor(clientId: string, secret: string, options?: { method?: 'basic' | 'post' });
  /** The flow, the secret redacted. */
  toString(): string;
}

/** The options of {@link PrivateKeyJwt}. */
export interface PrivateKeyJwtOptions extends AlgorithmOption {
  /** Header `kid` (excludes `certificate`). */
  kid?: string;
  /** The client certificate (PEM): its SHA-1 fingerprint becomes `kid`, after checking it carries the key (`key_mismatch`; not checked for an `ExternalSigner`, whose key is unknown here). */
  certificate?: string | Bytes;
  /** The authorization server's issuer: the assertion's `aud`. */
  issuer?: string;
  /** Read the issuer from `.well-known/openid-configuration`. */
  discoverIssuer?: boolean;
  /** The assertion's `aud`, exactly. */
  audience?: string;
  /** The assertion's lifetime in seconds. */
  lifetime?: number;
}

/** `private_key_jwt` client authentication (Worldline Open Banking / Keycloak). */
export declare class PrivateKeyJwt {
  constructor(clientId: string, key: AnySigner, options?: PrivateKeyJwtOptions);
  /** The JWS algorithm of the assertions. */
  readonly algorithm: Algorithm;
  /** The `aud` the assertions carry when sent to `tokenEndpoint` (without discovery). */
  audienceFor(tokenEndpoint: string): string;
  /** The flow, secrets redacted. */
  toString(): string;
}

/** How a {@link TokenClient} authenticates. */
export type TokenClientAuth = D1Grant | ClientSecret | PrivateKeyJwt;

/** The settings of a {@link TokenClient} (each optional: the client crate's default). Times are in seconds. */
export interface TokenClientOptions {
  scope?: string;
  timeout?: number;
  connectTimeout?: number;
  /** Attempts in all (1: no retry). */
  maxAttempts?: number;
  maxElapsed?: number;
  proxy?: string;
  /** Extra trusted root certificates (PEM). */
  rootCertificates?: readonly string[];
  /** Trust only `rootCertificates`. */
  onlyGivenRoots?: boolean;
  /** Client certificate chain (PEM) for mutual TLS, with `clientKey`. */
  clientCertificate?: string;
  /** Client private key (PEM) for mutual TLS. */
  clientKey?: string;
  /** A fixed `x-correlation-id`. */
  correlationId?: string;
  /** Send a JSON body instead of a form. */
  jsonBody?: boolean;
  /** Extra headers. */
  headers?: Readonly<Record<string, string>> | ReadonlyMap<string, string> | ReadonlyArray<readonly [string, string]>;
  /** Allow plain `http://` to hosts other than loopback. */
  insecureTransport?: boolean;
  /** Refresh this long before expiry. */
  refreshMargin?: number;
}

/** An access token. `toString()`, `inspect` and `JSON.stringify` never show it. */
export declare class Token {
  private constructor();
  /** The access token itself. */
  readonly accessToken: string;
  /** `token_type` (`Bearer`). */
  readonly tokenType: string;
  /** The granted `scope`, when the server sent one. */
  readonly scope: string | undefined;
  /** The lifetime the server gave, in seconds. */
  readonly expiresIn: number;
  /** Seconds until it expires (0 when expired). */
  readonly remaining: number;
  /** Whether it has expired. */
  readonly isExpired: boolean;
  /** `Bearer <token>`. */
  readonly authorization: string;
  /** The other members of the token response, never the secrets. */
  readonly response: JsonObject;
  /** A preview, never the token. */
  toString(): string;
  /** `{tokenType, scope, expiresIn}`. */
  toJSON(): { tokenType: string; scope: string | undefined; expiresIn: number };
}

/** The OAuth 2.0 token client: cache, single flight across concurrent awaits, retries, mutual TLS. */
export declare class TokenClient {
  constructor(url: string, auth: TokenClientAuth, options?: TokenClientOptions);
  /** A valid access token: the cached one while fresh, else a new one. Rejects with a {@link TokenClientError} (or {@link InvalidKey}, {@link SigningError}). */
  token(): Promise<Token>;
  /** Forget the cached token (after a resource server answered 401). */
  invalidate(): void;
  /** The token endpoint. */
  readonly endpoint: string;
  /** `TokenClient("<endpoint>")`. */
  toString(): string;
}

/** @internal The benchmark's baseline: nanoseconds for `n` core D1 verifications. */
export declare function _benchCoreVerifyD1(token: string, key: VerifyingKey, issuerId: string, env: D1Env, kid: string, now: number, n: number): number;
/** @internal The benchmark's baseline: nanoseconds for `n` core D1 signatures. */
export declare function _benchCoreSignD1(key: SigningKey, issuerId: string, env: D1Env, kid: string, now: number, jti: string, n: number): number;
/** @internal Benchmark helper: nanoseconds for `n` D1 signing inputs (JSON and base64url only). Not part of the API. */
export declare function _benchCoreSigningInputD1(issuerId: string, env: D1Env, kid: string, now: number, jti: string, n: number): number;
