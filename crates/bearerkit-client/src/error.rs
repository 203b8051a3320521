//! The client's one error type.

use core::fmt;
use core::time::Duration;

/// Most characters of a response body kept in [`ErrorKind::UnexpectedResponse`].
pub const MAX_EXCERPT_CHARS: usize = 200;

/// An RFC 6749 §5.2 error response from the token endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthError {
    /// The `error` code as sent (`invalid_client`, `invalid_grant`, ...).
    pub error: String,
    /// `error_description`, when sent.
    pub description: Option<String>,
    /// `error_uri`, when sent.
    pub uri: Option<String>,
    /// The HTTP status.
    pub status: u16,
}

/// What went wrong; see [`Error::kind`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The token endpoint answered an RFC 6749 §5.2 error. Never retried when the status
    /// is 4xx (other than 429).
    OAuth(OAuthError),
    /// The connection failed (DNS, connect, TLS, reset, a body cut short). Retried.
    Transport {
        /// What failed, without secrets.
        message: String,
    },
    /// No complete answer within the request timeout. Retried.
    Timeout,
    /// The endpoint answered something that is neither a token response nor an RFC 6749
    /// error: a non-JSON body, a 2xx without `access_token`, a 5xx page.
    UnexpectedResponse {
        /// The HTTP status.
        status: u16,
        /// The start of the body (at most [`MAX_EXCERPT_CHARS`] characters), with token-like
        /// values redacted.
        excerpt: String,
    },
    /// The assertion could not be built or signed, or a key did not import (the core's
    /// error, whose stable code [`Error::code`] returns).
    Assertion(bearerkit::Error),
    /// The client configuration is unusable (bad URL, header, certificate or key PEM).
    Config {
        /// What is wrong.
        message: String,
    },
}

/// A failed token request. `Clone`; holds no secret (access tokens, assertions, client
/// secrets and keys never reach it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    attempts: u32,
    retry_after: Option<Duration>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Self { kind, attempts: 1, retry_after: None }
    }

    pub(crate) fn transport(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Transport { message: message.into() })
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config { message: message.into() })
    }

    pub(crate) fn with_retry_after(mut self, after: Option<Duration>) -> Self {
        self.retry_after = after;
        self
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The OAuth error response, if that is what this is.
    #[must_use]
    pub fn oauth(&self) -> Option<&OAuthError> {
        match &self.kind {
            ErrorKind::OAuth(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status, when the endpoint answered.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match &self.kind {
            ErrorKind::OAuth(e) => Some(e.status),
            ErrorKind::UnexpectedResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// How many HTTP attempts were made before giving up.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The server's `Retry-After`, when it sent one.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Whether the retry policy retries this error: transport errors, timeouts, 429 and
    /// 5xx; never a 4xx OAuth error.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match &self.kind {
            ErrorKind::Transport { .. } | ErrorKind::Timeout => true,
            ErrorKind::OAuth(OAuthError { status, .. }) | ErrorKind::UnexpectedResponse { status, .. } => {
                *status == 429 || *status >= 500
            }
            ErrorKind::Assertion(_) | ErrorKind::Config { .. } => false,
        }
    }

    /// A stable snake_case code: the RFC 6749 code for OAuth errors (`invalid_client`,
    /// `invalid_grant`, `invalid_scope`, `invalid_request`, `unauthorized_client`,
    /// `unsupported_grant_type`, `server_error`, `temporarily_unavailable`, or `oauth_error`
    /// for any other), `transport`, `timeout`, `unexpected_response`, `invalid_config`, or
    /// the core's code for assertion and key errors (`bad_pem`, `signer_failed`, ...).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match &self.kind {
            ErrorKind::OAuth(e) => oauth_code(&e.error),
            ErrorKind::Transport { .. } => "transport",
            ErrorKind::Timeout => "timeout",
            ErrorKind::UnexpectedResponse { .. } => "unexpected_response",
            ErrorKind::Assertion(e) => e.code(),
            ErrorKind::Config { .. } => "invalid_config",
        }
    }
}

/// The RFC 6749 §5.2 (and RFC 6750) codes as `'static` strings; `oauth_error` otherwise.
fn oauth_code(code: &str) -> &'static str {
    match code {
        "invalid_request" => "invalid_request",
        "invalid_client" => "invalid_client",
        "invalid_grant" => "invalid_grant",
        "unauthorized_client" => "unauthorized_client",
        "unsupported_grant_type" => "unsupported_grant_type",
        "invalid_scope" => "invalid_scope",
        "server_error" => "server_error",
        "temporarily_unavailable" => "temporarily_unavailable",
        _ => "oauth_error",
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::OAuth(e) => {
                write!(f, "token endpoint refused the request: HTTP {} {}", e.status, e.error)?;
                if let Some(d) = &e.description {
                    write!(f, ": {d}")?;
                }
                if let Some(u) = &e.uri {
                    write!(f, " ({u})")?;
                }
                Ok(())
            }
            ErrorKind::Transport { message } => write!(f, "transport error: {message}"),
            ErrorKind::Timeout => f.write_str("token request timed out"),
            ErrorKind::UnexpectedResponse { status, excerpt } => {
                write!(f, "unexpected response: HTTP {status}: {excerpt:?}")
            }
            ErrorKind::Assertion(e) => write!(f, "assertion: {e}"),
            ErrorKind::Config { message } => write!(f, "invalid client configuration: {message}"),
        }?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<bearerkit::Error> for Error {
    fn from(e: bearerkit::Error) -> Self {
        Self::new(ErrorKind::Assertion(e))
    }
}
