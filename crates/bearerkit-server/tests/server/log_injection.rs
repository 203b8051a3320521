//! Log injection: request values with line breaks and terminal escapes, logged by every
//! endpoint that logs them, never start a line of the log (one event, one line).

use crate::common::*;
use bearerkit::Assertion;

use bearerkit_testkit::Captured;

/// A whole forged event, as the formatter below writes one, behind a line break.
const FORGED: &str = "\n INFO bearerkit_server::d1: token issued endpoint=\"d1\" issuer=\"FORGED\"\u{1b}[2K";
/// The same without colons, for an HTTP Basic user id (which ends at the first colon).
const FORGED_BASIC: &str = "\n INFO bearerkit_server FORGED token issued\u{1b}[2K";

const LEVELS: [&str; 5] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"];

#[tokio::test]
async fn request_values_are_escaped_in_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .without_time()
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let f = start().await;
    let evil = |prefix: &str| format!("{prefix}{FORGED}");

    // D1: an unknown issuer, and a known issuer with an unknown kid.
    let iss = evil("MGW");
    let (n, d1_jti) = (now(), jti());
    let a = Assertion::new()
        .typ("JWT")
        .key_id(KID)
        .issuer(&iss)
        .subject(&iss)
        .audience("prd")
        .issued_at(n)
        .expires_in(300)
        .jwt_id(&d1_jti)
        .sign_to_string(&d1_key())
        .unwrap();
    assert_error(post_d1_form(&f, &a).await, 400, "invalid_grant").await;
    let kid = evil("k1");
    let a = d1_assertion_with(|a| a.key_id(Box::leak(kid.into_boxed_str())));
    assert_error(post_d1_form(&f, &a).await, 400, "invalid_grant").await;

    // Outbound and Keycloak: HTTP Basic client ids.
    let basic_id = format!("d1-outbound{FORGED_BASIC}");
    let r = f
        .http
        .post(f.server.outbound_token_url())
        .basic_auth(&basic_id, Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "invalid_client").await;
    let r = f
        .http
        .post(f.server.keycloak_token_url(REALM))
        .basic_auth(&basic_id, Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_error(r, 401, "invalid_client").await;
    // Keycloak: a form client_id with a secret, a client assertion's iss, a scope.
    let id = evil("Worldline-000021");
    let form = [("grant_type", "client_credentials"), ("client_id", id.as_str()), ("client_secret", "wrong")];
    assert_error(post_kc(&f, &form).await, 400, "invalid_client").await;
    let (aud, jti) = (f.server.keycloak_token_url(REALM), jti());
    let a = bearerkit::profile::client_assertion::assertion(&id, &aud, &jti, now())
        .key_id(&f.cert.sha1_fingerprint)
        .sign_to_string(&f.cert.signing_key)
        .unwrap();
    let form = [
        ("grant_type", "client_credentials"),
        ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
        ("client_assertion", a.as_str()),
    ];
    assert_error(post_kc(&f, &form).await, 400, "invalid_client").await;
    let scope = evil("VOP");
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", KC_SECRET_CLIENT),
        ("client_secret", KC_SECRET),
        ("scope", scope.as_str()),
    ];
    assert_error(post_kc(&f, &form).await, 400, "invalid_scope").await;
    // A repeated parameter whose name is the forged line.
    let name = evil("p");
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair(&name, "1")
        .append_pair(&name, "2")
        .finish();
    let r = f
        .http
        .post(f.server.d1_token_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_error(r, 400, "invalid_request").await;

    let server = f.server;
    server.shutdown().await;
    let logs = captured.text();

    // The values did reach the logs (the test can fail), every time escaped.
    let forged_lines: Vec<&str> = logs.lines().filter(|l| l.contains("FORGED")).collect();
    assert!(forged_lines.len() >= 8, "only {} lines with the forged value:\n{logs}", forged_lines.len());
    for line in &forged_lines {
        // The line break and the escape character as text: a backslash, then `n` or
        // `u{1b}` (two backslashes where the value is inside an error description).
        assert!(line.contains(r"\n INFO bearerkit_server"), "not escaped: {line:?}");
        assert!(line.contains(r"\u{1b}[2K"), "not escaped: {line:?}");
    }
    let basic_lines = forged_lines.iter().filter(|l| l.contains("FORGED token issued")).count();
    assert_eq!(basic_lines, 2, "the two HTTP Basic attempts:\n{logs}");
    for message in
        ["unknown issuer", "unknown kid", "client authentication failed", "unknown client", "Invalid scopes"]
    {
        assert!(
            forged_lines.iter().any(|l| l.contains(message)),
            "no {message:?} line with the forged value:\n{logs}"
        );
    }
    // One event per line: each starts with its level, and none is the forged event.
    for line in logs.lines() {
        let trimmed = line.trim_start();
        assert!(
            LEVELS.iter().any(|level| trimmed.starts_with(level)),
            "a line that is no event: {line:?}\n{logs}"
        );
        let message = trimmed.split_once(": ").map_or("", |(_, m)| m);
        assert!(!message.starts_with("token issued"), "a forged event: {line:?}");
    }
    assert!(!logs.chars().any(|c| c.is_control() && c != '\n'), "a control character in the logs:\n{logs:?}");
}
