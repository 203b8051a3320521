//! The token cache: reuse, single flight, refresh ahead of expiry, failed refreshes, invalidate.

use crate::common::*;
use core::time::Duration;
use std::time::Instant;

#[tokio::test]
async fn hundred_sequential_calls_make_one_request() {
    let f = start().await;
    let client = f.d1().build().unwrap();
    let first = client.token().await.unwrap();
    for _ in 0..99 {
        assert!(client.token().await.unwrap().same_as(&first));
    }
    assert_eq!(f.server.request_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_callers_make_one_request() {
    let f = start().await;
    // Slow the one request down so that every caller arrives while it is in flight.
    f.server.faults().delay_next(1, Duration::from_millis(200));
    let client = f.d1().build().unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.token().await })
        })
        .collect();
    let mut tokens = Vec::new();
    for t in tasks {
        tokens.push(t.await.unwrap().unwrap());
    }
    assert!(tokens.iter().all(|t| t.same_as(&tokens[0])));
    assert_eq!(f.server.request_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_callers_share_one_failure() {
    let f = start().await;
    f.server.faults().delay_next(1, Duration::from_millis(200));
    let client = bearerkit_client::TokenClient::builder(
        f.server.outbound_token_url(),
        bearerkit_client::ClientAuth::secret_basic(OUT_CLIENT, "wrong-secret"),
    )
    .build()
    .unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.token().await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap_err().code(), "invalid_client");
    }
    assert_eq!(f.server.request_count(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn refresh_ahead_of_expiry_and_a_failed_refresh_keeps_the_old_token() {
    // Tokens live 6 s; the client refreshes 3 s ahead (at most half the lifetime): after
    // 3.1 s a refresh is due while the old token has nearly 3 s left, room for the two
    // refreshes below on a loaded machine.
    let (logs, _guard) = capture_logs();
    let f = start_with(|c| c.with_token_lifetime(6)).await;
    let client = f
        .d1()
        .refresh_margin(Duration::from_secs(3))
        .refresh_jitter(Duration::ZERO)
        .refresh_retry_interval(Duration::ZERO)
        .retry(bearerkit_client::RetryPolicy::none())
        .build()
        .unwrap();
    let a = client.token().await.unwrap();
    assert!(client.token().await.unwrap().same_as(&a));
    assert_eq!(f.server.request_count(), 1);
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert!(!a.is_expired(), "the old token is still valid: this is ahead of expiry");
    // The refresh fails (503): the old, still-valid token is served and the failure reported.
    f.server.faults().status_next(1, http::StatusCode::SERVICE_UNAVAILABLE);
    let served = client.token().await.unwrap();
    assert!(served.same_as(&a));
    assert_eq!(client.last_refresh_error().unwrap().code(), "temporarily_unavailable");
    assert_eq!(f.server.request_count(), 2);
    // ... and reported in the log, with the error's code and no token.
    let text = logs.text();
    let warning = text
        .lines()
        .find(|l| l.contains("token refresh failed; serving the cached token"))
        .unwrap_or_else(|| panic!("no warning in: {text}"));
    assert!(warning.contains("WARN") && warning.contains("temporarily_unavailable"), "{warning}");
    assert!(!text.contains(a.expose()), "the token reached the log");
    // The next call refreshes for real, still before the old token expires.
    let b = client.token().await.unwrap();
    assert!(!b.same_as(&a));
    assert!(!a.is_expired());
    assert!(client.last_refresh_error().is_none());
    assert_eq!(f.server.request_count(), 3);
    assert!(client.token().await.unwrap().same_as(&b));
    assert_eq!(f.server.request_count(), 3);
}

#[tokio::test]
async fn invalidate_after_a_401_fetches_a_new_token() {
    let f = start().await;
    let client = f.kc_secret_post().build().unwrap();
    let a = client.token().await.unwrap();
    client.invalidate();
    let b = client.token().await.unwrap();
    assert!(!a.same_as(&b));
    assert_eq!(f.server.request_count(), 2);
}

#[tokio::test]
async fn a_server_given_lifetime_wins_over_the_configured_default() {
    // The default for a response without `expires_in`/`expires_at` is tested in the unit
    // tests (`a_response_without_expires_in_gets_the_configured_default`: a canned answer
    // through the parser and the cache): the local server always sends a lifetime. Here:
    // the default must not override the lifetime the server gave.
    let f = start().await;
    let client = f.d1().default_expires_in(Duration::from_secs(5)).build().unwrap();
    let t = client.token().await.unwrap();
    assert_eq!(t.lifetime(), Duration::from_secs(900));
    assert!(t.expires_at() > Instant::now() + Duration::from_secs(890));
}
