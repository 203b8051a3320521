//! Plain `http://` only to loopback hosts; permanent TLS failures are typed `tls` and
//! never retried; an X.509 v1 client certificate is refused at build time.

use crate::common::*;
use bearerkit_client::{ClientAuth, D1Grant, TokenClient};
use bearerkit_server::TlsConfig;
use bearerkit_testkit::Pki;

#[test]
fn plain_http_is_only_for_loopback_unless_explicitly_allowed() {
    let builder = |url: &str| TokenClient::builder(url, ClientAuth::secret_basic("id", "basic-secret-1"));
    for url in [
        "http://localhost/t",
        "http://LocalHost:8080/t",
        "http://127.0.0.1:1/t",
        "http://127.200.3.4/t",
        "http://[::1]:8080/t",
        "https://token.example/t",
        "https://10.0.0.1/t",
    ] {
        builder(url).build().unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    for (url, shown) in [
        ("http://token.example:8080/oauth2/token?client_secret=q-secret", "http://token.example:8080"),
        ("http://10.0.0.1/t", "http://10.0.0.1"),
        ("http://0.0.0.0:1/t", "http://0.0.0.0:1"),
        ("http://[::2]/t", "http://[::2]"),
        ("http://localhost.example/t", "http://localhost.example"),
        ("http://128.0.0.1/t", "http://128.0.0.1"),
    ] {
        let e = builder(url).build().unwrap_err();
        assert_eq!(e.code(), "invalid_config", "{url}: {e}");
        let message = e.to_string();
        assert!(message.contains(&format!("token endpoint {shown}: plain http://")), "{message}");
        assert!(message.contains("loopback") && message.contains("insecure_transport()"), "{message}");
        let printed = format!("{e} {e:?}");
        assert!(!printed.contains("q-secret") && !printed.contains("basic-secret-1"), "{printed}");
        // Allowed when asked for by name.
        builder(url).insecure_transport().build().unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    assert!(format!("{:?}", builder("http://x/").insecure_transport()).contains("insecure_transport: true"));
}

/// `url` with the server's address replaced by the relay's.
fn via(f: &Fixture, relay: &Relay, url: &str) -> String {
    url.replace(&f.server.local_addr().to_string(), &relay.addr.to_string())
}

fn d1_builder(url: &str) -> bearerkit_client::TokenClientBuilder {
    TokenClient::builder(url, D1Grant::new(ISSUER, bearerkit::profile::d1::Env::Production, KID, d1_key()))
        .retry(quick_retries())
}

#[tokio::test]
async fn an_untrusted_server_certificate_is_a_tls_error_after_one_connection() {
    let pki = Pki::new();
    let f =
        start_with(|c| c.with_tls(TlsConfig::new(pki.server_cert_pem.clone(), pki.server_key_pem.clone())))
            .await;
    let relay = Relay::start(f.server.local_addr()).await;
    let url = via(&f, &relay, &f.server.d1_token_url());
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    // Three attempts allowed; the test CA is not trusted.
    let e = d1_builder(&url).build().unwrap().token().await.unwrap_err();
    assert_eq!((e.code(), e.attempts()), ("tls", 1), "{e}");
    assert!(!e.is_retryable());
    let message = e.to_string();
    assert!(message.contains("not trusted: unknown issuer"), "{message}");
    assert!(message.contains("root_certificate_pem"), "{message}");
    let source = std::error::Error::source(&e).expect("the HTTP client's error");
    assert!(source.downcast_ref::<reqwest::Error>().is_some(), "{source:?}");
    assert_eq!(relay.connections(), 1, "the handshake was tried once");
    assert_eq!(f.server.request_count(), 0);
    // Trusting the CA, the same endpoint answers.
    d1_builder(&url).root_certificate_pem(pki.ca_pem.as_bytes()).build().unwrap().token().await.unwrap();
}

#[tokio::test]
async fn a_refused_or_missing_client_certificate_is_a_tls_error_after_one_connection() {
    let pki = Pki::new();
    let tls = TlsConfig::new(pki.server_cert_pem.clone(), pki.server_key_pem.clone())
        .require_client_certificates(pki.ca_pem.clone());
    let f = start_with(|c| c.with_tls(tls)).await;
    let relay = Relay::start(f.server.local_addr()).await;
    let url = via(&f, &relay, &f.server.d1_token_url());
    let trusting = || d1_builder(&url).root_certificate_pem(pki.ca_pem.as_bytes()).only_given_roots();
    // No client certificate.
    let e = trusting().build().unwrap().token().await.unwrap_err();
    assert_eq!((e.code(), e.attempts()), ("tls", 1), "{e}");
    assert!(e.to_string().contains("set identity_pem"), "{e}");
    assert_eq!(relay.connections(), 1);
    // A certificate from another CA.
    let other = Pki::new();
    let e = trusting()
        .identity_pem(other.client_cert_pem.as_bytes(), other.client_key_pem.as_bytes())
        .build()
        .unwrap()
        .token()
        .await
        .unwrap_err();
    assert_eq!((e.code(), e.attempts()), ("tls", 1), "{e}");
    assert!(e.to_string().contains("the server refused the client certificate"), "{e}");
    assert_eq!(relay.connections(), 2);
    assert_eq!(f.server.request_count(), 0);
}

/// (tag, header length, content length) of the DER element at the start of `der`.
fn tlv(der: &[u8]) -> (u8, usize, usize) {
    let first = usize::from(der[1]);
    if first < 0x80 {
        return (der[0], 2, first);
    }
    let n = first & 0x7f;
    let len = der[2..2 + n].iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    (der[0], 2 + n, len)
}

/// The elements of a DER sequence's contents.
fn elements(mut content: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (_, header, len) = tlv(content);
        out.push(&content[..header + len]);
        content = &content[header + len..];
    }
    out
}

fn encode(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().into_iter().skip_while(|b| *b == 0).collect();
        out.push(0x80 | u8::try_from(bytes.len()).unwrap());
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// The self-signed certificate made over as X.509 v1, the way `openssl x509 -req` without
/// `-extfile` makes one: no version field, no extensions, signed again by its own key.
fn v1_certificate(cert: &SelfSigned) -> String {
    use base64ct::Encoding as _;
    use bearerkit::signature::Signer as _;
    let (_, header, len) = tlv(&cert.cert_der);
    let parts = elements(&cert.cert_der[header..header + len]);
    let (_, tbs_header, tbs_len) = tlv(parts[0]);
    let fields = elements(&parts[0][tbs_header..tbs_header + tbs_len]);
    assert_eq!((fields[0][0], fields.last().unwrap()[0]), (0xa0, 0xa3), "version and extensions");
    let tbs = encode(0x30, &fields[1..fields.len() - 1].concat());
    let signature: bearerkit::p256::ecdsa::Signature = cert.signing_key.sign(&tbs);
    let mut bits = vec![0u8];
    bits.extend_from_slice(signature.to_der().as_bytes());
    let der = encode(0x30, &[tbs.as_slice(), parts[1], &encode(0x03, &bits)].concat());
    let b64 = base64ct::Base64::encode_string(&der);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| core::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", lines.join("\n"))
}

#[test]
fn an_x509_v1_client_certificate_is_refused_at_build_time_with_the_fix() {
    let cert = SelfSigned::new("v1-client");
    let v1 = v1_certificate(&cert);
    let builder = || TokenClient::builder("https://127.0.0.1:1/t", ClientAuth::secret_basic("a", "b"));
    let e = builder().identity_pem(v1.as_bytes(), cert.key_pem.as_bytes()).build().unwrap_err();
    assert_eq!(e.code(), "invalid_config", "{e}");
    let message = e.to_string();
    assert!(
        message.contains("the client certificate (identity_pem) is X.509 v1; rustls needs v3"),
        "{message}"
    );
    assert!(message.contains("-extfile"), "{message}");
    assert!(!message.contains("PRIVATE KEY"), "{message}");
    // The same certificate as v3 (as rcgen made it) is fine; so is a v1 one placed second
    // in the chain reported by its position.
    builder().identity_pem(cert.cert_pem.as_bytes(), cert.key_pem.as_bytes()).build().unwrap();
    let chain = format!("{}{v1}", cert.cert_pem);
    let e = builder().identity_pem(chain.as_bytes(), cert.key_pem.as_bytes()).build().unwrap_err();
    assert!(e.to_string().contains("certificate #2 of the client certificate chain"), "{e}");
}
