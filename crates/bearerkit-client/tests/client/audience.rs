//! The client assertion's `aud`: one string, the issuer when known (given, derived from a
//! Keycloak-style URL, or discovered), else the token endpoint.

use crate::common::*;
use bearerkit::SigningKey;
use bearerkit_client::{PrivateKeyJwt, RetryPolicy, TokenClient, keycloak_issuer};
use std::sync::{Arc, OnceLock};

const TOKEN_JSON: &str = r#"{"access_token":"at-1","token_type":"Bearer","expires_in":300}"#;
const KC_PATH: &str = "/auth/realms/r1/protocol/openid-connect/token";
const DISCOVERY_PATH: &str = "/auth/realms/r1/.well-known/openid-configuration";

/// The `aud` claim of the `client_assertion` in a recorded form request.
fn sent_aud(request: &str) -> serde_json::Value {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let body = request.split_once("\r\n\r\n").unwrap().1;
    let assertion = form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "client_assertion")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no client_assertion in {request}"));
    let payload = assertion.split('.').nth(1).unwrap();
    let claims: serde_json::Value =
        serde_json::from_slice(&Base64UrlUnpadded::decode_vec(payload).unwrap()).unwrap();
    claims["aud"].clone()
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[9u8; 32]).unwrap()
}

#[tokio::test]
async fn the_local_realm_accepts_the_derived_issuer_sent_as_one_string() {
    let f = start().await;
    let token_url = f.server.keycloak_token_url(REALM);
    let issuer = f.server.keycloak_issuer_url(REALM);
    // The derivation gives exactly the realm's issuer.
    assert_eq!(keycloak_issuer(&token_url).as_deref(), Some(issuer.as_str()));
    let key = SigningKey::from_pem(&f.cert.key_pem).unwrap();
    let auth = PrivateKeyJwt::new(KC_JWT_CLIENT, key).kid_from_certificate_pem(&f.cert.cert_pem).unwrap();
    assert_eq!(auth.audience_for(&token_url), issuer);
    // The default (derived issuer), the issuer given, and the token URL set explicitly all pass.
    for auth in [auth.clone(), auth.clone().issuer(issuer.as_str()), auth.audience(token_url.as_str())] {
        let client = TokenClient::builder(token_url.as_str(), auth).retry(quick_retries()).build().unwrap();
        client.token().await.unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Discovery for real: the local realm serves `.well-known/openid-configuration`, the client
/// reads it, checks its `issuer`, and the realm accepts the assertion sent to that issuer.
#[tokio::test]
async fn discovery_against_the_local_realm() {
    let f = start().await;
    let token_url = f.server.keycloak_token_url(REALM);
    let key = SigningKey::from_pem(&f.cert.key_pem).unwrap();
    let auth = PrivateKeyJwt::new(KC_JWT_CLIENT, key)
        .kid_from_certificate_pem(&f.cert.cert_pem)
        .unwrap()
        .discover_issuer();
    let client = TokenClient::builder(token_url.as_str(), auth).retry(quick_retries()).build().unwrap();
    client.token().await.unwrap_or_else(|e| panic!("{e}"));
    let body = reqwest::get(f.server.keycloak_discovery_url(REALM)).await.unwrap().bytes().await.unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc["issuer"], f.server.keycloak_issuer_url(REALM));
}

#[tokio::test]
async fn the_sent_assertion_carries_the_issuer_as_a_json_string() {
    let ep = Endpoint::start(|_, _| Reply::json(TOKEN_JSON)).await;
    let base = format!("http://{}", ep.addr);
    // Keycloak-style: the derived issuer, prefix and port kept.
    let client =
        TokenClient::builder(format!("{base}{KC_PATH}"), PrivateKeyJwt::new("c1", key())).build().unwrap();
    client.token().await.unwrap();
    // Another URL: the token endpoint.
    let other = format!("{base}/oauth2/token");
    let client = TokenClient::builder(other.as_str(), PrivateKeyJwt::new("c1", key())).build().unwrap();
    client.token().await.unwrap();
    // A given issuer.
    let client = TokenClient::builder(
        other.as_str(),
        PrivateKeyJwt::new("c1", key()).issuer("https://idp.example/t1"),
    )
    .build()
    .unwrap();
    client.token().await.unwrap();
    let auds: Vec<_> = ep.requests().iter().map(|r| sent_aud(r)).collect();
    assert_eq!(
        auds,
        [
            serde_json::Value::String(format!("{base}/auth/realms/r1")),
            serde_json::Value::String(other),
            serde_json::Value::String("https://idp.example/t1".into()),
        ]
    );
}

/// An endpoint that serves a discovery document naming `issuer(base)` and tokens.
async fn discovery_endpoint(issuer: impl Fn(&str) -> String + Send + Sync + 'static) -> (Endpoint, String) {
    let base = Arc::new(OnceLock::<String>::new());
    let seen = base.clone();
    let ep = Endpoint::start(move |_, request| {
        if request.starts_with(&format!("GET {DISCOVERY_PATH} ")) {
            let doc = serde_json::json!({"issuer": issuer(seen.get().unwrap()), "token_endpoint": "x"});
            Reply::json(&doc.to_string())
        } else if request.starts_with("POST ") {
            Reply::json(TOKEN_JSON)
        } else {
            Reply::new("404 Not Found", None, &[], "")
        }
    })
    .await;
    let url = format!("http://{}", ep.addr);
    base.set(url.clone()).unwrap();
    (ep, url)
}

#[tokio::test]
async fn discovery_reads_the_document_once_and_sends_its_issuer() {
    let (ep, base) = discovery_endpoint(|base| format!("{base}/auth/realms/r1")).await;
    let client =
        TokenClient::builder(format!("{base}{KC_PATH}"), PrivateKeyJwt::new("c1", key()).discover_issuer())
            .build()
            .unwrap();
    client.fetch_uncached().await.unwrap();
    client.clone().fetch_uncached().await.unwrap();
    let requests = ep.requests();
    let lines: Vec<_> = requests.iter().map(|r| r.lines().next().unwrap().to_owned()).collect();
    assert_eq!(
        lines,
        [
            format!("GET {DISCOVERY_PATH} HTTP/1.1"),
            format!("POST {KC_PATH} HTTP/1.1"),
            format!("POST {KC_PATH} HTTP/1.1"),
        ],
        "the document is read once for the client's life"
    );
    for r in &requests[1..] {
        assert_eq!(sent_aud(r), serde_json::Value::String(format!("{base}/auth/realms/r1")));
    }
}

#[tokio::test]
async fn a_document_naming_another_issuer_is_refused_and_nothing_is_sent() {
    let (ep, base) = discovery_endpoint(|base| format!("{base}/auth/realms/other")).await;
    let client =
        TokenClient::builder(format!("{base}{KC_PATH}"), PrivateKeyJwt::new("c1", key()).discover_issuer())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
    let e = client.token().await.unwrap_err();
    assert_eq!(e.code(), "invalid_config", "{e}");
    assert!(!e.is_retryable());
    assert!(e.to_string().contains("RFC 8414"), "{e}");
    assert!(e.to_string().contains("/auth/realms/other"), "{e}");
    assert!(ep.requests().iter().all(|r| r.starts_with("GET ")), "no token request was sent");
    // A trailing slash is a different issuer too (identical strings only).
    let (_ep, base) = discovery_endpoint(|base| format!("{base}/auth/realms/r1/")).await;
    let client =
        TokenClient::builder(format!("{base}{KC_PATH}"), PrivateKeyJwt::new("c1", key()).discover_issuer())
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
    assert_eq!(client.token().await.unwrap_err().code(), "invalid_config");
}

#[tokio::test]
async fn discovery_needs_an_issuer_and_a_missing_document_is_unexpected() {
    let e = TokenClient::builder(
        "http://127.0.0.1:1/oauth2/token",
        PrivateKeyJwt::new("c1", key()).discover_issuer(),
    )
    .build()
    .unwrap_err();
    assert_eq!(e.code(), "invalid_config");
    assert!(e.to_string().contains("needs an issuer"), "{e}");
    // Plain http to a host that is not loopback is refused for the issuer too.
    let e = TokenClient::builder(
        "https://kc.example/oauth2/token",
        PrivateKeyJwt::new("c1", key()).issuer("http://idp.example/t").discover_issuer(),
    )
    .build()
    .unwrap_err();
    assert!(e.to_string().starts_with("invalid client configuration: issuer http://idp.example"), "{e}");
    // A given issuer is where the document is read; a 404 is an unexpected response.
    let (ep, base) = discovery_endpoint(|base| base.to_owned()).await;
    let client = TokenClient::builder(
        format!("{base}/oauth2/token"),
        PrivateKeyJwt::new("c1", key()).issuer(format!("{base}/nowhere")).discover_issuer(),
    )
    .retry(RetryPolicy::none())
    .build()
    .unwrap();
    let e = client.token().await.unwrap_err();
    assert_eq!((e.code(), e.status()), ("unexpected_response", Some(404)), "{e}");
    assert_eq!(ep.requests().len(), 1);
    assert!(ep.requests()[0].starts_with("GET /nowhere/.well-known/openid-configuration "));
}
