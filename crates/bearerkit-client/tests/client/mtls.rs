//! Mutual TLS for real: bearerkit-server on HTTPS requiring client certificates from a
//! test CA (rcgen), the client with and without its certificate.

use crate::common::*;
use bearerkit_client::{RetryPolicy, TokenClient};
use bearerkit_server::TlsConfig;

/// A test PKI: a CA, a server leaf for 127.0.0.1, a client leaf.
pub(crate) struct Pki {
    pub(crate) ca_pem: String,
    pub(crate) server_pem: String,
    pub(crate) server_key_pem: String,
    pub(crate) client_pem: String,
    pub(crate) client_key_pem: String,
}

pub(crate) fn pki() -> Pki {
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose, PKCS_ECDSA_P256_SHA256,
    };
    let key = || KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "bearerkit test CA");
    ca.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca = CertifiedIssuer::self_signed(ca, key()).unwrap();
    let server_key = key();
    let mut server = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    server.distinguished_name.push(DnType::CommonName, "127.0.0.1");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server = server.signed_by(&server_key, &ca).unwrap();
    let client_key = key();
    let mut client = CertificateParams::new(Vec::<String>::new()).unwrap();
    client.distinguished_name.push(DnType::CommonName, "MGW_ID");
    client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client = client.signed_by(&client_key, &ca).unwrap();
    Pki {
        ca_pem: ca.pem(),
        server_pem: server.pem(),
        server_key_pem: server_key.serialize_pem(),
        client_pem: client.pem(),
        client_key_pem: client_key.serialize_pem(),
    }
}

#[tokio::test]
async fn mtls_succeeds_with_the_client_certificate_and_fails_without() {
    let pki = pki();
    let tls = TlsConfig::new(pki.server_pem.clone(), pki.server_key_pem.clone())
        .require_client_certificates(pki.ca_pem.clone());
    let f = start_with(|c| c.with_tls(tls)).await;
    let url = f.server.d1_token_url();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");

    let with_cert = f
        .d1()
        .identity_pem(pki.client_pem.as_bytes(), pki.client_key_pem.as_bytes())
        .root_certificate_pem(pki.ca_pem.as_bytes())
        .only_given_roots()
        .build()
        .unwrap();
    let token = with_cert.token().await.unwrap();
    assert!(!token.secret().is_empty());
    assert_eq!(f.server.request_count(), 1);

    // The same, trusting the CA in addition to the platform roots.
    let merged = f
        .kc_secret_post()
        .identity_pem(pki.client_pem.as_bytes(), pki.client_key_pem.as_bytes())
        .root_certificate_pem(pki.ca_pem.as_bytes())
        .build()
        .unwrap();
    merged.token().await.unwrap();

    // No client certificate: the handshake is refused, a transport error; no request reached the app.
    let without = f
        .d1()
        .root_certificate_pem(pki.ca_pem.as_bytes())
        .only_given_roots()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let e = without.token().await.unwrap_err();
    assert_eq!(e.code(), "transport", "{e}");
    // A certificate from another CA is refused the same way.
    let other = self::pki();
    let stranger = f
        .d1()
        .identity_pem(other.client_pem.as_bytes(), other.client_key_pem.as_bytes())
        .root_certificate_pem(pki.ca_pem.as_bytes())
        .only_given_roots()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(stranger.token().await.unwrap_err().code(), "transport");
    // A client that does not trust the server's CA refuses the server.
    let untrusting = f
        .d1()
        .identity_pem(pki.client_pem.as_bytes(), pki.client_key_pem.as_bytes())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(untrusting.token().await.unwrap_err().code(), "transport");
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
