#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod config;
mod conn;
mod d1;
mod error;
mod faults;
mod keycloak;
mod logfmt;
mod merge;
mod outbound;
mod params;
mod resource;
mod secret;
mod state;
mod tls;

pub use config::{
    BasicClient, D1Env, D1Issuer, D1Key, DEFAULT_ASSERTION_MAX_LIFETIME_SECS, DEFAULT_D1_SCOPE,
    DEFAULT_HEADER_READ_TIMEOUT_SECS, DEFAULT_IDLE_TIMEOUT_SECS, DEFAULT_LEEWAY_SECS,
    DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_LIVE_TOKENS, DEFAULT_REALM_TOKEN_LIFETIME_SECS,
    DEFAULT_REPLAY_CACHE_CAPACITY, DEFAULT_REQUEST_TIMEOUT_SECS, DEFAULT_TOKEN_LIFETIME_SECS,
    MAX_CONNECTION_TIMEOUT_SECS, MAX_CONNECTIONS_LIMIT, MAX_LEEWAY_SECS, MAX_LIFETIME_SECS,
    MAX_REQUEST_TIMEOUT_SECS, Realm, RealmClient, ServerConfig,
};
pub use error::{ConfigError, OAuthError, ServerError};
pub use faults::{Fault, FaultBody, FaultInjector, MALFORMED_BODY};
pub use merge::{ConfigAdditions, D1IssuerAdditions, RealmAdditions};
pub use params::MAX_PARAMS;
pub use secret::Secret;
pub use state::AppState;
pub use tls::TlsConfig;

/// The request-parameter parser, exposed for the fuzz targets in `fuzz/` only (feature
/// `fuzzing`); not part of the API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    use crate::OAuthError;
    use crate::params::{self, BodyEncoding};
    use axum::http::{HeaderMap, HeaderValue, header};

    /// An `application/x-www-form-urlencoded` body: the parameters in order, or the refusal.
    ///
    /// # Errors
    /// As the token endpoints refuse the body.
    pub fn parse_form(body: &[u8]) -> Result<Vec<(String, String)>, OAuthError> {
        params::fuzz_parse(body, BodyEncoding::Form)
    }

    /// An `application/json` body: the parameters in order, or the refusal.
    ///
    /// # Errors
    /// As the token endpoints refuse the body.
    pub fn parse_json(body: &[u8]) -> Result<Vec<(String, String)>, OAuthError> {
        params::fuzz_parse(body, BodyEncoding::Json)
    }

    /// A whole request body with these `Content-Type` values (each one header line; a value
    /// that is not a valid header value is left out), accepting JSON when `json_bodies`.
    ///
    /// # Errors
    /// As the token endpoints refuse the request.
    pub fn read(
        content_types: &[&[u8]],
        body: &[u8],
        json_bodies: bool,
    ) -> Result<Vec<(String, String)>, OAuthError> {
        let mut headers = HeaderMap::new();
        for value in content_types {
            if let Ok(v) = HeaderValue::from_bytes(value) {
                headers.append(header::CONTENT_TYPE, v);
            }
        }
        params::fuzz_read(&headers, body, json_bodies)
    }
}

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use core::net::SocketAddr;
use core::time::Duration;

/// Path of the D1 inbound token endpoint (the D1 server base `/authz/v1` + `/oauth2/token`).
pub const D1_TOKEN_PATH: &str = "/authz/v1/oauth2/token";
/// Path of the D1-outbound-style token endpoint.
pub const OUTBOUND_TOKEN_PATH: &str = "/oauth2/token";
/// Path of the protected resource.
pub const RESOURCE_PATH: &str = "/resource";
/// Largest accepted request body: 64 KiB.
///
/// A token request over it answers 413 with the RFC 6749 JSON body
/// `{"error":"invalid_request","error_description":"request body too large"}`
/// ([`OAuthError::PayloadTooLarge`]), whether the size is announced by `Content-Length`
/// (refused before any of the body is read) or only found while reading a chunked body;
/// like every other token-endpoint answer it is counted and echoes `x-correlation-id`.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The correlation header of the D1 inbound API (`x-correlation-id`).
pub const CORRELATION_HEADER: &str = bearerkit::protocol::CORRELATION_ID_HEADER;

/// The Keycloak-style token endpoint path of `realm`.
#[must_use]
pub fn keycloak_token_path(realm: &str) -> String {
    format!("/auth/realms/{realm}/protocol/openid-connect/token")
}

/// The Keycloak-style discovery document path of `realm`
/// (`/auth/realms/{realm}/.well-known/openid-configuration`).
#[must_use]
pub fn keycloak_discovery_path(realm: &str) -> String {
    format!("/auth/realms/{realm}/.well-known/openid-configuration")
}

/// The router: every endpoint, the body limit ([`MAX_BODY_BYTES`]) and the request timeout.
///
/// A request not answered within `request_timeout_secs` (reading its body included) gets
/// 408 with the RFC 6749 JSON body
/// `{"error":"invalid_request","error_description":"request timed out"}`
/// ([`OAuthError::RequestTimeout`], `Cache-Control: no-store`); a valid `x-correlation-id`
/// is echoed, and a token-endpoint request is counted like any other.
///
/// Use it directly with `tower::ServiceExt::oneshot` in tests, or through [`spawn`].
pub fn app(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.inner.request_timeout_secs);
    let token_routes = Router::new()
        .route(D1_TOKEN_PATH, post(d1::token))
        .route(OUTBOUND_TOKEN_PATH, post(outbound::token))
        .route("/auth/realms/{realm}/protocol/openid-connect/token", post(keycloak::token))
        .route_layer(middleware::from_fn_with_state(state.clone(), token_layer));
    let mut router = Router::new()
        .merge(token_routes)
        .route(RESOURCE_PATH, get(resource::get))
        .route("/auth/realms/{realm}/.well-known/openid-configuration", get(keycloak::discovery));
    if state.inner.test_endpoints {
        router = router
            .route("/_test/faults", post(test_faults).delete(test_clear_faults))
            .route("/_test/stats", get(test_stats));
    }
    router
        .fallback(not_found)
        // The limit is enforced where bodies are read (axum's extractors), so the token
        // endpoints turn an over-long body into an OAuth error (see `params::read`); an
        // announced `Content-Length` over it is refused up front in `token_layer`.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(timeout, timeout_layer))
        .with_state(state)
}

/// A token response (RFC 6749 §5.1: `Cache-Control: no-store`, `Pragma: no-cache`).
pub(crate) fn token_response<T: serde::Serialize>(body: &T) -> Response {
    let mut response = axum::Json(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// Around every token endpoint: refuse a method other than POST (405, `Allow: POST`, not
/// counted), count the request, apply an injected fault, check and echo
/// `x-correlation-id`, refuse a `Content-Length` over [`MAX_BODY_BYTES`].
async fn token_layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return method_not_allowed();
    }
    let fault = state.inner.faults.on_request();
    let correlation = correlation_id(request.headers());
    let replaced = match &fault {
        Some(fault) => faults::fault_response(fault),
        None => None,
    };
    let mut response = if let Some(response) = replaced {
        tracing::debug!(path = request.uri().path(), "injected fault answered");
        response
    } else {
        if let Some(Fault::Delay(delay)) = fault {
            tokio::time::sleep(delay).await;
        }
        match correlation {
            Ok(_) if announced_too_large(&request) => OAuthError::PayloadTooLarge.into_response(),
            Ok(_) => next.run(request).await,
            Err(()) => {
                OAuthError::request("x-correlation-id must match ^[A-Za-z0-9_-]{1,64}$").into_response()
            }
        }
    };
    if let Ok(Some(value)) = correlation {
        response.headers_mut().insert(HeaderName::from_static(CORRELATION_HEADER), value);
    }
    response
}

/// The request's `x-correlation-id`: `Ok(None)` when absent, `Err(())` when repeated or
/// not matching `^[A-Za-z0-9_-]{1,64}$`.
fn correlation_id(headers: &HeaderMap) -> Result<Option<HeaderValue>, ()> {
    let mut values = headers.get_all(CORRELATION_HEADER).iter();
    match (values.next(), values.next()) {
        (None, _) => Ok(None),
        (Some(v), None) if params::valid_correlation_id(v.as_bytes()) => Ok(Some(v.clone())),
        _ => Err(()),
    }
}

/// Outermost: answer [`OAuthError::RequestTimeout`] (408, JSON, `no-store`, a valid
/// `x-correlation-id` echoed) when the rest of the stack has not answered within `timeout`.
/// The inner future (handler, injected delay, body read) is dropped then; a token request
/// has already been counted by [`token_layer`].
async fn timeout_layer(State(timeout): State<Duration>, request: Request, next: Next) -> Response {
    let correlation = correlation_id(request.headers());
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_elapsed) => {
            tracing::debug!(path, ?timeout, "request timed out");
            let mut response = OAuthError::RequestTimeout.into_response();
            if let Ok(Some(value)) = correlation {
                response.headers_mut().insert(HeaderName::from_static(CORRELATION_HEADER), value);
            }
            response
        }
    }
}

/// Whether the request announces (`Content-Length`) a body over [`MAX_BODY_BYTES`]. A
/// malformed or repeated header never gets here: hyper refuses it with 400 first.
fn announced_too_large(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|len| usize::try_from(len).map_or(true, |len| len > MAX_BODY_BYTES))
}

/// 405 for a token path asked with another method than POST: `Allow: POST` and an RFC
/// 6749-style JSON body. Not a token request: not counted, takes no fault.
fn method_not_allowed() -> Response {
    let body = serde_json::json!({
        "error": "invalid_request",
        "error_description": "the token endpoint takes POST only",
    });
    let mut response = (StatusCode::METHOD_NOT_ALLOWED, axum::Json(body)).into_response();
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}

async fn not_found() -> Response {
    let body = serde_json::json!({ "error": "not_found", "error_description": "no such endpoint" });
    (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}

/// `POST /_test/faults`: queue a fault. The body must be sent as `application/json`
/// (415 otherwise): a web page can post a form or `text/plain` cross-origin without asking,
/// but not JSON.
async fn test_faults(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    if params::content_type(&headers) != Some(params::BodyEncoding::Json) {
        let body = serde_json::json!({
            "error": "invalid_request",
            "error_description": "content type must be application/json",
        });
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, axum::Json(body)).into_response();
    }
    let request: Result<faults::FaultRequest, _> = serde_json::from_slice(&body);
    let result =
        request.map_err(|e| format!("bad fault request: {e}")).and_then(faults::FaultRequest::into_fault);
    match result {
        Ok((fault, count)) => {
            let injector = &state.inner.faults;
            injector.push(fault, count);
            axum::Json(serde_json::json!({ "queued": count, "pending": injector.pending() })).into_response()
        }
        Err(description) => {
            let body = serde_json::json!({ "error": "invalid_request", "error_description": description });
            (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
        }
    }
}

async fn test_clear_faults(State(state): State<AppState>) -> Response {
    state.inner.faults.clear();
    axum::Json(serde_json::json!({ "pending": 0 })).into_response()
}

async fn test_stats(State(state): State<AppState>) -> Response {
    axum::Json(serde_json::json!({ "token_requests": state.inner.faults.request_count() })).into_response()
}

/// A server running in a tokio task; see [`spawn`].
///
/// Dropping it stops the server too (gracefully, without waiting); [`shutdown`](Self::shutdown)
/// waits until the server task has finished.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    base_url: String,
    state: AppState,
    drain: Duration,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    /// The bound address (with the real port when `bind` asked for port 0).
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, `https://…` with TLS (or `config.public_url` when set).
    #[must_use]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The D1 inbound token endpoint URL.
    #[must_use]
    pub fn d1_token_url(&self) -> String {
        format!("{}{D1_TOKEN_PATH}", self.base_url)
    }

    /// The D1-outbound-style token endpoint URL.
    #[must_use]
    pub fn outbound_token_url(&self) -> String {
        format!("{}{OUTBOUND_TOKEN_PATH}", self.base_url)
    }

    /// The Keycloak-style token endpoint URL of `realm` (also a valid client-assertion `aud`).
    #[must_use]
    pub fn keycloak_token_url(&self, realm: &str) -> String {
        keycloak::token_endpoint(&self.base_url, realm)
    }

    /// The Keycloak-style issuer URL of `realm` (the other accepted client-assertion `aud`).
    #[must_use]
    pub fn keycloak_issuer_url(&self, realm: &str) -> String {
        keycloak::issuer(&self.base_url, realm)
    }

    /// The discovery document URL of `realm`
    /// (`{issuer}/.well-known/openid-configuration`).
    #[must_use]
    pub fn keycloak_discovery_url(&self, realm: &str) -> String {
        format!("{}{}", self.base_url, keycloak_discovery_path(realm))
    }

    /// The protected resource URL.
    #[must_use]
    pub fn resource_url(&self) -> String {
        format!("{}{RESOURCE_PATH}", self.base_url)
    }

    /// The fault injector (a clonable handle).
    #[must_use]
    pub fn faults(&self) -> FaultInjector {
        self.state.faults()
    }

    /// Token-endpoint requests seen so far.
    #[must_use]
    pub fn request_count(&self) -> u64 {
        self.state.faults().request_count()
    }

    /// The shared state (live token count, ...).
    #[must_use]
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stop: close the listener (new connections are refused), let the requests in flight
    /// finish, close the connections, and wait for the server task.
    ///
    /// Requests in flight get at most `request_timeout_secs` + 1 s (each is answered by
    /// then: at worst with the 408 of the request timeout); kept-alive connections with
    /// nothing in flight, and connections that have not sent a whole request head, are
    /// closed at once.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let task = &mut self.task;
        let limit = self.drain + Duration::from_secs(2);
        if tokio::time::timeout(limit, &mut *task).await.is_err() {
            task.abort();
        }
    }
}

/// The start-up warning of an unspecified bind: logged (`WARN`) when the bound `addr`
/// listens on every interface, which a validated `config` allows only with
/// `allow_unspecified_bind`. Apart from [`spawn`] so a test can check it without binding
/// every interface.
fn warn_if_unspecified(config: &ServerConfig, addr: SocketAddr) {
    if config::is_unspecified(addr.ip()) {
        tracing::warn!(
            %addr,
            allow_unspecified_bind = config.allow_unspecified_bind,
            "listening on every interface (allow_unspecified_bind): the server is reachable from other hosts"
        );
    }
}

/// Bind `config.bind` (default `127.0.0.1:0`) and serve in a tokio task. Prints nothing;
/// logs through `tracing` (no subscriber is installed).
///
/// Connections are served by hyper (HTTP/1.1) with the configuration's limits: at most
/// `max_connections` open at once (more wait in the listen backlog), `header_read_timeout_secs`
/// for each request head (and for the TLS handshake), `idle_timeout_secs` without a byte
/// moving while no request is handled. An unspecified `bind` address is refused unless `allow_unspecified_bind` (see
/// [`ServerConfig::validate`]); when allowed, a warning is logged, and `base_url` uses the
/// loopback address (`127.0.0.1` or `[::1]`) unless `public_url` is set.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = bearerkit_server::spawn(bearerkit_server::ServerConfig::default()).await?;
/// assert!(server.base_url().starts_with("http://127.0.0.1:"));
/// server.shutdown().await;
/// # Ok(()) }
/// ```
///
/// # Errors
/// [`ServerError::Config`] for an invalid configuration, [`ServerError::Bind`] when the
/// address cannot be bound.
pub async fn spawn(config: ServerConfig) -> Result<RunningServer, ServerError> {
    config.validate()?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|source| ServerError::Bind { addr: config.bind, source })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Bind { addr: config.bind, source })?;
    let scheme = if config.tls.is_some() { "https" } else { "http" };
    let local = if config::is_unspecified(addr.ip()) {
        let loopback = match addr.ip() {
            core::net::IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
                core::net::IpAddr::V6(core::net::Ipv6Addr::LOCALHOST)
            }
            _ => core::net::IpAddr::V4(core::net::Ipv4Addr::LOCALHOST),
        };
        SocketAddr::new(loopback, addr.port())
    } else {
        addr
    };
    let state = AppState::new(&config, &format!("{scheme}://{local}"))?;
    let base_url = state.base_url().to_owned();
    let router = app(state.clone());
    let tls = match &config.tls {
        None => None,
        Some(tls) => Some(tokio_rustls::TlsAcceptor::from(tls.server_config()?)),
    };
    let limits = conn::Limits {
        header_read_timeout: Duration::from_secs(config.header_read_timeout_secs),
        idle_timeout: Duration::from_secs(config.idle_timeout_secs),
        max_connections: config.max_connections,
        drain: Duration::from_secs(config.request_timeout_secs.saturating_add(1)),
    };
    // A send or a dropped sender both mean "stop".
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(conn::serve(listener, tls, router, limits, stopped));
    warn_if_unspecified(&config, addr);
    tracing::info!(%addr, "bearerkit-server listening");
    Ok(RunningServer { addr, base_url, state, drain: limits.drain, stop: Some(stop), task })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bearerkit_testkit::Captured;

    /// What `warn_if_unspecified` logs for `bind`, with a validated configuration (nothing
    /// is bound: the address is only passed to the function, as `spawn` passes the bound one).
    fn warning_for(bind: &str) -> String {
        let addr: SocketAddr = bind.parse().unwrap();
        let config = ServerConfig::default()
            .with_bind(addr)
            .with_unspecified_bind_allowed(config::is_unspecified(addr.ip()));
        config.validate().unwrap();
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || warn_if_unspecified(&config, addr));
        captured.text()
    }

    #[test]
    fn an_allowed_unspecified_bind_logs_a_warning() {
        for bind in ["0.0.0.0:8080", "[::]:8080", "[::ffff:0.0.0.0]:8080"] {
            let logs = warning_for(bind);
            assert_eq!(logs.lines().count(), 1, "{bind}: {logs}");
            assert!(logs.contains("WARN"), "{bind}: {logs}");
            assert!(logs.contains("listening on every interface"), "{bind}: {logs}");
            assert!(logs.contains("reachable from other hosts"), "{bind}: {logs}");
            assert!(logs.contains("allow_unspecified_bind=true"), "{bind}: {logs}");
            let addr: SocketAddr = bind.parse().unwrap();
            assert!(logs.contains(&format!("addr={addr}")), "{bind}: {logs}");
        }
        // A specific address: no warning.
        for bind in ["127.0.0.1:8080", "[::1]:8080", "192.0.2.10:8080"] {
            assert_eq!(warning_for(bind), "", "{bind}");
        }
    }
}
