// The error classes of bearerkit-wasm, the same family tree as the Node package's: every error
// the module throws is one of these, with the core's stable snake_case `.code`. The module
// imports `makeError` (so its errors are instances of these very classes); the package entry
// points export the classes.

/** Base class of every bearerkit error; `.code` is the stable snake_case code of the Rust core. */
export class BearerkitError extends Error {
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
/** An argument the API refuses (`invalid_argument`): an unknown option, a wrong type, a missing member. */
export class InvalidArgument extends BearerkitError {}
/** A key, JWK or certificate could not be read: `bad_pem`, `bad_der`, `bad_jwk`, `wrong_curve`, `invalid_point`, ... */
export class InvalidKey extends BearerkitError {}
/** Verification refused the token (format, JSON, header, signature or claims). */
export class InvalidToken extends BearerkitError {}
/** The token has expired (`expired`). */
export class ExpiredToken extends InvalidToken {}
/** The token is not valid yet: `not_yet_valid` (nbf) or `issued_in_future` (iat). */
export class NotYetValid extends InvalidToken {}
/** A claim or header value differs from the policy: `issuer_mismatch`, `unexpected_audience`, `kid_mismatch`, ... */
export class ClaimMismatch extends InvalidToken {}
/** The verification policy itself is unusable (`invalid_policy`). */
export class InvalidPolicy extends BearerkitError {}
/** An assertion could not be signed: `date_out_of_range`, `claims_not_object`, ... */
export class SigningError extends BearerkitError {}

/** Codes that mean "this key could not be used" (outside verification, where a token's content is never a key problem). */
const KEY_CODES = new Set(["bad_pem", "bad_der", "bad_jwk", "unsupported_key_type", "wrong_curve", "invalid_point",
  "invalid_scalar", "key_mismatch"]);
const CLAIM_CODES = new Set(["issuer_mismatch", "subject_mismatch", "audience_mismatch", "unexpected_audience",
  "audience_not_sole", "kid_mismatch", "missing_kid", "lifetime_too_long"]);

/** The class of a code where it happened (`ctx`: "key", "sign", "verify", or "" for the binding's own). */
function family(ctx, code) {
  if (code === "invalid_argument") return InvalidArgument;
  if (ctx === "key" || (ctx === "sign" && KEY_CODES.has(code))) return InvalidKey;
  if (code === "invalid_policy") return InvalidPolicy;
  if (ctx === "sign") return SigningError;
  if (ctx !== "verify") return BearerkitError;
  if (code === "expired") return ExpiredToken;
  if (code === "not_yet_valid" || code === "issued_in_future") return NotYetValid;
  return CLAIM_CODES.has(code) ? ClaimMismatch : InvalidToken;
}

/** Used by the WebAssembly module only: the error for `code`, thrown where `ctx` says. */
export function makeError(ctx, code, message) {
  const Family = family(ctx, code);
  return new Family(message, code);
}
