//! Odd answers from hand-written loopback endpoints: HTML, redirects, huge bodies, a long
//! `Retry-After`, `expires_in: null`, zero lifetimes, extra members; and the correlation id
//! of a fetch and its retries.

use crate::common::*;
use bearerkit_client::{ClientAuth, ErrorKind, MAX_RESPONSE_BYTES, RetryPolicy, TokenClient};
use core::time::Duration;
use std::time::Instant;

fn client(endpoint: &Endpoint) -> bearerkit_client::TokenClientBuilder {
    TokenClient::builder(endpoint.url(), ClientAuth::secret_basic(OUT_CLIENT, OUT_SECRET))
        .retry(quick_retries())
}

#[tokio::test]
async fn an_html_200_names_its_status_content_type_and_excerpt() {
    let endpoint = Endpoint::start(|_, _| {
        Reply::new("200 OK", Some("text/html; charset=utf-8"), &[], "<html>oops</html>")
    })
    .await;
    let e = client(&endpoint).build().unwrap().token().await.unwrap_err();
    assert_eq!((e.code(), e.status(), e.attempts()), ("unexpected_response", Some(200), 1), "{e}");
    assert_eq!(e.content_type(), Some("text/html; charset=utf-8"));
    assert_eq!((e.excerpt(), e.location()), (Some("<html>oops</html>"), None));
    let shown = e.to_string();
    assert_eq!(
        shown,
        r#"unexpected response: HTTP 200, content-type text/html; charset=utf-8, body "<html>oops</html>""#
    );
    let ErrorKind::UnexpectedResponse { status, content_type, location, excerpt, .. } = e.kind() else {
        panic!("{e:?}")
    };
    assert_eq!(
        (*status, content_type.as_deref(), location, excerpt.as_str()),
        (200, Some("text/html; charset=utf-8"), &None, "<html>oops</html>")
    );
}

#[tokio::test]
async fn a_307_names_its_location_without_query_or_credentials_and_is_not_followed() {
    let endpoint = Endpoint::start(|_, _| {
        Reply::new(
            "307 Temporary Redirect",
            None,
            &["Location: https://user:pw-secret@elsewhere.example/oauth2/token?code=q-secret#frag"],
            "",
        )
    })
    .await;
    let e = client(&endpoint).build().unwrap().token().await.unwrap_err();
    assert_eq!((e.code(), e.status(), e.attempts()), ("unexpected_response", Some(307), 1), "{e}");
    assert_eq!(e.location(), Some("https://[redacted]@elsewhere.example/oauth2/token?[redacted]"));
    assert_eq!((e.content_type(), e.excerpt()), (None, Some("")));
    let shown = e.to_string();
    assert_eq!(
        shown,
        "unexpected response: HTTP 307, no content-type, Location \
         https://[redacted]@elsewhere.example/oauth2/token?[redacted] (redirects are not followed), empty body"
    );
    let printed = format!("{e} {e:?}");
    assert!(!printed.contains("secret") && !printed.contains("frag"), "{printed}");
    assert_eq!(endpoint.requests().len(), 1);
}

#[tokio::test]
async fn a_50_mib_body_is_refused_from_its_content_length_before_reading() {
    // The head declares 50 MiB, then 1 KiB of body comes and the endpoint stalls: a client
    // that read any of the body (even up to the limit) before checking the length would
    // wait here until its (long) timeout, not answer response_too_large at once.
    let endpoint = Endpoint::start(|_, _| Reply {
        head: "HTTP/1.1 200 OK\r\nContent-Type: application/json".into(),
        body: ReplyBody::Stall { declared: 50 * 1024 * 1024, first: vec![b' '; 1024] },
        delay: Duration::ZERO,
    })
    .await;
    let token_client = client(&endpoint).timeout(Duration::from_secs(120)).build().unwrap();
    // Well inside the retry budget (30 s), which would otherwise end a waiting attempt.
    let e = tokio::time::timeout(Duration::from_secs(20), token_client.token())
        .await
        .expect("the client waited for the body instead of refusing the declared length")
        .unwrap_err();
    assert_eq!((e.code(), e.status(), e.attempts()), ("response_too_large", Some(200), 1), "{e}");
    assert_eq!(e.content_type(), Some("application/json"));
    let ErrorKind::ResponseTooLarge { declared, limit, .. } = e.kind() else { panic!("{e:?}") };
    assert_eq!((*declared, *limit), (Some(50 * 1024 * 1024), MAX_RESPONSE_BYTES));
    assert_eq!(MAX_RESPONSE_BYTES, 256 * 1024);
    assert!(e.to_string().contains("Content-Length 52428800 exceeds the 262144-byte limit"), "{e}");
    assert!(!e.is_retryable());
    assert_eq!(endpoint.connections(), 1);
    // The client hung up (at the latest when dropped) rather than keep the stalled body.
    drop(token_client);
    let deadline = Instant::now() + Duration::from_secs(30);
    while endpoint.hangups() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!((endpoint.hangups(), endpoint.connections()), (1, 1));
}

#[tokio::test]
async fn a_chunked_body_without_length_is_refused_at_the_limit_never_parsed_truncated() {
    // Valid JSON up to the limit and beyond: a truncated read would be a parse error.
    let endpoint = Endpoint::start(|_, _| Reply {
        head: "HTTP/1.1 200 OK\r\nContent-Type: application/json".into(),
        body: ReplyBody::Repeat { chunk: vec![b' '; 64 * 1024], times: 800, chunked: true },
        delay: Duration::ZERO,
    })
    .await;
    let e = client(&endpoint).build().unwrap().token().await.unwrap_err();
    assert_eq!((e.code(), e.status(), e.attempts()), ("response_too_large", Some(200), 1), "{e}");
    let ErrorKind::ResponseTooLarge { declared, .. } = e.kind() else { panic!("{e:?}") };
    assert_eq!(*declared, None);
    assert!(e.to_string().contains("the body exceeds the 262144-byte limit"), "{e}");
    // A body of exactly the limit is still read (and parsed).
    let endpoint = Endpoint::start(|_, _| {
        let token = r#"{"access_token":"t","expires_in":60}"#;
        let mut body = token.to_owned();
        body.push_str(&" ".repeat(MAX_RESPONSE_BYTES - token.len()));
        Reply::json(&body)
    })
    .await;
    client(&endpoint).build().unwrap().token().await.unwrap();
}

#[tokio::test]
async fn a_429_asking_for_an_hour_is_rate_limited_with_the_wait_and_not_waited_for() {
    for (content_type, body, oauth) in [
        ("application/json", r#"{"error":"temporarily_unavailable","error_description":"slow down"}"#, true),
        ("text/plain", "Too Many Requests", false),
    ] {
        let endpoint = Endpoint::start(move |_, _| {
            Reply::new("429 Too Many Requests", Some(content_type), &["Retry-After: 3600"], body)
        })
        .await;
        let started = Instant::now();
        let e = client(&endpoint).build().unwrap().token().await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
        assert_eq!((e.code(), e.status(), e.attempts()), ("rate_limited", Some(429), 1), "{e}");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3600)));
        let ErrorKind::RateLimited { retry_after, time_left, .. } = e.kind() else { panic!("{e:?}") };
        assert_eq!(*retry_after, Some(Duration::from_secs(3600)));
        let left = time_left.expect("the budget was the reason");
        assert!(left <= RetryPolicy::default().max_elapsed, "{left:?}");
        let shown = e.to_string();
        assert!(shown.starts_with("rate limited: HTTP 429"), "{shown}");
        assert!(shown.contains("asked to wait 3600 s (Retry-After)"), "{shown}");
        assert!(shown.contains("left of the retry budget"), "{shown}");
        assert_eq!(e.oauth().is_some(), oauth, "{e:?}");
        if oauth {
            assert!(shown.contains("temporarily_unavailable: slow down"), "{shown}");
        } else {
            assert_eq!((e.excerpt(), e.content_type()), (Some("Too Many Requests"), Some("text/plain")));
        }
        assert_eq!(endpoint.requests().len(), 1);
    }
}

#[tokio::test]
async fn a_429_that_outlasts_the_attempts_is_rate_limited_too() {
    let endpoint = Endpoint::start(|_, _| {
        Reply::new("429 Too Many Requests", Some("text/plain"), &["Retry-After: 0"], "")
    })
    .await;
    let e = client(&endpoint).build().unwrap().token().await.unwrap_err();
    assert_eq!((e.code(), e.attempts(), e.retry_after()), ("rate_limited", 3, Some(Duration::ZERO)), "{e}");
    let ErrorKind::RateLimited { time_left, .. } = e.kind() else { panic!("{e:?}") };
    assert_eq!(*time_left, None, "the attempts ran out, not the budget");
    assert_eq!(endpoint.requests().len(), 3);
}

#[tokio::test]
async fn expires_in_null_is_absent_and_the_default_applies() {
    for body in [
        r#"{"access_token":"tok-1","token_type":"Bearer","expires_in":null}"#,
        r#"{"access_token":"tok-1","expires_in":null,"expires_at":null}"#,
    ] {
        let endpoint = Endpoint::start(move |_, _| Reply::json(body)).await;
        let c = client(&endpoint).default_expires_in(Duration::from_secs(42)).build().unwrap();
        let token = c.token().await.unwrap_or_else(|e| panic!("{body}: {e}"));
        assert_eq!(token.lifetime(), Duration::from_secs(42), "{body}");
        assert_eq!(token.response().expires_in, None);
        assert!(token.response().member("expires_in").is_some_and(serde_json::Value::is_null));
    }
}

#[tokio::test]
async fn members_are_kept_as_received_except_the_secrets() {
    const BODY: &str = r#"{"access_token":"at-secret-1","token_type":"Bearer","expires_in":"900","expires_at":"2030-01-01T00:00:00Z","refresh_expires_in":0,"refresh_token":"rt-secret-2","not-before-policy":0,"scope":"VOP WERO","extra":{"id_token":"it-secret-3","n":1.50}}"#;
    let endpoint = Endpoint::start(|_, _| Reply::json(BODY)).await;
    let c = client(&endpoint).build().unwrap();
    let token = c.token().await.unwrap();
    let members: Vec<(String, serde_json::Value)> =
        token.members().map(|(name, value)| (name.to_owned(), value.clone())).collect();
    let names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "token_type",
            "expires_in",
            "expires_at",
            "refresh_expires_in",
            "not-before-policy",
            "scope",
            "extra"
        ]
    );
    // Types and digits as sent.
    assert_eq!(members[1].1, serde_json::Value::String("900".into()));
    assert!(members[3].1.is_number() && members[3].1 == serde_json::json!(0));
    assert_eq!(members[6].1.to_string(), r#"{"id_token":"[redacted]","n":1.50}"#);
    assert_eq!(token.lifetime(), Duration::from_secs(900));
    // Reachable without the cache too, and never a secret in Debug.
    let response = c.fetch_uncached().await.unwrap();
    assert_eq!(response.members().count(), 7);
    assert!(response.member("refresh_token").is_none() && response.member("access_token").is_none());
    let printed = format!("{token:?} {:?} {response:?}", token.response());
    for secret in ["at-secret-1", "rt-secret-2", "it-secret-3"] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
    assert!(printed.contains("not-before-policy"), "{printed}");
}

#[tokio::test(flavor = "current_thread")]
async fn zero_or_negative_lifetimes_make_one_request_per_refresh_however_many_wait() {
    for lifetime in ["0", "-30"] {
        let endpoint = Endpoint::start(move |n, _| {
            Reply::json(&format!(r#"{{"access_token":"tok-{n}","expires_in":{lifetime}}}"#))
                .delayed(Duration::from_millis(300))
        })
        .await;
        let c = client(&endpoint).build().unwrap();
        for round in 1..=2 {
            // Spawned on this one thread: all 16 start (one fetching, 15 waiting) before the
            // endpoint answers, whatever the machine's load.
            let tasks: Vec<_> = (0..16)
                .map(|_| {
                    let c = c.clone();
                    tokio::spawn(async move { c.token().await })
                })
                .collect();
            let mut tokens = Vec::new();
            for t in tasks {
                tokens.push(t.await.unwrap().unwrap());
            }
            assert_eq!(endpoint.requests().len(), round, "lifetime {lifetime}, round {round}");
            assert!(tokens.iter().all(|t| t.same_as(&tokens[0]) && t.lifetime().is_zero()));
            assert_eq!(tokens[0].expose(), format!("tok-{}", round - 1));
        }
    }
}

#[tokio::test]
async fn retries_of_one_fetch_share_its_correlation_id_and_the_next_fetch_gets_a_new_one() {
    let endpoint = Endpoint::start(|n, _| match n {
        0 => Reply::new(
            "503 Service Unavailable",
            Some("application/json"),
            &[],
            r#"{"error":"temporarily_unavailable"}"#,
        ),
        _ => Reply::json(r#"{"access_token":"tok","expires_in":900}"#),
    })
    .await;
    let c = client(&endpoint).build().unwrap();
    c.token().await.unwrap();
    let ids = endpoint.header_values("x-correlation-id");
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert_eq!(ids[0], ids[1], "the retry reuses the fetch's id");
    assert!(bearerkit_client::valid_correlation_id(&ids[0]) && ids[0].len() == 32, "{ids:?}");
    c.invalidate();
    c.token().await.unwrap();
    let ids = endpoint.header_values("x-correlation-id");
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert_ne!(ids[2], ids[0], "a new fetch, a new id");
    // fetch_uncached is a fetch of its own too.
    c.fetch_uncached().await.unwrap();
    let ids = endpoint.header_values("x-correlation-id");
    assert!(ids[3] != ids[2] && ids[3] != ids[0], "{ids:?}");
}
