//! Shared fixtures: keys, a certificate, a configured server on 127.0.0.1:0, an HTTP client.

use bearerkit::profile::{client_assertion, d1};
use bearerkit::{Assertion, SigningKey};
use bearerkit_server::{BasicClient, D1Env, D1Issuer, Realm, RealmClient, RunningServer, ServerConfig};
pub(crate) use bearerkit_testkit::SelfSigned;
use core::sync::atomic::{AtomicU64, Ordering};
use serde_json::Value;

pub(crate) const ISSUER: &str = "MGW_ID";
pub(crate) const KID: &str = "k1";
pub(crate) const KID_JWK: &str = "k2-jwk";
pub(crate) const D1_SCOPE: &str = "d1-api:account:full d1-api:consumer:read";
pub(crate) const GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

pub(crate) const OUT_CLIENT: &str = "d1-outbound";
pub(crate) const OUT_SECRET: &str = "outbound-secret";
pub(crate) const OUT_ODD_CLIENT: &str = "odd client";
pub(crate) const OUT_ODD_SECRET: &str = "p@ss:w rd%";
pub(crate) const OUT_NO_GRANT: &str = "no-grant";

pub(crate) const REALM: &str = "example-realm";
pub(crate) const KC_SECRET_CLIENT: &str = "Worldline-000021";
pub(crate) const KC_SECRET: &str = "password123";
pub(crate) const KC_JWT_CLIENT: &str = "5734699";
pub(crate) const KC_NO_GRANT: &str = "no-service-account";

/// The D1 issuer's signing key (a fixed scalar: tests are deterministic).
pub(crate) fn d1_key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32]).unwrap()
}

/// A second D1 key, registered as a JWK under [`KID_JWK`].
pub(crate) fn d1_key_jwk() -> SigningKey {
    SigningKey::from_bytes(&[9u8; 32]).unwrap()
}

/// A key nobody registered.
pub(crate) fn stranger_key() -> SigningKey {
    SigningKey::from_bytes(&[11u8; 32]).unwrap()
}

/// Install the ring provider for rustls (reqwest is built with `rustls-no-provider`).
pub(crate) fn init() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub(crate) fn http() -> reqwest::Client {
    init();
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// The standard configuration: one D1 issuer with two keys, three outbound clients, a
/// realm with a secret client, a certificate client and a client without the grant.
pub(crate) fn config(cert: &SelfSigned) -> ServerConfig {
    let jwk = d1_key_jwk().verifying_key().to_jwk_string();
    ServerConfig::default()
        .with_test_endpoints(true)
        .with_d1_issuer(
            D1Issuer::new(ISSUER, D1Env::Prd)
                .key(KID, d1_key().verifying_key().to_spki_pem_string())
                .key(KID_JWK, jwk)
                .scope(D1_SCOPE),
        )
        .with_outbound_client(BasicClient::new(OUT_CLIENT, OUT_SECRET, ["cards", "notifications"]))
        .with_outbound_client(BasicClient::new(OUT_ODD_CLIENT, OUT_ODD_SECRET, ["cards"]))
        .with_outbound_client(BasicClient {
            client_credentials: false,
            ..BasicClient::new(OUT_NO_GRANT, "x", ["cards"])
        })
        .with_realm(
            Realm::new(REALM)
                .client(RealmClient::new(KC_SECRET_CLIENT).secret(KC_SECRET).scopes(["VOP", "WERO"]))
                .client(
                    RealmClient::new(KC_JWT_CLIENT)
                        .certificate(cert.cert_pem.clone())
                        .scopes(["VOP", "WERO", "IDEAL"]),
                )
                .client(RealmClient {
                    client_credentials: false,
                    ..RealmClient::new(KC_NO_GRANT).secret("x")
                }),
        )
}

pub(crate) struct Fixture {
    pub(crate) server: RunningServer,
    pub(crate) http: reqwest::Client,
    pub(crate) cert: SelfSigned,
}

pub(crate) async fn start() -> Fixture {
    start_with(|c| c).await
}

pub(crate) async fn start_with(edit: impl FnOnce(ServerConfig) -> ServerConfig) -> Fixture {
    let cert = SelfSigned::new("client");
    let server = bearerkit_server::spawn(edit(config(&cert))).await.unwrap();
    assert!(server.local_addr().ip().is_loopback());
    Fixture { server, http: http(), cert }
}

pub(crate) fn now() -> u64 {
    bearerkit::now_unix()
}

/// A fresh, unique `jti`.
pub(crate) fn jti() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!("jti-{}-{}", now(), N.fetch_add(1, Ordering::Relaxed))
}

/// Test strings borrowed by an [`Assertion`] that the caller's closure edits (a few bytes
/// per assertion, for the life of the test process).
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A valid D1 assertion (kid [`KID`], `prd`, 5 minutes, a unique `jti`), changed by `edit`.
pub(crate) fn d1_assertion_with<'c>(edit: impl FnOnce(Assertion<'c>) -> Assertion<'c>) -> String {
    let jti = leak(jti());
    let a = d1::assertion(ISSUER, d1::Env::Production, KID, now()).jwt_id(jti);
    edit(a).sign_to_string(&d1_key()).unwrap()
}

pub(crate) fn d1_assertion() -> String {
    d1_assertion_with(|a| a)
}

/// A valid client assertion for [`KC_JWT_CLIENT`] (aud = the token endpoint, kid = the
/// certificate fingerprint, unique `jti`), changed by `edit`.
pub(crate) fn client_assertion_with<'c>(
    f: &Fixture,
    edit: impl FnOnce(Assertion<'c>) -> Assertion<'c>,
) -> String {
    let (jti, aud, kid) =
        (leak(jti()), leak(f.server.keycloak_token_url(REALM)), leak(f.cert.sha1_fingerprint.clone()));
    let a = client_assertion::assertion(KC_JWT_CLIENT, aud, jti, now()).key_id(kid);
    edit(a).sign_to_string(&f.cert.signing_key).unwrap()
}

pub(crate) fn client_assertion(f: &Fixture) -> String {
    client_assertion_with(f, |a| a)
}

/// POST a D1 form request.
pub(crate) async fn post_d1_form(f: &Fixture, assertion: &str) -> reqwest::Response {
    f.http
        .post(f.server.d1_token_url())
        .form(&[("grant_type", GRANT), ("assertion", assertion)])
        .send()
        .await
        .unwrap()
}

/// POST a Keycloak form.
pub(crate) async fn post_kc(f: &Fixture, form: &[(&str, &str)]) -> reqwest::Response {
    f.http.post(f.server.keycloak_token_url(REALM)).form(form).send().await.unwrap()
}

/// Status and JSON body.
pub(crate) async fn json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}"));
    (status, value)
}

/// Assert an RFC 6749 error response.
pub(crate) async fn assert_error(r: reqwest::Response, status: u16, code: &str) -> String {
    let (got, body) = json(r).await;
    assert_eq!((got, body["error"].as_str()), (status, Some(code)), "{body}");
    let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["error", "error_description"], "{body}");
    body["error_description"].as_str().unwrap().to_owned()
}

/// The member names of a JSON object, in order.
pub(crate) fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

/// Sleep until the Unix clock reads second `t` (at once when it is past).
pub(crate) async fn at_second(t: u64) {
    loop {
        let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
        if since.as_secs() >= t {
            return;
        }
        // Just past the next second boundary.
        let to_next = core::time::Duration::from_nanos(u64::from(1_000_000_000 - since.subsec_nanos()));
        tokio::time::sleep(to_next + core::time::Duration::from_millis(5)).await;
    }
}
