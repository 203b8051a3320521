#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// A std crate (reqwest, tokio): `std::` paths are the natural ones here.
#![allow(clippy::std_instead_of_core)]

#[cfg(feature = "blocking")]
pub mod blocking;
mod client;
mod error;
mod request;
mod response;
mod secret;
mod transport;

pub use client::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_EXPIRES_IN, DEFAULT_MAX_ELAPSED, DEFAULT_REFRESH_JITTER,
    DEFAULT_REFRESH_MARGIN, DEFAULT_REFRESH_RETRY_INTERVAL, DEFAULT_TIMEOUT, RetryPolicy, Token, TokenClient,
    TokenClientBuilder,
};
pub use error::{Error, ErrorCode, ErrorKind, MAX_EXCERPT_CHARS, OAuthError};
pub use request::{
    BodyEncoding, CLIENT_CREDENTIALS, CORRELATION_HEADER, ClientAuth, CorrelationId, D1Grant,
    DEFAULT_USER_AGENT, DynSigner, Flow, PrivateKeyJwt, RequestSpec, valid_correlation_id,
};
pub use response::{MAX_TOKEN_LIFETIME, TokenResponse, parse_response, parse_rfc3339};
pub use secret::{AccessToken, Secret};
pub use transport::install_crypto_provider;

/// The core crate, re-exported (keys, profiles, `d1::Env`).
pub use bearerkit;

/// Thales D1 production token endpoint: the seed `001` server
/// `https://api.d1.thalescloud.io/authz/v1` + `/oauth2/token`.
pub const D1_PRODUCTION_TOKEN_URL: &str = "https://api.d1.thalescloud.io/authz/v1/oauth2/token";
/// Thales D1 staging token endpoint (seed `001`).
pub const D1_STAGING_TOKEN_URL: &str = "https://api.d1-stg.thalescloud.io/authz/v1/oauth2/token";

/// The D1 token endpoint of `env`.
#[must_use]
pub const fn d1_token_url(env: bearerkit::profile::d1::Env) -> &'static str {
    match env {
        bearerkit::profile::d1::Env::Production => D1_PRODUCTION_TOKEN_URL,
        bearerkit::profile::d1::Env::Staging => D1_STAGING_TOKEN_URL,
    }
}
