//! Flows and the token request, built as a plain [`http::Request`] with no I/O.

use crate::{AssertionSigner, Error, Secret};
use bearerkit::p256::ecdsa::Signature;
use bearerkit::profile::{client_assertion, d1};
use core::fmt;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use std::sync::Arc;

/// Anything that signs ES256 for an assertion: a [`bearerkit::SigningKey`], or a wrapper
/// around an HSM or a cloud KMS.
pub type DynSigner = Arc<dyn bearerkit::signature::Signer<Signature> + Send + Sync>;

/// The `x-correlation-id` header (Thales D1).
pub const CORRELATION_HEADER: &str = bearerkit::protocol::CORRELATION_ID_HEADER;
/// The `user-agent` sent unless an extra `user-agent` header replaces it.
pub const DEFAULT_USER_AGENT: &str = concat!("bearerkit-client/", env!("CARGO_PKG_VERSION"));
/// `grant_type` of the client-credentials flow (RFC 6749 §4.4).
pub const CLIENT_CREDENTIALS: &str = bearerkit::protocol::GRANT_TYPE_CLIENT_CREDENTIALS;

/// How the token request body is encoded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/x-www-form-urlencoded` (RFC 6749; the default).
    #[default]
    Form,
    /// `application/json` (accepted by the D1 inbound endpoint).
    Json,
}

/// The D1 inbound JWT-bearer grant: an ES256 assertion signed per
/// request with the core's `d1` profile (`kid`, `iss` = `sub`, `aud` `stg`/`prd`), with a
/// fresh `jti` each time.
#[derive(Clone)]
pub struct D1Grant {
    issuer_id: String,
    env: d1::Env,
    kid: String,
    signer: DynSigner,
    lifetime: u64,
}

impl D1Grant {
    /// A D1 grant for issuer (merchant gateway) `issuer_id` in `env`, signed by `signer`
    /// under key id `kid`. Assertions live [`d1::DEFAULT_LIFETIME`] (5 minutes).
    pub fn new(
        issuer_id: impl Into<String>,
        env: d1::Env,
        kid: impl Into<String>,
        signer: impl bearerkit::signature::Signer<Signature> + Send + Sync + 'static,
    ) -> Self {
        Self {
            issuer_id: issuer_id.into(),
            env,
            kid: kid.into(),
            signer: Arc::new(signer),
            lifetime: d1::DEFAULT_LIFETIME,
        }
    }

    /// Assertion lifetime in seconds, at most [`d1::MAX_LIFETIME`] (900; larger values are
    /// lowered to it).
    #[must_use]
    pub fn lifetime(mut self, secs: u64) -> Self {
        self.lifetime = secs.min(d1::MAX_LIFETIME);
        self
    }
}

impl fmt::Debug for D1Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("D1Grant")
            .field("issuer_id", &self.issuer_id)
            .field("env", &self.env)
            .field("kid", &self.kid)
            .field("signer", &"[redacted]")
            .field("lifetime", &self.lifetime)
            .finish()
    }
}

/// `private_key_jwt` client authentication (RFC 7523 §2.2, OpenID Connect): a client
/// assertion with `iss` = `sub` = client id, a fresh `jti`, and `aud` one string.
///
/// # The audience
/// `aud` is always one JSON string (never an array), chosen in this order:
/// 1. [`audience`](Self::audience), when set;
/// 2. the issuer read from the discovery document, with
///    [`discover_issuer`](Self::discover_issuer);
/// 3. [`issuer`](Self::issuer), when set;
/// 4. the issuer derived from a Keycloak-style token endpoint
///    (`…/realms/{realm}/protocol/openid-connect/token` → `…/realms/{realm}`, see
///    [`keycloak_issuer`]);
/// 5. the token endpoint URL, when no issuer is known.
///
/// Why the issuer: Keycloak 26.2 refuses client assertions with several audiences and plans
/// to accept only the issuer; the revised OpenID Connect Core text (private_key_jwt) and
/// FAPI 2.0 want `aud` to be the authorization server's issuer identifier as a single
/// string. The token endpoint URL is still accepted by Keycloak and most servers, so it is
/// the fallback when the issuer is unknown.
#[derive(Clone)]
pub struct PrivateKeyJwt {
    client_id: String,
    signer: AssertionSigner,
    kid: Option<String>,
    audience: Option<String>,
    issuer: Option<String>,
    discover: bool,
    lifetime: u64,
}

impl PrivateKeyJwt {
    /// Sign `ES256` client assertions for `client_id` with `signer` (a
    /// [`bearerkit::SigningKey`], or an HSM or KMS wrapper), no `kid` header.
    pub fn new(
        client_id: impl Into<String>,
        signer: impl bearerkit::signature::Signer<Signature> + Send + Sync + 'static,
    ) -> Self {
        Self::with_signer(client_id, AssertionSigner::es256(signer))
    }

    /// Sign `RS256` client assertions (RSASSA-PKCS1-v1_5 with SHA-256, what Keycloak and
    /// Worldline take by default) for `client_id` with an RSA key of 2048 to 4096 bits. For
    /// `PS256`, use [`with_signer`](Self::with_signer) with
    /// [`AssertionSigner::rsa`].
    pub fn rsa(client_id: impl Into<String>, key: bearerkit_rsa::RsaSigningKey) -> Self {
        Self::with_signer(client_id, AssertionSigner::from(key))
    }

    /// Sign client assertions for `client_id` with `signer`, whose algorithm goes into the
    /// header (`ES256`, `RS256`, `PS256`).
    pub fn with_signer(client_id: impl Into<String>, signer: AssertionSigner) -> Self {
        Self {
            client_id: client_id.into(),
            signer,
            kid: None,
            audience: None,
            issuer: None,
            discover: false,
            lifetime: client_assertion::DEFAULT_LIFETIME,
        }
    }

    /// Header `kid`.
    #[must_use]
    pub fn kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// Header `kid` = the SHA-1 fingerprint (upper-case hex) of the signing certificate,
    /// as Worldline requires, once the certificate is known to carry the signing key's
    /// public key (P-256 or RSA; a signer whose public key is unknown here, such as a KMS,
    /// is not checked).
    ///
    /// # Errors
    /// The core's error when `certificate_pem` is not a PEM certificate; `key_mismatch`
    /// when the certificate holds another key than the signer's (the assertion would be
    /// refused by the server).
    pub fn kid_from_certificate_pem(self, certificate_pem: &str) -> Result<Self, Error> {
        let mut scratch = vec![0u8; certificate_pem.len().saturating_mul(2).max(64)];
        let prints = bearerkit::CertificateThumbprints::from_pem(certificate_pem, &mut scratch)?;
        // Lines trimmed as the core's reader does (some published PEM has trailing spaces).
        let normalized: String = certificate_pem.trim().lines().map(|l| format!("{}\n", l.trim())).collect();
        let (_, der) =
            pem_rfc7468::decode_vec(normalized.as_bytes()).map_err(|_| bearerkit::Error::BadPem)?;
        self.signer.check_certificate_der(&der)?;
        Ok(self.kid(prints.sha1_hex().as_str()))
    }

    /// The JWS `alg` of the assertions (`ES256`, `RS256`, `PS256`).
    #[must_use]
    pub fn algorithm(&self) -> &str {
        self.signer.algorithm()
    }

    /// `aud`, exactly this string, instead of the issuer (see [the
    /// audience](Self#the-audience)). Only for a server that wants something else than its
    /// issuer (for example the token endpoint URL, or a fixed value agreed out of band); it
    /// wins over [`issuer`](Self::issuer) and [`discover_issuer`](Self::discover_issuer) (no
    /// discovery is made).
    #[must_use]
    pub fn audience(mut self, aud: impl Into<String>) -> Self {
        self.audience = Some(aud.into());
        self
    }

    /// The authorization server's issuer identifier (for example
    /// `https://idp.example/realms/acme`): sent as `aud`, and the URL
    /// [`discover_issuer`](Self::discover_issuer) reads the discovery document from. Not
    /// needed for a Keycloak-style token endpoint, whose issuer is derived.
    #[must_use]
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Before the first request, read `{issuer}/.well-known/openid-configuration` (the
    /// issuer given with [`issuer`](Self::issuer), else derived from a Keycloak-style token
    /// endpoint), check that the document's `issuer` is exactly that URL (RFC 8414 §3.3,
    /// OpenID Connect Discovery §4.3; otherwise the fetch fails with `invalid_config` and
    /// no token request is sent), and send it as `aud`. Read once per client (its clones
    /// included) and kept for its life; a failed read is tried again on the next fetch.
    ///
    /// [`TokenClientBuilder::build`](crate::TokenClientBuilder::build) refuses this when no
    /// issuer is known. Ignored when [`audience`](Self::audience) is set.
    #[must_use]
    pub fn discover_issuer(mut self) -> Self {
        self.discover = true;
        self
    }

    /// The `aud` sent to `token_endpoint` without discovery: the explicit audience, else the
    /// issuer (given or derived from a Keycloak-style URL), else `token_endpoint` itself.
    #[must_use]
    pub fn audience_for(&self, token_endpoint: &str) -> String {
        self.audience
            .clone()
            .or_else(|| self.issuer.clone())
            .or_else(|| keycloak_issuer(token_endpoint))
            .unwrap_or_else(|| token_endpoint.to_owned())
    }

    /// The issuer whose discovery document is read, when discovery applies.
    pub(crate) fn discovery_issuer(&self, token_endpoint: &str) -> Option<String> {
        if !self.discover || self.audience.is_some() {
            return None;
        }
        self.issuer.clone().or_else(|| keycloak_issuer(token_endpoint))
    }

    /// Whether discovery was asked for and applies (no explicit audience).
    pub(crate) fn wants_discovery(&self) -> bool {
        self.discover && self.audience.is_none()
    }

    /// Assertion lifetime in seconds (default 60).
    #[must_use]
    pub fn lifetime(mut self, secs: u64) -> Self {
        self.lifetime = secs;
        self
    }
}

impl fmt::Debug for PrivateKeyJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKeyJwt")
            .field("client_id", &self.client_id)
            .field("signer", &self.signer)
            .field("kid", &self.kid)
            .field("audience", &self.audience)
            .field("issuer", &self.issuer)
            .field("discover", &self.discover)
            .field("lifetime", &self.lifetime)
            .finish()
    }
}

/// The issuer of a Keycloak-style token endpoint: a URL whose path ends in
/// `/realms/{realm}/protocol/openid-connect/token` (one trailing `/` allowed) gives
/// `{scheme}://{host}[:port]{prefix}/realms/{realm}`, any prefix (such as `/auth`) kept,
/// the query dropped. `None` for any other URL.
///
/// ```
/// use bearerkit_client::keycloak_issuer;
/// assert_eq!(
///     keycloak_issuer("https://kc.example:8443/auth/realms/acme/protocol/openid-connect/token").as_deref(),
///     Some("https://kc.example:8443/auth/realms/acme"),
/// );
/// assert_eq!(keycloak_issuer("https://api.example/oauth2/token"), None);
/// ```
#[must_use]
pub fn keycloak_issuer(token_url: &str) -> Option<String> {
    const TAIL: &str = "/protocol/openid-connect/token";
    let uri: http::Uri = token_url.parse().ok()?;
    let scheme = uri.scheme_str().filter(|s| matches!(*s, "http" | "https"))?;
    let authority = uri.authority().filter(|a| !a.as_str().contains('@') && !a.host().is_empty())?;
    let path = uri.path();
    let path = path.strip_suffix('/').unwrap_or(path);
    let (prefix, realm) = path.strip_suffix(TAIL)?.rsplit_once('/')?;
    let prefix = prefix.strip_suffix("/realms")?;
    if realm.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{authority}{prefix}/realms/{realm}"))
}

/// How a client-credentials request authenticates the client (RFC 6749 §2.3).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `client_secret_basic`: `Authorization: Basic` (RFC 6749 §2.3.1: id and secret
    /// form-urlencoded, then base64): the D1 outbound style.
    SecretBasic {
        /// The client id.
        client_id: String,
        /// The client secret.
        secret: Secret,
    },
    /// `client_secret_post`: `client_id` and `client_secret` in the body (Worldline by secret).
    SecretPost {
        /// The client id.
        client_id: String,
        /// The client secret.
        secret: Secret,
    },
    /// `private_key_jwt`: a signed client assertion (Worldline by certificate).
    PrivateKeyJwt(PrivateKeyJwt),
    /// A given, already-signed client assertion, sent as it is: `client_assertion_type`
    /// (JWT bearer) and exactly this `client_assertion`, as
    /// [`PrivateKeyJwt`](Self::PrivateKeyJwt) sends them (no `client_id` in the body).
    /// **For tests and replays** (showing how a server refuses an expired, mis-addressed or
    /// replayed assertion): every request, retries included, sends the same assertion, so a
    /// server that remembers `jti`s refuses all but the first. Caching is unchanged; for a
    /// one-shot call use [`TokenClient::fetch_uncached`](crate::TokenClient::fetch_uncached)
    /// with [`RetryPolicy::none`](crate::RetryPolicy::none). Made by
    /// [`ClientAuth::client_assertion`].
    ClientAssertion {
        /// The client the assertion is for (shown in `Debug`, not sent).
        client_id: String,
        /// The assertion (a compact JWS), never shown.
        assertion: Secret,
    },
}

impl ClientAuth {
    /// `client_secret_basic`.
    pub fn secret_basic(client_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        Self::SecretBasic { client_id: client_id.into(), secret: secret.into() }
    }

    /// `client_secret_post`.
    pub fn secret_post(client_id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        Self::SecretPost { client_id: client_id.into(), secret: secret.into() }
    }

    /// A given client assertion for `client_id`, sent as it is on every request: for tests
    /// and replays; see [`ClientAuth::ClientAssertion`].
    pub fn client_assertion(client_id: impl Into<String>, assertion: impl Into<Secret>) -> Self {
        Self::ClientAssertion { client_id: client_id.into(), assertion: assertion.into() }
    }
}

impl From<PrivateKeyJwt> for ClientAuth {
    fn from(p: PrivateKeyJwt) -> Self {
        Self::PrivateKeyJwt(p)
    }
}

/// Which grant the client asks for.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Flow {
    /// The D1 inbound JWT-bearer grant.
    D1(D1Grant),
    /// The client-credentials grant with one of the client authentication methods.
    ClientCredentials(ClientAuth),
    /// The JWT-bearer grant (RFC 7523 §2.1, `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`)
    /// with this given, already-signed `assertion`, sent as it is. **For tests and
    /// replays** (an expired or replayed D1 assertion, say): every request, retries
    /// included, sends the same assertion, so a server that remembers `jti`s refuses all
    /// but the first. Caching is unchanged; for a one-shot call use
    /// [`TokenClient::fetch_uncached`](crate::TokenClient::fetch_uncached) with
    /// [`RetryPolicy::none`](crate::RetryPolicy::none). For real use, [`D1Grant`] signs a
    /// fresh assertion per request. Made by [`Flow::jwt_bearer_assertion`].
    JwtBearerAssertion(Secret),
}

impl Flow {
    /// The JWT-bearer grant with this given assertion; see [`Flow::JwtBearerAssertion`].
    pub fn jwt_bearer_assertion(assertion: impl Into<Secret>) -> Self {
        Self::JwtBearerAssertion(assertion.into())
    }
}

impl From<D1Grant> for Flow {
    fn from(g: D1Grant) -> Self {
        Self::D1(g)
    }
}

impl From<ClientAuth> for Flow {
    fn from(a: ClientAuth) -> Self {
        Self::ClientCredentials(a)
    }
}

impl From<PrivateKeyJwt> for Flow {
    fn from(p: PrivateKeyJwt) -> Self {
        Self::ClientCredentials(ClientAuth::PrivateKeyJwt(p))
    }
}

/// `x-correlation-id` policy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CorrelationId {
    /// A new random id (32 hex digits) for every fetch, the default: the retries of one
    /// fetch send the same id (so the server's logs tie them together), the next fetch a
    /// new one.
    #[default]
    Generate,
    /// This id on every request.
    Fixed(String),
    /// No header.
    Omit,
}

/// `^[A-Za-z0-9_-]{1,64}$`, the correlation-id rule ([`bearerkit::protocol::is_valid_correlation_id`]).
#[must_use]
pub fn valid_correlation_id(id: &str) -> bool {
    bearerkit::protocol::is_valid_correlation_id(id.as_bytes())
}

/// Everything one token request needs, minus the clock and the randomness: build the
/// request with [`RequestSpec::build`], which does no I/O.
///
/// `Debug` shows the names of the extra headers but never their values (an extra header
/// may well carry an API key).
#[derive(Clone)]
pub struct RequestSpec {
    pub(crate) endpoint: String,
    pub(crate) flow: Flow,
    pub(crate) scope: Option<String>,
    pub(crate) encoding: BodyEncoding,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) correlation: CorrelationId,
}

impl fmt::Debug for RequestSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestSpec")
            .field("endpoint", &self.endpoint)
            .field("flow", &self.flow)
            .field("scope", &self.scope)
            .field("encoding", &self.encoding)
            .field("headers", &RedactedHeaders(self.headers.iter().map(|(n, _)| n.as_str()).collect()))
            .field("correlation", &self.correlation)
            .finish()
    }
}

/// Header names, each with the value `[redacted]`, for `Debug`.
pub(crate) struct RedactedHeaders<'a>(pub(crate) Vec<&'a str>);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter().map(|name| (name, "[redacted]"))).finish()
    }
}

impl RequestSpec {
    /// A form-encoded request for `flow` to `endpoint`, with a generated correlation id.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Config`] when `endpoint` is not an absolute `http`/`https` URL.
    pub fn new(endpoint: impl Into<String>, flow: impl Into<Flow>) -> Result<Self, Error> {
        let endpoint = endpoint.into();
        let uri: http::Uri =
            endpoint.parse().map_err(|_| Error::config("token endpoint is not a valid URL"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
            return Err(Error::config("token endpoint must be an absolute http:// or https:// URL"));
        }
        if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
            // The URL is logged and shown in errors: credentials belong in `ClientAuth`.
            return Err(Error::config("token endpoint URL must not carry credentials (user:password@)"));
        }
        Ok(Self {
            endpoint,
            flow: flow.into(),
            scope: None,
            encoding: BodyEncoding::Form,
            headers: Vec::new(),
            correlation: CorrelationId::Generate,
        })
    }

    /// The token endpoint URL.
    #[must_use]
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Build the request for time `now` (seconds since the epoch), using `jti` for the
    /// assertion and `correlation_id` when the policy is [`CorrelationId::Generate`].
    ///
    /// # Errors
    /// [`crate::ErrorKind::Assertion`] when signing fails; [`crate::ErrorKind::Config`]
    /// for values that cannot be sent in a header.
    pub fn build(&self, now: u64, jti: &str, correlation_id: &str) -> Result<http::Request<Vec<u8>>, Error> {
        self.build_with(now, jti, correlation_id, None)
    }

    /// As [`build`](Self::build), with the discovered issuer as the client assertion's `aud`.
    pub(crate) fn build_with(
        &self,
        now: u64,
        jti: &str,
        correlation_id: &str,
        discovered: Option<&str>,
    ) -> Result<http::Request<Vec<u8>>, Error> {
        let mut params: Vec<(&str, String)> = Vec::with_capacity(5);
        let mut basic = None;
        match &self.flow {
            Flow::D1(g) => {
                let assertion = d1::assertion(&g.issuer_id, g.env, &g.kid, now)
                    .expires_in(g.lifetime)
                    .jwt_id(jti)
                    .sign_to_string(g.signer.as_ref())?;
                params.push(("grant_type", d1::GRANT_TYPE.to_owned()));
                params.push(("assertion", assertion));
            }
            Flow::ClientCredentials(auth) => {
                params.push(("grant_type", CLIENT_CREDENTIALS.to_owned()));
                match auth {
                    ClientAuth::SecretBasic { client_id, secret } => basic = Some((client_id, secret)),
                    ClientAuth::SecretPost { client_id, secret } => {
                        params.push(("client_id", client_id.clone()));
                        params.push(("client_secret", secret.expose().to_owned()));
                    }
                    ClientAuth::PrivateKeyJwt(p) => {
                        let aud = match (p.audience.is_none(), discovered) {
                            (true, Some(issuer)) => issuer.to_owned(),
                            _ => p.audience_for(&self.endpoint),
                        };
                        let mut a =
                            client_assertion::assertion(&p.client_id, &aud, jti, now).expires_in(p.lifetime);
                        if let Some(kid) = &p.kid {
                            a = a.key_id(kid);
                        }
                        let assertion = a.sign_with_to_string(&p.signer)?;
                        params.push(("client_assertion_type", client_assertion::ASSERTION_TYPE.to_owned()));
                        params.push(("client_assertion", assertion));
                    }
                    ClientAuth::ClientAssertion { assertion, .. } => {
                        params.push(("client_assertion_type", client_assertion::ASSERTION_TYPE.to_owned()));
                        params.push(("client_assertion", assertion.expose().to_owned()));
                    }
                }
            }
            Flow::JwtBearerAssertion(assertion) => {
                params.push(("grant_type", bearerkit::protocol::GRANT_TYPE_JWT_BEARER.to_owned()));
                params.push(("assertion", assertion.expose().to_owned()));
            }
        }
        if let Some(scope) = &self.scope {
            params.push(("scope", scope.clone()));
        }
        let (content_type, body) = match self.encoding {
            BodyEncoding::Form => {
                let mut ser = form_urlencoded::Serializer::new(String::new());
                for (k, v) in &params {
                    ser.append_pair(k, v);
                }
                ("application/x-www-form-urlencoded", ser.finish().into_bytes())
            }
            BodyEncoding::Json => {
                let map: serde_json::Map<String, serde_json::Value> = params
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.clone())))
                    .collect();
                let body = serde_json::to_vec(&map).map_err(|_| Error::config("JSON body"))?;
                ("application/json", body)
            }
        };
        zeroize_params(params);
        let mut builder = http::Request::post(self.endpoint.as_str())
            .header(CONTENT_TYPE, content_type)
            .header(ACCEPT, "application/json");
        // An extra `user-agent` (at most one: the builder checks) replaces the default.
        if !self.headers.iter().any(|(name, _)| name == USER_AGENT) {
            builder = builder.header(USER_AGENT, DEFAULT_USER_AGENT);
        }
        let correlation = match &self.correlation {
            CorrelationId::Generate => Some(correlation_id),
            CorrelationId::Fixed(id) => Some(id.as_str()),
            CorrelationId::Omit => None,
        };
        if let Some(id) = correlation {
            builder = builder.header(CORRELATION_HEADER, id);
        }
        if let Some((id, secret)) = basic {
            builder = builder.header(AUTHORIZATION, basic_header(id, secret)?);
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        builder.body(body).map_err(|_| Error::config("token request (URL or header value)"))
    }
}

/// Overwrite the parameter values (assertions, client secrets) once encoded.
fn zeroize_params(params: Vec<(&str, String)>) {
    use zeroize::Zeroize;
    for (_, mut v) in params {
        v.zeroize();
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1), marked sensitive.
fn basic_header(client_id: &str, secret: &Secret) -> Result<HeaderValue, Error> {
    use base64ct::{Base64, Encoding};
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let credentials = zeroize::Zeroizing::new(format!("{}:{}", enc(client_id), enc(secret.expose())));
    let header = zeroize::Zeroizing::new(format!("Basic {}", Base64::encode_string(credentials.as_bytes())));
    let mut value =
        HeaderValue::from_str(&header).map_err(|_| Error::config("client credentials for HTTP Basic"))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> bearerkit::SigningKey {
        bearerkit::SigningKey::from_bytes(&[7u8; 32]).unwrap()
    }

    fn body(r: &http::Request<Vec<u8>>) -> String {
        String::from_utf8(r.body().clone()).unwrap()
    }

    #[test]
    fn d1_form_request() {
        let spec = RequestSpec::new(
            "https://api.d1.thalescloud.io/authz/v1/oauth2/token",
            D1Grant::new("MGW", d1::Env::Production, "k1", key()),
        )
        .unwrap();
        let r = spec.build(1_700_000_000, "jti-1", "corr-1").unwrap();
        assert_eq!(r.method(), http::Method::POST);
        assert_eq!(r.headers()[CONTENT_TYPE], "application/x-www-form-urlencoded");
        assert_eq!(r.headers()[CORRELATION_HEADER], "corr-1");
        let b = body(&r);
        assert!(
            b.starts_with("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=eyJ")
        );
        // Deterministic: same inputs, same request.
        assert_eq!(b, body(&spec.build(1_700_000_000, "jti-1", "corr-1").unwrap()));
        assert_ne!(b, body(&spec.build(1_700_000_000, "jti-2", "corr-1").unwrap()));
    }

    #[test]
    fn basic_is_rfc6749_encoded_and_sensitive() {
        let spec =
            RequestSpec::new("http://127.0.0.1:1/t", ClientAuth::secret_basic("a b", "p@ss:w")).unwrap();
        let r = spec.build(0, "j", "c").unwrap();
        let h = &r.headers()[AUTHORIZATION];
        assert!(h.is_sensitive());
        use base64ct::{Base64, Encoding};
        assert_eq!(h, &format!("Basic {}", Base64::encode_string(b"a+b:p%40ss%3Aw")));
        assert_eq!(body(&r), "grant_type=client_credentials");
    }

    #[test]
    fn json_body_and_bad_urls() {
        let mut spec = RequestSpec::new("http://127.0.0.1:1/t", ClientAuth::secret_post("id", "s")).unwrap();
        spec.encoding = BodyEncoding::Json;
        spec.scope = Some("a b".into());
        let r = spec.build(0, "j", "c").unwrap();
        assert_eq!(
            body(&r),
            r#"{"grant_type":"client_credentials","client_id":"id","client_secret":"s","scope":"a b"}"#
        );
        assert!(RequestSpec::new("/relative", ClientAuth::secret_post("id", "s")).is_err());
        assert!(RequestSpec::new("ftp://x/y", ClientAuth::secret_post("id", "s")).is_err());
        assert!(RequestSpec::new("https://u:p@x/y", ClientAuth::secret_post("id", "s")).is_err());
    }

    #[test]
    fn debug_shows_header_names_but_never_values() {
        let mut spec =
            RequestSpec::new("http://127.0.0.1:1/t", ClientAuth::secret_post("id", "post-secret")).unwrap();
        spec.headers.push((HeaderName::from_static("x-api-key"), HeaderValue::from_static("key-secret-1")));
        spec.headers.push((AUTHORIZATION, HeaderValue::from_static("Token auth-secret-2")));
        let printed = format!("{spec:?} {spec:#?}");
        assert!(printed.contains("x-api-key") && printed.contains("authorization"), "{printed}");
        assert!(printed.contains("[redacted]"), "{printed}");
        for secret in ["key-secret-1", "auth-secret-2", "post-secret"] {
            assert!(!printed.contains(secret), "{secret} leaked: {printed}");
        }
    }

    #[test]
    fn correlation_policies_and_extra_headers_in_the_built_request() {
        let mut spec = RequestSpec::new("http://127.0.0.1:1/t", ClientAuth::secret_basic("a", "b")).unwrap();
        spec.headers.push((HeaderName::from_static("x-extra"), HeaderValue::from_static("extra-1")));
        let r = spec.build(0, "j", "generated-1").unwrap();
        let all = |r: &http::Request<Vec<u8>>, name: &str| {
            r.headers().get_all(name).iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>()
        };
        assert_eq!(all(&r, CORRELATION_HEADER), ["generated-1"]);
        assert_eq!(all(&r, "x-extra"), ["extra-1"]);
        assert_eq!(all(&r, "authorization").len(), 1);
        spec.correlation = CorrelationId::Fixed("fixed-ID_2".into());
        let r = spec.build(0, "j", "generated-1").unwrap();
        assert_eq!(all(&r, CORRELATION_HEADER), ["fixed-ID_2"]);
        assert_eq!(all(&r, "x-extra"), ["extra-1"]);
        spec.correlation = CorrelationId::Omit;
        let r = spec.build(0, "j", "generated-1").unwrap();
        assert!(all(&r, CORRELATION_HEADER).is_empty());
    }

    #[test]
    fn keycloak_issuers_are_derived_from_token_urls() {
        let cases = [
            (
                "https://kc.example/auth/realms/acme/protocol/openid-connect/token",
                Some("https://kc.example/auth/realms/acme"),
            ),
            (
                "https://kc.example/realms/acme/protocol/openid-connect/token",
                Some("https://kc.example/realms/acme"),
            ),
            (
                "http://127.0.0.1:8080/realms/r-1/protocol/openid-connect/token",
                Some("http://127.0.0.1:8080/realms/r-1"),
            ),
            (
                "https://kc.example:8443/a/b/realms/x/protocol/openid-connect/token/",
                Some("https://kc.example:8443/a/b/realms/x"),
            ),
            (
                "https://kc.example/realms/x/protocol/openid-connect/token?foo=bar",
                Some("https://kc.example/realms/x"),
            ),
            ("https://[::1]:9/realms/x/protocol/openid-connect/token", Some("https://[::1]:9/realms/x")),
            ("https://api.d1.thalescloud.io/authz/v1/oauth2/token", None),
            ("https://kc.example/realms//protocol/openid-connect/token", None),
            ("https://kc.example/acme/protocol/openid-connect/token", None),
            ("https://kc.example/realms/acme/protocol/openid-connect/token/x", None),
            ("ftp://kc.example/realms/acme/protocol/openid-connect/token", None),
            ("/realms/acme/protocol/openid-connect/token", None),
        ];
        for (url, want) in cases {
            assert_eq!(keycloak_issuer(url).as_deref(), want, "{url}");
        }
    }

    /// The claims of the client assertion in a built form body.
    fn assertion_claims(r: &http::Request<Vec<u8>>) -> serde_json::Value {
        use base64ct::{Base64UrlUnpadded, Encoding};
        let assertion = form_urlencoded::parse(r.body())
            .find(|(k, _)| k == "client_assertion")
            .map(|(_, v)| v.into_owned())
            .unwrap();
        let payload = assertion.split('.').nth(1).unwrap();
        serde_json::from_slice(&Base64UrlUnpadded::decode_vec(payload).unwrap()).unwrap()
    }

    #[test]
    fn client_assertion_aud_is_one_string_issuer_first() {
        let kc = "https://kc.example:8443/auth/realms/acme/protocol/openid-connect/token";
        let other = "https://api.example/oauth2/token";
        let aud = |endpoint: &str, p: PrivateKeyJwt| {
            let r = RequestSpec::new(endpoint, p).unwrap().build(1_700_000_000, "j", "c").unwrap();
            assertion_claims(&r)["aud"].clone()
        };
        let s = |v: &str| serde_json::Value::String(v.to_owned());
        // Derived from a Keycloak-style URL (the prefix and the port kept).
        assert_eq!(aud(kc, PrivateKeyJwt::new("c", key())), s("https://kc.example:8443/auth/realms/acme"));
        // Not Keycloak-style, no issuer: the token endpoint.
        assert_eq!(aud(other, PrivateKeyJwt::new("c", key())), s(other));
        // A given issuer wins over the derived one and over the endpoint.
        let given = "https://idp.example/tenant";
        assert_eq!(aud(kc, PrivateKeyJwt::new("c", key()).issuer(given)), s(given));
        assert_eq!(aud(other, PrivateKeyJwt::new("c", key()).issuer(given)), s(given));
        // An explicit audience wins over everything (discovery included).
        let p = PrivateKeyJwt::new("c", key()).issuer(given).discover_issuer().audience(kc);
        assert_eq!(p.discovery_issuer(kc), None);
        assert_eq!(aud(kc, p), s(kc));
        // A discovered issuer is used unless an audience is set.
        let spec = RequestSpec::new(kc, PrivateKeyJwt::new("c", key()).discover_issuer()).unwrap();
        let r = spec.build_with(0, "j", "c", Some("https://found.example/realms/acme")).unwrap();
        assert_eq!(assertion_claims(&r)["aud"], s("https://found.example/realms/acme"));
        let spec = RequestSpec::new(kc, PrivateKeyJwt::new("c", key()).audience("x")).unwrap();
        let r = spec.build_with(0, "j", "c", Some("https://found.example/realms/acme")).unwrap();
        assert_eq!(assertion_claims(&r)["aud"], s("x"));
        assert_eq!(
            PrivateKeyJwt::new("c", key()).discover_issuer().discovery_issuer(kc).as_deref(),
            Some("https://kc.example:8443/auth/realms/acme")
        );
        assert_eq!(PrivateKeyJwt::new("c", key()).discover_issuer().discovery_issuer(other), None);
        assert_eq!(PrivateKeyJwt::new("c", key()).discovery_issuer(kc), None, "not asked for");
    }

    #[test]
    fn correlation_ids() {
        assert!(valid_correlation_id("abc-DEF_123"));
        assert!(!valid_correlation_id(""));
        assert!(!valid_correlation_id("a b"));
        assert!(!valid_correlation_id(&"a".repeat(65)));
    }
}
