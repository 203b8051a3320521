//! The one transport: reqwest on rustls (ring), no redirects, bounded bodies.

use crate::Error;
use crate::error::ErrorKind;
use core::time::Duration;

/// Largest response body the client reads: 256 KiB. A token response is a few KiB at
/// most; an answer whose `Content-Length` is larger is refused before its body is read, and
/// one without a length (chunked) when the read reaches the limit: either way a
/// `response_too_large` error ([`ErrorKind::ResponseTooLarge`]), never a truncated body.
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024;

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
    /// Whether a client certificate is configured (for the messages of TLS errors).
    mtls: bool,
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
            refuse_v1_certificates(pem)?;
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
        Ok(Self { client, mtls: tls.identity_pem.is_some() })
    }

    /// Send one request; read at most [`MAX_RESPONSE_BYTES`] of the body.
    ///
    /// # Errors
    /// [`ErrorKind::ResponseTooLarge`] when the body is (or says it is) larger; a transport,
    /// TLS or timeout error when the exchange fails.
    pub(crate) async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let request = reqwest::Request::try_from(request).map_err(|_| Error::config("token endpoint URL"))?;
        let map_error = |e| map_error(e, self.mtls);
        let mut response = self.client.execute(request).await.map_err(map_error)?;
        let status = response.status();
        let too_large = |declared: Option<u64>, headers: &http::HeaderMap| {
            Error::new(ErrorKind::ResponseTooLarge {
                status: status.as_u16(),
                content_type: crate::response::content_type(headers),
                declared,
                limit: MAX_RESPONSE_BYTES,
            })
        };
        let declared = response.content_length();
        if declared.is_some_and(|n| u64::try_from(MAX_RESPONSE_BYTES).is_ok_and(|max| n > max)) {
            // Dropping the response closes the connection: nothing more is read.
            return Err(too_large(declared, response.headers()));
        }
        let mut builder = http::Response::builder().status(status).version(response.version());
        if let Some(headers) = builder.headers_mut() {
            *headers = core::mem::take(response.headers_mut());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(map_error)? {
            if chunk.len() > MAX_RESPONSE_BYTES.saturating_sub(body.len()) {
                return Err(too_large(declared, builder.headers_ref().unwrap_or(&http::HeaderMap::new())));
            }
            body.extend_from_slice(&chunk);
        }
        builder.body(body).map_err(|_| Error::transport("bad response head"))
    }
}

/// Refuse an identity whose certificates include an X.509 v1 one (as `openssl x509 -req`
/// makes without `-extfile`): rustls (webpki) only takes v3 certificates, and the server
/// would refuse the handshake with an alert that names neither the certificate nor the fix.
/// Certificates that do not parse are left to the TLS library's own check.
fn refuse_v1_certificates(pem: &[u8]) -> Result<(), Error> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    use x509_cert::der::Decode;
    for (i, der) in CertificateDer::pem_slice_iter(pem).enumerate() {
        let Ok(der) = der else { break };
        let Ok(cert) = x509_cert::Certificate::from_der(&der) else { continue };
        if cert.tbs_certificate().version() == x509_cert::certificate::Version::V1 {
            let which = if i == 0 {
                "the client certificate".to_owned()
            } else {
                format!("certificate #{} of the client certificate chain", i + 1)
            };
            return Err(Error::config(format!(
                "{which} (identity_pem) is X.509 v1; rustls needs v3: issue it with extensions, e.g. \
                 `openssl x509 -req ... -extfile client.ext` with `extendedKeyUsage = clientAuth` in \
                 client.ext (without -extfile, openssl makes a v1 certificate)"
            )));
        }
    }
    Ok(())
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

/// The reqwest error as a timeout, a permanent TLS failure or a transport error, kept as
/// the error's source. `mtls`: whether a client certificate is configured.
fn map_error(e: reqwest::Error, mtls: bool) -> Error {
    let error = if e.is_timeout() {
        Error::new(ErrorKind::Timeout)
    } else if let Some(message) = find_rustls_error(&e).and_then(|tls| permanent_tls(tls, mtls)) {
        Error::new(ErrorKind::Tls { message: format!("{message} ({})", chain(&e)) })
    } else {
        Error::transport(chain(&e))
    };
    error.with_source(e)
}

/// The `rustls::Error` in `e`'s chain of sources, looking inside `io::Error`s too (whose
/// `source()` skips the error they wrap).
fn find_rustls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut next = Some(e);
    // Bounded: a cyclic chain cannot loop forever.
    for _ in 0..32 {
        let current = next?;
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(inner) = current.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
            let inner: &(dyn std::error::Error + 'static) = inner;
            if let Some(tls) = find_rustls_error(inner) {
                return Some(tls);
            }
        }
        next = current.source();
    }
    None
}

/// What a TLS failure that retrying cannot fix means, with the fix where there is one;
/// `None` for the failures that may pass (a broken connection, a decode error).
fn permanent_tls(e: &rustls::Error, mtls: bool) -> Option<String> {
    use rustls::{AlertDescription as A, CertificateError as C};
    let server_cert = |what: &str| format!("the server's certificate {what}");
    Some(match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => server_cert(
                "is not trusted: unknown issuer (trust its CA with root_certificate_pem, or check \
                 the endpoint URL)",
            ),
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                server_cert("is not valid for the endpoint's host name")
            }
            C::Expired | C::ExpiredContext { .. } => server_cert("has expired"),
            C::NotValidYet | C::NotValidYetContext { .. } => server_cert("is not valid yet"),
            C::Revoked => server_cert("is revoked"),
            C::BadSignature => server_cert("has a bad signature"),
            C::BadEncoding => server_cert("is malformed"),
            C::InvalidPurpose | C::InvalidPurposeContext { .. } => {
                server_cert("is not for server authentication (extended key usage)")
            }
            C::Other(other) if format!("{other:?}").contains("UnsupportedCertVersion") => {
                server_cert("is X.509 v1; rustls needs v3")
            }
            other => server_cert(&format!("is refused: {other}")),
        },
        rustls::Error::NoCertificatesPresented => "the server presented no certificate".to_owned(),
        rustls::Error::AlertReceived(alert) => match alert {
            A::CertificateRequired if !mtls => "the server requires a client certificate (mutual TLS) and \
                                                none is configured: set identity_pem"
                .to_owned(),
            A::BadCertificate
            | A::UnsupportedCertificate
            | A::CertificateRevoked
            | A::CertificateExpired
            | A::CertificateUnknown
            | A::UnknownCA
            | A::AccessDenied
            | A::CertificateRequired => {
                if mtls {
                    format!(
                        "the server refused the client certificate (TLS alert {alert:?}): check that \
                         it is issued by a CA the server trusts, is current, and is X.509 v3 with \
                         extendedKeyUsage clientAuth"
                    )
                } else {
                    format!(
                        "the server refused the handshake (TLS alert {alert:?}); no client \
                         certificate is configured: if the server requires mutual TLS, set identity_pem"
                    )
                }
            }
            // Sent by a server whose check of the client's certificate chain or of its
            // proof of the private key failed (a chain signed by another CA of the same
            // name, a key that does not match the certificate).
            A::DecryptError if mtls => "the server refused the client certificate (TLS alert \
                                        DecryptError): check that it is issued by a CA the server \
                                        trusts and that the private key is the certificate's"
                .to_owned(),
            A::HandshakeFailure | A::ProtocolVersion | A::InsufficientSecurity => format!(
                "the server refused the TLS handshake (alert {alert:?}): no common protocol version \
                 or cipher suite{}",
                if mtls { "" } else { ", or it requires a client certificate (set identity_pem)" }
            ),
            _ => return None,
        },
        rustls::Error::PeerIncompatible(why) => {
            format!("the server's TLS is incompatible with this client: {why:?}")
        }
        _ => return None,
    })
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
