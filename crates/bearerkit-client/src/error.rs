//! The client's one error type.

use core::fmt;
use core::time::Duration;
use std::sync::Arc;

/// Most characters of a response body kept in [`ErrorKind::UnexpectedResponse`] and
/// [`ErrorKind::RateLimited`] (the excerpt; one `…` more when cut).
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
    /// is 4xx (a 429 is [`RateLimited`](Self::RateLimited) instead).
    OAuth(OAuthError),
    /// The connection failed (DNS, connect, reset, a body cut short, a TLS failure that may
    /// pass). Retried.
    Transport {
        /// What failed, without secrets.
        message: String,
    },
    /// A TLS failure that trying again cannot fix: the server's certificate is not trusted
    /// (unknown issuer, expired, issued for another name, X.509 v1, ...), or the server
    /// refused the client's certificate or required one. Never retried. The message names
    /// the cause and, where there is one, the fix; [`Error::source`](std::error::Error::source)
    /// is the HTTP client's error, whose chain holds the `rustls::Error`.
    Tls {
        /// The cause, without secrets.
        message: String,
    },
    /// No complete answer within the request timeout. Retried.
    Timeout,
    /// The endpoint answered something that is neither a token response nor an RFC 6749
    /// error: a non-JSON body, a 2xx without `access_token`, a redirect, a 5xx page.
    #[non_exhaustive]
    UnexpectedResponse {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type` header, when sent (at most 128 characters).
        content_type: Option<String>,
        /// The `Location` header of a redirect (3xx), when sent: redirects are never
        /// followed. Shown without user info or query (`?[redacted]`), at most 512
        /// characters.
        location: Option<String>,
        /// The start of the body (at most [`MAX_EXCERPT_CHARS`] characters), with token-like
        /// values redacted; empty for an empty body.
        excerpt: String,
    },
    /// The answer's body is larger than [`MAX_RESPONSE_BYTES`](crate::MAX_RESPONSE_BYTES):
    /// its `Content-Length` said so (the body was not read), or reading stopped at the
    /// limit. Retried only when the status is 429 or 5xx.
    #[non_exhaustive]
    ResponseTooLarge {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type` header, when sent (at most 128 characters).
        content_type: Option<String>,
        /// The declared `Content-Length`, when there was one.
        declared: Option<u64>,
        /// The limit, in bytes ([`MAX_RESPONSE_BYTES`](crate::MAX_RESPONSE_BYTES)).
        limit: usize,
    },
    /// The endpoint answered 429 Too Many Requests, and the retries could not get past it:
    /// the wait it asked for (`Retry-After`) did not fit in what was left of
    /// [`RetryPolicy::max_elapsed`](crate::RetryPolicy::max_elapsed), or the attempts ran
    /// out. Retried (waiting `Retry-After`) while the policy allows.
    #[non_exhaustive]
    RateLimited {
        /// The wait the server asked for (`Retry-After`), when it sent one; also
        /// [`Error::retry_after`].
        retry_after: Option<Duration>,
        /// What was left of the retry budget when the client gave up because the wait did
        /// not fit in it; `None` when it gave up for another reason (no attempts left).
        time_left: Option<Duration>,
        /// The RFC 6749 §5.2 error of the body, when it was one.
        oauth: Option<OAuthError>,
        /// The `Content-Type` header, when sent (at most 128 characters).
        content_type: Option<String>,
        /// The start of the body, as in [`UnexpectedResponse`](Self::UnexpectedResponse);
        /// empty when the body was an RFC 6749 error or empty.
        excerpt: String,
    },
    /// The assertion could not be built or signed, or a key did not import (the core's
    /// error, whose stable code [`Error::code`] returns).
    Assertion(bearerkit::Error),
    /// An RSA private key or certificate did not import (too small or too large a modulus,
    /// a bad exponent, not RSA, malformed): `bearerkit-rsa`'s error, whose stable code
    /// (`rsa_key_size`, `rsa_exponent`, ...) [`Error::code`] returns.
    RsaKey(bearerkit_rsa::Error),
    /// The client configuration is unusable (bad URL, plain `http://` to a host that is not
    /// loopback, header, certificate, key PEM or proxy URL).
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
    /// Boxed: the kinds that describe an answer are large, and `Result<_, Error>` is on
    /// every path.
    kind: Box<ErrorKind>,
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
        Self { kind: Box::new(kind), attempts: 1, retry_after: None, source: None }
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

    /// A [`RateLimited`](ErrorKind::RateLimited) error given up on because its wait did
    /// not fit in the `left` of the retry budget; other errors unchanged.
    pub(crate) fn with_time_left(mut self, left: Duration) -> Self {
        if let ErrorKind::RateLimited { time_left, .. } = &mut *self.kind {
            *time_left = Some(left);
        }
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

    /// The OAuth error response, if that is what this is (also the body of a
    /// [`RateLimited`](ErrorKind::RateLimited) answer, when it was one).
    #[must_use]
    pub fn oauth(&self) -> Option<&OAuthError> {
        match &*self.kind {
            ErrorKind::OAuth(e) | ErrorKind::RateLimited { oauth: Some(e), .. } => Some(e),
            _ => None,
        }
    }

    /// The HTTP status, when the endpoint answered.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match &*self.kind {
            ErrorKind::OAuth(e) => Some(e.status),
            ErrorKind::UnexpectedResponse { status, .. } | ErrorKind::ResponseTooLarge { status, .. } => {
                Some(*status)
            }
            ErrorKind::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// The answer's `Content-Type`, when the endpoint answered something unexpected, too
    /// large, or 429, and sent one.
    #[must_use]
    pub fn content_type(&self) -> Option<&str> {
        match &*self.kind {
            ErrorKind::UnexpectedResponse { content_type, .. }
            | ErrorKind::ResponseTooLarge { content_type, .. }
            | ErrorKind::RateLimited { content_type, .. } => content_type.as_deref(),
            _ => None,
        }
    }

    /// The `Location` of a redirect (never followed), without user info or query.
    #[must_use]
    pub fn location(&self) -> Option<&str> {
        match &*self.kind {
            ErrorKind::UnexpectedResponse { location, .. } => location.as_deref(),
            _ => None,
        }
    }

    /// The bounded, redacted start of an unexpected (or 429) body; `Some("")` for an empty
    /// one.
    #[must_use]
    pub fn excerpt(&self) -> Option<&str> {
        match &*self.kind {
            ErrorKind::UnexpectedResponse { excerpt, .. } | ErrorKind::RateLimited { excerpt, .. } => {
                Some(excerpt)
            }
            _ => None,
        }
    }

    /// How many HTTP attempts were made before giving up.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The server's `Retry-After`, when it sent one: for a
    /// [`RateLimited`](ErrorKind::RateLimited) error, the wait it asked for.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// Whether the retry policy retries this error: transport errors, timeouts, 429 and
    /// 5xx; never a 4xx OAuth error, a permanent TLS failure (`tls`) or a configuration
    /// error.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match &*self.kind {
            ErrorKind::Transport { .. } | ErrorKind::Timeout | ErrorKind::RateLimited { .. } => true,
            ErrorKind::OAuth(OAuthError { status, .. })
            | ErrorKind::UnexpectedResponse { status, .. }
            | ErrorKind::ResponseTooLarge { status, .. } => *status == 429 || *status >= 500,
            ErrorKind::Tls { .. }
            | ErrorKind::Assertion(_)
            | ErrorKind::RsaKey(_)
            | ErrorKind::Config { .. }
            | ErrorKind::Rng { .. } => false,
        }
    }

    /// A stable snake_case code: the RFC 6749 code for OAuth errors (`invalid_client`,
    /// `invalid_grant`, `invalid_scope`, `invalid_request`, `unauthorized_client`,
    /// `unsupported_grant_type`, `server_error`, `temporarily_unavailable`, or `oauth_error`
    /// for any other), `rate_limited` (429), `transport`, `tls`, `timeout`,
    /// `unexpected_response`, `response_too_large`, `invalid_config`, `rng_failed`, or the
    /// core's code for assertion and key errors (`bad_pem`, `signer_failed`, ...).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match &*self.kind {
            ErrorKind::OAuth(e) => e.error.stable(),
            ErrorKind::Transport { .. } => "transport",
            ErrorKind::Tls { .. } => "tls",
            ErrorKind::Timeout => "timeout",
            ErrorKind::UnexpectedResponse { .. } => "unexpected_response",
            ErrorKind::ResponseTooLarge { .. } => "response_too_large",
            ErrorKind::RateLimited { .. } => "rate_limited",
            ErrorKind::Assertion(e) => e.code(),
            ErrorKind::RsaKey(e) => e.code(),
            ErrorKind::Config { .. } => "invalid_config",
            ErrorKind::Rng { .. } => "rng_failed",
        }
    }
}

/// `N s` for whole seconds, else `N.N s`.
struct Secs(Duration);

impl fmt::Display for Secs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.subsec_nanos() == 0 {
            write!(f, "{} s", self.0.as_secs())
        } else {
            write!(f, "{:.1} s", self.0.as_secs_f64())
        }
    }
}

/// `, content-type X` or `, no content-type`.
struct ContentType<'a>(&'a Option<String>);

impl fmt::Display for ContentType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(ct) => write!(f, ", content-type {ct}"),
            None => f.write_str(", no content-type"),
        }
    }
}

/// `, empty body` or `, body "..."`.
struct Body<'a>(&'a str);

impl fmt::Display for Body<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() { f.write_str(", empty body") } else { write!(f, ", body {:?}", self.0) }
    }
}

fn write_oauth(f: &mut fmt::Formatter<'_>, e: &OAuthError) -> fmt::Result {
    write!(f, "{}", e.error)?;
    if let Some(d) = &e.description {
        write!(f, ": {d}")?;
    }
    if let Some(u) = &e.uri {
        write!(f, " ({u})")?;
    }
    Ok(())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.kind {
            ErrorKind::OAuth(e) => {
                write!(f, "token endpoint refused the request: HTTP {} ", e.status)?;
                write_oauth(f, e)
            }
            ErrorKind::Transport { message } => write!(f, "transport error: {message}"),
            ErrorKind::Tls { message } => write!(f, "TLS error (not retried): {message}"),
            ErrorKind::Timeout => f.write_str("token request timed out"),
            ErrorKind::UnexpectedResponse { status, content_type, location, excerpt } => {
                write!(f, "unexpected response: HTTP {status}{}", ContentType(content_type))?;
                if let Some(location) = location {
                    write!(f, ", Location {location} (redirects are not followed)")?;
                } else if (300..400).contains(status) {
                    f.write_str(", no Location")?;
                }
                write!(f, "{}", Body(excerpt))
            }
            ErrorKind::ResponseTooLarge { status, content_type, declared, limit } => {
                write!(f, "response too large: HTTP {status}{}, ", ContentType(content_type))?;
                match declared {
                    Some(n) if u64::try_from(*limit).is_ok_and(|l| *n > l) => {
                        write!(f, "Content-Length {n} exceeds the {limit}-byte limit (body not read)")
                    }
                    _ => write!(f, "the body exceeds the {limit}-byte limit (reading stopped there)"),
                }
            }
            ErrorKind::RateLimited { retry_after, time_left, oauth, content_type, excerpt } => {
                f.write_str("rate limited: HTTP 429")?;
                match oauth {
                    Some(e) => {
                        f.write_str(" ")?;
                        write_oauth(f, e)?;
                    }
                    None => write!(f, "{}{}", ContentType(content_type), Body(excerpt))?,
                }
                match (retry_after, time_left) {
                    (Some(wait), Some(left)) => write!(
                        f,
                        "; the server asked to wait {} (Retry-After), more than the {} left of the \
                         retry budget (RetryPolicy::max_elapsed), so it was not waited for",
                        Secs(*wait),
                        Secs(*left)
                    ),
                    (Some(wait), None) => {
                        write!(f, "; the server asked to wait {} (Retry-After)", Secs(*wait))
                    }
                    (None, _) => f.write_str("; no Retry-After"),
                }
            }
            ErrorKind::Assertion(e) => write!(f, "assertion: {e}"),
            ErrorKind::RsaKey(e) => write!(f, "RSA key: {e}"),
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
        match (&*self.kind, &self.source) {
            (ErrorKind::Assertion(e), _) => Some(e),
            (ErrorKind::RsaKey(e), _) => Some(e),
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

impl From<bearerkit_rsa::Error> for Error {
    fn from(e: bearerkit_rsa::Error) -> Self {
        Self::new(ErrorKind::RsaKey(e))
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

    #[test]
    fn new_kinds_have_stable_codes_and_retry_rules() {
        let tls = Error::new(ErrorKind::Tls { message: "m".into() });
        assert_eq!((tls.code(), tls.is_retryable(), tls.status()), ("tls", false, None));
        let large = |status| {
            Error::new(ErrorKind::ResponseTooLarge { status, content_type: None, declared: None, limit: 10 })
        };
        assert_eq!(
            (large(200).code(), large(200).is_retryable(), large(503).is_retryable()),
            ("response_too_large", false, true)
        );
        assert_eq!(large(200).status(), Some(200));
        assert_eq!(
            large(200).to_string(),
            "response too large: HTTP 200, no content-type, the body exceeds the 10-byte limit (reading stopped there)"
        );
        // Boxed: an error stays small however large its kind.
        assert!(core::mem::size_of::<Error>() <= 64, "{}", core::mem::size_of::<Error>());
    }
}
