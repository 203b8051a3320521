//! Errors: the OAuth error responses sent to clients, and the server's own errors.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use core::fmt;

/// An error answered by a token endpoint: RFC 6749 §5.2 JSON
/// `{"error": "...", "error_description": "..."}`.
///
/// The status is 400, except: `invalid_client` after HTTP Basic authentication answers
/// 401 with `WWW-Authenticate: Basic realm="bearerkit"` (RFC 6749 §5.2); a body over the
/// limit answers 413; a request not answered in time 408; an unknown realm 404; an
/// internal failure 500. Descriptions never contain a secret, an assertion or a token.
///
/// # Failed client authentication: 401 or 400
///
/// [RFC 6749 §5.2](https://www.rfc-editor.org/rfc/rfc6749#section-5.2) says the server
/// *MAY* answer `invalid_client` with 401, and *MUST* answer 401 with a `WWW-Authenticate`
/// header matching the scheme the client used *if the client authenticated via the
/// `Authorization` request header*. So:
///
/// - HTTP Basic (the outbound endpoint always; the Keycloak endpoint when the client chose
///   `client_secret_basic`), including a malformed `Authorization: Basic` value: **401** +
///   `WWW-Authenticate: Basic realm="bearerkit"`.
/// - Credentials in the body (`client_id` + `client_secret`, or `client_assertion`, on the
///   Keycloak endpoint): **400** without a challenge, as Worldline's Keycloak documents it
///   (Worldline: `400 {"error": "invalid_client" | "invalid_scope", ...}`). RFC 6749
///   allows it, and a challenge there would invite a client that never used HTTP Basic to
///   retry with it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OAuthError {
    /// `invalid_request`: a missing or repeated parameter, a bad body or content type, a
    /// bad `x-correlation-id`.
    InvalidRequest(String),
    /// `invalid_client`: client authentication failed. 401 + `WWW-Authenticate` when the
    /// client used HTTP Basic, 400 when its credentials were in the body (see
    /// [above](OAuthError#failed-client-authentication-401-or-400)).
    InvalidClient {
        /// The `error_description`.
        description: String,
        /// The client tried HTTP Basic: answer 401 with a `WWW-Authenticate` challenge.
        basic: bool,
    },
    /// `invalid_grant`: the JWT-bearer assertion was rejected (the description carries the
    /// core's stable error code, e.g. `assertion rejected: expired`).
    InvalidGrant(String),
    /// `unauthorized_client`: the client may not use this grant type.
    UnauthorizedClient(String),
    /// `unsupported_grant_type`.
    UnsupportedGrantType(String),
    /// `invalid_scope`: a requested scope is not allowed for the client.
    InvalidScope(String),
    /// 413: the request body is over the limit (64 KiB); error code `invalid_request`.
    PayloadTooLarge,
    /// 408: the request was not answered within `request_timeout_secs`; error code
    /// `invalid_request`, description `request timed out`.
    RequestTimeout,
    /// 404: no such realm; error code `invalid_request`.
    NotFound(String),
    /// 500: an internal failure (the random generator failed); error code `server_error`.
    ServerError(String),
}

impl OAuthError {
    /// `invalid_request` with a description.
    pub(crate) fn request(d: impl Into<String>) -> Self {
        Self::InvalidRequest(d.into())
    }

    /// `invalid_client` (form authentication, 400).
    pub(crate) fn client(d: impl Into<String>) -> Self {
        Self::InvalidClient { description: d.into(), basic: false }
    }

    /// `invalid_client` after HTTP Basic (401 + challenge).
    pub(crate) fn client_basic(d: impl Into<String>) -> Self {
        Self::InvalidClient { description: d.into(), basic: true }
    }

    /// The RFC 6749 §5.2 `error` code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) | Self::PayloadTooLarge | Self::RequestTimeout | Self::NotFound(_) => {
                "invalid_request"
            }
            Self::InvalidClient { .. } => "invalid_client",
            Self::InvalidGrant(_) => "invalid_grant",
            Self::UnauthorizedClient(_) => "unauthorized_client",
            Self::UnsupportedGrantType(_) => "unsupported_grant_type",
            Self::InvalidScope(_) => "invalid_scope",
            Self::ServerError(_) => "server_error",
        }
    }

    /// The `error_description`.
    #[must_use]
    pub fn description(&self) -> &str {
        match self {
            Self::InvalidRequest(d)
            | Self::InvalidClient { description: d, .. }
            | Self::InvalidGrant(d)
            | Self::UnauthorizedClient(d)
            | Self::UnsupportedGrantType(d)
            | Self::InvalidScope(d)
            | Self::NotFound(d)
            | Self::ServerError(d) => d,
            Self::PayloadTooLarge => "request body too large",
            Self::RequestTimeout => "request timed out",
        }
    }

    /// The HTTP status answered.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidClient { basic: true, .. } => StatusCode::UNAUTHORIZED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::ServerError(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.description())
    }
}

impl core::error::Error for OAuthError {}

#[derive(serde::Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        tracing::debug!(
            error = self.code(),
            description = %crate::logfmt::Untrusted(self.description()),
            "token request refused"
        );
        let body = ErrorBody { error: self.code(), error_description: self.description() };
        let mut response = (self.status(), axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        if let Self::InvalidClient { basic: true, .. } = self {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"bearerkit\""));
        }
        response
    }
}

/// The configuration is invalid or could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML is malformed or has unknown or mistyped fields. The message has the line and
    /// column and what is wrong (naming at most a key), never a value or a line of the
    /// document, which may hold a secret.
    Parse(String),
    /// A D1 public key does not parse as a P-256 `PUBLIC KEY` PEM or JWK.
    InvalidKey {
        /// The issuer.
        issuer_id: String,
        /// The key id.
        kid: String,
        /// The core's reason (see [`bearerkit::Error::code`]).
        source: bearerkit::Error,
    },
    /// A realm client's certificate does not parse or holds no P-256 key.
    InvalidCertificate {
        /// The realm.
        realm: String,
        /// The client.
        client_id: String,
        /// Why.
        reason: String,
    },
    /// Two entries share a name.
    Duplicate {
        /// What kind of entry.
        what: &'static str,
        /// The repeated name.
        name: String,
    },
    /// A field has an unusable value.
    Invalid {
        /// The field.
        field: &'static str,
        /// Why.
        reason: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            Self::Parse(msg) => write!(f, "invalid configuration: {msg}"),
            Self::InvalidKey { issuer_id, kid, source } => {
                write!(
                    f,
                    "invalid public key for issuer {issuer_id:?}, kid {kid:?}: {source} ({})",
                    source.code()
                )
            }
            Self::InvalidCertificate { realm, client_id, reason } => {
                write!(f, "invalid certificate for client {client_id:?} of realm {realm:?}: {reason}")
            }
            Self::Duplicate { what, name } => write!(f, "duplicate {what}: {name:?}"),
            Self::Invalid { field, reason } => write!(f, "invalid {field}: {reason}"),
        }
    }
}

impl core::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            Self::InvalidKey { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The server could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServerError {
    /// The configuration is invalid.
    Config(ConfigError),
    /// The address could not be bound.
    Bind {
        /// The address.
        addr: core::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

impl From<ConfigError> for ServerError {
    fn from(e: ConfigError) -> Self {
        Self::Config(e)
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(e) => e.fmt(f),
            Self::Bind { addr, source } => write!(f, "cannot listen on {addr}: {source}"),
        }
    }
}

impl core::error::Error for ServerError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Config(e) => Some(e),
            Self::Bind { source, .. } => Some(source),
        }
    }
}
