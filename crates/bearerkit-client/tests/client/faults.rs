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
    // Far above the second: only a gross failure (a much longer wait) fails a loaded machine.
    assert!(waited < Duration::from_millis(3500), "{waited:?}");
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
    let ErrorKind::UnexpectedResponse { status, excerpt, .. } = e.kind() else { panic!("{e:?}") };
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
    // The HTTP client noticed this timeout: its error is the source.
    let source = std::error::Error::source(&e).expect("a source");
    let reqwest = source.downcast_ref::<reqwest::Error>().expect("a reqwest::Error");
    assert!(reqwest.is_timeout(), "{reqwest:?}");
}

#[tokio::test]
async fn the_retry_budget_is_a_deadline_for_slow_attempts() {
    // Each attempt may take 5 s and 3 are allowed, but the whole fetch only 1 s: the first
    // attempt is cut at the deadline, with a timeout, and nothing is tried after it.
    let f = start().await;
    f.server.faults().delay_next(3, Duration::from_secs(8));
    let client = f
        .d1()
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy { max_attempts: 3, max_elapsed: Duration::from_secs(1), ..quick_retries() })
        .build()
        .unwrap();
    let started = Instant::now();
    let e = client.token().await.unwrap_err();
    let took = started.elapsed();
    // Without the deadline the first attempt alone would take 5 s.
    assert!(took < Duration::from_secs(4), "the deadline did not apply: {took:?}");
    assert!(took >= Duration::from_secs(1), "{took:?}");
    assert_eq!(e.code(), "timeout", "{e}");
    assert_eq!((e.attempts(), f.server.request_count()), (1, 1));
    // Cut by the deadline, not by the HTTP client: no underlying error.
    assert!(std::error::Error::source(&e).is_none(), "{e:?}");
}

#[tokio::test]
async fn retries_stop_at_the_deadline_with_the_last_error() {
    // Room for 50 attempts, but 429 + `Retry-After: 1` each time and a 2 s budget: the
    // first sleep ends before the deadline (when the first attempt took less than a
    // second), the second would end at or past it, so it is not taken and the second answer
    // comes back. The secret flow (no signing) keeps the attempts short on a loaded machine.
    let f = start().await;
    f.server.faults().retry_after_next(1000, 1);
    let policy = RetryPolicy { max_attempts: 50, max_elapsed: Duration::from_secs(2), ..quick_retries() };
    let client = f.outbound().retry(policy).build().unwrap();
    let started = Instant::now();
    let e = client.token().await.unwrap_err();
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(1), "the Retry-After was honoured: {took:?}");
    // Without the deadline: 49 sleeps of a second.
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!((e.code(), e.status()), ("rate_limited", Some(429)), "{e}");
    assert_eq!(e.oauth().map(|o| o.error.as_str()), Some("temporarily_unavailable"), "{e:?}");
    assert!(e.to_string().contains("asked to wait 1 s (Retry-After)"), "{e}");
    assert_eq!((e.attempts(), f.server.request_count()), (2, 2));
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
    // The typed cause is kept, not only its text.
    let source = std::error::Error::source(&e).expect("a source");
    let reqwest = source.downcast_ref::<reqwest::Error>().expect("a reqwest::Error");
    assert!(reqwest.is_connect(), "{reqwest:?}");
    assert!(e.to_string().starts_with("transport error: "), "{e}");
    assert_eq!(e.clone(), e);
}

#[tokio::test]
async fn retry_after_beyond_the_time_budget_gives_up_at_once() {
    let f = start().await;
    // 60 s against the default budget of 30 s: no sleep, the 429 comes back.
    f.server.faults().retry_after_next(1, 60);
    let client = f.d1().build().unwrap();
    let started = Instant::now();
    let e = client.token().await.unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!((e.status(), e.retry_after()), (Some(429), Some(Duration::from_secs(60))));
    assert_eq!((e.attempts(), f.server.request_count()), (1, 1));
    assert_eq!(e.code(), "rate_limited");
    assert!(e.to_string().contains("asked to wait 60 s (Retry-After)"), "{e}");
}

#[tokio::test]
async fn a_timed_out_first_attempt_is_retried() {
    // The first request hangs (4 s), the per-attempt timeout is 1 s and the budget the
    // default: the second attempt gets the token.
    let f = start().await;
    f.server.faults().delay_next(1, Duration::from_secs(4));
    let client = f.outbound().timeout(Duration::from_secs(1)).build().unwrap();
    let started = Instant::now();
    let token = client.token().await.unwrap();
    let took = started.elapsed();
    assert_eq!(f.server.request_count(), 2, "the first attempt timed out and a second was made");
    assert!(took >= Duration::from_secs(1), "the first attempt was waited for: {took:?}");
    assert!(!token.is_expired());
}

#[tokio::test]
async fn with_the_default_timeouts_a_hung_first_attempt_is_retried() {
    // Every setting at its default: a first request that never answers in time is cut by
    // the per-attempt timeout, well within the whole fetch's budget, and retried.
    let f = start().await;
    f.server.faults().delay_next(1, Duration::from_secs(12));
    let client = bearerkit_client::TokenClient::builder(
        f.server.outbound_token_url(),
        bearerkit_client::ClientAuth::secret_basic(OUT_CLIENT, OUT_SECRET),
    )
    .build()
    .unwrap();
    let started = Instant::now();
    let token = client.token().await.unwrap_or_else(|e| panic!("{e} after {:?}", started.elapsed()));
    let took = started.elapsed();
    assert_eq!(f.server.request_count(), 2);
    assert!(took >= Duration::from_secs(5), "{took:?}");
    assert!(!token.is_expired());
}
