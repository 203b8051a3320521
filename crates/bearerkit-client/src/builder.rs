//! [`TokenClientBuilder`]: a client's settings, checked once by
//! [`build`](TokenClientBuilder::build).

use crate::cache::CachePolicy;
use crate::request::{
    BodyEncoding, CORRELATION_HEADER, ClientAuth, CorrelationId, Flow, RedactedHeaders, RequestSpec,
    valid_correlation_id,
};
use crate::retry::RetryPolicy;
use crate::transport::{Tls, Transport};
use crate::{Error, TokenClient};
use core::fmt;
use core::time::Duration;
use http::{HeaderName, HeaderValue};

/// Default timeout of one attempt ([`TokenClientBuilder::timeout`]): 5 s, a sixth of
/// [`DEFAULT_MAX_ELAPSED`](crate::DEFAULT_MAX_ELAPSED), so an attempt that hangs is cut with
/// time left to retry it.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default connect timeout ([`TokenClientBuilder::connect_timeout`]): 5 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

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
    insecure_transport: bool,
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
            .field("insecure_transport", &self.insecure_transport)
            .finish_non_exhaustive()
    }
}

impl TokenClient {
    /// Start building a client for the token endpoint `endpoint` and `flow`.
    pub fn builder(endpoint: impl Into<String>, flow: impl Into<Flow>) -> TokenClientBuilder {
        TokenClientBuilder::new(endpoint, flow)
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
            insecure_transport: false,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            cache: CachePolicy::default(),
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

    /// Send this `x-correlation-id` on every request (instead of one generated per fetch,
    /// see [`correlation`](Self::correlation)). It must
    /// match `^[A-Za-z0-9_-]{1,64}$`, or [`build`](Self::build) fails.
    #[must_use]
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        self.correlation = CorrelationId::Fixed(id.into());
        self
    }

    /// The `x-correlation-id` policy. By default ([`CorrelationId::Generate`]) a random id
    /// per **fetch**: a fetch's retries send the same id (so the server's logs tie them
    /// together), the next fetch (a refresh, [`TokenClient::fetch_uncached`]) a new one.
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

    /// Allow a plain `http://` token endpoint on a host that is not loopback.
    ///
    /// # The risk
    /// Over plain HTTP, everything the client sends and receives crosses the network in
    /// clear: the client secret (`Authorization: Basic` or `client_secret`), the signed
    /// assertion (usable by anyone who reads it until it expires) and the access token in
    /// the answer; anyone on the path can read them, and change the answer. So by default
    /// `http://` is accepted only for loopback hosts (`localhost`, `127.0.0.0/8`, `::1`),
    /// where the traffic never leaves the machine (local test servers), and
    /// [`build`](Self::build) refuses any other `http://` endpoint with
    /// [`crate::ErrorKind::Config`] (`invalid_config`), naming the host. Call this only for
    /// a test endpoint on a network you control; never for a production endpoint. It
    /// changes nothing for `https://` endpoints.
    #[must_use]
    pub fn insecure_transport(mut self) -> Self {
        self.insecure_transport = true;
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
    /// [`crate::ErrorKind::Config`]: a bad endpoint URL, a plain `http://` endpoint on a
    /// host that is not loopback (without [`insecure_transport`](Self::insecure_transport)),
    /// a bad header, correlation id, certificate (an X.509 v1 client certificate, which
    /// rustls refuses, included) or key; an `x-correlation-id` given twice (as a header and with
    /// [`correlation_id`](Self::correlation_id), or as two headers); a `user-agent` given
    /// twice; an extra `content-type`, `accept`, `content-length`, `transfer-encoding` or
    /// `host` header; an `Authorization` header with [`ClientAuth::SecretBasic`] (see
    /// [`header`](Self::header)); a bad [`proxy`](Self::proxy) URL.
    pub fn build(self) -> Result<TokenClient, Error> {
        let mut spec = RequestSpec::new(self.endpoint, self.flow)?;
        if !self.insecure_transport {
            refuse_plain_http(&spec.endpoint, "token endpoint")?;
        }
        if let Flow::ClientCredentials(ClientAuth::PrivateKeyJwt(p)) = &spec.flow
            && p.wants_discovery()
        {
            let Some(issuer) = p.discovery_issuer(&spec.endpoint) else {
                return Err(Error::config(
                    "discover_issuer() needs an issuer: set PrivateKeyJwt::issuer, or use a \
                     Keycloak-style token endpoint (…/realms/{realm}/protocol/openid-connect/token)",
                ));
            };
            // The same checks as for the endpoint: the document decides the assertion's `aud`.
            RequestSpec::new(issuer.as_str(), ClientAuth::secret_post("", "")).map_err(|_| {
                Error::config(
                    "issuer must be an absolute http:// or https:// URL without credentials for discovery",
                )
            })?;
            if !self.insecure_transport {
                refuse_plain_http(&issuer, "issuer")?;
            }
        }
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
        Ok(TokenClient::new(spec, transport, self.retry, self.cache))
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

/// Whether `host` (as in a URL: IPv6 in brackets) is loopback: `localhost` (any case),
/// `127.0.0.0/8`, `::1` (or `::ffff:127.x.y.z`).
fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    match bare.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(std::net::IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// Refuse a plain `http://` endpoint whose host is not loopback (see
/// [`TokenClientBuilder::insecure_transport`]). The message shows the scheme, host and port
/// only. Fails closed on its own: only an absolute `https://` URL, or an `http://` one to a
/// loopback host, passes; a URL that does not parse, or has another scheme or no host, is
/// an [`crate::ErrorKind::Config`] error (as [`RequestSpec::new`] also refuses it).
fn refuse_plain_http(endpoint: &str, what: &str) -> Result<(), Error> {
    let uri =
        endpoint.parse::<http::Uri>().map_err(|_| Error::config(format!("{what} is not a valid URL")))?;
    let host = uri.host().filter(|h| !h.is_empty());
    match (uri.scheme_str(), host) {
        (Some("https"), Some(_)) => return Ok(()),
        (Some("http"), Some(host)) if is_loopback_host(host) => return Ok(()),
        (Some("http"), Some(_)) => {}
        _ => return Err(Error::config(format!("{what} must be an absolute http:// or https:// URL"))),
    }
    Err(Error::config(format!(
        "{what} {}: plain http:// is only allowed to a loopback host (localhost, \
         127.0.0.0/8, ::1): over http the client secret or assertion and the access token cross \
         the network in clear; use https://, or allow it explicitly with insecure_transport()",
        crate::transport::redact_url(endpoint)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn loopback_hosts() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.255.255.254", "[::1]", "[::ffff:127.0.0.1]"]
        {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "localhost.",
            "localhost.example",
            "0.0.0.0",
            "[::]",
            "[::2]",
            "10.0.0.1",
            "128.0.0.1",
            "127.1",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn the_plain_http_check_fails_closed_on_its_own() {
        for allowed in
            ["https://idp.example/t", "HTTPS://idp.example:8443/t", "http://127.0.0.1:1/t", "http://[::1]/t"]
        {
            refuse_plain_http(allowed, "token endpoint").unwrap();
        }
        // Refused without relying on RequestSpec::new: does not parse, relative, no host,
        // another scheme, plain http to a remote host.
        for refused in [
            "",
            "http://exa mple/t",
            "http://[::1/t",
            "/oauth2/token",
            "idp.example/t",
            "idp.example:443",
            "ftp://idp.example/t",
            "http://idp.example/t",
            "http://10.0.0.1/t",
        ] {
            let e = refuse_plain_http(refused, "token endpoint").unwrap_err();
            assert_eq!(e.code(), "invalid_config", "{refused:?}: {e}");
        }
    }

    fn key() -> bearerkit::SigningKey {
        bearerkit::SigningKey::from_bytes(&[7u8; 32]).unwrap()
    }

    fn correlation_ids(request: &http::Request<Vec<u8>>) -> Vec<String> {
        let values = request.headers().get_all(CORRELATION_HEADER);
        values.iter().map(|v| v.to_str().unwrap().to_owned()).collect()
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
}
