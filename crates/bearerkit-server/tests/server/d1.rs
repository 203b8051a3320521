//! D1 inbound: `POST /authz/v1/oauth2/token`.

use crate::common::*;
use bearerkit::Assertion;

#[tokio::test]
async fn form_success_matches_the_documented_response() {
    let f = start().await;
    let r = post_d1_form(&f, &d1_assertion()).await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let (status, body) = json(r).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(keys(&body), ["access_token", "expires_in", "scope", "token_type"]);
    assert_eq!(body["expires_in"], 900);
    assert!(body["expires_in"].is_number());
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], D1_SCOPE);
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(token.len(), 43, "32 random bytes, base64url");
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
}

#[tokio::test]
async fn json_success() {
    let f = start().await;
    let body = serde_json::json!({ "grant_type": GRANT, "assertion": d1_assertion() });
    let r = f.http.post(f.server.d1_token_url()).json(&body).send().await.unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 900);
}

#[tokio::test]
async fn jwk_registered_key_and_configured_lifetime() {
    let f = start_with(|c| c.with_token_lifetime(600)).await;
    let jti = jti();
    let a =
        bearerkit::profile::d1::assertion(ISSUER, bearerkit::profile::d1::Env::Production, KID_JWK, now())
            .jwt_id(&jti)
            .sign_to_string(&d1_key_jwk())
            .unwrap();
    let (status, body) = json(post_d1_form(&f, &a).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 600);
}

#[tokio::test]
async fn assertion_without_jti_is_accepted_twice() {
    let f = start().await;
    let a = bearerkit::profile::d1::assertion(ISSUER, bearerkit::profile::d1::Env::Production, KID, now())
        .sign_to_string(&d1_key())
        .unwrap();
    assert_eq!(post_d1_form(&f, &a).await.status(), 200);
    assert_eq!(post_d1_form(&f, &a).await.status(), 200);
}

#[tokio::test]
async fn correlation_id_is_echoed_and_checked() {
    let f = start().await;
    let url = f.server.d1_token_url();
    let form = [("grant_type", GRANT.to_owned()), ("assertion", d1_assertion())];
    let r = f.http.post(&url).header("x-correlation-id", "abc-DEF_123").form(&form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-correlation-id"], "abc-DEF_123");

    let r = f
        .http
        .post(&url)
        .form(&[("grant_type", GRANT.to_owned()), ("assertion", d1_assertion())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("x-correlation-id").is_none());

    // Echoed on errors too.
    let r = f
        .http
        .post(&url)
        .header("x-correlation-id", "err-1")
        .form(&[("grant_type", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-correlation-id"], "err-1");
    assert_error(r, 400, "unsupported_grant_type").await;

    for bad in ["has space", "dot.dot", "", &"a".repeat(65), "é"] {
        let r = f
            .http
            .post(&url)
            .header("x-correlation-id", bad.as_bytes())
            .form(&[("grant_type", GRANT.to_owned()), ("assertion", d1_assertion())])
            .send()
            .await
            .unwrap();
        assert!(r.headers().get("x-correlation-id").is_none());
        let d = assert_error(r, 400, "invalid_request").await;
        assert!(d.contains("x-correlation-id"), "{d}");
    }
    let r = f
        .http
        .post(&url)
        .header("x-correlation-id", "a")
        .header("x-correlation-id", "b")
        .form(&[("grant_type", GRANT.to_owned()), ("assertion", d1_assertion())])
        .send()
        .await
        .unwrap();
    assert_error(r, 400, "invalid_request").await;
    let r = f.http.post(&url).header("x-correlation-id", "a".repeat(64)).form(&form).send().await.unwrap();
    // 64 characters is the maximum; the assertion was already used above (same jti).
    assert_eq!(r.headers()["x-correlation-id"], "a".repeat(64).as_str());
}

#[tokio::test]
async fn request_errors() {
    let f = start().await;
    let url = f.server.d1_token_url();
    let a = d1_assertion();
    let r = f.http.post(&url).form(&[("assertion", a.as_str())]).send().await.unwrap();
    assert_eq!(assert_error(r, 400, "invalid_request").await, "missing grant_type");
    let r = f.http.post(&url).form(&[("grant_type", ""), ("assertion", a.as_str())]).send().await.unwrap();
    assert_error(r, 400, "invalid_request").await;
    let r = f.http.post(&url).form(&[("grant_type", "client_credentials")]).send().await.unwrap();
    assert_error(r, 400, "unsupported_grant_type").await;
    let r = f.http.post(&url).form(&[("grant_type", GRANT)]).send().await.unwrap();
    assert_eq!(assert_error(r, 400, "invalid_request").await, "missing assertion");
    let r = f
        .http
        .post(&url)
        .body(format!("grant_type={GRANT}&grant_type={GRANT}&assertion={a}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_error(r, 400, "invalid_request").await;
    let r = f
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body(r#"{"grant_type": 5}"#)
        .send()
        .await
        .unwrap();
    assert_error(r, 400, "invalid_request").await;
    let r =
        f.http.post(&url).header("content-type", "application/json").body("{not json").send().await.unwrap();
    assert_error(r, 400, "invalid_request").await;
}

#[tokio::test]
async fn wrong_content_type_is_invalid_request() {
    let f = start().await;
    let url = f.server.d1_token_url();
    let body = format!("grant_type={GRANT}&assertion={}", d1_assertion());
    for ct in [Some("text/plain"), Some("multipart/form-data; boundary=x"), None] {
        let mut req = f.http.post(&url).body(body.clone());
        if let Some(ct) = ct {
            req = req.header("content-type", ct);
        }
        let d = assert_error(req.send().await.unwrap(), 400, "invalid_request").await;
        assert!(d.contains("content type"), "{d}");
    }
    // Parameters and case are tolerated.
    let r = f
        .http
        .post(&url)
        .header("content-type", "Application/X-WWW-Form-Urlencoded; charset=UTF-8")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn replayed_jti_is_refused() {
    let f = start().await;
    let a = d1_assertion();
    assert_eq!(post_d1_form(&f, &a).await.status(), 200);
    let d = assert_error(post_d1_form(&f, &a).await, 400, "invalid_grant").await;
    assert_eq!(d, "assertion rejected: jti_replayed");
    // JSON encoding shares the cache.
    let body = serde_json::json!({ "grant_type": GRANT, "assertion": a });
    let r = f.http.post(f.server.d1_token_url()).json(&body).send().await.unwrap();
    assert_error(r, 400, "invalid_grant").await;
}

async fn rejected_with(f: &Fixture, assertion: &str, code: &str) {
    let d = assert_error(post_d1_form(f, assertion).await, 400, "invalid_grant").await;
    assert!(d.starts_with(&format!("assertion rejected: {code}")), "expected {code}, got {d:?}");
}

#[tokio::test]
async fn key_selection_errors() {
    let f = start().await;
    let wrong_kid = d1_assertion_with(|a| a.key_id("k9"));
    rejected_with(&f, &wrong_kid, "kid_mismatch").await;
    // The right kid, the wrong key.
    let jti = jti();
    let forged =
        bearerkit::profile::d1::assertion(ISSUER, bearerkit::profile::d1::Env::Production, KID, now())
            .jwt_id(&jti)
            .sign_to_string(&stranger_key())
            .unwrap();
    rejected_with(&f, &forged, "bad_signature").await;
    // The JWK key's kid with the PEM key's signature.
    rejected_with(&f, &d1_assertion_with(|a| a.key_id(KID_JWK)), "bad_signature").await;
    let n = now();
    let no_kid = Assertion::new()
        .issuer(ISSUER)
        .subject(ISSUER)
        .audience("prd")
        .issued_at(n)
        .expires_in(300)
        .sign_to_string(&d1_key())
        .unwrap();
    rejected_with(&f, &no_kid, "missing_kid").await;
    let unknown_issuer = d1_assertion_with(|a| a.issuer("OTHER").subject("OTHER"));
    rejected_with(&f, &unknown_issuer, "issuer_mismatch").await;
    rejected_with(&f, &d1_assertion_with(|a| a.subject("someone-else")), "subject_mismatch").await;
    rejected_with(&f, &d1_assertion_with(|a| a.audience("stg")), "audience_mismatch").await;
    rejected_with(&f, "not-a-jwt", "malformed_token").await;
    rejected_with(&f, "bm90anNvbg.e30.AAAA", "bad_json").await;
}

#[tokio::test]
async fn time_rules() {
    let f = start().await;
    let n = now();
    // Expired: exp 10 minutes ago (beyond the 60 s leeway).
    rejected_with(&f, &d1_assertion_with(|a| a.issued_at(n - 900).expires_at(n - 600)), "expired").await;
    // Not yet valid: nbf in 10 minutes.
    rejected_with(&f, &d1_assertion_with(|a| a.not_before(n + 600)), "not_yet_valid").await;
    // Issued in the future: iat in 10 minutes.
    rejected_with(&f, &d1_assertion_with(|a| a.issued_at(n + 600).expires_at(n + 800)), "issued_in_future")
        .await;
    // Over-long: exp more than 15 minutes ahead.
    rejected_with(&f, &d1_assertion_with(|a| a.issued_at(n).expires_at(n + 1000)), "lifetime_too_long").await;
    rejected_with(&f, &d1_assertion_with(|a| a.issued_at(n - 300).expires_at(n + 700)), "lifetime_too_long")
        .await;
    // An iat inside the leeway does not stretch "exp at most 15 minutes ahead".
    rejected_with(&f, &d1_assertion_with(|a| a.issued_at(n + 30).expires_at(n + 960)), "lifetime_too_long")
        .await;
    // Within the leeway is fine: exp 30 s ago, and the full 15 minutes.
    assert_eq!(
        post_d1_form(&f, &d1_assertion_with(|a| a.issued_at(n - 300).expires_at(n - 30))).await.status(),
        200
    );
    assert_eq!(
        post_d1_form(&f, &d1_assertion_with(|a| a.issued_at(n).expires_at(n + 900))).await.status(),
        200
    );
}

/// Any other method than POST on a token path: 405 with `Allow: POST`, not a token
/// request (not counted, no fault taken).
#[tokio::test]
async fn other_methods_are_405_and_not_counted() {
    let f = start().await;
    f.server.faults().status_next(1, axum::http::StatusCode::SERVICE_UNAVAILABLE);
    let urls = [f.server.d1_token_url(), f.server.outbound_token_url(), f.server.keycloak_token_url(REALM)];
    for url in &urls {
        for method in
            [reqwest::Method::GET, reqwest::Method::PUT, reqwest::Method::DELETE, reqwest::Method::HEAD]
        {
            let r = f.http.request(method.clone(), url).send().await.unwrap();
            assert_eq!(r.status(), 405, "{method} {url}");
            assert_eq!(r.headers()["allow"], "POST", "{method} {url}");
        }
    }
    assert_eq!(f.server.request_count(), 0);
    assert_eq!(f.server.faults().pending(), 1);
    // A POST is counted and takes the fault.
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 503);
    assert_eq!(f.server.request_count(), 1);
}

/// The core accepts an assertion until `exp + leeway`, `exp` exact: with `exp = N.5` its
/// last accepted second is `N + leeway`. The `jti` is still remembered then, so a replay in
/// that second is refused (it used to be forgotten at `floor(exp) + leeway`).
#[tokio::test]
async fn a_fractional_exp_is_remembered_while_it_is_accepted() {
    let f = start_with(|mut c| {
        c.leeway_secs = 1;
        c
    })
    .await;
    // The replay must reach the server within one given second; a machine too slow for
    // that gets `expired` (inconclusive) and another try.
    for _attempt in 0..3 {
        let n = now();
        let jti = jti();
        let exp = format!("{{\"exp\":{}.5}}", n + 1);
        let a = Assertion::new()
            .typ("JWT")
            .key_id(KID)
            .issuer(ISSUER)
            .subject(ISSUER)
            .audience("prd")
            .issued_at(n)
            .jwt_id(&jti)
            .claims_json(&exp)
            .sign_to_string(&d1_key())
            .unwrap();
        let (status, body) = json(post_d1_form(&f, &a).await).await;
        if status != 200 {
            assert_eq!(body["error_description"], "assertion rejected: expired", "{body}");
            continue;
        }
        // floor(exp) + leeway: the last second the core accepts the assertion.
        at_second(n + 2).await;
        let d = assert_error(post_d1_form(&f, &a).await, 400, "invalid_grant").await;
        if d == "assertion rejected: jti_replayed" {
            return;
        }
        assert_eq!(d, "assertion rejected: expired");
    }
    panic!("no replay reached the server within the boundary second in three tries");
}

/// An issuer configured with an empty scope (`scope = ""`) gets a token response without
/// `scope` (not `""`), and so does the resource's answer for that token.
#[tokio::test]
async fn no_scope_member_when_the_issuer_has_an_empty_scope() {
    use bearerkit_server::{D1Env, D1Issuer, ServerConfig};
    const BARE: &str = "BARE_MGW";
    let pem = d1_key().verifying_key().to_spki_pem_string();
    // From TOML as from code: the empty string is kept, not replaced by the default scope.
    let toml = format!(
        "[[d1_issuers]]\nissuer_id = \"{BARE}\"\nenv = \"prd\"\nscope = \"\"\n\
         [[d1_issuers.keys]]\nkid = \"{KID}\"\npublic_key = '''\n{pem}'''\n"
    );
    let from_toml = ServerConfig::from_toml_str(&toml).unwrap();
    assert_eq!(from_toml.d1_issuers[0].scope, "");
    let f = start_with(|c| c.with_d1_issuer(D1Issuer::new(BARE, D1Env::Prd).key(KID, pem.clone()).scope("")))
        .await;
    let jti = jti();
    let a = bearerkit::profile::d1::assertion(BARE, bearerkit::profile::d1::Env::Production, KID, now())
        .jwt_id(&jti)
        .sign_to_string(&d1_key())
        .unwrap();
    let (status, body) = json(post_d1_form(&f, &a).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(keys(&body), ["access_token", "expires_in", "token_type"], "{body}");
    let token = body["access_token"].as_str().unwrap();
    let (status, body) =
        json(f.http.get(f.server.resource_url()).bearer_auth(token).send().await.unwrap()).await;
    assert_eq!((status, keys(&body)), (200, vec!["message", "subject", "expires_in"]), "{body}");
    assert_eq!(body["subject"], BARE);
    // The configured issuer with a scope still gets its member.
    let (status, body) = json(post_d1_form(&f, &d1_assertion()).await).await;
    assert_eq!((status, &body["scope"]), (200, &serde_json::json!(D1_SCOPE)), "{body}");
}
