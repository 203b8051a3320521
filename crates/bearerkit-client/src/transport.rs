//! The one transport: reqwest on rustls (ring), no redirects, bounded bodies.

use crate::Error;
use crate::error::ErrorKind;
use core::time::Duration;

/// Largest response body read; the rest is dropped (and the JSON then fails to parse).
pub(crate) const MAX_RESPONSE_BYTES: usize = 256 * 1024;

/// TLS settings: client identity for mutual TLS and extra roots.
#[derive(Clone, Default)]
pub(crate) struct Tls {
    /// Certificate chain then private key, PEM.
    pub(crate) identity_pem: Option<zeroize::Zeroizing<Vec<u8>>>,
    pub(crate) roots_pem: Vec<Vec<u8>>,
    pub(crate) roots_only: bool,
}

/// Install rustls' ring provider as the process default (reqwest is built with
/// `rustls-no-provider`). Idempotent; a provider installed earlier by the application wins.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[derive(Clone, Debug)]
pub(crate) struct Transport {
    client: reqwest::Client,
}

impl Transport {
    pub(crate) fn new(tls: &Tls, timeout: Duration, connect_timeout: Duration) -> Result<Self, Error> {
        install_crypto_provider();
        let mut b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(connect_timeout)
            .no_proxy();
        if let Some(pem) = &tls.identity_pem {
            let id = reqwest::Identity::from_pem(pem).map_err(|_| {
                Error::config("client certificate and key (PEM; the key as PKCS#8, SEC1 or RSA)")
            })?;
            b = b.identity(id);
        }
        let mut roots = Vec::new();
        for pem in &tls.roots_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|_| Error::config("root certificate (PEM)"))?;
            roots.extend(certs);
        }
        if tls.roots_only {
            b = b.tls_certs_only(roots);
        } else if !roots.is_empty() {
            b = b.tls_certs_merge(roots);
        }
        let client = b.build().map_err(|e| Error::config(format!("HTTP client: {}", chain(&e))))?;
        Ok(Self { client })
    }

    /// Send one request; read at most [`MAX_RESPONSE_BYTES`] of the body.
    pub(crate) async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let request = reqwest::Request::try_from(request).map_err(|_| Error::config("token endpoint URL"))?;
        let mut response = self.client.execute(request).await.map_err(map_error)?;
        let mut builder = http::Response::builder().status(response.status()).version(response.version());
        if let Some(headers) = builder.headers_mut() {
            *headers = core::mem::take(response.headers_mut());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(map_error)? {
            let room = MAX_RESPONSE_BYTES.saturating_sub(body.len());
            body.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
            if body.len() >= MAX_RESPONSE_BYTES {
                break;
            }
        }
        builder.body(body).map_err(|_| Error::transport("bad response head"))
    }
}

/// The reqwest error as a timeout or a transport error, kept as the error's source.
fn map_error(e: reqwest::Error) -> Error {
    let error = if e.is_timeout() { Error::new(ErrorKind::Timeout) } else { Error::transport(chain(&e)) };
    error.with_source(e)
}

/// The error and its sources, `: `-separated (URLs only; never a body or header).
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}
