//! Sharp edges: reading a token without verifying it, and verifying without `exp`.
//!
//! <div class="warning">
//! Nothing returned by [`decode_unverified`] is authenticated. Use it to display a token
//! (`bearerkit inspect`) or to choose which key to verify with — never to make a decision.
//! A policy from [`allow_missing_exp`] accepts tokens that are valid forever.
//! </div>

use crate::Validation;

/// Stop requiring `exp`: a token without it then verifies, and stays valid forever.
///
/// `exp` is still checked when present, and still required when the policy limits the
/// lifetime ([`Validation::max_lifetime`], [`Validation::max_expiry_ahead`]). There is no
/// other way to drop `exp` from the required claims: [`Validation::required`] only adds.
pub const fn allow_missing_exp(policy: Validation<'_>) -> Validation<'_> {
    Validation { require_exp: false, ..policy }
}

pub use crate::verify::UntrustedToken;

/// Decode a token's header and claims WITHOUT verifying its signature or claims.
///
/// Format rules still apply: size (8 KiB), three segments, canonical base64url and strict
/// JSON. `scratch` must be as long as the token.
///
/// # Errors
/// [`crate::Error`] for a malformed token.
pub fn decode_unverified<'s>(token: &str, scratch: &'s mut [u8]) -> Result<UntrustedToken<'s>, crate::Error> {
    crate::verify::decode_unverified(token, scratch)
}
