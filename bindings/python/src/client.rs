//! The token client: `TokenClient` (synchronous, thread-safe) and `AsyncTokenClient`
//! (asyncio), both over `bearerkit-client` with its cache, single flight, retries and mTLS.

use crate::errors;
use crate::keys::{CallbackSigner, PyExternalSigner, PyRsaSigningKey, PySigningKey};
use crate::sign::d1_env;
use bearerkit_client::bearerkit_rsa::RsaAlgorithm;
use bearerkit_client::{
    AssertionSigner, ClientAuth, D1Grant, Flow, PrivateKeyJwt, RetryPolicy, TokenClientBuilder,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping};
use std::time::Duration;

/// The Thales D1 inbound grant: ES256 assertions (`iss` = `sub` = `issuer_id`, `aud`
/// `stg`/`prd`, `kid`), a fresh one per token request.
#[pyclass(frozen, module = "bearerkit", name = "D1Grant")]
pub(crate) struct PyD1Grant {
    flow: Flow,
}

/// An ES256 signer for the client (a P-256 key or an external signer).
fn es256_signer(key: &Bound<'_, PyAny>) -> PyResult<AssertionSigner> {
    if let Ok(k) = key.cast::<PySigningKey>() {
        return Ok(AssertionSigner::es256(k.get().key.clone()));
    }
    if let Ok(k) = key.cast::<PyExternalSigner>() {
        return Ok(AssertionSigner::es256(CallbackSigner(k.clone().unbind())));
    }
    Err(PyTypeError::new_err("key must be a SigningKey or an ExternalSigner (ES256)"))
}

#[pymethods]
impl PyD1Grant {
    #[new]
    #[pyo3(signature = (issuer_id, env, kid, key, *, lifetime=None))]
    fn new(
        issuer_id: &str,
        env: &str,
        kid: &str,
        key: &Bound<'_, PyAny>,
        lifetime: Option<u64>,
    ) -> PyResult<Self> {
        let env = d1_env(env)?;
        let grant = if let Ok(k) = key.cast::<PySigningKey>() {
            D1Grant::new(issuer_id, env, kid, k.get().key.clone())
        } else if let Ok(k) = key.cast::<PyExternalSigner>() {
            D1Grant::new(issuer_id, env, kid, CallbackSigner(k.clone().unbind()))
        } else {
            return Err(PyTypeError::new_err(
                "Thales D1 accepts ES256 only: key must be a SigningKey or an ExternalSigner",
            ));
        };
        let grant = match lifetime {
            Some(secs) => grant.lifetime(secs),
            None => grant,
        };
        Ok(Self { flow: grant.into() })
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.flow)
    }
}

/// Client credentials with a client secret: HTTP Basic (`method="basic"`, the default, RFC
/// 6749 §2.3.1) or in the form body (`method="post"`, Worldline's `client_secret`).
#[pyclass(frozen, module = "bearerkit", name = "ClientSecret")]
pub(crate) struct PyClientSecret {
    flow: Flow,
}

#[pymethods]
impl PyClientSecret {
    #[new]
    #[pyo3(signature = (client_id, secret, *, method="basic"))]
    fn new(client_id: &str, secret: String, method: &str) -> PyResult<Self> {
        let auth = match method {
            "basic" => ClientAuth::secret_basic(client_id, secret),
            "post" => ClientAuth::secret_post(client_id, secret),
            _ => return Err(errors::argument("method must be \"basic\" or \"post\"")),
        };
        Ok(Self { flow: auth.into() })
    }

    fn __repr__(&self) -> String {
        // The secret is redacted by the client crate's Debug.
        format!("{:?}", self.flow)
    }
}

/// `private_key_jwt` client authentication (Worldline Open Banking / Keycloak): a client
/// assertion per request, `iss` = `sub` = `client_id`, `aud` one string (the issuer: given,
/// discovered, or derived from a Keycloak-style token URL; else the token URL), a fresh
/// `jti`. `key`: a `SigningKey` (ES256), an `RsaSigningKey` (RS256, or PS256 with
/// `algorithm="PS256"`) or an `ExternalSigner`. `certificate` (PEM): its SHA-1 fingerprint
/// becomes `kid`, after checking it carries the key (`key_mismatch` otherwise).
#[pyclass(frozen, module = "bearerkit", name = "PrivateKeyJwt")]
pub(crate) struct PyPrivateKeyJwt {
    flow: Flow,
}

#[pymethods]
impl PyPrivateKeyJwt {
    #[new]
    #[pyo3(signature = (client_id, key, *, kid=None, certificate=None, issuer=None, discover_issuer=false, audience=None, lifetime=None, algorithm=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        client_id: &str,
        key: &Bound<'_, PyAny>,
        kid: Option<String>,
        certificate: Option<&Bound<'_, PyAny>>,
        issuer: Option<String>,
        discover_issuer: bool,
        audience: Option<String>,
        lifetime: Option<u64>,
        algorithm: Option<&str>,
    ) -> PyResult<Self> {
        let signer = if let Ok(k) = key.cast::<PyRsaSigningKey>() {
            let alg = match algorithm {
                None | Some("RS256") => RsaAlgorithm::Rs256,
                Some("PS256") => RsaAlgorithm::Ps256,
                Some(other) => {
                    return Err(errors::argument(format!(
                        "an RsaSigningKey signs RS256 or PS256, not {other}"
                    )));
                }
            };
            AssertionSigner::rsa(std::sync::Arc::clone(&k.get().key), alg)
        } else {
            if algorithm.is_some_and(|a| a != "ES256") {
                return Err(errors::argument("a P-256 key or an ExternalSigner signs ES256 only"));
            }
            es256_signer(key)?
        };
        let mut auth = PrivateKeyJwt::with_signer(client_id, signer);
        if kid.is_some() && certificate.is_some() {
            return Err(errors::argument("give kid or certificate, not both"));
        }
        if let Some(kid) = kid {
            auth = auth.kid(kid);
        }
        if let Some(cert) = certificate {
            let pem = crate::keys::pem_text(cert)?;
            auth = auth.kid_from_certificate_pem(&pem).map_err(|e| errors::client(py, &e))?;
        }
        if let Some(issuer) = issuer {
            auth = auth.issuer(issuer);
        }
        if discover_issuer {
            auth = auth.discover_issuer();
        }
        if let Some(aud) = audience {
            auth = auth.audience(aud);
        }
        if let Some(secs) = lifetime {
            auth = auth.lifetime(secs);
        }
        Ok(Self { flow: auth.into() })
    }

    /// The JWS algorithm of the assertions.
    #[getter]
    fn algorithm(&self) -> &str {
        match &self.flow {
            Flow::ClientCredentials(ClientAuth::PrivateKeyJwt(p)) => p.algorithm(),
            _ => "",
        }
    }

    /// The `aud` the assertions carry when sent to `token_endpoint` (without discovery).
    fn audience_for(&self, token_endpoint: &str) -> String {
        match &self.flow {
            Flow::ClientCredentials(ClientAuth::PrivateKeyJwt(p)) => p.audience_for(token_endpoint),
            _ => String::new(),
        }
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.flow)
    }
}

/// An access token: `str(token)` is NOT the token (it is redacted); use `.access_token`.
#[pyclass(frozen, module = "bearerkit", name = "Token")]
pub(crate) struct PyToken {
    token: bearerkit_client::Token,
}

#[pymethods]
impl PyToken {
    /// The access token itself.
    #[getter]
    fn access_token(&self) -> &str {
        self.token.expose()
    }

    /// `token_type` (`Bearer`).
    #[getter]
    fn token_type(&self) -> &str {
        self.token.token_type()
    }

    /// The granted `scope`, when the server sent one.
    #[getter]
    fn scope(&self) -> Option<&str> {
        self.token.scope()
    }

    /// The lifetime the server gave, in seconds.
    #[getter]
    fn expires_in(&self) -> u64 {
        self.token.lifetime().as_secs()
    }

    /// Seconds until it expires (0 when expired).
    #[getter]
    fn remaining(&self) -> f64 {
        self.token.remaining().as_secs_f64()
    }

    /// Whether it has expired.
    #[getter]
    fn is_expired(&self) -> bool {
        self.token.is_expired()
    }

    /// The `Authorization` header value, `Bearer <token>`.
    #[getter]
    fn authorization(&self) -> String {
        format!("Bearer {}", self.token.expose())
    }

    /// The other members of the token response as a dict (`token_type`, `expires_in`, `scope`,
    /// and any the server added), in their order; never the secrets (`access_token`,
    /// `refresh_token`, `id_token`).
    #[getter]
    fn response<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, value) in self.token.members() {
            let text = value.to_string();
            dict.set_item(name, crate::json::loads(py, &text)?)?;
        }
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        format!(
            "Token(access_token={}, token_type={:?}, scope={:?}, expires_in={})",
            self.token.access_token().preview(),
            self.token.token_type(),
            self.token.scope(),
            self.token.lifetime().as_secs()
        )
    }

    fn __str__(&self) -> String {
        self.__repr__()
    }
}

/// The settings shared by both clients.
struct Settings {
    scope: Option<String>,
    timeout: Option<f64>,
    connect_timeout: Option<f64>,
    max_attempts: Option<u32>,
    max_elapsed: Option<f64>,
    proxy: Option<String>,
    root_certificates: Vec<String>,
    only_given_roots: bool,
    client_certificate: Option<String>,
    client_key: Option<String>,
    correlation_id: Option<String>,
    json_body: bool,
    headers: Vec<(String, String)>,
    insecure_transport: bool,
    refresh_margin: Option<f64>,
}

fn secs(v: f64, name: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(v)
        .map_err(|_| errors::argument(format!("{name} must be a number of seconds >= 0")))
}

fn flow_of(auth: &Bound<'_, PyAny>) -> PyResult<Flow> {
    if let Ok(a) = auth.cast::<PyD1Grant>() {
        return Ok(a.get().flow.clone());
    }
    if let Ok(a) = auth.cast::<PyClientSecret>() {
        return Ok(a.get().flow.clone());
    }
    if let Ok(a) = auth.cast::<PyPrivateKeyJwt>() {
        return Ok(a.get().flow.clone());
    }
    Err(PyTypeError::new_err("auth must be a D1Grant, a ClientSecret or a PrivateKeyJwt"))
}

impl Settings {
    fn builder(&self, url: &str, flow: Flow) -> PyResult<TokenClientBuilder> {
        let mut b = bearerkit_client::TokenClient::builder(url, flow);
        if let Some(v) = &self.scope {
            b = b.scope(v.as_str());
        }
        if let Some(v) = self.timeout {
            b = b.timeout(secs(v, "timeout")?);
        }
        if let Some(v) = self.connect_timeout {
            b = b.connect_timeout(secs(v, "connect_timeout")?);
        }
        if self.max_attempts.is_some() || self.max_elapsed.is_some() {
            let mut policy = RetryPolicy::default();
            if let Some(n) = self.max_attempts {
                policy.max_attempts = n;
            }
            if let Some(v) = self.max_elapsed {
                policy.max_elapsed = secs(v, "max_elapsed")?;
            }
            b = b.retry(policy);
        }
        if let Some(v) = &self.proxy {
            b = b.proxy(v.as_str());
        }
        for pem in &self.root_certificates {
            b = b.root_certificate_pem(pem.as_bytes());
        }
        if self.only_given_roots {
            b = b.only_given_roots();
        }
        match (&self.client_certificate, &self.client_key) {
            (Some(cert), Some(key)) => b = b.identity_pem(cert.as_bytes(), key.as_bytes()),
            (None, None) => {}
            _ => return Err(errors::argument("mutual TLS needs client_certificate and client_key")),
        }
        if let Some(v) = &self.correlation_id {
            b = b.correlation_id(v.as_str());
        }
        if self.json_body {
            b = b.json_body();
        }
        for (name, value) in &self.headers {
            b = b.header(name.as_str(), value.as_str());
        }
        if self.insecure_transport {
            b = b.insecure_transport();
        }
        if let Some(v) = self.refresh_margin {
            b = b.refresh_margin(secs(v, "refresh_margin")?);
        }
        Ok(b)
    }
}

fn headers_of(headers: Option<&Bound<'_, PyMapping>>) -> PyResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    if let Some(map) = headers {
        for item in map.items()?.iter() {
            out.push(item.extract::<(String, String)>()?);
        }
    }
    Ok(out)
}

macro_rules! settings_from_args {
    ($scope:ident, $timeout:ident, $connect_timeout:ident, $max_attempts:ident, $max_elapsed:ident, $proxy:ident,
     $root_certificates:ident, $only_given_roots:ident, $client_certificate:ident, $client_key:ident,
     $correlation_id:ident, $json_body:ident, $headers:ident, $insecure_transport:ident, $refresh_margin:ident) => {
        Settings {
            scope: $scope,
            timeout: $timeout,
            connect_timeout: $connect_timeout,
            max_attempts: $max_attempts,
            max_elapsed: $max_elapsed,
            proxy: $proxy,
            root_certificates: $root_certificates.unwrap_or_default(),
            only_given_roots: $only_given_roots,
            client_certificate: $client_certificate,
            client_key: $client_key,
            correlation_id: $correlation_id,
            json_body: $json_body,
            headers: headers_of($headers)?,
            insecure_transport: $insecure_transport,
            refresh_margin: $refresh_margin,
        }
    };
}

/// A synchronous token client, safe to share between threads: one cache and one request in
/// flight per client (threads asking at once wait for the same answer). The GIL is released
/// while it waits.
#[pyclass(frozen, module = "bearerkit", name = "TokenClient")]
pub(crate) struct PyTokenClient {
    client: bearerkit_client::blocking::TokenClient,
}

#[pymethods]
impl PyTokenClient {
    #[new]
    #[pyo3(signature = (url, auth, *, scope=None, timeout=None, connect_timeout=None, max_attempts=None, max_elapsed=None, proxy=None, root_certificates=None, only_given_roots=false, client_certificate=None, client_key=None, correlation_id=None, json_body=false, headers=None, insecure_transport=false, refresh_margin=None))]
    #[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
    fn new(
        py: Python<'_>,
        url: &str,
        auth: &Bound<'_, PyAny>,
        scope: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_attempts: Option<u32>,
        max_elapsed: Option<f64>,
        proxy: Option<String>,
        root_certificates: Option<Vec<String>>,
        only_given_roots: bool,
        client_certificate: Option<String>,
        client_key: Option<String>,
        correlation_id: Option<String>,
        json_body: bool,
        headers: Option<&Bound<'_, PyMapping>>,
        insecure_transport: bool,
        refresh_margin: Option<f64>,
    ) -> PyResult<Self> {
        let settings = settings_from_args!(
            scope,
            timeout,
            connect_timeout,
            max_attempts,
            max_elapsed,
            proxy,
            root_certificates,
            only_given_roots,
            client_certificate,
            client_key,
            correlation_id,
            json_body,
            headers,
            insecure_transport,
            refresh_margin
        );
        let builder = settings.builder(url, flow_of(auth)?)?;
        let client = py.detach(|| builder.build_blocking()).map_err(|e| errors::client(py, &e))?;
        Ok(Self { client })
    }

    /// A valid access token: the cached one while it is fresh, else a new one from the
    /// token endpoint (retried per the policy). Raises `OAuthError` for an RFC 6749 error,
    /// `TransportError`, `RateLimited` or `ConfigError`.
    fn token(&self, py: Python<'_>) -> PyResult<PyToken> {
        let client = self.client.clone();
        py.detach(move || client.token()).map(|token| PyToken { token }).map_err(|e| errors::client(py, &e))
    }

    /// Forget the cached token (for example after a resource server answered 401).
    fn invalidate(&self) {
        self.client.invalidate();
    }

    fn __repr__(&self) -> String {
        format!("TokenClient({:?})", self.client.as_async().spec().endpoint())
    }
}

/// The asyncio token client: `await client.token()`. Concurrent awaits share one request and
/// one cache.
#[pyclass(frozen, module = "bearerkit", name = "AsyncTokenClient")]
pub(crate) struct PyAsyncTokenClient {
    client: bearerkit_client::TokenClient,
}

#[pymethods]
impl PyAsyncTokenClient {
    #[new]
    #[pyo3(signature = (url, auth, *, scope=None, timeout=None, connect_timeout=None, max_attempts=None, max_elapsed=None, proxy=None, root_certificates=None, only_given_roots=false, client_certificate=None, client_key=None, correlation_id=None, json_body=false, headers=None, insecure_transport=false, refresh_margin=None))]
    #[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
    fn new(
        py: Python<'_>,
        url: &str,
        auth: &Bound<'_, PyAny>,
        scope: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        max_attempts: Option<u32>,
        max_elapsed: Option<f64>,
        proxy: Option<String>,
        root_certificates: Option<Vec<String>>,
        only_given_roots: bool,
        client_certificate: Option<String>,
        client_key: Option<String>,
        correlation_id: Option<String>,
        json_body: bool,
        headers: Option<&Bound<'_, PyMapping>>,
        insecure_transport: bool,
        refresh_margin: Option<f64>,
    ) -> PyResult<Self> {
        let settings = settings_from_args!(
            scope,
            timeout,
            connect_timeout,
            max_attempts,
            max_elapsed,
            proxy,
            root_certificates,
            only_given_roots,
            client_certificate,
            client_key,
            correlation_id,
            json_body,
            headers,
            insecure_transport,
            refresh_margin
        );
        let builder = settings.builder(url, flow_of(auth)?)?;
        // The client's HTTP stack lives on pyo3-async-runtimes' tokio runtime.
        let _guard = pyo3_async_runtimes::tokio::get_runtime().enter();
        let client = builder.build().map_err(|e| errors::client(py, &e))?;
        Ok(Self { client })
    }

    /// `await client.token()`: a valid access token, cached or fetched (errors as for
    /// `TokenClient.token`).
    fn token<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client.clone();
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            match client.token().await {
                Ok(token) => Ok(PyToken { token }),
                Err(e) => Err(Python::attach(|py| errors::client(py, &e))),
            }
        })
    }

    /// Forget the cached token.
    fn invalidate(&self) {
        self.client.invalidate();
    }

    fn __repr__(&self) -> String {
        format!("AsyncTokenClient({:?})", self.client.spec().endpoint())
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyD1Grant>()?;
    m.add_class::<PyClientSecret>()?;
    m.add_class::<PyPrivateKeyJwt>()?;
    m.add_class::<PyToken>()?;
    m.add_class::<PyTokenClient>()?;
    m.add_class::<PyAsyncTokenClient>()?;
    Ok(())
}
