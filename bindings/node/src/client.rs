//! The token client over `bearerkit-client`: the three flows (`_Auth`), the client
//! (`_TokenClient`, whose `token()` is a napi `async fn` on napi's tokio runtime, sharing the
//! client crate's cache and single flight across concurrent awaits) and `Token`.
//! `index.js` wraps `_Auth` in the classes `D1Grant`, `ClientSecret` and `PrivateKeyJwt`.

use crate::errors;
use crate::external::JsSigner;
use crate::keys::{RsaSigningKey, SigningKey};
use crate::sign::{d1_env, rsa_algorithm};
use bearerkit_client::{AssertionSigner, ClientAuth, D1Grant, Flow, PrivateKeyJwt, RetryPolicy};
use core::time::Duration;
use napi::bindgen_prelude::within_runtime_if_available;
use napi_derive::napi;
use std::sync::Arc;

/// How the client authenticates: one of the three flows.
#[napi(js_name = "_Auth")]
pub struct Auth {
    flow: Flow,
}

/// The options of `PrivateKeyJwt` other than the key.
#[napi(object)]
pub struct PrivateKeyJwtOptions {
    /// Header `kid`.
    pub kid: Option<String>,
    /// The client's certificate (PEM): its SHA-1 fingerprint becomes `kid`.
    pub certificate: Option<String>,
    /// The authorization server's issuer: the assertion's `aud`.
    pub issuer: Option<String>,
    /// Read the issuer from `.well-known/openid-configuration`.
    pub discover_issuer: Option<bool>,
    /// The assertion's `aud`, exactly.
    pub audience: Option<String>,
    /// The assertion's lifetime in seconds.
    pub lifetime: Option<f64>,
    /// `ES256` for a P-256 key; `RS256` (default) or `PS256` for an RSA key.
    pub algorithm: Option<String>,
}

fn private_key_jwt(
    client_id: String,
    signer: AssertionSigner,
    o: PrivateKeyJwtOptions,
) -> napi::Result<Auth> {
    let mut auth = PrivateKeyJwt::with_signer(client_id, signer);
    if o.kid.is_some() && o.certificate.is_some() {
        return Err(errors::argument("give kid or certificate, not both"));
    }
    if let Some(kid) = o.kid {
        auth = auth.kid(kid);
    }
    if let Some(cert) = o.certificate {
        auth = auth.kid_from_certificate_pem(&cert).map_err(|e| errors::client(&e))?;
    }
    if let Some(issuer) = o.issuer {
        auth = auth.issuer(issuer);
    }
    if o.discover_issuer == Some(true) {
        auth = auth.discover_issuer();
    }
    if let Some(aud) = o.audience {
        auth = auth.audience(aud);
    }
    if let Some(secs) = errors::opt_seconds(o.lifetime, "lifetime")? {
        auth = auth.lifetime(secs);
    }
    Ok(Auth { flow: auth.into() })
}

/// The D1 flow of `grant`, with its assertions' `lifetime` when given.
fn d1_grant(grant: D1Grant, lifetime: Option<f64>) -> napi::Result<Auth> {
    let grant = match errors::opt_seconds(lifetime, "lifetime")? {
        Some(secs) => grant.lifetime(secs),
        None => grant,
    };
    Ok(Auth { flow: grant.into() })
}

#[napi]
impl Auth {
    /// The Thales D1 inbound grant, signed by a P-256 key.
    ///
    /// # Errors
    /// `invalid_argument` for a bad `env` or `lifetime`.
    #[napi(factory)]
    pub fn d1(
        issuer_id: String,
        env: String,
        kid: String,
        key: &SigningKey,
        lifetime: Option<f64>,
    ) -> napi::Result<Self> {
        d1_grant(
            D1Grant::new(issuer_id, d1_env(&env)?, kid, bearerkit::SigningKey::clone(&key.key)),
            lifetime,
        )
    }

    /// The Thales D1 inbound grant, signed by an external signer (ES256).
    ///
    /// # Errors
    /// As [`Self::d1`].
    #[napi(factory)]
    pub fn d1_external(
        issuer_id: String,
        env: String,
        kid: String,
        signer: &JsSigner,
        lifetime: Option<f64>,
    ) -> napi::Result<Self> {
        d1_grant(D1Grant::new(issuer_id, d1_env(&env)?, kid, signer.clone()), lifetime)
    }

    /// Client credentials with a client secret: `method` `basic` (HTTP Basic, the default)
    /// or `post` (in the form body).
    ///
    /// # Errors
    /// `invalid_argument` for another method.
    #[napi(factory)]
    pub fn client_secret(client_id: String, secret: String, method: Option<String>) -> napi::Result<Self> {
        let auth = match method.as_deref() {
            None | Some("basic") => ClientAuth::secret_basic(client_id, secret),
            Some("post") => ClientAuth::secret_post(client_id, secret),
            Some(_) => return Err(errors::argument("method must be \"basic\" or \"post\"")),
        };
        Ok(Self { flow: auth.into() })
    }

    /// `private_key_jwt` with a P-256 key (ES256).
    ///
    /// # Errors
    /// `key_mismatch` when the certificate holds another key; `invalid_argument`.
    #[napi(factory)]
    pub fn private_key_jwt_ec(
        client_id: String,
        key: &SigningKey,
        options: PrivateKeyJwtOptions,
    ) -> napi::Result<Self> {
        if options.algorithm.as_deref().is_some_and(|a| a != "ES256") {
            return Err(errors::argument("a P-256 SigningKey signs ES256 only"));
        }
        private_key_jwt(client_id, AssertionSigner::es256(bearerkit::SigningKey::clone(&key.key)), options)
    }

    /// `private_key_jwt` with an external signer (ES256).
    ///
    /// # Errors
    /// `invalid_argument` for another algorithm than ES256. A `certificate` gives `kid`
    /// unchecked: an external signer's public key is unknown here.
    #[napi(factory)]
    pub fn private_key_jwt_external(
        client_id: String,
        signer: &JsSigner,
        options: PrivateKeyJwtOptions,
    ) -> napi::Result<Self> {
        if options.algorithm.as_deref().is_some_and(|a| a != "ES256") {
            return Err(errors::argument("an ExternalSigner signs ES256 only"));
        }
        private_key_jwt(client_id, AssertionSigner::es256(signer.clone()), options)
    }

    /// `private_key_jwt` with an RSA key (RS256, or PS256 with `algorithm`).
    ///
    /// # Errors
    /// As [`Self::private_key_jwt_ec`].
    #[napi(factory)]
    pub fn private_key_jwt_rsa(
        client_id: String,
        key: &RsaSigningKey,
        options: PrivateKeyJwtOptions,
    ) -> napi::Result<Self> {
        let alg = rsa_algorithm(options.algorithm.as_deref())?;
        private_key_jwt(client_id, AssertionSigner::rsa(Arc::clone(&key.key), alg), options)
    }

    /// The JWS algorithm of the client assertions (`""` for the other flows).
    #[napi(getter)]
    #[must_use]
    pub fn algorithm(&self) -> String {
        match &self.flow {
            Flow::ClientCredentials(ClientAuth::PrivateKeyJwt(p)) => p.algorithm().to_owned(),
            _ => String::new(),
        }
    }

    /// The `aud` the client assertions carry when sent to `token_endpoint` (without
    /// discovery); `""` for the other flows.
    #[napi]
    #[must_use]
    pub fn audience_for(&self, token_endpoint: String) -> String {
        match &self.flow {
            Flow::ClientCredentials(ClientAuth::PrivateKeyJwt(p)) => p.audience_for(&token_endpoint),
            _ => String::new(),
        }
    }

    /// The client crate's description of the flow, secrets redacted.
    #[napi]
    #[must_use]
    pub fn describe(&self) -> String {
        format!("{:?}", self.flow)
    }
}

/// An access token. `toString()`, `inspect` and `JSON.stringify` never show it; read
/// `accessToken` (or `authorization`).
#[napi]
pub struct Token {
    token: bearerkit_client::Token,
}

#[napi]
impl Token {
    /// The access token itself.
    #[napi(getter)]
    #[must_use]
    pub fn access_token(&self) -> String {
        self.token.expose().to_owned()
    }

    /// `token_type` (`Bearer`).
    #[napi(getter)]
    #[must_use]
    pub fn token_type(&self) -> String {
        self.token.token_type().to_owned()
    }

    /// The granted `scope`, when the server sent one.
    #[napi(getter)]
    #[must_use]
    pub fn scope(&self) -> Option<String> {
        self.token.scope().map(str::to_owned)
    }

    /// The lifetime the server gave, in seconds.
    #[napi(getter)]
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn expires_in(&self) -> f64 {
        self.token.lifetime().as_secs() as f64
    }

    /// Seconds until it expires (0 when expired).
    #[napi(getter)]
    #[must_use]
    pub fn remaining(&self) -> f64 {
        self.token.remaining().as_secs_f64()
    }

    /// Whether it has expired.
    #[napi(getter)]
    #[must_use]
    pub fn is_expired(&self) -> bool {
        self.token.is_expired()
    }

    /// The `Authorization` header value, `Bearer <token>`.
    #[napi(getter)]
    #[must_use]
    pub fn authorization(&self) -> String {
        format!("Bearer {}", self.token.expose())
    }

    /// The other members of the token response as JSON object text, in their order; never
    /// the secrets (`access_token`, `refresh_token`, `id_token`).
    #[napi(js_name = "_responseJson")]
    #[must_use]
    pub fn response_json(&self) -> String {
        let members: Vec<String> = self
            .token
            .members()
            .map(|(name, value)| format!("{}:{value}", serde_json_string(name)))
            .collect();
        format!("{{{}}}", members.join(","))
    }

    /// A description without the token: its preview (first characters and length), type,
    /// scope and lifetime.
    #[napi]
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "Token(accessToken={}, tokenType={:?}, scope={:?}, expiresIn={})",
            self.token.access_token().preview(),
            self.token.token_type(),
            self.token.scope(),
            self.token.lifetime().as_secs()
        )
    }
}

/// A member name as a JSON string (names come from the parsed response, so they are plain
/// strings; escaped as JSON requires).
fn serde_json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The token client's settings (every one optional: the client crate's defaults).
#[napi(object)]
pub struct Settings {
    /// `scope` to request.
    pub scope: Option<String>,
    /// Request timeout, seconds.
    pub timeout: Option<f64>,
    /// Connect timeout, seconds.
    pub connect_timeout: Option<f64>,
    /// Attempts in all (1: no retry).
    pub max_attempts: Option<u32>,
    /// The longest time spent retrying, seconds.
    pub max_elapsed: Option<f64>,
    /// Proxy URL.
    pub proxy: Option<String>,
    /// Extra trusted root certificates (PEM).
    pub root_certificates: Option<Vec<String>>,
    /// Trust only `root_certificates`.
    pub only_given_roots: Option<bool>,
    /// Client certificate chain (PEM) for mutual TLS.
    pub client_certificate: Option<String>,
    /// Client private key (PEM) for mutual TLS.
    pub client_key: Option<String>,
    /// A fixed `x-correlation-id`.
    pub correlation_id: Option<String>,
    /// Send a JSON body instead of a form.
    pub json_body: Option<bool>,
    /// Extra headers, as `[name, value]` pairs.
    pub headers: Option<Vec<Vec<String>>>,
    /// Allow plain `http://` to hosts other than loopback.
    pub insecure_transport: Option<bool>,
    /// Refresh this many seconds before expiry.
    pub refresh_margin: Option<f64>,
}

fn secs(v: f64, name: &str) -> napi::Result<Duration> {
    Duration::try_from_secs_f64(v)
        .map_err(|_| errors::argument(format!("{name} must be a number of seconds >= 0")))
}

/// The token client: one cache and one request in flight per client (concurrent awaits share
/// the same answer).
#[napi(js_name = "_TokenClient")]
pub struct TokenClient {
    client: bearerkit_client::TokenClient,
}

#[napi]
impl TokenClient {
    /// A client for the token endpoint `url`, authenticating with `auth`.
    ///
    /// # Errors
    /// `invalid_config` for an unusable configuration; `invalid_argument`.
    #[napi(constructor)]
    pub fn new(url: String, auth: &Auth, settings: Settings) -> napi::Result<Self> {
        let mut b = bearerkit_client::TokenClient::builder(url, auth.flow.clone());
        if let Some(v) = settings.scope {
            b = b.scope(v);
        }
        if let Some(v) = settings.timeout {
            b = b.timeout(secs(v, "timeout")?);
        }
        if let Some(v) = settings.connect_timeout {
            b = b.connect_timeout(secs(v, "connectTimeout")?);
        }
        if settings.max_attempts.is_some() || settings.max_elapsed.is_some() {
            let mut policy = RetryPolicy::default();
            if let Some(n) = settings.max_attempts {
                policy.max_attempts = n;
            }
            if let Some(v) = settings.max_elapsed {
                policy.max_elapsed = secs(v, "maxElapsed")?;
            }
            b = b.retry(policy);
        }
        if let Some(v) = settings.proxy {
            b = b.proxy(v);
        }
        for pem in settings.root_certificates.unwrap_or_default() {
            b = b.root_certificate_pem(pem.as_bytes());
        }
        if settings.only_given_roots == Some(true) {
            b = b.only_given_roots();
        }
        match (&settings.client_certificate, &settings.client_key) {
            (Some(cert), Some(key)) => b = b.identity_pem(cert.as_bytes(), key.as_bytes()),
            (None, None) => {}
            _ => return Err(errors::argument("mutual TLS needs clientCertificate and clientKey")),
        }
        if let Some(v) = settings.correlation_id {
            b = b.correlation_id(v);
        }
        if settings.json_body == Some(true) {
            b = b.json_body();
        }
        for pair in settings.headers.unwrap_or_default() {
            let [name, value] = <[String; 2]>::try_from(pair)
                .map_err(|_| errors::argument("headers must be name/value pairs of strings"))?;
            b = b.header(name, value);
        }
        if settings.insecure_transport == Some(true) {
            b = b.insecure_transport();
        }
        if let Some(v) = settings.refresh_margin {
            b = b.refresh_margin(secs(v, "refreshMargin")?);
        }
        // The HTTP stack lives on napi's tokio runtime, where `token()` runs.
        let client = within_runtime_if_available(|| b.build()).map_err(|e| errors::client(&e))?;
        Ok(Self { client })
    }

    /// A valid access token: the cached one while it is fresh, else a new one from the
    /// token endpoint (retried per the policy).
    ///
    /// # Errors
    /// The client's errors (`OAuthError`, `TransportError`, `RateLimited`, `ConfigError`).
    #[napi]
    pub async fn token(&self) -> napi::Result<Token> {
        let client = self.client.clone();
        client.token().await.map(|token| Token { token }).map_err(|e| errors::client(&e))
    }

    /// Forget the cached token (for example after a resource server answered 401).
    #[napi]
    pub fn invalidate(&self) {
        self.client.invalidate();
    }

    /// The token endpoint.
    #[napi(getter)]
    #[must_use]
    pub fn endpoint(&self) -> String {
        self.client.spec().endpoint().to_owned()
    }
}
