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
    /// `proxy`: the one proxy for every request, or none. Never a proxy from the
    /// environment or the system settings (see `TokenClientBuilder::proxy`).
    pub(crate) fn new(
        tls: &Tls,
        proxy: Option<&str>,
        timeout: Duration,
        connect_timeout: Duration,
    ) -> Result<Self, Error> {
        install_crypto_provider();
        let mut b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(connect_timeout)
            // No proxy from the environment or the system, ever (see `TokenClientBuilder::proxy`).
            .no_proxy();
        if let Some(url) = proxy {
            b = b.proxy(parse_proxy(url)?);
        }
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

/// An `http://` or `https://` proxy URL as reqwest's proxy for all requests (credentials in
/// the URL become `Proxy-Authorization: Basic`).
fn parse_proxy(url: &str) -> Result<reqwest::Proxy, Error> {
    let bad = |why: &str| Error::config(format!("proxy URL {}: {why}", redact_url(url)));
    // `url`'s errors name what is wrong, never the input.
    let parsed = reqwest::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") || !parsed.has_host() {
        return Err(bad("must be http://host:port or https://host:port"));
    }
    reqwest::Proxy::all(parsed).map_err(|_| bad("not usable as a proxy"))
}

/// A URL for messages and `Debug`: `scheme://host[:port]`, with any user info (and an
/// unparseable port, which may be a password without its `@`) as `[redacted]` and the
/// path and query left out; `[not shown]` without a plain `scheme://`.
pub(crate) fn redact_url(url: &str) -> String {
    let hidden = || "[not shown]".to_owned();
    let Some((scheme, rest)) = url.split_once("://") else { return hidden() };
    if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
        return hidden();
    }
    // The host is after the last `@` anywhere (a password may hold `/`, `?` or `#`).
    let (userinfo, host) = match rest.rsplit_once('@') {
        Some((_, host)) => (true, host),
        None => (false, rest),
    };
    let host = host.split(['/', '?', '#']).next().unwrap_or_default();
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !port.contains(']') => (name, Some(port)),
        _ => (host, None),
    };
    let mut out = format!("{scheme}://");
    if userinfo {
        out.push_str("[redacted]@");
    }
    out.push_str(name);
    match port {
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            out.push(':');
            out.push_str(p);
        }
        Some(_) => out.push_str(":[redacted]"),
        None => {}
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_urls_show_scheme_host_and_port_only() {
        for (url, shown) in [
            ("http://proxy.corp:3128", "http://proxy.corp:3128"),
            ("http://proxy.corp:3128/", "http://proxy.corp:3128"),
            ("https://u:pw-secret@proxy.corp:3128/p?q=x", "https://[redacted]@proxy.corp:3128"),
            ("http://u:pw/sec?re#t@proxy.corp", "http://[redacted]@proxy.corp"),
            ("http://u:p@w@proxy.corp:8080", "http://[redacted]@proxy.corp:8080"),
            ("http://user:pw-secret", "http://user:[redacted]"),
            ("http://[::1]:3128", "http://[::1]:3128"),
            ("http://[::1]", "http://[::1]"),
            ("user:pw-secret@proxy.corp:3128", "[not shown]"),
            ("us@er://proxy", "[not shown]"),
            ("", "[not shown]"),
        ] {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }
}
