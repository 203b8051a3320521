//! Every seed flow, in both body encodings, against the local server.

use crate::common::*;
use bearerkit_client::{BodyEncoding, TokenClientBuilder};
use core::time::Duration;

async fn check(f: &Fixture, builder: impl Fn() -> TokenClientBuilder, lifetime: u64) {
    for encoding in [BodyEncoding::Form, BodyEncoding::Json] {
        let before = f.server.request_count();
        let client = builder().body_encoding(encoding).build().unwrap();
        let token = client.token().await.unwrap_or_else(|e| panic!("{encoding:?}: {e}"));
        assert!(!token.secret().is_empty());
        assert!(token.token_type().eq_ignore_ascii_case("bearer"));
        assert_eq!(token.lifetime(), Duration::from_secs(lifetime), "{encoding:?}");
        assert_eq!(f.server.request_count(), before + 1);
        // The token works on the protected resource.
        let status = resource_status(f, token.secret()).await;
        assert_eq!(status, 200, "{encoding:?}");
    }
}

/// `GET /resource` with the token, over a plain TCP connection (no HTTP client needed).
pub(crate) async fn resource_status(f: &Fixture, token: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = f.server.local_addr();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "GET /resource HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out.split(' ').nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn d1_jwt_bearer_form_and_json() {
    let f = start().await;
    check(&f, || f.d1(), 900).await;
}

#[tokio::test]
async fn client_credentials_secret_basic_form_and_json_with_string_expires_in() {
    // Seed 003: `expires_in` is the string "900", plus `expires_at`.
    let f = start().await;
    check(&f, || f.outbound(), 900).await;
    let token = f.outbound().scope("cards").build().unwrap().token().await.unwrap();
    assert_eq!(token.scope(), Some("cards"));
}

#[tokio::test]
async fn client_credentials_secret_post_form_and_json() {
    let f = start().await;
    check(&f, || f.kc_secret_post().scope("VOP WERO"), 300).await;
}

#[tokio::test]
async fn client_credentials_private_key_jwt_form_and_json() {
    // Seed 004: kid = SHA-1 fingerprint of the certificate, aud = the token endpoint, fresh jti.
    let f = start().await;
    check(&f, || f.kc_private_key_jwt().scope("VOP"), 300).await;
    let client = f.kc_private_key_jwt().build().unwrap();
    // Fresh jti per request: two uncached fetches are both accepted (no replay).
    client.fetch_uncached().await.unwrap();
    client.fetch_uncached().await.unwrap();
}

#[tokio::test]
async fn correlation_id_fixed_generated_and_extra_headers() {
    let f = start().await;
    f.d1().correlation_id("abc-123_X").build().unwrap().token().await.unwrap();
    f.d1().header("x-extra", "1").build().unwrap().token().await.unwrap();
    // The server refuses an invalid correlation id sent as an extra header: it was sent.
    let e = f
        .d1()
        .correlation(bearerkit_client::CorrelationId::Omit)
        .header("x-correlation-id", "not valid!")
        .build()
        .unwrap()
        .token()
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_request", "{e}");
    let e = f.d1().correlation_id("not valid!").build().unwrap_err();
    assert_eq!(e.code(), "invalid_config");
}

#[tokio::test]
async fn invalid_scope_is_an_oauth_error_with_description() {
    let f = start().await;
    let e = f.kc_secret_post().scope("IDEAL").build().unwrap().token().await.unwrap_err();
    assert_eq!(e.code(), "invalid_scope");
    let oauth = e.oauth().unwrap();
    assert_eq!((oauth.status, oauth.description.as_deref()), (400, Some("Invalid scopes: IDEAL")));
    assert_eq!(e.attempts(), 1);
}

#[test]
fn d1_endpoints_from_the_seed() {
    use bearerkit::profile::d1::Env;
    assert_eq!(
        bearerkit_client::d1_token_url(Env::Production),
        "https://api.d1.thalescloud.io/authz/v1/oauth2/token"
    );
    assert_eq!(
        bearerkit_client::d1_token_url(Env::Staging),
        "https://api.d1-stg.thalescloud.io/authz/v1/oauth2/token"
    );
    assert_eq!(
        bearerkit_client::D1_PRODUCTION_TOKEN_URL,
        format!("{}/oauth2/token", bearerkit::profile::d1::PRODUCTION_URL)
    );
}
