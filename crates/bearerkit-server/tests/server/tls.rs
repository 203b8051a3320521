//! HTTPS and mutual TLS (rustls), and JSON bodies on the form-only endpoints when enabled.

use crate::common::*;
use bearerkit_server::{ServerConfig, TlsConfig};
use bearerkit_testkit::Pki;

fn https_client(pki: &Pki, identity: bool) -> reqwest::Client {
    init();
    let ca = reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap();
    let mut b = reqwest::Client::builder().no_proxy().tls_certs_only([ca]);
    if identity {
        b = b.identity(reqwest::Identity::from_pem(pki.client_identity_pem().as_bytes()).unwrap());
    }
    b.build().unwrap()
}

#[tokio::test]
async fn https_and_mutual_tls() {
    let pki = Pki::new();
    // HTTPS without client authentication.
    let tls = TlsConfig::new(pki.server_cert_pem.clone(), pki.server_key_pem.clone());
    let f = start_with(|c| c.with_tls(tls)).await;
    assert!(f.server.base_url().starts_with("https://127.0.0.1:"));
    let r = https_client(&pki, false)
        .post(f.server.d1_token_url())
        .form(&[("grant_type", GRANT), ("assertion", &d1_assertion())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Mutual TLS: a client certificate from the CA is required.
    let tls = TlsConfig::new(pki.server_cert_pem.clone(), pki.server_key_pem.clone())
        .require_client_certificates(pki.ca_pem.clone());
    let f = start_with(|c| c.with_tls(tls)).await;
    let r = https_client(&pki, true)
        .post(f.server.d1_token_url())
        .form(&[("grant_type", GRANT), ("assertion", &d1_assertion())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = https_client(&pki, false)
        .post(f.server.d1_token_url())
        .form(&[("grant_type", GRANT), ("assertion", &d1_assertion())])
        .send()
        .await;
    assert!(r.is_err(), "no client certificate must fail the handshake");
    assert_eq!(f.server.request_count(), 1);
    // The Keycloak audience follows the https base URL.
    assert!(f.server.keycloak_token_url(REALM).starts_with("https://"));
}

/// The TLS handshake follows the header-read timeout: a client that connects and drips the
/// start of a handshake record (never a whole one) is dropped after `header_read_timeout`
/// (2 s here; the idle timeout is 60 s and the old fixed handshake limit was 10 s), without
/// an answer, while other clients complete their handshakes and are served.
#[tokio::test]
async fn a_stalled_tls_handshake_is_dropped_after_the_header_read_timeout() {
    use core::time::Duration;
    use std::time::Instant;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let pki = Pki::new();
    let tls = TlsConfig::new(pki.server_cert_pem.clone(), pki.server_key_pem.clone());
    let f = start_with(|c| c.with_tls(tls).with_header_read_timeout(2).with_idle_timeout(60)).await;
    let client = https_client(&pki, false);
    let started = Instant::now();
    let (mut read, mut write) =
        tokio::net::TcpStream::connect(f.server.local_addr()).await.unwrap().into_split();
    // A handshake record header announcing 512 bytes, then a few of them, one every 300 ms.
    let dripper = tokio::spawn(async move {
        let mut sent = 0;
        for b in [0x16, 0x03, 0x01, 0x02, 0x00].into_iter().chain([0x01; 35]) {
            if write.write_all(&[b]).await.is_err() {
                break;
            }
            sent += 1;
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        // Handed back, not dropped (a FIN would end the handshake early).
        (sent, write)
    });
    let watcher = tokio::spawn(async move {
        let mut rest = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(30), read.read_to_end(&mut rest)).await;
        (closed.is_ok() && rest.is_empty(), started.elapsed())
    });
    let mut served = 0;
    while !watcher.is_finished() && served < 100 {
        let r = client
            .post(f.server.d1_token_url())
            .form(&[("grant_type", GRANT), ("assertion", &d1_assertion())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        served += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (closed, elapsed) = watcher.await.unwrap();
    let (sent, _write) = dripper.await.unwrap();
    assert!(closed, "the stalled handshake still holds its connection after 30 s, or got an answer");
    assert!(elapsed >= Duration::from_millis(1500), "dropped before the timeout: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(8), "not dropped at the header-read timeout: {elapsed:?}");
    assert!(sent < 40, "the drip ended before the connection was dropped");
    assert!(served >= 1);
    assert_eq!(f.server.request_count(), served);
}

#[test]
fn tls_config_from_toml_and_refusals() {
    let pki = Pki::new();
    let toml = format!(
        "[tls]\ncertificate_chain = '''\n{}'''\nprivate_key = '''\n{}'''\nclient_ca = '''\n{}'''\n",
        pki.server_cert_pem, pki.server_key_pem, pki.ca_pem
    );
    let config = ServerConfig::from_toml_str(&toml).unwrap();
    assert!(config.tls.is_some());
    assert!(!format!("{config:?}").contains(pki.server_key_pem.trim()), "the private key never prints");
    let bad = ServerConfig::default().with_tls(TlsConfig::new("nope", "nope"));
    assert!(bad.validate().unwrap_err().to_string().contains("tls"));
    let bad = ServerConfig::default().with_tls(
        TlsConfig::new(pki.server_cert_pem.clone(), pki.server_key_pem.clone())
            .require_client_certificates("x"),
    );
    assert!(bad.validate().is_err());
}

#[tokio::test]
async fn json_bodies_on_the_form_endpoints_when_enabled() {
    let f = start_with(|c| c.with_json_bodies(true)).await;
    let r = f
        .http
        .post(f.server.outbound_token_url())
        .basic_auth(OUT_CLIENT, Some(OUT_SECRET))
        .json(&serde_json::json!({ "grant_type": "client_credentials", "scope": "cards" }))
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await.0, 200);
    let r = f
        .http
        .post(f.server.keycloak_token_url(REALM))
        .json(&serde_json::json!({ "grant_type": "client_credentials", "client_id": KC_SECRET_CLIENT, "client_secret": KC_SECRET }))
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await.0, 200);
}
