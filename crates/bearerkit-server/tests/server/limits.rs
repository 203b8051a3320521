//! Body limit, concurrency, hostile input.

use crate::common::*;

#[tokio::test]
async fn oversized_body_is_413() {
    let f = start().await;
    let big = format!("grant_type={GRANT}&assertion={}", "a".repeat(100 * 1024));
    let r = f
        .http
        .post(f.server.d1_token_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    // Chunked (no Content-Length): the limit applies while reading, still 413.
    assert_eq!(chunked_post(&f, big.as_bytes()).await, 413);
    // Just under the limit is read (and refused for its content, not its size).
    let fits = format!("grant_type={GRANT}&assertion={}", "a".repeat(60 * 1024));
    let r = f
        .http
        .post(f.server.d1_token_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(fits)
        .send()
        .await
        .unwrap();
    let d = assert_error(r, 400, "invalid_grant").await;
    assert_eq!(d, "assertion rejected: token_too_large");
}

/// Send a chunked request over a raw TCP connection; return the status code.
async fn chunked_post(f: &Fixture, body: &[u8]) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(f.server.local_addr()).await.unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
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
    let text = String::from_utf8_lossy(&response);
    text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
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
