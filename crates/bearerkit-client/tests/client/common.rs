//! Shared fixtures: keys, certificates, a configured server on 127.0.0.1:0, clients.

use bearerkit::SigningKey;
use bearerkit::profile::d1;
use bearerkit_client::{ClientAuth, D1Grant, PrivateKeyJwt, RetryPolicy, TokenClient, TokenClientBuilder};
use bearerkit_server::{BasicClient, D1Env, D1Issuer, Realm, RealmClient, RunningServer, ServerConfig};
pub(crate) use bearerkit_testkit::SelfSigned;
use core::time::Duration;

pub(crate) const ISSUER: &str = "MGW_ID";
pub(crate) const KID: &str = "k1";
pub(crate) const OUT_CLIENT: &str = "d1-outbound";
pub(crate) const OUT_SECRET: &str = "outbound-secret-value";
pub(crate) const REALM: &str = "example-realm";
pub(crate) const KC_SECRET_CLIENT: &str = "Worldline-000021";
pub(crate) const KC_SECRET: &str = "password123-very-secret";
pub(crate) const KC_JWT_CLIENT: &str = "5734699";

pub(crate) fn d1_key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32]).unwrap()
}

/// The test server's configuration: a D1 issuer, an outbound client, a realm with a
/// secret client and a certificate client; JSON bodies accepted everywhere.
pub(crate) fn config(cert: &SelfSigned) -> ServerConfig {
    ServerConfig::default()
        .with_test_endpoints(true)
        .with_json_bodies(true)
        .with_d1_issuer(
            D1Issuer::new(ISSUER, D1Env::Prd).key(KID, d1_key().verifying_key().to_spki_pem_string()),
        )
        .with_outbound_client(BasicClient::new(OUT_CLIENT, OUT_SECRET, ["cards", "notifications"]))
        .with_realm(
            Realm::new(REALM)
                .client(RealmClient::new(KC_SECRET_CLIENT).secret(KC_SECRET).scopes(["VOP", "WERO"]))
                .client(
                    RealmClient::new(KC_JWT_CLIENT)
                        .certificate(cert.cert_pem.clone())
                        .scopes(["VOP", "WERO"]),
                ),
        )
}

pub(crate) struct Fixture {
    pub(crate) server: RunningServer,
    pub(crate) cert: SelfSigned,
}

pub(crate) async fn start() -> Fixture {
    start_with(|c| c).await
}

pub(crate) async fn start_with(edit: impl FnOnce(ServerConfig) -> ServerConfig) -> Fixture {
    let cert = SelfSigned::new("client");
    let server = bearerkit_server::spawn(edit(config(&cert))).await.unwrap();
    assert!(server.local_addr().ip().is_loopback());
    Fixture { server, cert }
}

/// Fast retries for tests.
pub(crate) fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

impl Fixture {
    pub(crate) fn d1(&self) -> TokenClientBuilder {
        TokenClient::builder(
            self.server.d1_token_url(),
            D1Grant::new(ISSUER, d1::Env::Production, KID, d1_key()),
        )
        .retry(quick_retries())
    }

    pub(crate) fn outbound(&self) -> TokenClientBuilder {
        TokenClient::builder(
            self.server.outbound_token_url(),
            ClientAuth::secret_basic(OUT_CLIENT, OUT_SECRET),
        )
        .retry(quick_retries())
    }

    pub(crate) fn kc_secret_post(&self) -> TokenClientBuilder {
        TokenClient::builder(
            self.server.keycloak_token_url(REALM),
            ClientAuth::secret_post(KC_SECRET_CLIENT, KC_SECRET),
        )
        .retry(quick_retries())
    }

    pub(crate) fn kc_private_key_jwt(&self) -> TokenClientBuilder {
        let key = SigningKey::from_pem(&self.cert.key_pem).unwrap();
        let auth =
            PrivateKeyJwt::new(KC_JWT_CLIENT, key).kid_from_certificate_pem(&self.cert.cert_pem).unwrap();
        TokenClient::builder(self.server.keycloak_token_url(REALM), auth).retry(quick_retries())
    }
}

pub(crate) use bearerkit_testkit::Captured;

/// Capture every `tracing` event (TRACE and up) on this thread while the guard lives; use
/// it from a current-thread runtime, so the client's events are on this thread.
pub(crate) fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

/// A TCP relay on 127.0.0.1 in front of `upstream` (the real server) that records every
/// byte the client sends: what went over the wire, headers included. Not an HTTP mock:
/// the answers are the server's own.
pub(crate) struct Relay {
    pub(crate) addr: std::net::SocketAddr,
    sent: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Relay {
    pub(crate) async fn start(upstream: std::net::SocketAddr) -> Self {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let sent = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = sent.clone();
        let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let accepted = connections.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let record = record.clone();
                tokio::spawn(async move {
                    let server = tokio::net::TcpStream::connect(upstream).await.unwrap();
                    let (mut client_rx, mut client_tx) = client.into_split();
                    let (mut server_rx, mut server_tx) = server.into_split();
                    let up = async move {
                        let mut buf = vec![0u8; 16 * 1024];
                        while let Ok(n @ 1..) = client_rx.read(&mut buf).await {
                            record.lock().unwrap().extend_from_slice(&buf[..n]);
                            if server_tx.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                        let _ = server_tx.shutdown().await;
                    };
                    let down = async move {
                        let _ = tokio::io::copy(&mut server_rx, &mut client_tx).await;
                        let _ = client_tx.shutdown().await;
                    };
                    tokio::join!(up, down);
                });
            }
        });
        Self { addr, sent, connections }
    }

    /// How many connections the client opened to the relay.
    pub(crate) fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Everything sent so far, as text (the heads are ASCII; bodies here are form/JSON).
    pub(crate) fn sent(&self) -> String {
        String::from_utf8_lossy(&self.sent.lock().unwrap()).into_owned()
    }

    /// How many requests were sent (request lines).
    pub(crate) fn requests(&self) -> usize {
        self.sent().matches("POST /").count()
    }

    /// The values of header `name` in every request sent, in order (names compared
    /// case-insensitively).
    pub(crate) fn header_values(&self, name: &str) -> Vec<String> {
        self.sent()
            .split("\r\n")
            .filter_map(|line| line.split_once(':'))
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }
}

/// Read one HTTP/1.1 request (head and `Content-Length` body) from `stream`.
pub(crate) async fn read_request(stream: &mut tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "connection closed mid-request");
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .split("\r\n")
                .filter_map(|l| l.split_once(':'))
                .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                .map_or(0, |(_, v)| v.trim().parse::<usize>().unwrap());
            if data.len() >= end + 4 + length {
                return text;
            }
        }
    }
}

/// What a hand-written [`Endpoint`] answers to one request.
pub(crate) struct Reply {
    /// Status line and headers, without the blank line (`Connection: close` is added).
    pub(crate) head: String,
    pub(crate) body: ReplyBody,
    /// Wait this long before answering.
    pub(crate) delay: Duration,
}

pub(crate) enum ReplyBody {
    /// These bytes, with their `Content-Length`.
    Bytes(Vec<u8>),
    /// `chunk` `times` times: with a `Content-Length` of the whole, or chunked without one.
    /// Writing stops at the first error (the client hung up).
    Repeat { chunk: Vec<u8>, times: usize, chunked: bool },
    /// A `Content-Length` of `declared`, then only `first`, then nothing: the connection is
    /// held open until the client closes it (counted by [`Endpoint::hangups`]) or
    /// [`STALL_LIMIT`] passes. A client that reads the body before checking the length waits.
    Stall { declared: usize, first: Vec<u8> },
}

/// How long a [`ReplyBody::Stall`] holds the connection at most.
pub(crate) const STALL_LIMIT: Duration = Duration::from_secs(300);

impl Reply {
    /// `status` with `content_type` (if any), extra header lines and `body`.
    pub(crate) fn new(status: &str, content_type: Option<&str>, extra: &[&str], body: &str) -> Self {
        let mut head = format!("HTTP/1.1 {status}");
        if let Some(ct) = content_type {
            head.push_str(&format!("\r\nContent-Type: {ct}"));
        }
        for line in extra {
            head.push_str("\r\n");
            head.push_str(line);
        }
        Self { head, body: ReplyBody::Bytes(body.as_bytes().to_vec()), delay: Duration::ZERO }
    }

    /// `200 OK`, `application/json`, this body.
    pub(crate) fn json(body: &str) -> Self {
        Self::new("200 OK", Some("application/json"), &[], body)
    }

    pub(crate) fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A hand-written HTTP/1.1 endpoint on 127.0.0.1 for answers the local server never gives
/// (HTML, redirects, huge bodies, odd members): one request per connection, answered by
/// `answer(n, request)` (`n` counts requests from 0); it records the requests and counts
/// connections.
pub(crate) struct Endpoint {
    pub(crate) addr: std::net::SocketAddr,
    requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    hangups: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Endpoint {
    pub(crate) async fn start(answer: impl Fn(usize, &str) -> Reply + Send + Sync + 'static) -> Self {
        use std::sync::atomic::Ordering::SeqCst;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let hangups = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let answer = std::sync::Arc::new(answer);
        let (record, accepted, hung_up) = (requests.clone(), connections.clone(), hangups.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                accepted.fetch_add(1, SeqCst);
                let (record, answer, hung_up) = (record.clone(), answer.clone(), hung_up.clone());
                tokio::spawn(async move {
                    let request = read_request(&mut stream).await;
                    let reply = {
                        let mut all = record.lock().unwrap();
                        all.push(request.clone());
                        answer(all.len() - 1, &request)
                    };
                    tokio::time::sleep(reply.delay).await;
                    let mut head = reply.head;
                    match &reply.body {
                        ReplyBody::Bytes(b) => head.push_str(&format!("\r\nContent-Length: {}", b.len())),
                        ReplyBody::Repeat { chunk, times, chunked: false } => {
                            head.push_str(&format!("\r\nContent-Length: {}", chunk.len() * times));
                        }
                        ReplyBody::Repeat { chunked: true, .. } => {
                            head.push_str("\r\nTransfer-Encoding: chunked")
                        }
                        ReplyBody::Stall { declared, .. } => {
                            head.push_str(&format!("\r\nContent-Length: {declared}"));
                        }
                    }
                    head.push_str("\r\nConnection: close\r\n\r\n");
                    if stream.write_all(head.as_bytes()).await.is_err() {
                        return;
                    }
                    match reply.body {
                        ReplyBody::Bytes(b) => {
                            let _ = stream.write_all(&b).await;
                        }
                        ReplyBody::Repeat { chunk, times, chunked } => {
                            for _ in 0..times {
                                let frame = if chunked {
                                    let mut f = format!("{:x}\r\n", chunk.len()).into_bytes();
                                    f.extend_from_slice(&chunk);
                                    f.extend_from_slice(b"\r\n");
                                    f
                                } else {
                                    chunk.clone()
                                };
                                if stream.write_all(&frame).await.is_err() {
                                    return;
                                }
                            }
                            if chunked {
                                let _ = stream.write_all(b"0\r\n\r\n").await;
                            }
                        }
                        ReplyBody::Stall { first, .. } => {
                            if stream.write_all(&first).await.is_err() {
                                return;
                            }
                            // Nothing more is sent; wait for the client to hang up.
                            let mut buf = [0u8; 1024];
                            let closed = tokio::time::timeout(STALL_LIMIT, async {
                                while let Ok(1..) = stream.read(&mut buf).await {}
                            });
                            if closed.await.is_ok() {
                                hung_up.fetch_add(1, SeqCst);
                            }
                            return;
                        }
                    }
                    let _ = stream.shutdown().await;
                });
            }
        });
        Self { addr, requests, connections, hangups }
    }

    /// `http://127.0.0.1:PORT/oauth2/token`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}/oauth2/token", self.addr)
    }

    /// The requests received so far, as text.
    pub(crate) fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// How many connections were accepted.
    pub(crate) fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many [`ReplyBody::Stall`] connections the client closed.
    pub(crate) fn hangups(&self) -> usize {
        self.hangups.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The values of header `name` (case-insensitive) in each request, in order.
    pub(crate) fn header_values(&self, name: &str) -> Vec<String> {
        self.requests()
            .iter()
            .flat_map(|r| {
                let head = r.split("\r\n\r\n").next().unwrap_or_default().to_owned();
                head.split("\r\n")
                    .filter_map(|line| line.split_once(':'))
                    .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.trim().to_owned())
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}
