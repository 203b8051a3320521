//! The client's one error type.

use core::fmt;
use core::time::Duration;
use std::sync::Arc;

/// Most characters of a response body kept in [`ErrorKind::UnexpectedResponse`].
pub const MAX_EXCERPT_CHARS: usize = 200;

/// The `error` code of an OAuth error response: the codes of
/// [RFC 6749 §5.2](https://www.rfc-editor.org/rfc/rfc6749#section-5.2), the two of
/// [§4.1.2.1](https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1) that token endpoints
/// send too (`server_error`, `temporarily_unavailable`), and any other as
/// [`Extension`](Self::Extension).
///
/// ```
/// use bearerkit_client::ErrorCode;
/// assert_eq!(ErrorCode::from("invalid_client"), ErrorCode::InvalidClient);
/// assert_eq!(ErrorCode::from("invalid_dpop_proof").as_str(), "invalid_dpop_proof");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `invalid_request`: a parameter is missing, repeated or malformed.
    InvalidRequest,
    /// `invalid_client`: client authentication failed.
    InvalidClient,
    /// `invalid_grant`: the grant (for example the assertion) is invalid, expired or
    /// revoked.
    InvalidGrant,
    /// `unauthorized_client`: this client may not use this grant type.
    UnauthorizedClient,
    /// `unsupported_grant_type`: the server does not support the grant type.
    UnsupportedGrantType,
    /// `invalid_scope`: the requested scope is invalid, unknown or too broad.
    InvalidScope,
    /// `server_error` (§4.1.2.1): the server failed.
    ServerError,
    /// `temporarily_unavailable` (§4.1.2.1): the server is overloaded or down for
    /// maintenance.
    TemporarilyUnavailable,
    /// Any other code, as sent (at most 512 characters).
    Extension(String),
}

impl ErrorCode {
    /// The code as sent on the wire.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Extension(code) => code,
            known => known.stable(),
        }
    }

    /// [`Error::code`] of an OAuth error with this code: the RFC code, or `oauth_error` for
    /// an extension.
    fn stable(&self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::Extension(_) => "oauth_error",
        }
    }
}

impl From<&str> for ErrorCode {
    fn from(code: &str) -> Self {
        match code {
            "invalid_request" => Self::InvalidRequest,
            "invalid_client" => Self::InvalidClient,
            "invalid_grant" => Self::InvalidGrant,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "invalid_scope" => Self::InvalidScope,
            "server_error" => Self::ServerError,
            "temporarily_unavailable" => Self::TemporarilyUnavailable,
            other => Self::Extension(other.to_owned()),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An RFC 6749 §5.2 error response from the token endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthError {
    /// The `error` code ([RFC 6749 §5.2](https://www.rfc-editor.org/rfc/rfc6749#section-5.2)).
    pub error: ErrorCode,
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
    /// The client configuration is unusable (bad URL, header, certificate, key PEM or
    /// proxy URL).
    Config {
        /// What is wrong.
        message: String,
    },
    /// The operating system's random number generator failed, so no unpredictable `jti`
    /// or correlation id could be made. Nothing was sent. Never retried.
    Rng {
        /// The generator's error.
        message: String,
    },
}

/// The underlying cause kept by an [`Error`] (the HTTP client's error).
type Source = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// A failed token request. `Clone`; holds no secret (access tokens, assertions, client
/// secrets and keys never reach it).
///
/// [`source()`](std::error::Error::source) gives the underlying cause where there is one:
/// the core's [`bearerkit::Error`] for [`ErrorKind::Assertion`], the HTTP client's error
/// (`reqwest::Error`) for [`ErrorKind::Transport`] and for a timeout the HTTP client
/// noticed. `Display` already includes the text of that cause. `PartialEq` compares the
/// kind, the attempts and `Retry-After`, not the source.
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    attempts: u32,
    retry_after: Option<Duration>,
    source: Option<Source>,
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind).field("attempts", &self.attempts).field("retry_after", &self.retry_after);
        if let Some(source) = &self.source {
            // The HTTP client's error: its kind, the URL (never credentials: refused in
            // URLs) and its causes; never a header or a body.
            d.field("source", source);
        }
        d.finish()
    }
}

impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.attempts == other.attempts && self.retry_after == other.retry_after
    }
}

impl Eq for Error {}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Self { kind, attempts: 1, retry_after: None, source: None }
    }

    pub(crate) fn transport(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Transport { message: message.into() })
    }

    pub(crate) fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
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
            ErrorKind::Assertion(_) | ErrorKind::Config { .. } | ErrorKind::Rng { .. } => false,
        }
    }

    /// A stable snake_case code: the RFC 6749 code for OAuth errors (`invalid_client`,
    /// `invalid_grant`, `invalid_scope`, `invalid_request`, `unauthorized_client`,
    /// `unsupported_grant_type`, `server_error`, `temporarily_unavailable`, or `oauth_error`
    /// for any other), `transport`, `timeout`, `unexpected_response`, `invalid_config`,
    /// `rng_failed`, or the core's code for assertion and key errors
    /// (`bad_pem`, `signer_failed`, ...).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match &self.kind {
            ErrorKind::OAuth(e) => e.error.stable(),
            ErrorKind::Transport { .. } => "transport",
            ErrorKind::Timeout => "timeout",
            ErrorKind::UnexpectedResponse { .. } => "unexpected_response",
            ErrorKind::Assertion(e) => e.code(),
            ErrorKind::Config { .. } => "invalid_config",
            ErrorKind::Rng { .. } => "rng_failed",
        }
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
            ErrorKind::Rng { message } => write!(f, "random number generator failed: {message}"),
        }?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match (&self.kind, &self.source) {
            (ErrorKind::Assertion(e), _) => Some(e),
            (_, Some(source)) => Some(source.as_ref()),
            (_, None) => None,
        }
    }
}

impl From<bearerkit::Error> for Error {
    fn from(e: bearerkit::Error) -> Self {
        Self::new(ErrorKind::Assertion(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn error_codes_round_trip_and_extensions_keep_their_text() {
        for code in [
            "invalid_request",
            "invalid_client",
            "invalid_grant",
            "unauthorized_client",
            "unsupported_grant_type",
            "invalid_scope",
            "server_error",
            "temporarily_unavailable",
        ] {
            let parsed = ErrorCode::from(code);
            assert!(!matches!(parsed, ErrorCode::Extension(_)), "{code}");
            assert_eq!((parsed.as_str(), parsed.to_string().as_str()), (code, code));
            let e = Error::new(ErrorKind::OAuth(OAuthError {
                error: parsed,
                description: None,
                uri: None,
                status: 400,
            }));
            assert_eq!(e.code(), code);
            assert!(e.source().is_none(), "an OAuth answer has no underlying cause");
        }
        let ext = ErrorCode::from("use_dpop_nonce");
        assert_eq!(ext, ErrorCode::Extension("use_dpop_nonce".into()));
        let e = Error::new(ErrorKind::OAuth(OAuthError {
            error: ext,
            description: None,
            uri: None,
            status: 400,
        }));
        assert_eq!(e.code(), "oauth_error");
        assert!(e.to_string().contains("use_dpop_nonce"), "{e}");
    }

    #[test]
    fn the_core_error_is_the_source_of_an_assertion_error() {
        let core = bearerkit::SigningKey::from_pem("not a pem").unwrap_err();
        let e = Error::from(core);
        let source = e.source().expect("a source");
        assert_eq!(source.downcast_ref::<bearerkit::Error>(), Some(&core));
        assert_eq!(e.code(), core.code());
        // Clones share the source; equality ignores it.
        let clone = e.clone();
        assert!(clone.source().is_some());
        assert_eq!(clone, e);
        assert!(Error::config("x").source().is_none());
        assert!(Error::new(ErrorKind::Timeout).source().is_none());
    }

    #[test]
    fn rng_failure_has_a_stable_code_and_is_not_retried() {
        let e = Error::new(ErrorKind::Rng { message: "x".into() });
        assert_eq!(e.code(), "rng_failed");
        assert!(!e.is_retryable(), "{e}");
        assert_eq!(e.status(), None);
    }
}
