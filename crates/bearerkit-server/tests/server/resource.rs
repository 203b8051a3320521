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

async fn assert_401(r: reqwest::Response, with_error: bool) {
    assert_eq!(r.status(), 401);
    let challenge = r.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(challenge.starts_with("Bearer realm=\"bearerkit\""), "{challenge}");
    assert_eq!(challenge.contains("error=\"invalid_token\""), with_error, "{challenge}");
}

#[tokio::test]
async fn unknown_or_missing_token() {
    let f = start().await;
    let url = f.server.resource_url();
    assert_401(
        f.http.get(&url).bearer_auth("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").send().await.unwrap(),
        true,
    )
    .await;
    assert_401(f.http.get(&url).header("authorization", "Basic Zm9vOmJhcg==").send().await.unwrap(), true)
        .await;
    assert_401(f.http.get(&url).header("authorization", "Bearer").send().await.unwrap(), true).await;
    assert_401(f.http.get(&url).send().await.unwrap(), false).await;
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
