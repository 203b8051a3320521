// Types of api.mjs's API, as index.mjs and index.cjs export it (api.mjs itself exports only
// `wrap` and `version`; these declarations describe what `wrap` returns, by name).
import type {
  AssertionOptions, ClientAssertionOptions, D1AssertionOptions, KeySet, SignOptions, SigningKey,
  VerifyClientAssertionOptions, VerifyD1Options, VerifyOptions, VerifyingKey,
} from "./pkg/web/bearerkit_wasm.js";

/** A JSON value as `JSON.parse` gives it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [name: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [name: string]: JsonValue };
/** A JOSE header. */
export interface JoseHeader extends JsonObject { alg: string }

/** The package version. */
export declare const version: string;

/** A verified token: header and claims (parsed when first read) and their exact JSON text. */
export declare class VerifiedToken {
  private constructor();
  readonly header: JoseHeader;
  readonly claims: JsonObject;
  /** The header JSON exactly as it was in the token. */
  readonly headerJson: string;
  /** The claims JSON exactly as it was in the token. */
  readonly claimsJson: string;
  toJSON(): { header: JoseHeader; claims: JsonObject };
}

/** A token decoded WITHOUT verification: never trust its content. */
export declare class UnverifiedToken {
  private constructor();
  readonly header: JsonObject;
  readonly claims: JsonObject;
  /** The signature's length in bytes (64 for ES256). */
  readonly signatureLength: number;
}

/** A JWT assertion, member by member, exactly as given (no `iat` unless given). */
export declare class Assertion {
  constructor(options?: AssertionOptions);
  /** The compact JWS signed by `key`. */
  sign(key: SigningKey, options?: { algorithm?: "ES256" }): string;
}

/** A key for verification: one key, or keys chosen by the token's `kid`. */
export type VerificationKey = VerifyingKey | KeySet;

/** Sign a JWT assertion: `iat` = `now` (the clock unless given), `exp` = `now` + `expiresIn` (or `exp`). */
export declare function signAssertion(key: SigningKey, options: SignOptions): string;
/** Sign exactly the members given: nothing is added, not even `iat`. */
export declare function signClaims(key: SigningKey, options: AssertionOptions): string;
/** A Thales D1 assertion: `iss` = `sub` = `issuerId`, `aud` = env, `kid`, `iat`, `exp`, `jti`. */
export declare function d1Assertion(key: SigningKey, options: D1AssertionOptions): string;
/** A `private_key_jwt` client assertion (Worldline / Keycloak). */
export declare function clientAssertion(key: SigningKey, options: ClientAssertionOptions): string;
/** Verify with the core's strict contract; every option left out is the core's default. */
export declare function verify(token: string, key: VerificationKey, options?: VerifyOptions): VerifiedToken;
/** `verify` with the key chosen from `keys` by the token's `kid`. */
export declare function verifyWithKeySet(token: string, keys: KeySet, options?: VerifyOptions): VerifiedToken;
/** Verify a Thales D1 assertion the way D1 does. */
export declare function verifyD1Assertion(token: string, key: VerificationKey, options: VerifyD1Options): VerifiedToken;
/** Verify a `private_key_jwt` client assertion. */
export declare function verifyClientAssertion(token: string, key: VerificationKey, options: VerifyClientAssertionOptions): VerifiedToken;
/** Decode a token WITHOUT verifying it (format and JSON rules still apply), for display. */
export declare function decodeUnverified(token: string): UnverifiedToken;

/** Used by the entry points only. */
export declare function wrap(raw: unknown): unknown;
