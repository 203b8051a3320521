//! [`TokenClient`]: the cached, single-flight, retrying token client. It puts the parts
//! together: one attempt builds the request (`request`, with ids from `random`), sends it
//! (`transport`) and parses the answer (`response`); `retry` repeats attempts and `cache`
//! keeps the token. `builder` makes the client (and holds [`TokenClient::builder`]).

use crate::Error;
use crate::cache::{CachePolicy, TokenCache};
use crate::random::random_id;
use crate::request::{ClientAuth, Flow, RequestSpec};
use crate::response::{TokenResponse, parse_response};
use crate::retry::RetryPolicy;
use crate::token::Token;
use crate::transport::Transport;
use core::fmt;
use std::sync::Arc;
use std::time::Instant;

struct Inner {
    spec: RequestSpec,
    transport: Transport,
    retry: RetryPolicy,
    cache: TokenCache,
    /// The issuer read from the discovery document (`PrivateKeyJwt::discover_issuer`), once.
    discovered: tokio::sync::OnceCell<String>,
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
        let mut d = f.debug_struct("TokenClient");
        d.field("spec", &self.inner.spec).field("retry", &self.inner.retry);
        self.inner.cache.debug_fields(&mut d);
        d.finish_non_exhaustive()
    }
}

impl TokenClient {
    /// A client for `spec` over `transport`, with an empty cache (see
    /// [`TokenClientBuilder::build`](crate::TokenClientBuilder::build)).
    pub(crate) fn new(
        spec: RequestSpec,
        transport: Transport,
        retry: RetryPolicy,
        cache: CachePolicy,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                spec,
                transport,
                retry,
                cache: TokenCache::new(cache),
                discovered: tokio::sync::OnceCell::new(),
            }),
        }
    }

    /// The cached token if it is fresh (not yet due for refresh): a lock and a clone.
    #[must_use]
    pub fn cached(&self) -> Option<Token> {
        self.inner.cache.cached()
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
    /// [`refresh_retry_interval`](crate::TokenClientBuilder::refresh_retry_interval) later; in
    /// the meantime callers get the old token at once. Check `last_refresh_error()` to
    /// notice an endpoint that keeps failing before the token actually expires.
    ///
    /// # Errors
    /// The last attempt's error when no valid token could be obtained (no cached token, or
    /// it has expired) after retries, within [`RetryPolicy::max_elapsed`]. Callers waiting
    /// on the same fetch (single flight) all get that error.
    pub async fn token(&self) -> Result<Token, Error> {
        self.inner.cache.get(|| self.fetch()).await
    }

    /// Forget the cached token (for example after a 401 from the resource server): the
    /// next [`token`](Self::token) call fetches a new one.
    pub fn invalidate(&self) {
        self.inner.cache.invalidate();
    }

    /// The error of the last failed fetch, if the last fetch failed (cleared by a success).
    /// Set when a refresh failed while the old token was still served.
    #[must_use]
    pub fn last_refresh_error(&self) -> Option<Error> {
        self.inner.cache.last_error()
    }

    /// One token request, bypassing the cache (with retries): neither reads nor changes
    /// the cached token. For one-shot calls, such as sending a given assertion once
    /// ([`Flow::JwtBearerAssertion`](crate::Flow::JwtBearerAssertion),
    /// [`ClientAuth::ClientAssertion`](crate::ClientAuth::ClientAssertion)); with
    /// [`RetryPolicy::none`] it makes exactly one request. The answer's members are in
    /// [`TokenResponse::members`].
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
    /// Returns the response and when its request was sent. One generated correlation id
    /// for the whole fetch: its retries send the same one.
    async fn fetch(&self) -> Result<(TokenResponse, Instant), Error> {
        let correlation_id = random_id()?;
        self.inner.retry.run(|| self.attempt(&correlation_id)).await
    }

    /// The request one attempt of a new fetch sends at `now`: a fresh random `jti` and,
    /// unless the policy fixes or omits it, a fresh correlation id. No I/O.
    ///
    /// # Errors
    /// As [`RequestSpec::build`], and [`ErrorKind::Rng`](crate::ErrorKind::Rng) when the OS
    /// generator fails.
    #[cfg(test)]
    pub(crate) fn build_request(&self, now: u64) -> Result<http::Request<Vec<u8>>, Error> {
        self.inner.spec.build(now, &random_id()?, &random_id()?)
    }

    /// The issuer from the discovery document, when `PrivateKeyJwt::discover_issuer` asks
    /// for it: read and checked on first use, then kept.
    async fn discovered_issuer(&self) -> Result<Option<&str>, Error> {
        let spec = &self.inner.spec;
        let Flow::ClientCredentials(ClientAuth::PrivateKeyJwt(p)) = &spec.flow else {
            return Ok(None);
        };
        let Some(issuer) = p.discovery_issuer(&spec.endpoint) else {
            return Ok(None);
        };
        let found = self.inner.discovered.get_or_try_init(|| discover(&self.inner.transport, issuer)).await?;
        Ok(Some(found.as_str()))
    }

    /// Build (fresh `jti`, the fetch's correlation id), send and parse one request.
    async fn attempt(&self, correlation_id: &str) -> Result<TokenResponse, Error> {
        let discovered = self.discovered_issuer().await?;
        let request =
            self.inner.spec.build_with(bearerkit::now_unix(), &random_id()?, correlation_id, discovered)?;
        tracing::debug!(target: crate::LOG_TARGET, endpoint = %self.inner.spec.endpoint, "token request");
        let response = self.inner.transport.send(request).await?;
        parse_response(&response, bearerkit::now_unix())
    }
}

/// The discovery document URL of `issuer` (OpenID Connect Discovery §4:
/// `{issuer}/.well-known/openid-configuration`, a trailing `/` of the issuer dropped).
pub(crate) fn discovery_url(issuer: &str) -> String {
    format!("{}/.well-known/openid-configuration", issuer.strip_suffix('/').unwrap_or(issuer))
}

/// Read `issuer`'s discovery document and check that its `issuer` is exactly `issuer`
/// (RFC 8414 §3.3; OpenID Connect Discovery §4.3).
///
/// # Errors
/// [`ErrorKind::Config`](crate::ErrorKind::Config) when the document names another issuer
/// (never retried: nothing is sent); [`ErrorKind::UnexpectedResponse`](crate::ErrorKind::UnexpectedResponse)
/// for an answer that is not a 2xx JSON object with a string `issuer`; transport errors as
/// for a token request.
async fn discover(transport: &Transport, issuer: String) -> Result<String, Error> {
    let url = discovery_url(&issuer);
    let request = http::Request::get(url.as_str())
        .header(http::header::ACCEPT, "application/json")
        .header(http::header::USER_AGENT, crate::request::DEFAULT_USER_AGENT)
        .body(Vec::new())
        .map_err(|_| Error::config("issuer is not a valid URL for discovery"))?;
    tracing::debug!(target: crate::LOG_TARGET, url = %crate::transport::redact_url(&url), "discovery request");
    let response = transport.send(request).await?;
    let json: Option<serde_json::Value> = serde_json::from_slice(response.body()).ok();
    let found = json.as_ref().and_then(|j| j.get("issuer")).and_then(serde_json::Value::as_str);
    let Some(found) = found.filter(|_| response.status().is_success()) else {
        return Err(crate::response::unexpected(&response, json.as_ref()));
    };
    if found != issuer {
        let shown: String = found.chars().take(256).collect();
        return Err(Error::config(format!(
            "discovery: the document at {url} names issuer {shown:?}, not {issuer:?} (RFC 8414 §3.3: \
             they must be identical); no token request was sent"
        )));
    }
    Ok(issuer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::random::{FailingRandom, random_u64};
    use crate::request::CORRELATION_HEADER;

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
    fn d1_pattern(id: &str) -> bool {
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
            assert_ne!(ca, cb, "a generated correlation id per new fetch");
            assert!(d1_pattern(&ca[0]) && d1_pattern(&cb[0]), "{ca:?} {cb:?}");
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
}
