//! Retries, Retry-After, errors that are not retried, unexpected responses, timeouts.

use crate::common::*;
use bearerkit_client::{ErrorKind, RetryPolicy};
use core::time::Duration;
use http::StatusCode;
use std::time::Instant;

#[tokio::test]
async fn a_503_then_200_succeeds_after_one_retry() {
    let f = start().await;
    f.server.faults().status_next(1, StatusCode::SERVICE_UNAVAILABLE);
    let client = f.d1().build().unwrap();
    client.token().await.unwrap();
    assert_eq!(f.server.request_count(), 2);
}

#[tokio::test]
async fn a_429_with_retry_after_1_waits_about_that_long() {
    let f = start().await;
    f.server.faults().retry_after_next(1, 1);
    let client = f.outbound().build().unwrap();
    let started = Instant::now();
    client.token().await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
    assert!(waited < Duration::from_millis(1800), "{waited:?}");
    assert_eq!(f.server.request_count(), 2);
}

#[tokio::test]
async fn invalid_client_is_not_retried_and_surfaces_its_description() {
    let f = start().await;
    let client = bearerkit_client::TokenClient::builder(
        f.server.keycloak_token_url(REALM),
        bearerkit_client::ClientAuth::secret_post(KC_SECRET_CLIENT, "wrong"),
    )
    .build()
    .unwrap();
    let e = client.token().await.unwrap_err();
    assert_eq!(e.code(), "invalid_client");
    assert_eq!(e.status(), Some(400));
    assert_eq!(
        e.oauth().unwrap().description.as_deref(),
        Some("Invalid client or Invalid client credentials")
    );
    assert!(e.to_string().contains("Invalid client or Invalid client credentials"), "{e}");
    assert_eq!((e.attempts(), f.server.request_count()), (1, 1));
    // HTTP Basic failures answer 401 invalid_client: not retried either.
    let client = bearerkit_client::TokenClient::builder(
        f.server.outbound_token_url(),
        bearerkit_client::ClientAuth::secret_basic(OUT_CLIENT, "wrong"),
    )
    .build()
    .unwrap();
    let e = client.token().await.unwrap_err();
    assert_eq!((e.code(), e.status(), f.server.request_count()), ("invalid_client", Some(401), 2));
}

#[tokio::test]
async fn a_non_json_502_is_an_unexpected_response_after_bounded_attempts() {
    let f = start().await;
    f.server.faults().malformed_next(3, StatusCode::BAD_GATEWAY);
    let client = f.d1().build().unwrap();
    let e = client.token().await.unwrap_err();
    assert_eq!(e.code(), "unexpected_response");
    let ErrorKind::UnexpectedResponse { status, excerpt } = e.kind() else { panic!("{e:?}") };
    assert_eq!(*status, 502);
    assert!(excerpt.starts_with("<html>"), "{excerpt}");
    assert!(excerpt.chars().count() <= bearerkit_client::MAX_EXCERPT_CHARS + 1);
    assert_eq!((e.attempts(), f.server.request_count()), (3, 3));
    // A 200 with an HTML body is unexpected too, and not retried.
    f.server.faults().malformed_next(1, StatusCode::OK);
    let e = client.token().await.unwrap_err();
    assert_eq!((e.code(), e.status(), e.attempts()), ("unexpected_response", Some(200), 1));
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    let f = start().await;
    f.server.faults().delay_next(1, Duration::from_millis(800));
    let client = f.d1().timeout(Duration::from_millis(200)).retry(RetryPolicy::none()).build().unwrap();
    let e = client.token().await.unwrap_err();
    assert_eq!(e.code(), "timeout", "{e}");
    assert!(e.is_retryable());
}

#[tokio::test]
async fn nobody_listening_is_a_transport_error_retried_within_bounds() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = bearerkit_client::TokenClient::builder(
        format!("http://127.0.0.1:{port}/oauth2/token"),
        bearerkit_client::ClientAuth::secret_basic("id", "secret"),
    )
    .retry(quick_retries())
    .build()
    .unwrap();
    let e = client.token().await.unwrap_err();
    assert_eq!((e.code(), e.attempts()), ("transport", 3), "{e}");
}

#[tokio::test]
async fn retry_after_beyond_the_time_budget_gives_up_at_once() {
    let f = start().await;
    f.server.faults().retry_after_next(1, 30);
    let client = f.d1().build().unwrap();
    let started = Instant::now();
    let e = client.token().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!((e.status(), e.retry_after()), (Some(429), Some(Duration::from_secs(30))));
    assert_eq!(e.code(), "temporarily_unavailable");
}
