//! `app(state)` driven with `tower::ServiceExt::oneshot` (no socket).

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bearerkit_server::{AppState, app};
use tower::ServiceExt;

fn state() -> AppState {
    AppState::new(&config(&SelfSigned::new("oneshot")), "http://localhost").unwrap()
}

async fn body_json(r: axum::response::Response) -> serde_json::Value {
    let bytes = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn form(path: &str, body: String) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn d1_token_then_resource() {
    let state = state();
    let r = app(state.clone())
        .oneshot(form(
            bearerkit_server::D1_TOKEN_PATH,
            format!("grant_type={GRANT}&assertion={}", d1_assertion()),
        ))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let token = body_json(r).await["access_token"].as_str().unwrap().to_owned();
    let req = Request::get("/resource")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let r = app(state.clone()).oneshot(req).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(state.faults().request_count(), 1);
}

#[tokio::test]
async fn error_mapping() {
    let state = state();
    let r = app(state.clone())
        .oneshot(form(bearerkit_server::D1_TOKEN_PATH, "grant_type=nope".into()))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(body_json(r).await["error"], "unsupported_grant_type");

    let r = app(state.clone())
        .oneshot(form("/oauth2/token", "grant_type=client_credentials".into()))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()[header::WWW_AUTHENTICATE], "Basic realm=\"bearerkit\"");

    let r = app(state.clone()).oneshot(Request::get("/resource").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let r = app(state.clone()).oneshot(Request::get("/nope").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Content-Length over the limit: refused before the body is read.
    let big = "a".repeat(bearerkit_server::MAX_BODY_BYTES + 1);
    let r = app(state.clone()).oneshot(form(bearerkit_server::D1_TOKEN_PATH, big)).await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn keycloak_audience_uses_the_given_base_url() {
    let cert = SelfSigned::new("aud");
    let state = AppState::new(&config(&cert), "http://auth.test").unwrap();
    let jti = jti();
    let aud = "http://auth.test/auth/realms/example-realm/protocol/openid-connect/token";
    let a = bearerkit::profile::client_assertion::assertion(KC_JWT_CLIENT, aud, &jti, now())
        .key_id(&cert.sha1_fingerprint)
        .sign_to_string(&cert.signing_key)
        .unwrap();
    let body = format!(
        "grant_type=client_credentials&scope=VOP&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={a}"
    );
    let r = app(state)
        .oneshot(form("/auth/realms/example-realm/protocol/openid-connect/token", body))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
