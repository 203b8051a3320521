//! Body limit, concurrency, hostile input.

use crate::common::*;

#[tokio::test]
async fn oversized_body_is_413() {
    let f = start().await;
    let big = format!("grant_type={GRANT}&assertion={}", "a".repeat(100 * 1024));
    let endpoints =
        [f.server.d1_token_url(), f.server.outbound_token_url(), f.server.keycloak_token_url(REALM)];
    for (i, url) in endpoints.iter().enumerate() {
        let before = f.server.request_count();
        // With Content-Length: refused before the body is read, with the RFC 6749 body.
        let correlation = format!("too-big-{i}");
        let r = f
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-correlation-id", &correlation)
            .body(big.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["x-correlation-id"], correlation.as_str(), "{url}");
        assert_eq!(r.headers()["content-type"], "application/json", "{url}");
        assert_eq!(r.headers()["cache-control"], "no-store", "{url}");
        let d = assert_error(r, 413, "invalid_request").await;
        assert_eq!(d, "request body too large");
        assert_eq!(f.server.request_count(), before + 1, "the refused request is counted ({url})");
    }
    // Chunked (no Content-Length): the limit applies while reading; same answer.
    let before = f.server.request_count();
    let (status, headers, body) = chunked_post(&f, big.as_bytes(), Some("chunked-1")).await;
    assert_eq!(status, 413, "{headers}\n{body}");
    assert!(headers.contains("x-correlation-id: chunked-1"), "{headers}");
    assert!(headers.contains("content-type: application/json"), "{headers}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
    assert_eq!(
        v,
        serde_json::json!({"error": "invalid_request", "error_description": "request body too large"})
    );
    assert_eq!(f.server.request_count(), before + 1);
    // A bad correlation id on an oversized request is still refused for the id (400).
    let r = f
        .http
        .post(f.server.d1_token_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-correlation-id", "not valid")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("x-correlation-id").is_none());
    assert_error(r, 400, "invalid_request").await;
    // Exactly the limit is read (and refused for its content, not its size), chunked too.
    let prefix = format!("grant_type={GRANT}&assertion=");
    let fits = format!("{prefix}{}", "a".repeat(bearerkit_server::MAX_BODY_BYTES - prefix.len()));
    assert_eq!(fits.len(), bearerkit_server::MAX_BODY_BYTES);
    let r = f
        .http
        .post(f.server.d1_token_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(fits.clone())
        .send()
        .await
        .unwrap();
    let d = assert_error(r, 400, "invalid_grant").await;
    assert_eq!(d, "assertion rejected: token_too_large");
    let (status, _, body) = chunked_post(&f, fits.as_bytes(), None).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("token_too_large"), "{body}");
    // One byte more is over.
    let over = format!("{fits}a");
    let (status, _, body) = chunked_post(&f, over.as_bytes(), None).await;
    assert_eq!(status, 413, "{body}");
    // Still serving.
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
}

/// Send a chunked request over a raw TCP connection; return the status code, the header
/// block (lower-cased) and the body (de-chunked if needed).
async fn chunked_post(f: &Fixture, body: &[u8], correlation: Option<&str>) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(f.server.local_addr()).await.unwrap();
    let correlation = correlation.map(|c| format!("x-correlation-id: {c}\r\n")).unwrap_or_default();
    let head = format!(
        "POST {} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\n{correlation}connection: close\r\n\r\n",
        bearerkit_server::D1_TOKEN_PATH,
        f.server.local_addr()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    for chunk in body.chunks(8192) {
        // The server may answer and close before everything is sent.
        if conn.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await.is_err()
            || conn.write_all(chunk).await.is_err()
            || conn.write_all(b"\r\n").await.is_err()
        {
            break;
        }
    }
    let _ = conn.write_all(b"0\r\n\r\n").await;
    let mut response = Vec::new();
    let _ = conn.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let head = head.to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = if head.contains("transfer-encoding: chunked") { dechunk(rest) } else { rest.to_owned() };
    (status, head, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_token_requests() {
    let f = start().await;
    let assertions: Vec<String> = (0..200).map(|_| d1_assertion()).collect();
    let mut set = tokio::task::JoinSet::new();
    for (i, a) in assertions.into_iter().enumerate() {
        let http = f.http.clone();
        let url = f.server.d1_token_url();
        set.spawn(async move {
            let r = http
                .post(url)
                .header("x-correlation-id", format!("req-{i}"))
                .form(&[("grant_type", GRANT), ("assertion", a.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(r.headers()["x-correlation-id"].to_str().unwrap(), format!("req-{i}"));
            let (status, body) = json(r).await;
            assert_eq!(status, 200, "{body}");
            body["access_token"].as_str().unwrap().to_owned()
        });
    }
    let mut tokens = std::collections::HashSet::new();
    while let Some(t) = set.join_next().await {
        assert!(tokens.insert(t.unwrap()), "token issued twice");
    }
    assert_eq!(tokens.len(), 200);
    assert_eq!(f.server.request_count(), 200);
    assert_eq!(f.server.state().live_tokens(), 200);
}

#[tokio::test]
async fn hostile_input_gets_4xx_never_a_crash() {
    let f = start().await;
    let endpoints =
        [f.server.d1_token_url(), f.server.outbound_token_url(), f.server.keycloak_token_url(REALM)];
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("application/json", b"[]".to_vec()),
        ("application/json", b"null".to_vec()),
        ("application/json", br#"{"grant_type":"x","grant_type":"y"}"#.to_vec()),
        ("application/json", format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes()),
        ("application/json", vec![0xff, 0xfe, 0x00]),
        ("application/x-www-form-urlencoded", vec![0xff, 0xfe, 0x00]),
        ("application/x-www-form-urlencoded", b"%%%&&&===".to_vec()),
        ("application/x-www-form-urlencoded", format!("grant_type={GRANT}&assertion=....").into_bytes()),
        ("application/x-www-form-urlencoded", format!("grant_type={GRANT}&assertion=eyJ.eyJ.AAAA").into_bytes()),
        (
            "application/x-www-form-urlencoded",
            b"grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=x.y.z".to_vec(),
        ),
    ];
    for url in &endpoints {
        for (ct, body) in &bodies {
            let r = f.http.post(url).header("content-type", *ct).body(body.clone()).send().await.unwrap();
            let s = r.status().as_u16();
            assert!((400..500).contains(&s), "{url} {ct} -> {s}");
        }
    }
    let r = f.http.post(f.server.keycloak_token_url("%ff%fe")).form(&[("a", "b")]).send().await.unwrap();
    assert!(r.status().is_client_error());
    // Still serving.
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
}
