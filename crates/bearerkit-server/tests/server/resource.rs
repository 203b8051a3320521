//! `GET /resource` with bearer tokens (RFC 6750).

use crate::common::*;

async fn d1_token(f: &Fixture) -> String {
    let (status, body) = json(post_d1_form(f, &d1_assertion()).await).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn valid_token_from_each_endpoint() {
    let f = start().await;
    let token = d1_token(&f).await;
    let r = f.http.get(f.server.resource_url()).bearer_auth(&token).send().await.unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["subject"], ISSUER);
    assert_eq!(body["scope"], D1_SCOPE);
    assert!(body["expires_in"].as_u64().unwrap() > 890);
    // Scheme is case-insensitive.
    let r = f
        .http
        .get(f.server.resource_url())
        .header("authorization", format!("bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let r = f
        .http
        .post(f.server.outbound_token_url())
        .basic_auth(OUT_CLIENT, Some(OUT_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let token = json(r).await.1["access_token"].as_str().unwrap().to_owned();
    let (status, body) =
        json(f.http.get(f.server.resource_url()).bearer_auth(&token).send().await.unwrap()).await;
    assert_eq!((status, body["subject"].as_str()), (200, Some(OUT_CLIENT)));

    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", KC_SECRET_CLIENT),
        ("client_secret", KC_SECRET),
        ("scope", "WERO"),
    ];
    let token = json(post_kc(&f, &form).await).await.1["access_token"].as_str().unwrap().to_owned();
    let (status, body) =
        json(f.http.get(f.server.resource_url()).bearer_auth(&token).send().await.unwrap()).await;
    assert_eq!(
        (status, body["subject"].as_str(), body["scope"].as_str()),
        (200, Some(KC_SECRET_CLIENT), Some("WERO"))
    );
}

/// 401 with a `Bearer` challenge: with `error="invalid_token"` (and that JSON error) for a
/// token, without any error code when no credentials came (RFC 6750 §3.1).
async fn assert_401(r: reqwest::Response, with_error: bool) {
    assert_eq!(r.status(), 401);
    let challenge = r.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(challenge.starts_with("Bearer realm=\"bearerkit\""), "{challenge}");
    assert_eq!(challenge.contains("error=\"invalid_token\""), with_error, "{challenge}");
    assert_eq!(challenge.contains("error="), with_error, "{challenge}");
    let (_, body) = json(r).await;
    assert_eq!(body.get("error").and_then(|e| e.as_str()), with_error.then_some("invalid_token"), "{body}");
}

/// 400 `invalid_request` (RFC 6750 §3.1) for a malformed `Authorization` header.
async fn assert_400(r: reqwest::Response) {
    assert_eq!(r.status(), 400);
    let challenge = r.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(challenge.starts_with("Bearer realm=\"bearerkit\", error=\"invalid_request\""), "{challenge}");
    let (_, body) = json(r).await;
    assert_eq!(body["error"], "invalid_request", "{body}");
}

#[tokio::test]
async fn unknown_or_missing_token() {
    let f = start().await;
    let url = f.server.resource_url();
    // A well-formed token this server did not issue: invalid_token.
    assert_401(
        f.http.get(&url).bearer_auth("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").send().await.unwrap(),
        true,
    )
    .await;
    // No credentials at all, or another scheme: the challenge alone, no error code.
    assert_401(f.http.get(&url).send().await.unwrap(), false).await;
    assert_401(f.http.get(&url).header("authorization", "Basic Zm9vOmJhcg==").send().await.unwrap(), false)
        .await;
    // Malformed bearer credentials: invalid_request.
    for bad in ["Bearer", "Bearer a b", "Bearer a\"b", "Bearer ==="] {
        let Ok(value) = reqwest::header::HeaderValue::from_str(bad) else { continue };
        assert_400(f.http.get(&url).header("authorization", value).send().await.unwrap()).await;
    }
    let r = f
        .http
        .get(&url)
        .header("authorization", reqwest::header::HeaderValue::from_bytes(b"Bearer \xff").unwrap())
        .send()
        .await
        .unwrap();
    assert_400(r).await;
    let two = f.http.get(&url).header("authorization", "Bearer a").header("authorization", "Bearer b");
    assert_400(two.send().await.unwrap()).await;
}

#[tokio::test]
async fn expired_token() {
    let f = start_with(|c| c.with_token_lifetime(1)).await;
    let token = d1_token(&f).await;
    assert_eq!(f.http.get(f.server.resource_url()).bearer_auth(&token).send().await.unwrap().status(), 200);
    tokio::time::sleep(core::time::Duration::from_millis(1100)).await;
    assert_401(f.http.get(f.server.resource_url()).bearer_auth(&token).send().await.unwrap(), true).await;
    assert_eq!(f.server.state().live_tokens(), 0);
}
