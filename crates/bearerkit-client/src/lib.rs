#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
// A std crate (reqwest, tokio): `std::` paths are the natural ones here.
#![allow(clippy::std_instead_of_core)]

#[cfg(feature = "blocking")]
pub mod blocking;
mod builder;
mod cache;
mod client;
mod error;
mod key;
mod random;
mod request;
mod response;
mod retry;
mod secret;
mod token;
mod transport;

pub use builder::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, TokenClientBuilder};
pub use cache::{
    DEFAULT_EXPIRES_IN, DEFAULT_REFRESH_JITTER, DEFAULT_REFRESH_MARGIN, DEFAULT_REFRESH_RETRY_INTERVAL,
};
pub use client::TokenClient;
pub use error::{Error, ErrorCode, ErrorKind, MAX_EXCERPT_CHARS, OAuthError};
pub use key::AssertionSigner;
pub use request::{
    BodyEncoding, CLIENT_CREDENTIALS, CORRELATION_HEADER, ClientAuth, CorrelationId, D1Grant,
    DEFAULT_USER_AGENT, DynSigner, Flow, PrivateKeyJwt, RequestSpec, keycloak_issuer, valid_correlation_id,
};
pub use response::{MAX_TOKEN_LIFETIME, TokenResponse, parse_response, parse_rfc3339};
pub use retry::{DEFAULT_MAX_ELAPSED, RetryPolicy};
pub use secret::{AccessToken, Secret};
pub use token::Token;
pub use transport::{MAX_RESPONSE_BYTES, install_crypto_provider};

/// The `tracing` target of every event the client logs (from `client`, `cache` and
/// `retry`): one fixed name, so log filters do not depend on the module layout.
const LOG_TARGET: &str = "bearerkit_client::client";

/// The core crate, re-exported (keys, profiles, `d1::Env`).
pub use bearerkit;
/// The RSA crate, re-exported (`RsaSigningKey`, `RsaAlgorithm` for RS256/PS256 assertions).
pub use bearerkit_rsa;

/// Thales D1 production token endpoint, `https://api.d1.thalescloud.io/authz/v1/oauth2/token`.
pub const D1_PRODUCTION_TOKEN_URL: &str = bearerkit::protocol::D1_PRODUCTION_TOKEN_URL;
/// Thales D1 staging token endpoint, `https://api.d1-stg.thalescloud.io/authz/v1/oauth2/token`.
pub const D1_STAGING_TOKEN_URL: &str = bearerkit::protocol::D1_STAGING_TOKEN_URL;

/// The D1 token endpoint of `env`.
#[must_use]
pub const fn d1_token_url(env: bearerkit::profile::d1::Env) -> &'static str {
    env.token_url()
}
