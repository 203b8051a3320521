//! D1-outbound style: `POST /oauth2/token` with HTTP Basic.

use crate::common::*;

fn cc(scope: Option<&str>) -> Vec<(&'static str, String)> {
    let mut form = vec![("grant_type", "client_credentials".to_owned())];
    if let Some(s) = scope {
        form.push(("scope", s.to_owned()));
    }
    form
}

/// A client with no configured scopes (or a request for none) gets no `scope` member,
/// rather than `"scope": ""`.
#[tokio::test]
async fn no_scope_member_when_nothing_is_granted() {
    let f = start_with(|c| {
        c.with_outbound_client(bearerkit_server::BasicClient::new("bare", "pw", Vec::<String>::new()))
    })
    .await;
    let url = f.server.outbound_token_url();
    let r = f.http.post(&url).basic_auth("bare", Some("pw")).form(&cc(None)).send().await.unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(keys(&body), ["access_token", "token_type", "expires_in", "expires_at"]);
    // Only spaces requested: nothing granted, no member either.
    let r = f
        .http
        .post(&url)
        .basic_auth(OUT_CLIENT, Some(OUT_SECRET))
        .form(&cc(Some("  ")))
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!((status, body.get("scope")), (200, None), "{body}");
}

#[tokio::test]
async fn success_matches_the_documented_response() {
    let f = start().await;
    let url = f.server.outbound_token_url();
    let r = f
        .http
        .post(&url)
        .basic_auth(OUT_CLIENT, Some(OUT_SECRET))
        .form(&cc(Some("cards")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    let (status, body) = json(r).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(keys(&body), ["access_token", "token_type", "expires_in", "scope", "expires_at"]);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], "900", "a string, as in the D1 outbound API");
    assert_eq!(body["scope"], "cards");
    let at = body["expires_at"].as_str().unwrap();
    assert_eq!(at.len(), 20, "{at}");
    assert!(at.ends_with('Z') && at.as_bytes()[10] == b'T', "{at}");
    let b = at.as_bytes();
    assert!(b[4] == b'-' && b[7] == b'-' && b[13] == b':' && b[16] == b':', "{at}");
    assert!(at[..4].parse::<u32>().unwrap() >= 2025, "{at}");

    // No scope: all allowed scopes; repeated scopes collapse.
    let (_, body) = json(
        f.http.post(&url).basic_auth(OUT_CLIENT, Some(OUT_SECRET)).form(&cc(None)).send().await.unwrap(),
    )
    .await;
    assert_eq!(body["scope"], "cards notifications");
    let r = f
        .http
        .post(&url)
        .basic_auth(OUT_CLIENT, Some(OUT_SECRET))
        .form(&cc(Some("notifications cards cards")))
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await.1["scope"], "notifications cards");
}

#[tokio::test]
async fn credentials_with_special_characters() {
    let f = start().await;
    let url = f.server.outbound_token_url();
    // As sent by most clients (raw), and form-urlencoded first (RFC 6749 §2.3.1).
    let r = f
        .http
        .post(&url)
        .basic_auth(OUT_ODD_CLIENT, Some(OUT_ODD_SECRET))
        .form(&cc(None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = f
        .http
        .post(&url)
        .basic_auth("odd+client", Some("p%40ss%3Aw+rd%25"))
        .form(&cc(None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // base64url (the D1 spec says "base64URL") is accepted as well.
    use base64ct::{Base64UrlUnpadded, Encoding};
    let creds = Base64UrlUnpadded::encode_string(format!("{OUT_CLIENT}:{OUT_SECRET}").as_bytes());
    let r = f
        .http
        .post(&url)
        .header("authorization", format!("Basic {creds}"))
        .form(&cc(None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn client_authentication_failures_are_401_with_a_challenge() {
    let f = start().await;
    let url = f.server.outbound_token_url();
    let cases = [
        f.http.post(&url).form(&cc(None)),
        f.http.post(&url).basic_auth(OUT_CLIENT, Some("wrong")).form(&cc(None)),
        f.http.post(&url).basic_auth(OUT_CLIENT, None::<&str>).form(&cc(None)),
        f.http.post(&url).basic_auth("nobody", Some(OUT_SECRET)).form(&cc(None)),
        f.http.post(&url).header("authorization", "Basic !!!").form(&cc(None)),
        f.http.post(&url).header("authorization", "Basic bm9jb2xvbg==").form(&cc(None)),
        f.http.post(&url).bearer_auth("some-token").form(&cc(None)),
    ];
    for req in cases {
        let r = req.send().await.unwrap();
        assert_eq!(r.headers()["www-authenticate"], "Basic realm=\"bearerkit\"");
        let d = assert_error(r, 401, "invalid_client").await;
        assert!(!d.contains(OUT_SECRET) && !d.contains("wrong"), "{d}");
    }
}

#[tokio::test]
async fn oauth_errors() {
    let f = start().await;
    let url = f.server.outbound_token_url();
    let ok = |req: reqwest::RequestBuilder| req.basic_auth(OUT_CLIENT, Some(OUT_SECRET));

    let r = ok(f.http.post(&url)).form(&cc(Some("cards admin"))).send().await.unwrap();
    assert_eq!(assert_error(r, 400, "invalid_scope").await, "Invalid scopes: admin");
    let r = ok(f.http.post(&url)).form(&[("scope", "cards")]).send().await.unwrap();
    assert_eq!(assert_error(r, 400, "invalid_request").await, "missing grant_type");
    let r = ok(f.http.post(&url)).form(&[("grant_type", "password")]).send().await.unwrap();
    assert_error(r, 400, "unsupported_grant_type").await;
    let r = f.http.post(&url).basic_auth(OUT_NO_GRANT, Some("x")).form(&cc(None)).send().await.unwrap();
    assert_error(r, 400, "unauthorized_client").await;
    // the D1 outbound API takes form bodies only.
    let r = ok(f.http.post(&url))
        .json(&serde_json::json!({ "grant_type": "client_credentials" }))
        .send()
        .await
        .unwrap();
    assert_error(r, 400, "invalid_request").await;
}
