//! Keycloak style: `POST /auth/realms/{realm}/protocol/openid-connect/token`.

use crate::common::*;
use bearerkit::Assertion;
use bearerkit_server::{Realm, RealmClient};

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

fn secret_form(scope: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "client_credentials".to_owned()),
        ("scope", scope.to_owned()),
        ("client_id", KC_SECRET_CLIENT.to_owned()),
        ("client_secret", KC_SECRET.to_owned()),
    ]
}

fn jwt_form(assertion: &str, scope: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "client_credentials".to_owned()),
        ("scope", scope.to_owned()),
        ("client_assertion_type", ASSERTION_TYPE.to_owned()),
        ("client_assertion", assertion.to_owned()),
    ]
}

async fn post(f: &Fixture, form: &[(&'static str, String)]) -> reqwest::Response {
    f.http.post(f.server.keycloak_token_url(REALM)).form(form).send().await.unwrap()
}

#[tokio::test]
async fn client_secret_success_matches_the_documented_response() {
    let f = start().await;
    let r = post(&f, &secret_form("VOP WERO")).await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    let (status, body) = json(r).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        keys(&body),
        ["access_token", "expires_in", "refresh_expires_in", "token_type", "not-before-policy", "scope"]
    );
    assert_eq!(body["expires_in"], 300);
    assert_eq!(body["refresh_expires_in"], 0);
    assert_eq!(body["not-before-policy"], 0);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "VOP WERO");
}

#[tokio::test]
async fn client_secret_basic_is_accepted() {
    let f = start().await;
    let r = f
        .http
        .post(f.server.keycloak_token_url(REALM))
        .basic_auth(KC_SECRET_CLIENT, Some(KC_SECRET))
        .form(&[("grant_type", "client_credentials"), ("scope", "VOP")])
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, 200, "{body}");
    let r = f
        .http
        .post(f.server.keycloak_token_url(REALM))
        .basic_auth(KC_SECRET_CLIENT, Some("nope"))
        .form(&[("grant_type", "client_credentials"), ("scope", "VOP")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["www-authenticate"], "Basic realm=\"bearerkit\"");
    assert_error(r, 401, "invalid_client").await;
}

#[tokio::test]
async fn client_assertion_success_with_either_audience() {
    let f = start_with(|c| {
        let mut c = c;
        c.realms[0].token_lifetime_secs = 120;
        c
    })
    .await;
    let (status, body) = json(post(&f, &jwt_form(&client_assertion(&f), "VOP IDEAL")).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "VOP IDEAL");
    assert_eq!(body["expires_in"], 120);
    let issuer = f.server.keycloak_issuer_url(REALM);
    let a = client_assertion_with(&f, |a| a.audience(&issuer));
    let (status, body) = json(post(&f, &jwt_form(&a, "WERO")).await).await;
    assert_eq!(status, 200, "{body}");
    // With a matching client_id and the explicit typ.
    let a = client_assertion_with(&f, |a| a.typ("client-authentication+jwt"));
    let mut form = jwt_form(&a, "VOP");
    form.push(("client_id", KC_JWT_CLIENT.to_owned()));
    assert_eq!(post(&f, &form).await.status(), 200);
}

#[tokio::test]
async fn invalid_scope_matches_the_documented_error() {
    let f = start().await;
    let r = post(&f, &secret_form("VOP IDEAL")).await;
    assert_eq!(assert_error(r, 400, "invalid_scope").await, "Invalid scopes: IDEAL");
}

/// RFC 6749 §5.2: 401 + `WWW-Authenticate` is a MUST only when the client authenticated
/// with the `Authorization` header; so every failed HTTP Basic attempt on the Keycloak
/// endpoint gets it, and failed body credentials get Worldline's 400 without it.
#[tokio::test]
async fn failed_basic_authentication_is_401_with_a_challenge() {
    let f = start().await;
    let url = f.server.keycloak_token_url(REALM);
    let form = [("grant_type", "client_credentials"), ("scope", "VOP")];
    let attempts = [
        (KC_SECRET_CLIENT, "wrong"),
        ("nobody", KC_SECRET),
        // The certificate client has no secret at all.
        (KC_JWT_CLIENT, "anything"),
    ];
    for (id, secret) in attempts {
        let r = f.http.post(&url).basic_auth(id, Some(secret)).form(&form).send().await.unwrap();
        assert_eq!(r.headers()["www-authenticate"], "Basic realm=\"bearerkit\"", "{id}");
        assert_eq!(r.headers()["cache-control"], "no-store");
        let d = assert_error(r, 401, "invalid_client").await;
        assert_eq!(d, "Invalid client or Invalid client credentials");
    }
    // A malformed Basic header is a failed Basic authentication too.
    for value in ["Basic !!!not-base64!!!", "Basic bm9jb2xvbg==", "Basic"] {
        let r = f.http.post(&url).header("authorization", value).form(&form).send().await.unwrap();
        assert_eq!(r.headers()["www-authenticate"], "Basic realm=\"bearerkit\"", "{value}");
        assert_error(r, 401, "invalid_client").await;
    }
    // Basic plus a body secret: two methods, invalid_request (400), no challenge.
    let r = f
        .http
        .post(&url)
        .basic_auth(KC_SECRET_CLIENT, Some(KC_SECRET))
        .form(&[("grant_type", "client_credentials"), ("client_secret", KC_SECRET)])
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("www-authenticate").is_none());
    assert_error(r, 400, "invalid_request").await;
}

#[tokio::test]
async fn invalid_client_is_400() {
    let f = start().await;
    let mut wrong = secret_form("VOP");
    wrong[3].1 = "wrong".to_owned();
    let r = post(&f, &wrong).await;
    // Body credentials: no challenge (RFC 6749 §5.2 asks for one only after HTTP Basic).
    assert!(r.headers().get("www-authenticate").is_none());
    assert_error(r, 400, "invalid_client").await;
    let r = post(&f, &jwt_form(&client_assertion_with(&f, |a| a.subject("x")), "VOP")).await;
    assert!(r.headers().get("www-authenticate").is_none());
    assert_error(r, 400, "invalid_client").await;
    let mut unknown = secret_form("VOP");
    unknown[2].1 = "nobody".to_owned();
    assert_error(post(&f, &unknown).await, 400, "invalid_client").await;
    // The certificate client has no secret.
    let mut no_secret = secret_form("VOP");
    no_secret[2].1 = KC_JWT_CLIENT.to_owned();
    assert_error(post(&f, &no_secret).await, 400, "invalid_client").await;
    // No authentication at all.
    let r = post(
        &f,
        &[("grant_type", "client_credentials".to_owned()), ("client_id", KC_SECRET_CLIENT.to_owned())],
    )
    .await;
    assert_error(r, 400, "invalid_client").await;
    // Wrong assertion type.
    let mut form = jwt_form(&client_assertion(&f), "VOP");
    form[2].1 = "urn:example:other".to_owned();
    assert_error(post(&f, &form).await, 400, "invalid_client").await;
    // A secret client cannot use an assertion (no certificate).
    let aud = f.server.keycloak_token_url(REALM);
    let jti = jti();
    let a = bearerkit::profile::client_assertion::assertion(KC_SECRET_CLIENT, &aud, &jti, now())
        .key_id(&f.cert.sha1_fingerprint)
        .sign_to_string(&f.cert.signing_key)
        .unwrap();
    assert_error(post(&f, &jwt_form(&a, "VOP")).await, 400, "invalid_client").await;
}

#[tokio::test]
async fn request_errors() {
    let f = start().await;
    // Two authentication methods.
    let mut form = jwt_form(&client_assertion(&f), "VOP");
    form.push(("client_secret", KC_SECRET.to_owned()));
    assert_error(post(&f, &form).await, 400, "invalid_request").await;
    let mut no_grant = secret_form("VOP");
    no_grant.remove(0);
    assert_error(post(&f, &no_grant).await, 400, "invalid_request").await;
    let mut bad_grant = secret_form("VOP");
    bad_grant[0].1 = "password".to_owned();
    assert_error(post(&f, &bad_grant).await, 400, "unsupported_grant_type").await;
    let no_sa = [
        ("grant_type", "client_credentials".to_owned()),
        ("client_id", KC_NO_GRANT.to_owned()),
        ("client_secret", "x".to_owned()),
    ];
    assert_error(post(&f, &no_sa).await, 400, "unauthorized_client").await;
    let r = f
        .http
        .post(f.server.keycloak_token_url(REALM))
        .json(&serde_json::json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_error(r, 400, "invalid_request").await;
    let r = f
        .http
        .post(f.server.keycloak_token_url("no-such-realm"))
        .form(&secret_form("VOP"))
        .send()
        .await
        .unwrap();
    assert_error(r, 404, "invalid_request").await;
}

async fn assertion_rejected(f: &Fixture, assertion: &str, code: &str) {
    let d = assert_error(post(f, &jwt_form(assertion, "VOP")).await, 400, "invalid_client").await;
    assert!(d.starts_with(&format!("assertion rejected: {code}")), "expected {code}, got {d:?}");
}

/// As on the D1 endpoint: a client assertion with `exp = N.5` is accepted up to second
/// `N + leeway`, and its `jti` is remembered through that second.
#[tokio::test]
async fn a_fractional_exp_is_remembered_while_it_is_accepted() {
    let f = start_with(|mut c| {
        c.leeway_secs = 1;
        c
    })
    .await;
    let aud = f.server.keycloak_token_url(REALM);
    for _attempt in 0..3 {
        let n = now();
        let jti = jti();
        let exp = format!("{{\"exp\":{}.5}}", n + 1);
        let a = Assertion::new()
            .key_id(&f.cert.sha1_fingerprint)
            .issuer(KC_JWT_CLIENT)
            .subject(KC_JWT_CLIENT)
            .audience(&aud)
            .issued_at(n)
            .jwt_id(&jti)
            .claims_json(&exp)
            .sign_to_string(&f.cert.signing_key)
            .unwrap();
        let (status, body) = json(post(&f, &jwt_form(&a, "VOP")).await).await;
        if status != 200 {
            assert_eq!(body["error_description"], "assertion rejected: expired", "{body}");
            continue;
        }
        at_second(n + 2).await;
        let d = assert_error(post(&f, &jwt_form(&a, "VOP")).await, 400, "invalid_client").await;
        if d == "assertion rejected: jti_replayed" {
            return;
        }
        assert_eq!(d, "assertion rejected: expired");
    }
    panic!("no replay reached the server within the boundary second in three tries");
}

/// A client with no configured scopes gets a token response without `scope` (not `""`).
#[tokio::test]
async fn no_scope_member_when_the_client_has_no_scopes() {
    let f = start_with(|c| c.with_realm(Realm::new("bare").client(RealmClient::new("c").secret("pw")))).await;
    let form = [("grant_type", "client_credentials"), ("client_id", "c"), ("client_secret", "pw")];
    let r = f.http.post(f.server.keycloak_token_url("bare")).form(&form).send().await.unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        keys(&body),
        ["access_token", "expires_in", "refresh_expires_in", "token_type", "not-before-policy"]
    );
    let token = body["access_token"].as_str().unwrap();
    let (status, body) =
        json(f.http.get(f.server.resource_url()).bearer_auth(token).send().await.unwrap()).await;
    assert_eq!((status, keys(&body)), (200, vec!["message", "subject", "expires_in"]), "{body}");
}

#[tokio::test]
async fn replayed_jti_is_refused() {
    let f = start().await;
    let a = client_assertion(&f);
    assert_eq!(post(&f, &jwt_form(&a, "VOP")).await.status(), 200);
    assertion_rejected(&f, &a, "jti_replayed").await;
}

#[tokio::test]
async fn assertion_rules() {
    let f = start().await;
    let n = now();
    let lower = f.cert.sha1_fingerprint.to_ascii_lowercase();
    assertion_rejected(&f, &client_assertion_with(&f, |a| a.key_id(&lower)), "kid_mismatch").await;
    let other = SelfSigned::new("other");
    assertion_rejected(&f, &client_assertion_with(&f, |a| a.key_id(&other.sha1_fingerprint)), "kid_mismatch")
        .await;
    // The right kid, another key.
    let aud = f.server.keycloak_token_url(REALM);
    let (j1, j2) = (jti(), jti());
    let forged = bearerkit::profile::client_assertion::assertion(KC_JWT_CLIENT, &aud, &j1, n)
        .key_id(&f.cert.sha1_fingerprint)
        .sign_to_string(&other.signing_key)
        .unwrap();
    assertion_rejected(&f, &forged, "bad_signature").await;
    // No kid.
    let no_kid = bearerkit::profile::client_assertion::assertion(KC_JWT_CLIENT, &aud, &j2, n)
        .sign_to_string(&f.cert.signing_key)
        .unwrap();
    assertion_rejected(&f, &no_kid, "missing_kid").await;
    assertion_rejected(
        &f,
        &client_assertion_with(&f, |a| a.audience("https://elsewhere/token")),
        "audience_mismatch",
    )
    .await;
    // Several audiences, the realm's own among them, are refused (as Keycloak 26.2 does, and
    // OpenID Connect and FAPI 2.0 want since the 2025 audience-injection findings); one
    // audience in an array is still accepted.
    let issuer = f.server.keycloak_issuer_url(REALM);
    let auds = [issuer.as_str(), "https://other.example"];
    assertion_rejected(&f, &client_assertion_with(&f, |a| a.audiences(&auds)), "audience_not_sole").await;
    let one = [issuer.as_str()];
    let a = client_assertion_with(&f, |a| a.audiences(&one));
    assert_eq!(post(&f, &jwt_form(&a, "VOP")).await.status(), 200);
    assertion_rejected(
        &f,
        &client_assertion_with(&f, |a| a.issued_at(n - 7200).expires_at(n - 3700)),
        "expired",
    )
    .await;
    assertion_rejected(&f, &client_assertion_with(&f, |a| a.not_before(n + 600)), "not_yet_valid").await;
    assertion_rejected(
        &f,
        &client_assertion_with(&f, |a| a.issued_at(n + 600).expires_at(n + 700)),
        "issued_in_future",
    )
    .await;
    assertion_rejected(
        &f,
        &client_assertion_with(&f, |a| a.issued_at(n).expires_at(n + 4000)),
        "lifetime_too_long",
    )
    .await;
    assertion_rejected(&f, &client_assertion_with(&f, |a| a.subject("x")), "subject_mismatch").await;
    // The realm's configured maximum lifetime applies.
    let g = start_with(|mut c| {
        c.realms[0].assertion_max_lifetime_secs = 120;
        c
    })
    .await;
    assertion_rejected(
        &g,
        &client_assertion_with(&g, |a| a.issued_at(n).expires_at(n + 300)),
        "lifetime_too_long",
    )
    .await;
    assert_eq!(
        post(&g, &jwt_form(&client_assertion_with(&g, |a| a.issued_at(n).expires_at(n + 100)), "VOP"))
            .await
            .status(),
        200
    );
}

/// The default realm accepts the issuer or the token endpoint URL as the sole audience, a
/// string or an array of one; several audiences are refused, the realm's own among them.
#[tokio::test]
async fn default_realm_audiences() {
    let f = start().await;
    let issuer = f.server.keycloak_issuer_url(REALM);
    let endpoint = f.server.keycloak_token_url(REALM);
    for aud in [&issuer, &endpoint] {
        let a = client_assertion_with(&f, |a| a.audience(aud));
        assert_eq!(post(&f, &jwt_form(&a, "VOP")).await.status(), 200, "{aud}");
        let one = [aud.as_str()];
        let a = client_assertion_with(&f, |a| a.audiences(&one));
        assert_eq!(post(&f, &jwt_form(&a, "VOP")).await.status(), 200, "[{aud}]");
    }
    let several: [&[&str]; 3] = [
        &[issuer.as_str(), "https://other.example"],
        &[endpoint.as_str(), issuer.as_str()],
        &[issuer.as_str(), issuer.as_str()],
    ];
    for auds in several {
        assertion_rejected(&f, &client_assertion_with(&f, |a| a.audiences(auds)), "audience_not_sole").await;
    }
}

/// `issuer_only_audience` (FAPI 2.0): the realm issuer as a JSON string, nothing else.
#[tokio::test]
async fn issuer_only_audience_realm() {
    let f = start_with(|mut c| {
        let realm = c.realms.remove(0).issuer_only_audience(true);
        c.realms.insert(0, realm);
        c
    })
    .await;
    let issuer = f.server.keycloak_issuer_url(REALM);
    let endpoint = f.server.keycloak_token_url(REALM);
    let a = client_assertion_with(&f, |a| a.audience(&issuer));
    let (status, body) = json(post(&f, &jwt_form(&a, "VOP")).await).await;
    assert_eq!(status, 200, "{body}");
    // The token endpoint URL (the helper's default `aud`) is refused.
    assertion_rejected(&f, &client_assertion(&f), "audience_mismatch").await;
    assertion_rejected(&f, &client_assertion_with(&f, |a| a.audience(&endpoint)), "audience_mismatch").await;
    // Any array, even of the issuer alone.
    let arrays: [&[&str]; 3] =
        [&[issuer.as_str()], &[endpoint.as_str()], &[issuer.as_str(), "https://other.example"]];
    for auds in arrays {
        assertion_rejected(&f, &client_assertion_with(&f, |a| a.audiences(auds)), "audience_not_sole").await;
    }
    // Client secrets are not affected.
    assert_eq!(post(&f, &secret_form("VOP")).await.status(), 200);
}

/// `GET {issuer}/.well-known/openid-configuration`: the realm's discovery document, its
/// `issuer` exactly the prefix it was fetched under (RFC 8414 §3.3); 404 for an unknown
/// realm; not a token request.
#[tokio::test]
async fn discovery_document() {
    let f = start().await;
    let url = f.server.keycloak_discovery_url(REALM);
    let issuer = f.server.keycloak_issuer_url(REALM);
    assert_eq!(url, format!("{issuer}/.well-known/openid-configuration"));
    let r = f.http.get(&url).send().await.unwrap();
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let (status, body) = json(r).await;
    assert_eq!(status, 200, "{body}");
    let prefix = url.strip_suffix("/.well-known/openid-configuration").unwrap();
    assert_eq!(body["issuer"], prefix);
    assert_eq!(
        body,
        serde_json::json!({
            "issuer": issuer,
            "token_endpoint": f.server.keycloak_token_url(REALM),
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["ES256"],
        })
    );
    // The advertised endpoint and issuer work: an assertion with `aud` = the issuer.
    let token_endpoint = body["token_endpoint"].as_str().unwrap();
    let a = client_assertion_with(&f, |a| a.audience(prefix));
    let r = f.http.post(token_endpoint).form(&jwt_form(&a, "VOP")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = f.http.get(f.server.keycloak_discovery_url("no-such-realm")).send().await.unwrap();
    assert_error(r, 404, "invalid_request").await;
    // Only the POST above was a token request.
    assert_eq!(f.server.request_count(), 1);
}
