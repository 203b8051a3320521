//! [`Token`]: what [`TokenClient::token`](crate::TokenClient::token) returns.

use crate::response::TokenResponse;
use crate::{AccessToken, Error};
use core::fmt;
use core::time::Duration;
use http::HeaderValue;
use std::sync::Arc;
use std::time::Instant;

/// A token from the cache: cheap to clone (one reference count); `Debug` never shows it.
#[derive(Clone)]
pub struct Token(Arc<TokenInner>);

struct TokenInner {
    response: TokenResponse,
    lifetime: Duration,
    expires_at: Instant,
}

impl Token {
    /// The token of `response`, which lives `lifetime` and expires at `expires_at`.
    pub(crate) fn new(response: TokenResponse, lifetime: Duration, expires_at: Instant) -> Self {
        Self(Arc::new(TokenInner { response, lifetime, expires_at }))
    }

    /// The token endpoint's answer this token came from: its parsed values and, with
    /// [`TokenResponse::members`], every member as received except the secrets.
    #[must_use]
    pub fn response(&self) -> &TokenResponse {
        &self.0.response
    }

    /// The members of the answer as received, in order, except `access_token`,
    /// `refresh_token` and `id_token`; see [`TokenResponse::members`].
    pub fn members(&self) -> impl Iterator<Item = (&str, &serde_json::Value)> {
        self.0.response.members()
    }

    /// The access token.
    #[must_use]
    pub fn access_token(&self) -> &AccessToken {
        &self.0.response.access_token
    }

    /// The access token string, for `Authorization: Bearer`. Never log it.
    #[must_use]
    pub fn expose(&self) -> &str {
        self.0.response.access_token.expose()
    }

    /// `Authorization` header value `Bearer <token>`, marked sensitive.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Config`] when the token has bytes not allowed in a header value
    /// (the response parser takes any non-empty string as a token).
    pub fn authorization(&self) -> Result<HeaderValue, Error> {
        let mut v = HeaderValue::from_str(&format!("Bearer {}", self.expose()))
            .map_err(|_| Error::config("access token is not a valid header value"))?;
        v.set_sensitive(true);
        Ok(v)
    }

    /// `token_type` as the server sent it (`Bearer` when absent).
    #[must_use]
    pub fn token_type(&self) -> &str {
        &self.0.response.token_type
    }

    /// The granted scope, when the server said.
    #[must_use]
    pub fn scope(&self) -> Option<&str> {
        self.0.response.scope.as_deref()
    }

    /// The lifetime the server granted (or the configured default).
    #[must_use]
    pub fn lifetime(&self) -> Duration {
        self.0.lifetime
    }

    /// When the token expires (counted from when its request was sent).
    #[must_use]
    pub fn expires_at(&self) -> Instant {
        self.0.expires_at
    }

    /// Time left before expiry (zero once expired).
    #[must_use]
    pub fn remaining(&self) -> Duration {
        self.0.expires_at.saturating_duration_since(Instant::now())
    }

    /// Whether the token has expired.
    #[must_use]
    pub fn is_expired(&self) -> bool {
        !self.valid_at(Instant::now())
    }

    /// Whether the token is still valid (not yet expired) at `now`.
    pub(crate) fn valid_at(&self, now: Instant) -> bool {
        now < self.0.expires_at
    }

    /// Whether both are the same token.
    #[must_use]
    pub fn same_as(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.access_token().same_as(other.access_token())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &self.0.response.access_token)
            .field("token_type", &self.0.response.token_type)
            .field("scope", &self.0.response.scope)
            .field("lifetime", &self.0.lifetime)
            .field("remaining", &self.remaining())
            .finish()
    }
}
