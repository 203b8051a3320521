//! Sharp edges: reading a token without verifying it.
//!
//! <div class="warning">
//! Nothing returned from here is authenticated. Use it to display a token (`bearerkit
//! inspect`) or to choose which key to verify with — never to make a decision.
//! </div>

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
