//! Mutual TLS for real: bearerkit-server on HTTPS requiring client certificates from a
//! test CA (rcgen), the client with and without its certificate.

use crate::common::*;
use bearerkit_client::{RetryPolicy, TokenClient};
use bearerkit_server::TlsConfig;
use bearerkit_testkit::Pki;

#[tokio::test]
async fn mtls_succeeds_with_the_client_certificate_and_fails_without() {
    let pki = Pki::new();
    let tls = TlsConfig::new(pki.server_cert_pem.clone(), pki.server_key_pem.clone())
        .require_client_certificates(pki.ca_pem.clone());
    let f = start_with(|c| c.with_tls(tls)).await;
    let url = f.server.d1_token_url();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");

    let with_cert = f
        .d1()
        .identity_pem(pki.client_cert_pem.as_bytes(), pki.client_key_pem.as_bytes())
        .root_certificate_pem(pki.ca_pem.as_bytes())
        .only_given_roots()
        .build()
        .unwrap();
    let token = with_cert.token().await.unwrap();
    assert!(!token.expose().is_empty());
    assert_eq!(f.server.request_count(), 1);

    // The same, trusting the CA in addition to the platform roots.
    let merged = f
        .kc_secret_post()
        .identity_pem(pki.client_cert_pem.as_bytes(), pki.client_key_pem.as_bytes())
        .root_certificate_pem(pki.ca_pem.as_bytes())
        .build()
        .unwrap();
    merged.token().await.unwrap();

    // No client certificate: the handshake is refused, a TLS error (not retried); no request
    // reached the app.
    let without = f
        .d1()
        .root_certificate_pem(pki.ca_pem.as_bytes())
        .only_given_roots()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = without.token().await.unwrap_err();
    assert_eq!(e.code(), "tls", "{e}");
    // A certificate from another CA is refused the same way.
    let other = Pki::new();
    let stranger = f
        .d1()
        .identity_pem(other.client_cert_pem.as_bytes(), other.client_key_pem.as_bytes())
        .root_certificate_pem(pki.ca_pem.as_bytes())
        .only_given_roots()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(stranger.token().await.unwrap_err().code(), "tls");
    // A client that does not trust the server's CA refuses the server.
    let untrusting = f
        .d1()
        .identity_pem(pki.client_cert_pem.as_bytes(), pki.client_key_pem.as_bytes())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(untrusting.token().await.unwrap_err().code(), "tls");
    assert_eq!(f.server.request_count(), 2);
}

#[test]
fn bad_identity_pem_is_a_config_error() {
    let e =
        TokenClient::builder("https://127.0.0.1:1/t", bearerkit_client::ClientAuth::secret_basic("a", "b"))
            .identity_pem(b"not a certificate", b"not a key")
            .build()
            .unwrap_err();
    assert_eq!(e.code(), "invalid_config");
}
