//! Secrets never reach Debug, Display or errors. (`tracing` output is checked in its own
//! test binary, `tests/logging.rs`, with a process-wide subscriber: a thread-local one here
//! would miss events of other threads and other tests.)

use crate::common::*;
use bearerkit_client::TokenClient;

#[tokio::test(flavor = "current_thread")]
async fn debug_display_and_errors_hold_no_secret() {
    let f = start().await;
    let d1_key_pem = d1_key().to_pkcs8_pem_string();
    let mut seen = Vec::new();
    let clients: Vec<TokenClient> = vec![
        f.d1().build().unwrap(),
        f.outbound().build().unwrap(),
        f.kc_secret_post().build().unwrap(),
        f.kc_private_key_jwt().build().unwrap(),
    ];
    for client in &clients {
        let token = client.token().await.unwrap();
        // A failed refresh after invalidation too, so errors are printed.
        f.server.faults().status_next(3, http::StatusCode::SERVICE_UNAVAILABLE);
        client.invalidate();
        let err = client.token().await.unwrap_err();
        seen.push((token.expose().to_owned(), format!("{client:?} {token:?} {err:?} {err}")));
    }
    let bad = TokenClient::builder(
        f.server.keycloak_token_url(REALM),
        bearerkit_client::ClientAuth::secret_post(KC_SECRET_CLIENT, "a-wrong-secret-value"),
    )
    .build()
    .unwrap();
    let err = bad.token().await.unwrap_err();
    let printed_bad = format!("{bad:?} {err:?} {err}");

    let secrets =
        [OUT_SECRET, KC_SECRET, "a-wrong-secret-value", d1_key_pem.as_str(), f.cert.key_pem.as_str()];
    let mut everything = printed_bad;
    for (token, printed) in &seen {
        everything.push_str(printed);
        assert!(!everything.contains(token.as_str()), "access token leaked");
    }
    for s in secrets {
        assert!(!everything.contains(s), "secret leaked: {s}");
    }
    // No assertion either (every JWS here starts with base64url `{"alg`: eyJhbGci).
    let at = everything
        .find("eyJhbGci")
        .map(|i| everything[i.saturating_sub(300)..(i + 80).min(everything.len())].to_owned());
    assert!(at.is_none(), "an assertion or JWT leaked: {at:?}");
    assert!(seen[0].1.contains("[redacted]"));
}

#[test]
fn secret_and_access_token_debug() {
    let s = bearerkit_client::Secret::new("hunter2");
    assert_eq!(format!("{s:?}"), "Secret([redacted])");
}

#[tokio::test(flavor = "current_thread")]
async fn extra_header_values_never_reach_debug_or_errors() {
    const API_KEY: &str = "ak_live_4f9c2e7b1d8a6f30";
    const AUTHORIZATION: &str = "Token at-9d1e5c3b7a2f4e68";
    const AUTH_TOKEN: &str = "xt-51c7a0e2b9d4f863";
    let f = start().await;
    let with_headers = |b: bearerkit_client::TokenClientBuilder| {
        b.header("x-api-key", API_KEY)
            .header("Authorization", AUTHORIZATION)
            .header("X-Auth-Token", AUTH_TOKEN)
    };
    let builder = with_headers(f.d1());
    let mut printed = format!("{builder:?} {builder:#?}\n");
    let client = builder.build().unwrap();
    // The server takes the request with the extra headers.
    let token = client.token().await.unwrap();
    // An OAuth error after retries, and a failed refresh kept as the last error.
    f.server.faults().status_next(3, http::StatusCode::SERVICE_UNAVAILABLE);
    client.invalidate();
    let oauth = client.token().await.unwrap_err();
    assert_eq!(oauth.code(), "temporarily_unavailable");
    // A timeout and a transport error, whose sources are the HTTP client's errors.
    f.server.faults().delay_next(1, core::time::Duration::from_millis(500));
    let timeout = with_headers(f.d1())
        .timeout(core::time::Duration::from_millis(100))
        .retry(bearerkit_client::RetryPolicy::none())
        .build()
        .unwrap()
        .token()
        .await
        .unwrap_err();
    assert_eq!(timeout.code(), "timeout", "{timeout}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let transport = with_headers(TokenClient::builder(
        format!("http://{closed}/oauth2/token"),
        bearerkit_client::ClientAuth::secret_post("id", "s"),
    ))
    .retry(bearerkit_client::RetryPolicy::none())
    .build()
    .unwrap()
    .token()
    .await
    .unwrap_err();
    assert_eq!(transport.code(), "transport", "{transport}");
    // A config error about one of the headers.
    let config = f.d1().header("x-api-key", format!("{API_KEY}\n")).build().unwrap_err();
    assert_eq!(config.code(), "invalid_config");
    let request = client.spec().build(0, "jti", "corr").unwrap();
    assert_eq!(request.headers()["x-api-key"], API_KEY, "sent as given");
    for (what, e) in
        [("oauth", &oauth), ("timeout", &timeout), ("transport", &transport), ("config", &config)]
    {
        printed.push_str(&format!("{what}: {e:?} {e:#?} {e}\n"));
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            printed.push_str(&format!("  source: {s:?} {s}\n"));
            source = s.source();
        }
    }
    printed.push_str(&format!(
        "{client:?} {client:#?} {:?} {token:?} {:?} {:?}\n",
        client.spec(),
        client.last_refresh_error(),
        request.headers()
    ));
    // Names may show (and do, so the headers are really in what was printed); values never.
    for name in ["x-api-key", "authorization", "x-auth-token"] {
        assert!(format!("{client:?}").contains(name), "{name} missing from {client:?}");
        assert!(format!("{:?}", client.spec()).contains(name));
    }
    for value in
        [API_KEY, AUTHORIZATION, AUTH_TOKEN, "4f9c2e7b1d8a6f30", "9d1e5c3b7a2f4e68", "51c7a0e2b9d4f863"]
    {
        assert!(!printed.contains(value), "{value} leaked in: {printed}");
    }
}
