//! Body limit, concurrency, hostile input.

use crate::common::*;
use core::time::Duration;
use std::time::Instant;

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

/// The bodies that cost 0.26 s of CPU each before any authentication (thousands of
/// distinct names; thousands of repeats of one): refused with `invalid_request` on every
/// token endpoint. The work is bounded by a count, not a timer: see the parser's own test
/// (`params::tests`), which counts the names checked (at most `MAX_PARAMS` + 1).
#[tokio::test]
async fn crafted_parameter_floods_are_refused() {
    let f = start_with(|c| c.with_json_bodies(true)).await;
    let mut distinct = String::new();
    let mut i = 0u32;
    while distinct.len() < bearerkit_server::MAX_BODY_BYTES - 16 {
        distinct.push_str(&format!("{i:x}&"));
        i += 1;
    }
    let repeated = "a=1&".repeat(bearerkit_server::MAX_BODY_BYTES / 4 - 1);
    let many =
        format!("grant_type=client_credentials&{}", (0..64).map(|i| format!("p{i}=v&")).collect::<String>());
    let endpoints =
        [f.server.d1_token_url(), f.server.outbound_token_url(), f.server.keycloak_token_url(REALM)];
    for url in &endpoints {
        for (body, expected) in [
            (&distinct, "too many parameters (at most 64)"),
            (&repeated, "parameter \"a\" repeated"),
            (&many, "too many parameters (at most 64)"),
        ] {
            let r = f
                .http
                .post(url)
                .basic_auth(OUT_CLIENT, Some(OUT_SECRET))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let d = assert_error(r, 400, "invalid_request").await;
            assert_eq!(d, expected, "{url}");
        }
        let mut json = String::from("{");
        let mut j = 0u32;
        while json.len() < bearerkit_server::MAX_BODY_BYTES - 16 {
            json.push_str(&format!("\"{j:x}\":\"\","));
            j += 1;
        }
        json.push_str("\"end\":\"\"}");
        let r = f
            .http
            .post(url)
            .basic_auth(OUT_CLIENT, Some(OUT_SECRET))
            .header("content-type", "application/json")
            .body(json.into_bytes())
            .send()
            .await
            .unwrap();
        let d = assert_error(r, 400, "invalid_request").await;
        assert_eq!(d, "too many parameters (at most 64)", "{url} (JSON)");
    }
    assert_eq!(f.server.request_count(), 12);
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
}

/// Read one HTTP/1.1 response (its head and `Content-Length` body) from `conn`; `None` when
/// the connection closes first.
async fn read_response(conn: &mut tokio::net::TcpStream) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&buf).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned())
                })
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return Some(text);
            }
        }
        match conn.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Whether the server closed `conn` (EOF or reset) without sending anything, waiting at most
/// `limit` (a bound for a broken server, far above the timeouts under test).
async fn closed_silently<R: tokio::io::AsyncRead + Unpin>(conn: &mut R, limit: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut rest = Vec::new();
    match tokio::time::timeout(limit, conn.read_to_end(&mut rest)).await {
        Ok(Ok(_)) | Ok(Err(_)) => rest.is_empty(),
        Err(_elapsed) => false,
    }
}

const GET_RESOURCE: &[u8] = b"GET /resource HTTP/1.1\r\nHost: localhost\r\n\r\n";

/// Slow loris: a connection that sends half a request head and stops is closed after the
/// header-read timeout (hyper's), without an answer, while other clients are served
/// throughout.
#[tokio::test]
async fn a_half_sent_request_head_is_closed_after_the_header_read_timeout() {
    use tokio::io::AsyncWriteExt;
    let f = start_with(|c| c.with_header_read_timeout(1).with_idle_timeout(60)).await;
    let started = Instant::now();
    let mut slow = tokio::net::TcpStream::connect(f.server.local_addr()).await.unwrap();
    slow.write_all(b"POST /oauth2/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: applica").await.unwrap();
    let watcher = tokio::spawn(async move {
        let closed = closed_silently(&mut slow, Duration::from_secs(30)).await;
        (closed, started.elapsed())
    });
    // Good requests all along (a bounded number of them).
    let mut served = 0;
    while !watcher.is_finished() && served < 100 {
        assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
        served += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (closed, elapsed) = watcher.await.unwrap();
    assert!(closed, "the half-sent head still holds its connection after 30 s, or got an answer");
    assert!(elapsed >= Duration::from_millis(900), "closed before the timeout: {elapsed:?}");
    assert!(served >= 1);
    assert_eq!(f.server.request_count(), served);
    // Still serving.
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
}

/// Slow loris, dripping: a request head sent one byte every 300 ms keeps bytes moving, so
/// the idle timeout (60 s) never fires, but the header-read timeout (2 s) is a deadline,
/// not reset by each byte: the connection is closed by it, without an answer, long before
/// the 40 bytes are sent, while other clients are served throughout.
#[tokio::test]
async fn a_dripped_request_head_is_closed_by_the_header_read_deadline() {
    use tokio::io::AsyncWriteExt;
    let f = start_with(|c| c.with_header_read_timeout(2).with_idle_timeout(60)).await;
    // 40 bytes, none of them ending the head.
    const DRIP: &[u8; 40] = b"POST /oauth2/token HTTP/1.1\r\nHost: local";
    let started = Instant::now();
    let (mut read, mut write) =
        tokio::net::TcpStream::connect(f.server.local_addr()).await.unwrap().into_split();
    let dripper = tokio::spawn(async move {
        let mut sent = 0;
        for b in DRIP {
            if write.write_all(&[*b]).await.is_err() {
                break;
            }
            sent += 1;
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        // The write half is handed back, not dropped: dropping it would send a FIN, and the
        // server would close the connection for that rather than for the deadline.
        (sent, write)
    });
    let watcher = tokio::spawn(async move {
        let closed = closed_silently(&mut read, Duration::from_secs(30)).await;
        (closed, started.elapsed())
    });
    // Good requests meanwhile (a bounded number of them).
    let mut served = 0;
    while !watcher.is_finished() && served < 200 {
        assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
        served += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (closed, elapsed) = watcher.await.unwrap();
    let (sent, _write) = dripper.await.unwrap();
    assert!(closed, "the dripped head still holds its connection after 30 s, or got an answer");
    assert!(elapsed >= Duration::from_millis(1500), "closed before the deadline: {elapsed:?}");
    assert!(elapsed <= Duration::from_secs(20), "closed long after the deadline: {elapsed:?}");
    // Bytes were moving when it was closed, and the drip had not ended.
    assert!((2..DRIP.len()).contains(&sent), "{sent} bytes sent");
    assert!(served >= 1);
    assert_eq!(f.server.request_count(), served);
    // Still serving.
    assert_eq!(post_d1_form(&f, &d1_assertion()).await.status(), 200);
}

/// The idle timeout: a kept-alive connection with nothing to do, or one that sends nothing
/// at all, is closed after it; a request head arriving slowly but steadily (bytes keep
/// moving) for longer than the idle timeout is still answered.
#[tokio::test]
async fn idle_connections_are_closed_but_steady_ones_are_not() {
    use tokio::io::AsyncWriteExt;
    let f = start_with(|c| c.with_header_read_timeout(60).with_idle_timeout(2)).await;
    let addr = f.server.local_addr();
    // Kept alive after an answer.
    let mut kept = tokio::net::TcpStream::connect(addr).await.unwrap();
    kept.write_all(GET_RESOURCE).await.unwrap();
    let answer = read_response(&mut kept).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let after_answer = Instant::now();
    // Silent from the start.
    let mut silent = tokio::net::TcpStream::connect(addr).await.unwrap();
    let silent_start = Instant::now();
    // Steady: one byte of the head every 100 ms, for 4 s (twice the idle timeout).
    let mut steady = tokio::net::TcpStream::connect(addr).await.unwrap();
    let steady_task = tokio::spawn(async move {
        let head = format!("GET /resource HTTP/1.1\r\nHost: localhost\r\nX-Pad: {}\r\n\r\n", "p".repeat(10));
        let (slow, rest) = head.as_bytes().split_at(40);
        for b in slow {
            steady.write_all(&[*b]).await.unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        steady.write_all(rest).await.unwrap();
        read_response(&mut steady).await
    });
    assert!(closed_silently(&mut kept, Duration::from_secs(30)).await);
    assert!(after_answer.elapsed() >= Duration::from_millis(1900), "{:?}", after_answer.elapsed());
    assert!(closed_silently(&mut silent, Duration::from_secs(30)).await);
    assert!(silent_start.elapsed() >= Duration::from_millis(1900), "{:?}", silent_start.elapsed());
    let answer = steady_task.await.unwrap().expect("the steady head was cut off");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
}

/// The connection cap: with 2 connections open the server accepts no third; its request
/// waits (not served, not counted) until one of the two closes, and is answered then.
#[tokio::test]
async fn the_connection_cap_holds_the_next_connection_until_one_closes() {
    use tokio::io::AsyncWriteExt;
    let f =
        start_with(|c| c.with_max_connections(2).with_header_read_timeout(60).with_idle_timeout(60)).await;
    let addr = f.server.local_addr();
    let mut open = Vec::new();
    for _ in 0..2 {
        let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
        conn.write_all(GET_RESOURCE).await.unwrap();
        let answer = read_response(&mut conn).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
        open.push(conn);
    }
    // The third connects (the kernel's backlog) and sends a token request.
    let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
    let body = "grant_type=client_credentials";
    let request = format!(
        "POST /oauth2/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    third.write_all(request.as_bytes()).await.unwrap();
    let waited = tokio::time::timeout(Duration::from_millis(1500), read_response(&mut third)).await;
    assert!(waited.is_err(), "served past the cap: {waited:?}");
    assert_eq!(f.server.request_count(), 0, "the third request reached a handler");
    // The two still work.
    open[0].write_all(GET_RESOURCE).await.unwrap();
    assert!(read_response(&mut open[0]).await.unwrap().starts_with("HTTP/1.1 401"));
    // One closes: the third is accepted and answered.
    drop(open.remove(1));
    let answer = tokio::time::timeout(Duration::from_secs(30), read_response(&mut third))
        .await
        .expect("not answered after a connection closed")
        .expect("closed without an answer");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert_eq!(f.server.request_count(), 1);
}
