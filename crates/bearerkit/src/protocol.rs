//! Protocol constants, defined once for every crate and binding: OAuth 2.0 parameter values,
//! the correlation-id header and its rule, and the Thales D1 endpoints.

/// `grant_type` of the JWT-bearer authorization grant (RFC 7523 §2.1; Thales D1 inbound).
pub const GRANT_TYPE_JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// `grant_type` of the client-credentials grant (RFC 6749 §4.4; D1 outbound, Worldline).
pub const GRANT_TYPE_CLIENT_CREDENTIALS: &str = "client_credentials";
/// `client_assertion_type` of JWT client authentication (RFC 7523 §2.2).
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The optional request header Thales D1 uses to trace one use case across calls.
pub const CORRELATION_ID_HEADER: &str = "x-correlation-id";
/// Longest accepted correlation id, in bytes.
pub const CORRELATION_ID_MAX_LEN: usize = 64;

/// Whether `id` is a valid correlation id: `^[A-Za-z0-9_-]{1,64}$`.
#[must_use]
pub fn is_valid_correlation_id(id: &[u8]) -> bool {
    (1..=CORRELATION_ID_MAX_LEN).contains(&id.len())
        && id.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
}

/// The path of the token endpoint under a D1 base URL, and of an issuer's own token endpoint.
pub const TOKEN_PATH: &str = "/oauth2/token";

macro_rules! d1_production_base {
    () => {
        "https://api.d1.thalescloud.io/authz/v1"
    };
}
macro_rules! d1_staging_base {
    () => {
        "https://api.d1-stg.thalescloud.io/authz/v1"
    };
}

/// Thales D1 production base URL.
pub const D1_PRODUCTION_URL: &str = d1_production_base!();
/// Thales D1 staging base URL.
pub const D1_STAGING_URL: &str = d1_staging_base!();
/// Thales D1 production token endpoint: [`D1_PRODUCTION_URL`] + [`TOKEN_PATH`].
pub const D1_PRODUCTION_TOKEN_URL: &str = concat!(d1_production_base!(), "/oauth2/token");
/// Thales D1 staging token endpoint: [`D1_STAGING_URL`] + [`TOKEN_PATH`].
pub const D1_STAGING_TOKEN_URL: &str = concat!(d1_staging_base!(), "/oauth2/token");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_base_plus_path() {
        for (base, token) in
            [(D1_PRODUCTION_URL, D1_PRODUCTION_TOKEN_URL), (D1_STAGING_URL, D1_STAGING_TOKEN_URL)]
        {
            assert_eq!(token.strip_suffix(TOKEN_PATH), Some(base));
        }
    }

    #[test]
    fn correlation_ids() {
        for ok in ["a", "A-z_09", "x".repeat(64).as_str()] {
            assert!(is_valid_correlation_id(ok.as_bytes()), "{ok}");
        }
        for bad in ["", "a b", "é", "a.b", "x".repeat(65).as_str(), "a\n"] {
            assert!(!is_valid_correlation_id(bad.as_bytes()), "{bad:?}");
        }
    }
}
