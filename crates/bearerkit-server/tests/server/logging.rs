//! Secrets never reach the server's logs: a TRACE-level `tracing` subscriber captures
//! everything the server (and the process) logs while client secrets, assertions and access
//! tokens go through every endpoint, on success and failure paths.

use crate::common::*;
use base64ct::{Base64, Encoding};

use bearerkit_testkit::Captured;

const KC_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const WRONG_SECRET: &str = "a-wrong-secret-0123456789";

/// Everything secret seen during the test, with a label for the failure message.
#[derive(Default)]
struct Secrets(Vec<(String, String)>);

impl Secrets {
    fn add(&mut self, what: impl Into<String>, value: impl Into<String>) {
        self.0.push((what.into(), value.into()));
    }

    /// A JWS: the whole of it, and its signature on its own.
    fn add_jws(&mut self, what: &str, jws: &str) {
        self.add(what, jws);
        self.add(format!("{what} (signature)"), jws.rsplit('.').next().unwrap());
    }

    /// A token response's access token.
    fn add_token(&mut self, what: &str, body: &serde_json::Value) -> String {
        let token = body["access_token"].as_str().unwrap_or_else(|| panic!("{what}: {body}")).to_owned();
        self.add(what, token.clone());
        token
    }
}

#[tokio::test]
async fn secrets_assertions_and_tokens_never_reach_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let f = start().await;
    let mut secrets = Secrets::default();
    for (id, secret) in [(OUT_CLIENT, OUT_SECRET), (KC_SECRET_CLIENT, KC_SECRET), (OUT_CLIENT, WRONG_SECRET)]
    {
        secrets.add(format!("secret of {id}"), secret);
        // The Basic header value too.
        secrets.add(
            format!("Basic credentials of {id}"),
            Base64::encode_string(format!("{id}:{secret}").as_bytes()),
        );
    }
    secrets.add("wrong secret", WRONG_SECRET);

    // D1: a valid assertion (token issued), the same again (replayed), a forged one, a
    // JSON body, a bad correlation id, an oversized body.
    let assertion = d1_assertion();
    secrets.add_jws("D1 assertion", &assertion);
    let r = f
        .http
        .post(f.server.d1_token_url())
        .header("x-correlation-id", "log-test-1")
        .form(&[("grant_type", GRANT), ("assertion", assertion.as_str())])
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, 200, "{body}");
    let d1_token = secrets.add_token("D1 access token", &body);
    assert_error(post_d1_form(&f, &assertion).await, 400, "invalid_grant").await;
    let forged = {
        let jti = jti();
        bearerkit::profile::d1::assertion(ISSUER, bearerkit::profile::d1::Env::Production, KID, now())
            .jwt_id(&jti)
            .sign_to_string(&stranger_key())
            .unwrap()
    };
    secrets.add_jws("forged D1 assertion", &forged);
    assert_error(post_d1_form(&f, &forged).await, 400, "invalid_grant").await;
    let json_assertion = d1_assertion();
    secrets.add_jws("D1 assertion (JSON body)", &json_assertion);
    let r = f
        .http
        .post(f.server.d1_token_url())
        .json(&serde_json::json!({"grant_type": GRANT, "assertion": json_assertion}))
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, 200, "{body}");
    secrets.add_token("D1 access token (JSON body)", &body);
    let bad_corr = d1_assertion();
    secrets.add_jws("D1 assertion (bad correlation id)", &bad_corr);
    let r = f
        .http
        .post(f.server.d1_token_url())
        .header("x-correlation-id", "not valid!")
        .form(&[("grant_type", GRANT), ("assertion", bad_corr.as_str())])
        .send()
        .await
        .unwrap();
    assert_error(r, 400, "invalid_request").await;

    // Outbound: the right secret, a wrong one.
    let r = f
        .http
        .post(f.server.outbound_token_url())
        .basic_auth(OUT_CLIENT, Some(OUT_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, 200, "{body}");
    let out_token = secrets.add_token("outbound access token", &body);
    let r = f
        .http
        .post(f.server.outbound_token_url())
        .basic_auth(OUT_CLIENT, Some(WRONG_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "invalid_client").await;

    // Keycloak: client_secret (right, wrong; form and Basic), client_assertion (valid,
    // replayed, signed by another key).
    let form = |secret: &str| {
        vec![
            ("grant_type", "client_credentials".to_owned()),
            ("client_id", KC_SECRET_CLIENT.to_owned()),
            ("client_secret", secret.to_owned()),
        ]
    };
    let (status, body) = json(post_kc_owned(&f, &form(KC_SECRET)).await).await;
    assert_eq!(status, 200, "{body}");
    let kc_token = secrets.add_token("Keycloak access token (secret)", &body);
    assert_error(post_kc_owned(&f, &form(WRONG_SECRET)).await, 400, "invalid_client").await;
    let r = f
        .http
        .post(f.server.keycloak_token_url(REALM))
        .basic_auth(KC_SECRET_CLIENT, Some(WRONG_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "invalid_client").await;
    let ca = client_assertion(&f);
    secrets.add_jws("client assertion", &ca);
    let (status, body) = json(post_kc_owned(&f, &assertion_form(&ca)).await).await;
    assert_eq!(status, 200, "{body}");
    secrets.add_token("Keycloak access token (assertion)", &body);
    assert_error(post_kc_owned(&f, &assertion_form(&ca)).await, 400, "invalid_client").await;
    let other = SelfSigned::new("other");
    let ca_forged = {
        let (aud, jti) = (f.server.keycloak_token_url(REALM), jti());
        bearerkit::profile::client_assertion::assertion(KC_JWT_CLIENT, &aud, &jti, now())
            .key_id(&f.cert.sha1_fingerprint)
            .sign_to_string(&other.signing_key)
            .unwrap()
    };
    secrets.add_jws("forged client assertion", &ca_forged);
    assert_error(post_kc_owned(&f, &assertion_form(&ca_forged)).await, 400, "invalid_client").await;

    // The resource: each issued token (200), an unknown one (401).
    for token in [&d1_token, &out_token, &kc_token] {
        let r = f.http.get(f.server.resource_url()).bearer_auth(token).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
    let unknown = "an-unknown-access-token-value-0123456789";
    secrets.add("unknown access token", unknown);
    let r = f.http.get(f.server.resource_url()).bearer_auth(unknown).send().await.unwrap();
    assert_eq!(r.status(), 401);

    let server = f.server;
    server.shutdown().await;
    let logs = captured.text();

    // The subscriber saw the server: the test can fail.
    for line in [
        "bearerkit-server listening",
        "token issued",
        "client authentication failed",
        "assertion rejected",
        "token request refused",
        "jti_replayed",
        "bad_signature",
    ] {
        assert!(logs.contains(line), "expected {line:?} in the captured logs:\n{logs}");
    }
    let server_lines = logs.lines().filter(|l| l.contains(" bearerkit_server")).count();
    assert!(server_lines >= 15, "only {server_lines} server log lines:\n{logs}");
    for (what, value) in &secrets.0 {
        assert!(!value.is_empty());
        assert!(!logs.contains(value.as_str()), "{what} leaked into the logs:\n{logs}");
    }
    // No JWS at all (each starts with base64url `{"alg`: eyJhbGci).
    assert!(!logs.contains("eyJhbGci"), "a JWS leaked into the logs:\n{logs}");
}

fn assertion_form(a: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "client_credentials".to_owned()),
        ("client_assertion_type", KC_ASSERTION_TYPE.to_owned()),
        ("client_assertion", a.to_owned()),
    ]
}

async fn post_kc_owned(f: &Fixture, form: &[(&'static str, String)]) -> reqwest::Response {
    f.http.post(f.server.keycloak_token_url(REALM)).form(form).send().await.unwrap()
}
