//! `TokenClient`: the cached, single-flight, retrying token client.

use crate::error::ErrorKind;
use crate::request::{
    BodyEncoding, CORRELATION_HEADER, ClientAuth, CorrelationId, Flow, RedactedHeaders, RequestSpec,
    valid_correlation_id,
};
use crate::response::{MAX_TOKEN_LIFETIME, TokenResponse, parse_response};
use crate::transport::{Tls, Transport};
use crate::{AccessToken, Error};
use core::fmt;
use core::time::Duration;
use http::{HeaderName, HeaderValue};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// Default refresh margin: refresh when less than 60 s of the token's life remains.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Default refresh jitter: up to 10 s more, so many processes do not refresh at once.
pub const DEFAULT_REFRESH_JITTER: Duration = Duration::from_secs(10);
/// Lifetime assumed when a response has neither `expires_in` nor `expires_at`: 5 minutes.
pub const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(300);
/// After a failed refresh while the old token is still valid, wait this long before
/// trying again (callers get the old token meanwhile).
pub const DEFAULT_REFRESH_RETRY_INTERVAL: Duration = Duration::from_secs(5);
/// Default timeout of one attempt ([`TokenClientBuilder::timeout`]): 5 s, a sixth of
/// [`DEFAULT_MAX_ELAPSED`], so an attempt that hangs is cut with time left to retry it.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default connect timeout ([`TokenClientBuilder::connect_timeout`]): 5 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default deadline of a whole fetch, attempts and sleeps included
/// ([`RetryPolicy::max_elapsed`]): 30 s. Room for the default 3 attempts of
/// [`DEFAULT_TIMEOUT`] each and their backoff, and small against a token's life (the D1's
/// last 15 minutes, refreshed a minute ahead).
pub const DEFAULT_MAX_ELAPSED: Duration = Duration::from_secs(30);

/// Retries: exponential backoff with full jitter for transport errors, timeouts, 429 and
/// 5xx, honouring `Retry-After`; never for a 4xx OAuth error.
///
/// # The time bound
/// [`max_elapsed`](Self::max_elapsed) is a deadline for the whole fetch, counted from the
/// start of the first attempt: every attempt gets `min(request timeout, time left)` (see
/// [`TokenClientBuilder::timeout`]), and no backoff or `Retry-After` sleep reaches past the
/// deadline (the fetch gives up instead). So one fetch takes at most about `max_elapsed`
/// whatever `max_attempts` and the request timeout are, and makes at most `max_attempts`
/// requests. With the defaults (3 attempts, [`DEFAULT_TIMEOUT`] 5 s each,
/// [`DEFAULT_MAX_ELAPSED`] 30 s) an attempt that hangs is cut after 5 s and retried, and a
/// fetch against an endpoint that never answers ends after about 15 s.
/// When the deadline cuts an attempt short the error is
/// [`ErrorKind::Timeout`](crate::ErrorKind::Timeout); otherwise the fetch returns the last
/// attempt's error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Most HTTP attempts per fetch (1 = no retries). Default 3.
    pub max_attempts: u32,
    /// First backoff ceiling; doubled each attempt. Default 100 ms.
    pub base_delay: Duration,
    /// Largest backoff ceiling. Default 2 s.
    pub max_delay: Duration,
    /// Deadline for the whole fetch, attempts and sleeps included (see
    /// [the time bound](Self#the-time-bound)): an attempt still running then is cut short
    /// with a timeout, and a sleep that would end after it is not started (a longer
    /// `Retry-After` ends the retries). Default [`DEFAULT_MAX_ELAPSED`], 30 s.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            max_elapsed: DEFAULT_MAX_ELAPSED,
        }
    }
}

impl RetryPolicy {
    /// No retries.
    #[must_use]
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Full jitter (AWS architecture blog): uniform in `[0, min(max_delay, base·2^(n−1))]`
    /// after attempt `n` (1-based).
    #[must_use]
    pub fn backoff(&self, attempt: u32, random: u64) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1).min(20)).unwrap_or(u32::MAX);
        let ceiling = self.base_delay.saturating_mul(factor).min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(random % nanos.saturating_add(1))
    }
}

/// A token from the cache: cheap to clone (one reference count); `Debug` never shows it.
#[derive(Clone)]
pub struct Token(Arc<TokenInner>);

struct TokenInner {
    access_token: AccessToken,
    token_type: String,
    scope: Option<String>,
    lifetime: Duration,
    expires_at: Instant,
}

impl Token {
    /// The access token.
    #[must_use]
    pub fn access_token(&self) -> &AccessToken {
        &self.0.access_token
    }

    /// The access token string, for `Authorization: Bearer`. Never log it.
    #[must_use]
    pub fn secret(&self) -> &str {
        self.0.access_token.secret()
    }

    /// `Authorization` header value `Bearer <token>`, marked sensitive.
    ///
    /// # Errors
    /// [`crate::ErrorKind::UnexpectedResponse`] is impossible here in practice; a token
    /// with bytes not allowed in a header gives [`crate::ErrorKind::Config`].
    pub fn authorization(&self) -> Result<HeaderValue, Error> {
        let mut v = HeaderValue::from_str(&format!("Bearer {}", self.secret()))
            .map_err(|_| Error::config("access token is not a valid header value"))?;
        v.set_sensitive(true);
        Ok(v)
    }

    /// `token_type` as the server sent it (`Bearer` when absent).
    #[must_use]
    pub fn token_type(&self) -> &str {
        &self.0.token_type
    }

    /// The granted scope, when the server said.
    #[must_use]
    pub fn scope(&self) -> Option<&str> {
        self.0.scope.as_deref()
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
        Instant::now() >= self.0.expires_at
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
            .field("access_token", &self.0.access_token)
            .field("token_type", &self.0.token_type)
            .field("scope", &self.0.scope)
            .field("lifetime", &self.0.lifetime)
            .field("remaining", &self.remaining())
            .finish()
    }
}

/// Cache timing.
#[derive(Clone, Copy, Debug)]
struct CachePolicy {
    margin: Duration,
    jitter: Duration,
    default_expires_in: Duration,
    retry_interval: Duration,
}

#[derive(Default)]
struct CacheState {
    token: Option<Token>,
    refresh_at: Option<Instant>,
    /// After a failed refresh with a still-valid token: no new attempt before this.
    next_attempt: Option<Instant>,
    /// Bumped after every completed fetch (success or failure).
    generation: u64,
    last_error: Option<Error>,
}

struct Inner {
    spec: RequestSpec,
    transport: Transport,
    retry: RetryPolicy,
    cache: CachePolicy,
    state: Mutex<CacheState>,
    refresh: tokio::sync::Mutex<()>,
}

/// An OAuth 2.0 token client for one endpoint and one flow, with a token cache.
///
/// Cheap to clone (the clones share the cache). [`token`](Self::token) returns the
/// cached token while it is fresh, refreshes it ahead of expiry (margin plus jitter),
/// sends one request however many callers wait (single flight), retries transient
/// failures, and keeps serving a still-valid token when a refresh fails.
#[derive(Clone)]
pub struct TokenClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for TokenClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("TokenClient")
            .field("spec", &self.inner.spec)
            .field("retry", &self.inner.retry)
            .field("cache", &self.inner.cache)
            .field("token", &state.token)
            .field("last_error", &state.last_error)
            .finish_non_exhaustive()
    }
}

/// `at + d`, or as late as the clock allows: `at` plus [`MAX_TOKEN_LIFETIME`] (or `at`
/// itself) when `at + d` does not fit. Never panics.
fn later(at: Instant, d: Duration) -> Instant {
    at.checked_add(d).or_else(|| at.checked_add(d.min(MAX_TOKEN_LIFETIME))).unwrap_or(at)
}

#[cfg(test)]
thread_local! {
    /// Tests: make the OS generator fail on this thread.
    static FAIL_RANDOM: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

/// Fill `buf` from the OS generator.
fn fill_random(buf: &mut [u8]) -> Result<(), getrandom::Error> {
    #[cfg(test)]
    if FAIL_RANDOM.with(core::cell::Cell::get) {
        return Err(getrandom::Error::UNSUPPORTED);
    }
    getrandom::fill(buf)
}

/// A random `u64` for jitter (never an id); zero if the OS generator fails, which only
/// makes the refresh and backoff jitter less spread.
fn random_u64() -> u64 {
    let mut b = [0u8; 8];
    let _ = fill_random(&mut b);
    u64::from_le_bytes(b)
}

/// 32 random hex digits (128 bits): `jti`s and correlation ids.
///
/// # Errors
/// [`ErrorKind::Rng`] when the OS generator fails: an id made otherwise (from the clock, a
/// counter) would be predictable, so no request is built.
fn random_id() -> Result<String, Error> {
    let mut b = [0u8; 16];
    fill_random(&mut b).map_err(|e| Error::new(ErrorKind::Rng { message: e.to_string() }).with_source(e))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

impl TokenClient {
    /// Start building a client for the token endpoint `endpoint` and `flow`.
    pub fn builder(endpoint: impl Into<String>, flow: impl Into<Flow>) -> TokenClientBuilder {
        TokenClientBuilder::new(endpoint, flow)
    }

    fn lock(&self) -> MutexGuard<'_, CacheState> {
        self.inner.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached token if it is fresh (not yet due for refresh): a lock and a clone.
    #[must_use]
    pub fn cached(&self) -> Option<Token> {
        let state = self.lock();
        match (&state.token, state.refresh_at) {
            (Some(t), Some(at)) if Instant::now() < at => Some(t.clone()),
            _ => None,
        }
    }

    /// A valid access token: the cached one while fresh, else a new one.
    ///
    /// # Failed refreshes
    /// A refresh ahead of expiry that fails (after its retries) while the cached token is
    /// still valid does **not** return an error: `token()` returns the old token, logs a
    /// `tracing` warning (`token refresh failed; serving the cached token while it is
    /// valid`, with the error's code and attempts, never a secret) and keeps the error in
    /// [`last_refresh_error`](Self::last_refresh_error) until a later fetch succeeds. The
    /// next refresh is tried no sooner than
    /// [`refresh_retry_interval`](TokenClientBuilder::refresh_retry_interval) later; in
    /// the meantime callers get the old token at once. Check `last_refresh_error()` to
    /// notice an endpoint that keeps failing before the token actually expires.
    ///
    /// # Errors
    /// The last attempt's error when no valid token could be obtained (no cached token, or
    /// it has expired) after retries, within [`RetryPolicy::max_elapsed`]. Callers waiting
    /// on the same fetch (single flight) all get that error.
    pub async fn token(&self) -> Result<Token, Error> {
        let now = Instant::now();
        let (generation, stale) = {
            let state = self.lock();
            let valid = state.token.as_ref().filter(|t| now < t.0.expires_at);
            if let (Some(t), Some(at)) = (valid, state.refresh_at)
                && (now < at || state.next_attempt.is_some_and(|n| now < n))
            {
                return Ok(t.clone());
            }
            (state.generation, valid.cloned())
        };
        // Due for refresh. With a still-valid token, whoever gets the refresh lock
        // refreshes and everyone else keeps using the old token; without one, wait.
        let _guard = match stale {
            Some(old) => match self.inner.refresh.try_lock() {
                Ok(guard) => guard,
                Err(_) => return Ok(old),
            },
            None => self.inner.refresh.lock().await,
        };
        {
            let state = self.lock();
            let now = Instant::now();
            let valid = state.token.as_ref().filter(|t| now < t.0.expires_at);
            if state.generation != generation {
                // A fetch completed while we waited: share its outcome.
                match (valid, &state.last_error) {
                    (Some(t), _) => return Ok(t.clone()),
                    (None, Some(e)) => return Err(e.clone()),
                    (None, None) => {}
                }
            } else if let (Some(t), Some(at)) = (valid, state.refresh_at)
                && now < at
            {
                return Ok(t.clone());
            }
        }
        let result = self.fetch().await;
        let mut state = self.lock();
        state.generation = state.generation.wrapping_add(1);
        match result {
            Ok((response, sent)) => {
                let token = self.store(&mut state, response, sent);
                Ok(token)
            }
            Err(e) => {
                state.last_error = Some(e.clone());
                let now = Instant::now();
                match state.token.as_ref().filter(|t| now < t.0.expires_at).cloned() {
                    Some(old) => {
                        tracing::warn!(
                            code = e.code(),
                            attempts = e.attempts(),
                            remaining_ms = u64::try_from(old.remaining().as_millis()).unwrap_or(u64::MAX),
                            "token refresh failed; serving the cached token while it is valid"
                        );
                        state.next_attempt = Some(later(now, self.inner.cache.retry_interval));
                        Ok(old)
                    }
                    None => {
                        tracing::warn!(code = e.code(), attempts = e.attempts(), "token request failed");
                        Err(e)
                    }
                }
            }
        }
    }

    /// Cache a fresh response; returns the token.
    fn store(&self, state: &mut CacheState, response: TokenResponse, sent: Instant) -> Token {
        let policy = &self.inner.cache;
        // Capped (the parser caps what servers send; this caps the configured default), so
        // the sums below fit the clock.
        let lifetime = response.expires_in.unwrap_or(policy.default_expires_in).min(MAX_TOKEN_LIFETIME);
        let jitter_nanos = u64::try_from(policy.jitter.as_nanos()).unwrap_or(u64::MAX);
        let jitter = Duration::from_nanos(random_u64() % jitter_nanos.saturating_add(1));
        // Refresh `margin + jitter` before expiry, but never in the first half of a short life.
        let ahead = policy.margin.saturating_add(jitter).min(lifetime / 2);
        let refresh_in = lifetime.saturating_sub(ahead);
        let token = Token(Arc::new(TokenInner {
            access_token: response.access_token,
            token_type: response.token_type,
            scope: response.scope,
            lifetime,
            expires_at: later(sent, lifetime),
        }));
        state.token = Some(token.clone());
        state.refresh_at = Some(later(sent, refresh_in));
        state.next_attempt = None;
        state.last_error = None;
        tracing::debug!(lifetime_s = lifetime.as_secs(), refresh_in_s = refresh_in.as_secs(), "token cached");
        token
    }

    /// Forget the cached token (for example after a 401 from the resource server): the
    /// next [`token`](Self::token) call fetches a new one.
    pub fn invalidate(&self) {
        let mut state = self.lock();
        state.token = None;
        state.refresh_at = None;
        state.next_attempt = None;
    }

    /// The error of the last failed fetch, if the last fetch failed (cleared by a success).
    /// Set when a refresh failed while the old token was still served.
    #[must_use]
    pub fn last_refresh_error(&self) -> Option<Error> {
        self.lock().last_error.clone()
    }

    /// One token request, bypassing the cache (with retries). The result is not cached.
    ///
    /// # Errors
    /// As [`token`](Self::token).
    pub async fn fetch_uncached(&self) -> Result<TokenResponse, Error> {
        self.fetch().await.map(|(r, _)| r)
    }

    /// The request spec (endpoint, flow, encoding, headers).
    #[must_use]
    pub fn spec(&self) -> &RequestSpec {
        &self.inner.spec
    }

    /// Request a token, retrying per the policy within its deadline (`max_elapsed`).
    /// Returns the response and when its request was sent.
    async fn fetch(&self) -> Result<(TokenResponse, Instant), Error> {
        let policy = &self.inner.retry;
        // `None`: a budget too large to add to the clock, that is no deadline.
        let deadline = Instant::now().checked_add(policy.max_elapsed);
        let mut attempt = 1u32;
        loop {
            let sent = Instant::now();
            let result = match deadline {
                // The transport's own timeout still applies: this is min(timeout, time left).
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(sent);
                    tokio::time::timeout(left, self.attempt())
                        .await
                        .unwrap_or_else(|_| Err(Error::new(ErrorKind::Timeout)))
                }
                None => self.attempt().await,
            };
            match result {
                Ok(r) => return Ok((r, sent)),
                Err(e) if e.is_retryable() && attempt < policy.max_attempts => {
                    let delay = e.retry_after().unwrap_or_else(|| policy.backoff(attempt, random_u64()));
                    // Sleeping until (or past) the deadline would leave no time to try again.
                    if deadline.is_some_and(|d| Instant::now().checked_add(delay).is_none_or(|end| end >= d))
                    {
                        return Err(e.with_attempts(attempt));
                    }
                    tracing::debug!(
                        code = e.code(),
                        status = e.status(),
                        attempt,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        "token request failed; retrying"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(e) => return Err(e.with_attempts(attempt)),
            }
        }
    }

    /// The request one attempt sends at `now`: a fresh random `jti` and, unless the
    /// policy fixes or omits it, a fresh correlation id. No I/O.
    ///
    /// # Errors
    /// As [`RequestSpec::build`], and [`ErrorKind::Rng`] when the OS generator fails.
    fn build_request(&self, now: u64) -> Result<http::Request<Vec<u8>>, Error> {
        self.inner.spec.build(now, &random_id()?, &random_id()?)
    }

    /// Build (fresh `jti` and correlation id), send and parse one request.
    async fn attempt(&self) -> Result<TokenResponse, Error> {
        let request = self.build_request(bearerkit::now_unix())?;
        tracing::debug!(endpoint = %self.inner.spec.endpoint, "token request");
        let response = self.inner.transport.send(request).await?;
        parse_response(&response, bearerkit::now_unix())
    }
}

/// Headers an extra header may not repeat, with why (the client, or HTTP framing, sets
/// them); see [`TokenClientBuilder::header`].
const CLIENT_SET_HEADERS: [(HeaderName, &str); 5] = [
    (http::header::CONTENT_TYPE, "from the body encoding"),
    (http::header::ACCEPT, "always application/json"),
    (http::header::CONTENT_LENGTH, "from the body"),
    (http::header::TRANSFER_ENCODING, "from the body"),
    (http::header::HOST, "from the endpoint URL"),
];

/// Builds a [`TokenClient`]; see [`TokenClient::builder`].
#[derive(Clone)]
pub struct TokenClientBuilder {
    endpoint: String,
    flow: Flow,
    scope: Option<String>,
    encoding: BodyEncoding,
    headers: Vec<(String, String)>,
    correlation: CorrelationId,
    tls: Tls,
    proxy: Option<zeroize::Zeroizing<String>>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    cache: CachePolicy,
}

impl fmt::Debug for TokenClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("flow", &self.flow)
            .field("scope", &self.scope)
            .field("encoding", &self.encoding)
            .field("headers", &RedactedHeaders(self.headers.iter().map(|(k, _)| k.as_str()).collect()))
            .field("correlation", &self.correlation)
            .field("mtls", &self.tls.identity_pem.is_some())
            .field("proxy", &self.proxy.as_deref().map(|url| crate::transport::redact_url(url)))
            .finish_non_exhaustive()
    }
}

impl TokenClientBuilder {
    fn new(endpoint: impl Into<String>, flow: impl Into<Flow>) -> Self {
        Self {
            endpoint: endpoint.into(),
            flow: flow.into(),
            scope: None,
            encoding: BodyEncoding::Form,
            headers: Vec::new(),
            correlation: CorrelationId::Generate,
            tls: Tls::default(),
            proxy: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            cache: CachePolicy {
                margin: DEFAULT_REFRESH_MARGIN,
                jitter: DEFAULT_REFRESH_JITTER,
                default_expires_in: DEFAULT_EXPIRES_IN,
                retry_interval: DEFAULT_REFRESH_RETRY_INTERVAL,
            },
        }
    }

    /// Requested `scope` (space separated).
    #[must_use]
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Body encoding (form by default).
    #[must_use]
    pub fn body_encoding(mut self, encoding: BodyEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Send the body as JSON (the D1 inbound endpoint accepts it).
    #[must_use]
    pub fn json_body(self) -> Self {
        self.body_encoding(BodyEncoding::Json)
    }

    /// Send this `x-correlation-id` on every request (instead of a generated one). It must
    /// match `^[A-Za-z0-9_-]{1,64}$` (seed `000`), or [`build`](Self::build) fails.
    #[must_use]
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        self.correlation = CorrelationId::Fixed(id.into());
        self
    }

    /// The `x-correlation-id` policy (generated per request by default).
    #[must_use]
    pub fn correlation(mut self, policy: CorrelationId) -> Self {
        self.correlation = policy;
        self
    }

    /// An extra header on every token request. Its value never appears in `Debug` output
    /// and is marked sensitive (HTTP/2 never indexes it). Names are case-insensitive.
    ///
    /// Every header is sent once; an extra header never adds a second value to one the
    /// client sends itself:
    /// - An `x-correlation-id` given here is the correlation id: it is sent once, as given,
    ///   instead of a generated one (as [`correlation_id`](Self::correlation_id) would);
    ///   giving one both ways, or twice, makes [`build`](Self::build) fail.
    /// - A `user-agent` replaces the default ([`DEFAULT_USER_AGENT`](crate::DEFAULT_USER_AGENT),
    ///   `bearerkit-client/<version>`), for gateways that want the application named; given
    ///   twice, [`build`](Self::build) fails.
    /// - `content-type` (set by the [body encoding](Self::body_encoding)), `accept` (always
    ///   `application/json`), and `content-length`, `transfer-encoding` and `host` (the body
    ///   and the endpoint URL decide them) cannot be given: [`build`](Self::build) fails.
    /// - An `Authorization` header cannot be combined with [`ClientAuth::SecretBasic`],
    ///   which sends its own.
    ///
    /// Those failures are [`crate::ErrorKind::Config`] errors naming the header, never its
    /// value.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Mutual TLS: the client certificate chain and its private key, both PEM (the key as
    /// PKCS#8 `PRIVATE KEY`, SEC1 `EC PRIVATE KEY` or RSA).
    #[must_use]
    pub fn identity_pem(mut self, certificate_chain: &[u8], private_key: &[u8]) -> Self {
        let mut pem =
            zeroize::Zeroizing::new(Vec::with_capacity(certificate_chain.len() + private_key.len() + 1));
        pem.extend_from_slice(certificate_chain);
        pem.push(b'\n');
        pem.extend_from_slice(private_key);
        self.tls.identity_pem = Some(pem);
        self
    }

    /// Trust the CA certificates of this PEM bundle in addition to the platform's roots.
    #[must_use]
    pub fn root_certificate_pem(mut self, pem: &[u8]) -> Self {
        self.tls.roots_pem.push(pem.to_vec());
        self
    }

    /// Trust only the roots given with [`root_certificate_pem`](Self::root_certificate_pem).
    #[must_use]
    pub fn only_given_roots(mut self) -> Self {
        self.tls.roots_only = true;
        self
    }

    /// Send every token request through this HTTP proxy: `http://host:port` (or
    /// `https://host:port`, TLS to the proxy too), with proxy credentials as
    /// `http://user:password@host:port` (sent as `Proxy-Authorization: Basic`; percent-encode
    /// reserved characters). An `https://` token endpoint is reached through a `CONNECT`
    /// tunnel, so TLS, and mutual TLS with [`identity_pem`](Self::identity_pem), still run
    /// end to end with the endpoint; through an `http://` endpoint the proxy sees the request,
    /// secrets included.
    ///
    /// # No proxy by default
    /// Without this, the client uses **no** proxy: not `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`
    /// from the environment, nor the system's settings. Token requests carry client secrets
    /// and signed assertions, and the D1 relies on mutual TLS: a proxy picked up from the
    /// environment of whatever process embeds the client would be an intermediary nobody
    /// chose. So a proxy is used only when configured here, and then for every request (no
    /// `NO_PROXY` list).
    ///
    /// A URL that does not parse, or whose scheme is not `http` or `https`, makes
    /// [`build`](Self::build) fail with [`crate::ErrorKind::Config`]; its message, like
    /// this builder's `Debug`, shows at most the scheme, host and port, never the user
    /// name, password, path or query. The URL is zeroed on drop.
    #[must_use]
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(zeroize::Zeroizing::new(url.into()));
        self
    }

    /// Timeout of one attempt, from sending the request to the end of the answer (default
    /// [`DEFAULT_TIMEOUT`], 5 s). A timed-out attempt is retried like a transport error
    /// while the retry deadline ([`RetryPolicy::max_elapsed`], default 30 s) leaves time;
    /// each attempt gets at most the time left of it, so a slow endpoint cannot make a
    /// fetch last attempts × timeout. Keep it well below `max_elapsed`, or a hung first
    /// attempt uses up the whole budget and is never retried.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connect timeout (default [`DEFAULT_CONNECT_TIMEOUT`], 5 s); the attempt's
    /// [`timeout`](Self::timeout) includes connecting.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retry policy.
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Refresh this long before expiry (default 60 s; at most half the token's lifetime).
    #[must_use]
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.cache.margin = margin;
        self
    }

    /// Add a random 0..=`jitter` to the margin (default 10 s).
    #[must_use]
    pub fn refresh_jitter(mut self, jitter: Duration) -> Self {
        self.cache.jitter = jitter;
        self
    }

    /// Lifetime assumed when a response says neither `expires_in` nor `expires_at`
    /// (default 300 s).
    #[must_use]
    pub fn default_expires_in(mut self, lifetime: Duration) -> Self {
        self.cache.default_expires_in = lifetime;
        self
    }

    /// After a failed refresh with a still-valid token, wait this long before the next
    /// attempt (default 5 s).
    #[must_use]
    pub fn refresh_retry_interval(mut self, interval: Duration) -> Self {
        self.cache.retry_interval = interval;
        self
    }

    /// Build the client (no request is sent yet).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Config`]: a bad endpoint URL, header, correlation id, certificate
    /// or key; an `x-correlation-id` given twice (as a header and with
    /// [`correlation_id`](Self::correlation_id), or as two headers); a `user-agent` given
    /// twice; an extra `content-type`, `accept`, `content-length`, `transfer-encoding` or
    /// `host` header; an `Authorization` header with [`ClientAuth::SecretBasic`] (see
    /// [`header`](Self::header)); a bad [`proxy`](Self::proxy) URL.
    pub fn build(self) -> Result<TokenClient, Error> {
        let mut spec = RequestSpec::new(self.endpoint, self.flow)?;
        spec.scope = self.scope;
        spec.encoding = self.encoding;
        let mut correlation = self.correlation;
        let mut header_correlation = None;
        let mut user_agent = false;
        for (i, (name, value)) in self.headers.into_iter().enumerate() {
            // An invalid name is not echoed: it may be a value given in the wrong place.
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::config(format!("extra header #{}: not a valid header name", i + 1)))?;
            if name == CORRELATION_HEADER {
                if header_correlation.replace(value).is_some() {
                    return Err(Error::config("x-correlation-id given twice as an extra header"));
                }
                continue;
            }
            if let Some((_, why)) = CLIENT_SET_HEADERS.iter().find(|(n, _)| *n == name) {
                return Err(Error::config(format!(
                    "extra header {name} cannot be given: the client sets it ({why})"
                )));
            }
            if name == http::header::USER_AGENT && core::mem::replace(&mut user_agent, true) {
                return Err(Error::config("user-agent given twice as an extra header"));
            }
            if name == http::header::AUTHORIZATION
                && matches!(&spec.flow, Flow::ClientCredentials(ClientAuth::SecretBasic { .. }))
            {
                return Err(Error::config(
                    "an extra Authorization header conflicts with ClientAuth::SecretBasic (HTTP Basic)",
                ));
            }
            let mut value = HeaderValue::from_str(&value)
                .map_err(|_| Error::config(format!("value of header {name} is not a valid header value")))?;
            value.set_sensitive(true);
            spec.headers.push((name, value));
        }
        if let Some(id) = header_correlation {
            if matches!(correlation, CorrelationId::Fixed(_)) {
                return Err(Error::config(
                    "x-correlation-id given both with correlation_id() and as an extra header",
                ));
            }
            correlation = CorrelationId::Fixed(id);
        }
        if let CorrelationId::Fixed(id) = &correlation
            && !valid_correlation_id(id)
        {
            return Err(Error::config("x-correlation-id must match ^[A-Za-z0-9_-]{1,64}$"));
        }
        spec.correlation = correlation;
        let transport = Transport::new(
            &self.tls,
            self.proxy.as_deref().map(String::as_str),
            self.timeout,
            self.connect_timeout,
        )?;
        Ok(TokenClient {
            inner: Arc::new(Inner {
                spec,
                transport,
                retry: self.retry,
                cache: self.cache,
                state: Mutex::new(CacheState::default()),
                refresh: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// Build the blocking twin (its own one-thread tokio runtime).
    ///
    /// # Errors
    /// As [`build`](Self::build), and [`crate::ErrorKind::Config`] when the runtime cannot
    /// start. Works on any thread (see [`blocking`](crate::blocking)).
    #[cfg(feature = "blocking")]
    pub fn build_blocking(self) -> Result<crate::blocking::TokenClient, Error> {
        crate::blocking::TokenClient::new(self.build()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded_full_jitter() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, 0), Duration::ZERO);
        assert!(p.backoff(1, u64::MAX) <= Duration::from_millis(100));
        assert!(p.backoff(3, u64::MAX) <= Duration::from_millis(400));
        assert!(p.backoff(40, u64::MAX) <= Duration::from_secs(2));
        let max = Duration::from_millis(400).as_nanos();
        assert_eq!(p.backoff(3, u64::try_from(max).unwrap()), Duration::from_millis(400));
        // Ceilings too large for nanoseconds in a u64 do not overflow.
        let huge = RetryPolicy { base_delay: Duration::MAX, max_delay: Duration::MAX, ..p };
        assert_eq!(huge.backoff(1, u64::MAX), Duration::ZERO);
        assert_eq!(huge.backoff(9, 7), Duration::from_nanos(7));
    }

    #[test]
    fn the_default_timeouts_leave_room_for_retries() {
        let p = RetryPolicy::default();
        assert!(p.max_attempts >= 2);
        // Every default attempt can time out, with the largest backoff after each, within
        // the budget: a hung attempt is always retried.
        let worst = (DEFAULT_TIMEOUT + p.max_delay) * (p.max_attempts - 1) + DEFAULT_TIMEOUT;
        assert!(worst < p.max_elapsed, "{worst:?} >= {:?}", p.max_elapsed);
        let b = TokenClient::builder("http://127.0.0.1:1/t", crate::ClientAuth::secret_basic("a", "b"));
        assert_eq!((b.timeout, b.connect_timeout, b.retry), (DEFAULT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, p));
    }

    #[test]
    fn later_never_overflows() {
        let now = Instant::now();
        assert_eq!(later(now, Duration::from_secs(5)), now + Duration::from_secs(5));
        assert_eq!(later(now, Duration::MAX), now + MAX_TOKEN_LIFETIME);
    }

    #[test]
    fn missing_lifetime_uses_the_default_and_short_lives_refresh_at_half() {
        let client = TokenClient::builder("http://127.0.0.1:1/t", crate::ClientAuth::secret_basic("a", "b"))
            .default_expires_in(Duration::from_secs(120))
            .refresh_jitter(Duration::ZERO)
            .build()
            .unwrap();
        let response = |expires_in| TokenResponse {
            access_token: AccessToken::new("t".into()),
            token_type: "Bearer".into(),
            expires_in,
            scope: None,
        };
        let sent = Instant::now();
        let mut state = client.lock();
        let t = client.store(&mut state, response(None), sent);
        assert_eq!(t.lifetime(), Duration::from_secs(120));
        assert_eq!(state.refresh_at, Some(sent + Duration::from_secs(60)));
        let t = client.store(&mut state, response(Some(Duration::from_secs(900))), sent);
        assert_eq!(t.expires_at(), sent + Duration::from_secs(900));
        assert_eq!(state.refresh_at, Some(sent + Duration::from_secs(840)));
    }

    fn key() -> bearerkit::SigningKey {
        bearerkit::SigningKey::from_bytes(&[7u8; 32]).unwrap()
    }

    /// The `jti` of the (client) assertion in a built request's form body.
    fn jti(request: &http::Request<Vec<u8>>) -> String {
        use base64ct::{Base64UrlUnpadded, Encoding};
        let assertion = form_urlencoded::parse(request.body())
            .find(|(k, _)| k == "assertion" || k == "client_assertion")
            .map(|(_, v)| v.into_owned())
            .expect("an assertion in the body");
        let payload = assertion.split('.').nth(1).unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&Base64UrlUnpadded::decode_vec(payload).unwrap()).unwrap();
        claims["jti"].as_str().unwrap().to_owned()
    }

    fn correlation_ids(request: &http::Request<Vec<u8>>) -> Vec<String> {
        let values = request.headers().get_all(CORRELATION_HEADER);
        values.iter().map(|v| v.to_str().unwrap().to_owned()).collect()
    }

    /// `^[A-Za-z0-9_-]{1,64}$`, written out independently of `valid_correlation_id`.
    fn seed_000_pattern(id: &str) -> bool {
        !id.is_empty()
            && id.len() <= 64
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    }

    #[test]
    fn every_request_gets_a_fresh_jti_and_correlation_id() {
        let d1 = TokenClient::builder(
            "http://127.0.0.1:1/authz/v1/oauth2/token",
            crate::D1Grant::new("MGW", bearerkit::profile::d1::Env::Production, "k1", key()),
        )
        .build()
        .unwrap();
        let pkj = TokenClient::builder(
            "http://127.0.0.1:1/auth/realms/r/protocol/openid-connect/token",
            crate::PrivateKeyJwt::new("client-1", key()).kid("kid-1"),
        )
        .build()
        .unwrap();
        for client in [&d1, &pkj] {
            // The same second: only the randomness can tell the two apart.
            let now = bearerkit::now_unix();
            let (a, b) = (client.build_request(now).unwrap(), client.build_request(now).unwrap());
            let (ja, jb) = (jti(&a), jti(&b));
            assert_ne!(ja, jb, "{:?}", client.spec().flow);
            assert!(ja.len() >= 16 && jb.len() >= 16, "{ja} {jb}");
            let (ca, cb) = (correlation_ids(&a), correlation_ids(&b));
            assert_eq!((ca.len(), cb.len()), (1, 1), "one x-correlation-id each");
            assert_ne!(ca, cb, "a generated correlation id per request");
            assert!(seed_000_pattern(&ca[0]) && seed_000_pattern(&cb[0]), "{ca:?} {cb:?}");
        }
    }

    #[test]
    fn an_explicit_correlation_id_is_sent_exactly_once() {
        let builder =
            || TokenClient::builder("http://127.0.0.1:1/t", crate::ClientAuth::secret_post("a", "b"));
        let fixed = builder().correlation_id("given-ID_1").build().unwrap();
        assert_eq!(correlation_ids(&fixed.build_request(0).unwrap()), ["given-ID_1"]);
        // As an extra header (any case), with the default Generate policy: the header wins.
        let header =
            builder().header("X-Correlation-Id", "from-header_2").header("x-extra", "e").build().unwrap();
        let r = header.build_request(0).unwrap();
        assert_eq!(correlation_ids(&r), ["from-header_2"]);
        assert_eq!(r.headers().get_all("x-extra").iter().collect::<Vec<_>>(), ["e"]);
        assert!(r.headers()["x-extra"].is_sensitive());
        assert_eq!(correlation_ids(&header.build_request(0).unwrap()), ["from-header_2"]);
        // With Omit, an explicit header is still sent (once).
        let omit =
            builder().correlation(CorrelationId::Omit).header("x-correlation-id", "h3").build().unwrap();
        assert_eq!(correlation_ids(&omit.build_request(0).unwrap()), ["h3"]);
        let omit = builder().correlation(CorrelationId::Omit).build().unwrap();
        assert!(correlation_ids(&omit.build_request(0).unwrap()).is_empty());
        // Given twice, or invalid however given: refused at build time.
        let config = |b: TokenClientBuilder| b.build().unwrap_err();
        for e in [
            config(builder().correlation_id("a").header("x-correlation-id", "b")),
            config(builder().header("x-correlation-id", "a").header("x-correlation-id", "b")),
            config(builder().correlation_id("not valid!")),
            config(builder().header("x-correlation-id", "not valid!")),
            config(builder().header("x-correlation-id", "a".repeat(65))),
        ] {
            assert_eq!(e.code(), "invalid_config", "{e}");
            assert!(e.to_string().contains("x-correlation-id"), "{e}");
        }
    }

    #[test]
    fn bad_extra_headers_are_config_errors_that_do_not_echo_values() {
        let basic =
            || TokenClient::builder("http://127.0.0.1:1/t", crate::ClientAuth::secret_basic("a", "b"));
        let e = basic().header("Authorization", "Bearer other-secret").build().unwrap_err();
        assert_eq!(e.code(), "invalid_config");
        assert!(e.to_string().contains("Authorization"), "{e}");
        let e = basic().header("x-api-key", "value-secret\n").build().unwrap_err();
        assert_eq!(e.code(), "invalid_config");
        let e2 = basic().header("Bearer name-secret", "v").build().unwrap_err();
        for (e, secret) in [(e, "value-secret"), (e2, "name-secret")] {
            let printed = format!("{e} {e:?}");
            assert!(!printed.contains(secret), "{printed}");
        }
        // With another client authentication, an Authorization header is just a header.
        let post = TokenClient::builder("http://127.0.0.1:1/t", crate::ClientAuth::secret_post("a", "b"))
            .header("Authorization", "Token t")
            .build()
            .unwrap();
        assert_eq!(post.build_request(0).unwrap().headers().get_all("authorization").iter().count(), 1);
    }

    #[test]
    fn extra_headers_never_repeat_the_ones_the_client_sets() {
        let post = || TokenClient::builder("http://127.0.0.1:1/t", crate::ClientAuth::secret_post("a", "b"));
        // Set by the client or by HTTP framing: refused, in any case, whatever the value;
        // the error names the header and never shows the value.
        for name in ["Content-Type", "accept", "CONTENT-LENGTH", "Transfer-Encoding", "host"] {
            for builder in [post(), post().json_body(), post().header("x-extra", "e")] {
                let e = builder.header(name, "value-secret-1").build().unwrap_err();
                assert_eq!(e.code(), "invalid_config", "{name}: {e}");
                let printed = format!("{e} {e:?}");
                assert!(printed.contains(&name.to_ascii_lowercase()), "{printed}");
                assert!(!printed.contains("value-secret-1"), "{printed}");
            }
        }
        // A user-agent replaces the default: sent once, as given.
        let user_agents = |c: &TokenClient| {
            let r = c.build_request(0).unwrap();
            r.headers()
                .get_all("user-agent")
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(user_agents(&post().build().unwrap()), [crate::DEFAULT_USER_AGENT]);
        assert!(crate::DEFAULT_USER_AGENT.starts_with("bearerkit-client/"));
        let custom = post().header("User-Agent", "my-app/1.2").build().unwrap();
        assert_eq!(user_agents(&custom), ["my-app/1.2"]);
        assert!(custom.build_request(0).unwrap().headers()["user-agent"].is_sensitive());
        // ... but only one.
        let e = post()
            .header("user-agent", "ua-secret-1")
            .header("User-Agent", "ua-secret-2")
            .build()
            .unwrap_err();
        assert_eq!(e.code(), "invalid_config", "{e}");
        let printed = format!("{e} {e:?}");
        assert!(printed.contains("user-agent") && !printed.contains("ua-secret"), "{printed}");
        // Every flow, with every kind of extra header allowed: each header appears once.
        let flows: [crate::Flow; 4] = [
            crate::D1Grant::new("MGW", bearerkit::profile::d1::Env::Production, "k1", key()).into(),
            crate::ClientAuth::secret_basic("a", "b").into(),
            crate::ClientAuth::secret_post("a", "b").into(),
            crate::PrivateKeyJwt::new("c", key()).kid("k").into(),
        ];
        for flow in flows {
            let basic = matches!(flow, Flow::ClientCredentials(ClientAuth::SecretBasic { .. }));
            let mut builder = TokenClient::builder("http://127.0.0.1:1/t", flow)
                .header("user-agent", "my-app/1.2")
                .header("x-correlation-id", "corr-1")
                .header("x-api-key", "k");
            if !basic {
                builder = builder.header("authorization", "Token t");
            }
            for encoding in [BodyEncoding::Form, BodyEncoding::Json] {
                let r = builder.clone().body_encoding(encoding).build().unwrap().build_request(0).unwrap();
                let names = [
                    "content-type",
                    "accept",
                    "user-agent",
                    "x-correlation-id",
                    "x-api-key",
                    "authorization",
                ];
                for name in names {
                    assert_eq!(r.headers().get_all(name).iter().count(), 1, "{name} in {:?}", r.headers());
                }
                assert_eq!(r.headers().len(), names.len(), "{:?}", r.headers());
            }
        }
    }

    #[test]
    fn a_response_without_expires_in_gets_the_configured_default() {
        // The whole path a real answer takes: parse the canned response, then cache it.
        let client = TokenClient::builder("http://127.0.0.1:1/t", crate::ClientAuth::secret_basic("a", "b"))
            .default_expires_in(Duration::from_secs(42))
            .build()
            .unwrap();
        let answer = http::Response::builder()
            .status(200)
            .body(br#"{"access_token":"tok","token_type":"bearer","unknown":{"x":1}}"#.to_vec())
            .unwrap();
        let parsed = parse_response(&answer, bearerkit::now_unix()).unwrap();
        assert_eq!(parsed.expires_in, None);
        let sent = Instant::now();
        let token = client.store(&mut client.lock(), parsed, sent);
        assert_eq!(token.lifetime(), Duration::from_secs(42));
        assert_eq!(token.expires_at(), sent + Duration::from_secs(42));
        assert!(client.cached().unwrap().same_as(&token));
    }

    #[test]
    fn huge_lifetimes_are_cached_without_overflow() {
        // The whole path: a canned answer through the parser, then the cache; no panic on
        // `Instant + Duration`, and the lifetime is capped.
        let ten_years = Duration::from_secs(10 * 365 * 24 * 60 * 60);
        let client = TokenClient::builder("http://127.0.0.1:1/t", crate::ClientAuth::secret_basic("a", "b"))
            .build()
            .unwrap();
        let now = bearerkit::now_unix();
        for (body, lifetime) in [
            (r#"{"access_token":"x","expires_in":18446744073709551615}"#.to_owned(), ten_years),
            (r#"{"access_token":"x","expires_in":"18446744073709551615"}"#.to_owned(), ten_years),
            (r#"{"access_token":"x","expires_in":1e300}"#.to_owned(), ten_years),
            (r#"{"access_token":"x","expires_at":18446744073709551615}"#.to_owned(), ten_years),
            (r#"{"access_token":"x","expires_at":"9999-12-31T23:59:59Z"}"#.to_owned(), ten_years),
            (r#"{"access_token":"x","expires_at":"1970-01-01T00:00:01Z"}"#.to_owned(), Duration::ZERO),
            (format!(r#"{{"access_token":"x","expires_at":{}}}"#, now - 1), Duration::ZERO),
        ] {
            let answer = http::Response::builder().status(200).body(body.clone().into_bytes()).unwrap();
            let parsed = parse_response(&answer, now).unwrap();
            let sent = Instant::now();
            let mut state = client.lock();
            let token = client.store(&mut state, parsed, sent);
            assert_eq!(token.lifetime(), lifetime, "{body}");
            assert_eq!(token.expires_at(), sent + lifetime, "{body}");
            let refresh_at = state.refresh_at.unwrap();
            assert!(refresh_at >= sent && refresh_at <= token.expires_at(), "{body}");
            assert_eq!(token.is_expired(), lifetime.is_zero(), "{body}");
        }
        // A default lifetime, margin and jitter too large to add to the clock do not panic
        // either.
        let client = TokenClient::builder("http://127.0.0.1:1/t", crate::ClientAuth::secret_basic("a", "b"))
            .default_expires_in(Duration::MAX)
            .refresh_margin(Duration::MAX)
            .refresh_jitter(Duration::MAX)
            .refresh_retry_interval(Duration::MAX)
            .build()
            .unwrap();
        let response = TokenResponse {
            access_token: AccessToken::new("t".into()),
            token_type: "Bearer".into(),
            expires_in: None,
            scope: None,
        };
        let sent = Instant::now();
        let token = client.store(&mut client.lock(), response, sent);
        assert_eq!(token.lifetime(), ten_years);
        assert_eq!(client.lock().refresh_at, Some(sent + ten_years / 2));
    }

    /// The OS generator fails on this thread while the guard lives.
    struct FailingRandom;

    impl FailingRandom {
        fn start() -> Self {
            FAIL_RANDOM.with(|f| f.set(true));
            Self
        }
    }

    impl Drop for FailingRandom {
        fn drop(&mut self) {
            FAIL_RANDOM.with(|f| f.set(false));
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_failing_random_generator_is_an_error_never_a_predictable_id() {
        let d1 = TokenClient::builder(
            "http://127.0.0.1:1/authz/v1/oauth2/token",
            crate::D1Grant::new("MGW", bearerkit::profile::d1::Env::Production, "k1", key()),
        )
        .build()
        .unwrap();
        let basic = TokenClient::builder("http://127.0.0.1:1/t", crate::ClientAuth::secret_basic("a", "b"))
            .build()
            .unwrap();
        {
            let _failing = FailingRandom::start();
            for client in [&d1, &basic] {
                let e = client.build_request(0).unwrap_err();
                assert_eq!(e.code(), "rng_failed", "{e}");
                assert!(matches!(e.kind(), ErrorKind::Rng { .. }), "{e:?}");
                assert!(std::error::Error::source(&e).is_some(), "the generator's error is kept");
                // Through the client: the first attempt fails before anything is sent (the
                // endpoint would refuse the connection), and it is not retried.
                let e = client.token().await.unwrap_err();
                assert_eq!((e.code(), e.attempts()), ("rng_failed", 1), "{e}");
                assert!(!e.is_retryable());
            }
            // Jitter has no such need: it goes on (as zero).
            assert_eq!(random_u64(), 0);
        }
        assert!(d1.build_request(0).is_ok() && basic.build_request(0).is_ok());
    }

    #[test]
    fn ids_are_unique_hex() {
        let (a, b) = (random_id().unwrap(), random_id().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(valid_correlation_id(&a));
    }
}
