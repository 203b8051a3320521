/** Base class of every bearerkit error; `.code` is the stable snake_case code of the Rust core. */
export declare class BearerkitError extends Error {
  constructor(message: string, code: string);
  /** The stable snake_case code (`expired`, `bad_pem`, `invalid_argument`, ...). */
  readonly code: string;
}
/** An argument the API refuses (`invalid_argument`). */
export declare class InvalidArgument extends BearerkitError {}
/** A key, JWK or certificate could not be read: `bad_pem`, `bad_der`, `bad_jwk`, `wrong_curve`, ... */
export declare class InvalidKey extends BearerkitError {}
/** Verification refused the token (format, JSON, header, signature or claims). */
export declare class InvalidToken extends BearerkitError {}
/** The token has expired (`expired`). */
export declare class ExpiredToken extends InvalidToken {}
/** The token is not valid yet: `not_yet_valid` (nbf) or `issued_in_future` (iat). */
export declare class NotYetValid extends InvalidToken {}
/** A claim or header value differs from the policy: `issuer_mismatch`, `unexpected_audience`, ... */
export declare class ClaimMismatch extends InvalidToken {}
/** The verification policy itself is unusable (`invalid_policy`). */
export declare class InvalidPolicy extends BearerkitError {}
/** An assertion could not be signed: `date_out_of_range`, `claims_not_object`, ... */
export declare class SigningError extends BearerkitError {}
/** Used by the WebAssembly module only. */
export declare function makeError(ctx: string, code: string, message: string): BearerkitError;
