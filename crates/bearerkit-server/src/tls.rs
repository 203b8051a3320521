//! HTTPS and mutual TLS (rustls with the ring provider).

use crate::{ConfigError, Secret};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde::Deserialize;
use std::sync::Arc;

/// Serve HTTPS: the server certificate chain and key, and optionally the CAs whose client
/// certificates are required (mutual TLS, as the D1 documents require).
///
/// In TOML, under `[tls]`: `certificate_chain` (PEM text), `private_key` (PEM text:
/// PKCS#8, SEC1 or PKCS#1), `client_ca` (PEM text; when set, every connection must present
/// a client certificate issued by one of these CAs).
///
/// A handshake not finished within the configuration's `header_read_timeout_secs` (default
/// 10 s) drops the connection.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// The server certificate chain, leaf first (PEM). Must be a CA-issued leaf: rustls
    /// clients refuse a self-signed `CA:TRUE` certificate as an end entity.
    pub certificate_chain: String,
    /// The server's private key (PEM).
    pub private_key: Secret,
    /// CA certificates (PEM) that issue acceptable client certificates; `None` serves
    /// HTTPS without asking for one.
    #[serde(default)]
    pub client_ca: Option<String>,
}

impl TlsConfig {
    /// HTTPS with this certificate chain and key (PEM).
    #[must_use]
    pub fn new(certificate_chain: impl Into<String>, private_key: impl Into<Secret>) -> Self {
        Self { certificate_chain: certificate_chain.into(), private_key: private_key.into(), client_ca: None }
    }

    /// Require a client certificate issued by one of the CAs in `ca_pem` (mutual TLS).
    #[must_use]
    pub fn require_client_certificates(mut self, ca_pem: impl Into<String>) -> Self {
        self.client_ca = Some(ca_pem.into());
        self
    }

    /// The rustls server configuration (ring provider, TLS 1.2 and 1.3, ALPN `http/1.1`).
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] (field `tls`) for unreadable PEM or a key that does not
    /// match.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, ConfigError> {
        let bad = |reason: String| ConfigError::Invalid { field: "tls", reason };
        let chain: Vec<CertificateDer<'static>> =
            CertificateDer::pem_slice_iter(self.certificate_chain.as_bytes())
                .collect::<Result<_, _>>()
                .map_err(|e| bad(format!("certificate_chain: {e}")))?;
        if chain.is_empty() {
            return Err(bad("certificate_chain holds no CERTIFICATE".to_owned()));
        }
        let key = PrivateKeyDer::from_pem_slice(self.private_key.expose().as_bytes())
            .map_err(|_| bad("private_key: no usable PEM private key".to_owned()))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| bad(e.to_string()))?;
        let builder = match &self.client_ca {
            None => builder.with_no_client_auth(),
            Some(pem) => {
                let mut roots = rustls::RootCertStore::empty();
                for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                    let cert = cert.map_err(|e| bad(format!("client_ca: {e}")))?;
                    roots.add(cert).map_err(|e| bad(format!("client_ca: {e}")))?;
                }
                if roots.is_empty() {
                    return Err(bad("client_ca holds no CERTIFICATE".to_owned()));
                }
                let verifier =
                    rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                        .build()
                        .map_err(|e| bad(format!("client_ca: {e}")))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut config =
            builder.with_single_cert(chain, key).map_err(|e| bad(format!("certificate: {e}")))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}
