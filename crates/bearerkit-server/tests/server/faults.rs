//! Fault injection: Rust API and the `/_test/*` endpoints.

use crate::common::*;
use axum::http::StatusCode;
use core::time::Duration;
use std::time::Instant;

#[tokio::test]
async fn status_then_success() {
    let f = start().await;
    f.server.faults().status_next(1, StatusCode::SERVICE_UNAVAILABLE);
    let a = d1_assertion();
    let r = post_d1_form(&f, &a).await;
    let (status, body) = json(r).await;
    assert_eq!((status, body["error"].as_str()), (503, Some("temporarily_unavailable")));
    // The faulted request never reached the handler: the same assertion still works.
    assert_eq!(post_d1_form(&f, &a).await.status(), 200);
    assert_eq!(f.server.request_count(), 2);
    assert_eq!(f.server.faults().pending(), 0);
}

#[tokio::test]
async fn count_covers_several_requests_and_empty_bodies() {
    let f = start().await;
    f.server.faults().empty_status_next(2, StatusCode::BAD_GATEWAY);
    for _ in 0..2 {
        let r = post_d1_form(&f, &d1_assertion()).await;
        assert_eq!(r.status(), 502);
        assert!(r.bytes().await.unwrap().is_empty());
    }
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
    // Faults apply to every token endpoint, not to /resource.
    f.server.faults().status_next(1, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(f.http.get(f.server.resource_url()).send().await.unwrap().status(), 401);
    let r = post_kc(
        &f,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", KC_SECRET_CLIENT),
            ("client_secret", KC_SECRET),
        ],
    )
    .await;
    assert_eq!(r.status(), 500);
    assert_eq!(f.server.request_count(), 4);
}

#[tokio::test]
async fn retry_after() {
    let f = start().await;
    f.server.faults().retry_after_next(1, 3);
    let r = post_d1_form(&f, &d1_assertion()).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "3");
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
}

// Upper bounds on elapsed time are kept far from the delays: a debug build on a loaded
// 2-core CI machine can take a while to answer even an undelayed request.
#[tokio::test]
async fn delay() {
    let f = start().await;
    f.server.faults().delay_next(1, Duration::from_secs(3));
    let t = Instant::now();
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
    assert!(t.elapsed() >= Duration::from_secs(3), "{:?}", t.elapsed());
    // The fault was used up: the next request is not delayed.
    let t = Instant::now();
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
}

#[tokio::test]
async fn delay_beyond_the_timeout_is_408() {
    let f = start_with(|mut c| {
        c.request_timeout_secs = 1;
        c
    })
    .await;
    // Three slow requests at once (one timeout's wait): a valid correlation id, none, a bad
    // one. The delay is far beyond the 1 s timeout, so "answered at the timeout, not after the
    // delay" holds with seconds to spare.
    f.server.faults().delay_next(3, Duration::from_secs(5));
    let send = |correlation: Option<&'static str>| {
        let mut request = f
            .http
            .post(f.server.d1_token_url())
            .form(&[("grant_type", GRANT), ("assertion", &d1_assertion())]);
        if let Some(c) = correlation {
            request = request.header("x-correlation-id", c);
        }
        request.send()
    };
    let t = Instant::now();
    let (valid, none, bad) = tokio::join!(send(Some("slow-1")), send(None), send(Some("not valid!")));
    assert!(t.elapsed() >= Duration::from_secs(1), "{:?}", t.elapsed());
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
    for (r, correlation) in [(valid, Some("slow-1")), (none, None), (bad, None)] {
        let r = r.unwrap();
        // Like every other token-endpoint error: no-store, and a valid correlation id echoed
        // (a bad one is not: the delay came before its check).
        let headers = r.headers().clone();
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["pragma"], "no-cache");
        assert_eq!(headers["content-type"], "application/json");
        assert_eq!(headers.get("x-correlation-id").map(|v| v.to_str().unwrap()), correlation);
        let (status, body) = json(r).await;
        assert_eq!(
            (status, body),
            (408, serde_json::json!({"error": "invalid_request", "error_description": "request timed out"}))
        );
    }
    assert_eq!(f.server.request_count(), 3);
    // The timed-out requests are gone: the next one is answered at once.
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
    assert_eq!(f.server.request_count(), 4);
}

#[tokio::test]
async fn malformed() {
    let f = start().await;
    f.server.faults().malformed_next(1, StatusCode::OK);
    f.server.faults().malformed_next(1, StatusCode::BAD_GATEWAY);
    for status in [200, 502] {
        let r = post_d1_form(&f, &d1_assertion()).await;
        assert_eq!(r.status(), status);
        let text = r.text().await.unwrap();
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_err(), "{text}");
        assert_eq!(text, bearerkit_server::MALFORMED_BODY);
    }
    f.server.faults().status_next(5, StatusCode::SERVICE_UNAVAILABLE);
    f.server.faults().clear();
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
}

#[tokio::test]
async fn http_test_endpoints() {
    let f = start().await;
    let base = f.server.base_url();
    let post_fault = |body: serde_json::Value| f.http.post(format!("{base}/_test/faults")).json(&body).send();
    let r = post_fault(serde_json::json!({"kind": "status", "status": 503, "count": 1})).await.unwrap();
    assert_eq!(json(r).await.1["pending"], 1);
    post_fault(serde_json::json!({"kind": "retry_after", "seconds": 2})).await.unwrap();
    post_fault(serde_json::json!({"kind": "malformed", "status": 502})).await.unwrap();
    post_fault(serde_json::json!({"kind": "delay", "millis": 200})).await.unwrap();
    post_fault(serde_json::json!({"kind": "status", "status": 500, "body": "empty"})).await.unwrap();

    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 503);
    let r = post_d1_form(&f, &d1_assertion()).await;
    assert_eq!((r.status().as_u16(), r.headers()["retry-after"].to_str().unwrap()), (429, "2"));
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 502);
    let t = Instant::now();
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
    assert!(t.elapsed() >= Duration::from_millis(200));
    let r = post_d1_form(&f, &d1_assertion()).await;
    assert_eq!(r.status(), 500);
    assert!(r.bytes().await.unwrap().is_empty());

    let (status, stats) = json(f.http.get(format!("{base}/_test/stats")).send().await.unwrap()).await;
    assert_eq!((status, stats), (200, serde_json::json!({"token_requests": 5})));

    // Bad requests.
    for bad in [
        serde_json::json!({"kind": "explode"}),
        serde_json::json!({"kind": "status", "status": 1000}),
        serde_json::json!({"kind": "delay"}),
        serde_json::json!({"kind": "status", "extra": true}),
    ] {
        assert_eq!(post_fault(bad).await.unwrap().status(), 400);
    }
    post_fault(serde_json::json!({"kind": "status", "count": 3})).await.unwrap();
    let r = f.http.delete(format!("{base}/_test/faults")).send().await.unwrap();
    assert_eq!(json(r).await.1["pending"], 0);
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
}

#[tokio::test]
async fn test_endpoints_are_off_by_default() {
    let f = start_with(|c| c.with_test_endpoints(false)).await;
    let base = f.server.base_url();
    let r = f
        .http
        .post(format!("{base}/_test/faults"))
        .json(&serde_json::json!({"kind": "status"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(f.http.get(format!("{base}/_test/stats")).send().await.unwrap().status(), 404);
}

/// `POST /_test/faults` takes `application/json` only: a form or `text/plain` body, which
/// any web page can send cross-origin without a preflight, gets 415 and queues nothing.
#[tokio::test]
async fn fault_endpoint_requires_json_content_type() {
    let f = start().await;
    let url = format!("{}/_test/faults", f.server.base_url());
    let body = r#"{"kind":"status","status":503,"count":1}"#;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
    ] {
        let mut request = f.http.post(&url).body(body);
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let r = request.send().await.unwrap();
        let (status, v) = json(r).await;
        assert_eq!((status, v["error"].as_str()), (415, Some("invalid_request")), "{content_type:?}: {v}");
        assert_eq!(f.server.faults().pending(), 0, "{content_type:?}");
    }
    // Two Content-Type headers are refused too.
    let r = f
        .http
        .post(&url)
        .header("content-type", "application/json")
        .header("content-type", "text/plain")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    for ct in ["application/json", "Application/JSON; charset=utf-8"] {
        let r = f.http.post(&url).header("content-type", ct).body(body).send().await.unwrap();
        assert_eq!(r.status(), 200, "{ct}");
    }
    assert_eq!(f.server.faults().pending(), 2);
}

/// `RunningServer::shutdown` lets a request in flight finish (here one an injected delay
/// holds), then stops: new connections are refused.
#[tokio::test]
async fn shutdown_answers_the_request_in_flight() {
    let f = start().await;
    f.server.faults().delay_next(1, Duration::from_millis(1500));
    let (http, url, addr) = (f.http.clone(), f.server.d1_token_url(), f.server.local_addr());
    let a = d1_assertion();
    let request = tokio::spawn(async move {
        http.post(url).form(&[("grant_type", GRANT), ("assertion", a.as_str())]).send().await
    });
    // The request has reached the server (counted) before shutdown starts.
    for _ in 0..1000 {
        if f.server.request_count() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(f.server.request_count(), 1);
    f.server.shutdown().await;
    let r = request.await.unwrap().unwrap();
    assert_eq!(r.status(), 200);
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "still accepting after shutdown");
}
