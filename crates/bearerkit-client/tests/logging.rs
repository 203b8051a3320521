//! The client's logs hold no secret. Its own test binary: the test installs a process-wide
//! `tracing` subscriber (and a `log` logger, which reqwest and rustls use), so it sees
//! every event of the process, from every thread: the test's, the tokio workers the server
//! and the HTTP connections run on. A thread-local subscriber beside other tests would miss
//! those (and `tracing` caches each call site's interest process-wide), so a leak could go
//! unseen.

// Helpers outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs, clippy::std_instead_of_core)]

// The shared fixtures; this binary uses only some of them.
#[allow(dead_code)]
#[path = "client/common.rs"]
mod common;

use base64ct::{Base64, Encoding};
use bearerkit::SigningKey;
use bearerkit::profile::d1;
use bearerkit_client::{ClientAuth, D1Grant, PrivateKeyJwt, RetryPolicy, TokenClient, TokenClientBuilder};
use common::*;
use core::time::Duration;
use std::io::Write;

const WRONG_SECRET: &str = "a-wrong-secret-0123456789";
const API_KEY: &str = "ak_live_4f9c2e7b1d8a6f30";
const AUTHORIZATION: &str = "Token at-9d1e5c3b7a2f4e68";
const AUTH_TOKEN: &str = "xt-51c7a0e2b9d4f863";

/// `log` records (reqwest and rustls log through `log`, not `tracing`) into the same buffer.
struct LogBridge(Captured);

impl log::Log for LogBridge {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        // One write per record, so lines of other threads do not interleave.
        let line = format!("{} [log] {}: {}\n", record.level(), record.target(), record.args());
        self.0.clone().write_all(line.as_bytes()).unwrap();
    }
    fn flush(&self) {}
}

/// Capture everything the process logs, at every level, from now on.
fn capture_everything() -> Captured {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_thread_names(true)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    log::set_logger(Box::leak(Box::new(LogBridge(captured.clone())))).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    captured
}

/// Everything secret seen during the test, with a label for the failure message.
#[derive(Default)]
struct Secrets(Vec<(String, String)>);

impl Secrets {
    fn add(&mut self, what: impl Into<String>, value: impl Into<String>) {
        let value = value.into();
        assert!(!value.is_empty());
        self.0.push((what.into(), value));
    }

    /// A PEM private key: the whole text, and each line of its base64 body.
    fn add_pem(&mut self, what: &str, pem: &str) {
        self.add(what, pem);
        for (i, line) in pem.lines().filter(|l| !l.starts_with("-----")).enumerate() {
            self.add(format!("{what} (line {})", i + 1), line);
        }
    }

    /// A client secret and the Basic credentials made of it.
    fn add_client_secret(&mut self, id: &str, secret: &str) {
        self.add(format!("secret of {id}"), secret);
        self.add(
            format!("Basic credentials of {id}"),
            Base64::encode_string(format!("{id}:{secret}").as_bytes()),
        );
    }

    /// Every assertion sent (as recorded by the relay): each whole, and its signature.
    fn add_assertions(&mut self, sent: &str) -> usize {
        let mut found = 0;
        for (i, _) in sent.match_indices("assertion=") {
            let value: String = sent[i + "assertion=".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            if value.matches('.').count() == 2 {
                self.add(format!("assertion #{found}"), value.clone());
                self.add(format!("assertion #{found} (signature)"), value.rsplit('.').next().unwrap());
                found += 1;
            }
        }
        found
    }
}

/// The extra headers, on every client (`Authorization` only where Basic is not used).
fn with_headers(b: TokenClientBuilder, basic: bool) -> TokenClientBuilder {
    let b = b.header("x-api-key", API_KEY).header("X-Auth-Token", AUTH_TOKEN);
    if basic { b } else { b.header("Authorization", AUTHORIZATION) }
}

/// The four flows through `relay`; `good` chooses the right credentials or wrong ones.
fn clients(
    f: &Fixture,
    relay: &Relay,
    good: bool,
    stranger: &SigningKey,
) -> Vec<(&'static str, TokenClient)> {
    let via = |url: String| url.replace(&f.server.base_url(), &relay.url(""));
    let secret = |s: &'static str| if good { s } else { WRONG_SECRET };
    let key = |k: SigningKey| if good { k } else { stranger.clone() };
    // The certificate's fingerprint as `kid` directly: the stranger's key does not match the
    // certificate, which `kid_from_certificate_pem` would refuse before anything is sent.
    let pkj = PrivateKeyJwt::new(KC_JWT_CLIENT, key(SigningKey::from_pem(&f.cert.key_pem).unwrap()))
        .kid(f.cert.sha1_fingerprint.clone())
        // Through the relay the URL differs from the one the server expects as `aud`.
        .audience(f.server.keycloak_token_url(REALM));
    let flows = [
        (
            "D1",
            via(f.server.d1_token_url()),
            D1Grant::new(ISSUER, d1::Env::Production, KID, key(d1_key())).into(),
        ),
        (
            "secret_basic",
            via(f.server.outbound_token_url()),
            ClientAuth::secret_basic(OUT_CLIENT, secret(OUT_SECRET)).into(),
        ),
        (
            "secret_post",
            via(f.server.keycloak_token_url(REALM)),
            ClientAuth::secret_post(KC_SECRET_CLIENT, secret(KC_SECRET)).into(),
        ),
        ("private_key_jwt", via(f.server.keycloak_token_url(REALM)), pkj.into()),
    ];
    flows
        .into_iter()
        .map(|(what, url, flow): (_, _, bearerkit_client::Flow)| {
            let basic = what == "secret_basic";
            let builder = TokenClient::builder(url, flow)
                .retry(quick_retries())
                // Refresh 4 s ahead of expiry (tokens live 8 s): a refresh can fail while
                // the old token is still served, with seconds to spare on a loaded machine.
                .refresh_margin(Duration::from_secs(4))
                .refresh_jitter(Duration::ZERO);
            (what, with_headers(builder, basic).build().unwrap())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_keys_assertions_tokens_and_header_values_never_reach_the_logs() {
    let captured = capture_everything();
    // Every token lives 8 s.
    let f = start_with(|mut c| {
        for realm in &mut c.realms {
            realm.token_lifetime_secs = 8;
        }
        c.with_token_lifetime(8)
    })
    .await;
    let relay = Relay::start(f.server.local_addr()).await;
    let stranger = SigningKey::from_bytes(&[9u8; 32]).unwrap();
    let mut secrets = Secrets::default();
    secrets.add_pem("D1 key", &d1_key().to_pkcs8_pem_string());
    secrets.add_pem("client assertion key", &f.cert.key_pem);
    secrets.add_pem("stranger key", &stranger.to_pkcs8_pem_string());
    for (id, secret) in [
        (OUT_CLIENT, OUT_SECRET),
        (KC_SECRET_CLIENT, KC_SECRET),
        (OUT_CLIENT, WRONG_SECRET),
        (KC_SECRET_CLIENT, WRONG_SECRET),
    ] {
        secrets.add_client_secret(id, secret);
    }
    for (what, value) in [
        ("x-api-key", API_KEY),
        ("authorization", AUTHORIZATION),
        ("x-auth-token", AUTH_TOKEN),
        ("x-api-key (random part)", "4f9c2e7b1d8a6f30"),
        ("authorization (random part)", "9d1e5c3b7a2f4e68"),
        ("x-auth-token (random part)", "51c7a0e2b9d4f863"),
    ] {
        secrets.add(format!("extra header {what}"), value);
    }

    let good = clients(&f, &relay, true, &stranger);
    // Success.
    let mut first = Vec::new();
    for (what, client) in &good {
        let token = client.token().await.unwrap_or_else(|e| panic!("{what}: {e}"));
        secrets.add(format!("{what} access token"), token.expose());
        first.push(token);
    }
    // A failed refresh while the old token is still valid (every attempt 503): the old token
    // is served and the failure logged.
    tokio::time::sleep(Duration::from_millis(4100)).await;
    for ((what, client), old) in good.iter().zip(&first) {
        f.server.faults().status_next(3, http::StatusCode::SERVICE_UNAVAILABLE);
        let served = client.token().await.unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(served.same_as(old), "{what}: the old token is served");
        let refresh_error =
            client.last_refresh_error().unwrap_or_else(|| panic!("{what}: no refresh ({old:?})"));
        assert_eq!(refresh_error.code(), "temporarily_unavailable", "{what}");
    }
    // A failed fetch with nothing cached, then a success again.
    for (what, client) in &good {
        client.invalidate();
        f.server.faults().status_next(3, http::StatusCode::SERVICE_UNAVAILABLE);
        let e = client.token().await.unwrap_err();
        assert_eq!((e.code(), e.attempts()), ("temporarily_unavailable", 3), "{what}: {e}");
        let token = client.token().await.unwrap_or_else(|e| panic!("{what}: {e}"));
        secrets.add(format!("{what} access token (second)"), token.expose());
    }
    // OAuth errors: a wrong secret, an assertion signed by the wrong key.
    for (what, client) in clients(&f, &relay, false, &stranger) {
        let e = client.token().await.unwrap_err();
        let expected = if what == "D1" { "invalid_grant" } else { "invalid_client" };
        assert_eq!(e.code(), expected, "{what}: {e}");
    }
    // A timeout and a transport error: the HTTP client's errors on the way.
    f.server.faults().delay_next(1, Duration::from_millis(500));
    let timeout = with_headers(f.kc_secret_post(), false)
        .timeout(Duration::from_millis(100))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
        .token()
        .await
        .unwrap_err();
    assert_eq!(timeout.code(), "timeout", "{timeout}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let transport = with_headers(
        TokenClient::builder(
            format!("http://{closed}/oauth2/token"),
            ClientAuth::secret_basic(OUT_CLIENT, OUT_SECRET),
        ),
        true,
    )
    .retry(RetryPolicy::none())
    .build()
    .unwrap()
    .token()
    .await
    .unwrap_err();
    assert_eq!(transport.code(), "transport", "{transport}");
    // Given assertions, sent as they are: a success, then the same one refused as a replay.
    let now = bearerkit::now_unix();
    let given_d1 = d1::assertion(ISSUER, d1::Env::Production, KID, now)
        .jwt_id("log-given-1")
        .sign_to_string(&d1_key())
        .unwrap();
    let given_client = SigningKey::from_pem(&f.cert.key_pem).unwrap();
    let given_ca = bearerkit::profile::client_assertion::assertion(
        KC_JWT_CLIENT,
        &f.server.keycloak_token_url(REALM),
        "log-given-2",
        now,
    )
    .key_id(&f.cert.sha1_fingerprint)
    .sign_to_string(&given_client)
    .unwrap();
    secrets.add("given D1 assertion", given_d1.as_str());
    secrets.add("given client assertion", given_ca.as_str());
    let given: [(&str, bearerkit_client::Flow); 2] = [
        (&f.server.d1_token_url(), bearerkit_client::Flow::jwt_bearer_assertion(given_d1.as_str())),
        (
            &f.server.keycloak_token_url(REALM),
            ClientAuth::client_assertion(KC_JWT_CLIENT, given_ca.as_str()).into(),
        ),
    ];
    for (url, flow) in given {
        let client = TokenClient::builder(url, flow).retry(RetryPolicy::none()).build().unwrap();
        let token = client.fetch_uncached().await.unwrap_or_else(|e| panic!("{url}: {e}"));
        secrets.add("given-assertion access token", token.access_token.expose());
        let e = client.fetch_uncached().await.unwrap_err();
        assert!(matches!(e.code(), "invalid_grant" | "invalid_client"), "{url}: {e}");
    }

    // What went over the wire: the secrets really were sent (so the test means something),
    // and every assertion sent is a secret too.
    let sent = relay.sent();
    for value in [API_KEY, AUTHORIZATION, AUTH_TOKEN, KC_SECRET, WRONG_SECRET] {
        assert!(sent.contains(value), "{value} was not sent");
    }
    let assertions = secrets.add_assertions(&sent);
    // D1 and private_key_jwt: 1 + 3 + 3 + 1 with the right key, 1 with the wrong one.
    assert!(assertions >= 18, "only {assertions} assertions sent");
    drop(good);
    f.server.shutdown().await;
    let logs = captured.text();

    // The subscriber saw the client, the server (on tokio worker threads) and reqwest: the
    // test can fail.
    for line in [
        "token request",
        "token cached",
        "token request failed; retrying",
        "token refresh failed; serving the cached token while it is valid",
        "token request failed",
        "temporarily_unavailable",
        "invalid_client",
        "invalid_grant",
        "code=\"timeout\"",
        "code=\"transport\"",
        "token issued",
        "client authentication failed",
        "assertion rejected",
        "injected fault answered",
        "starting new connection",
    ] {
        assert!(logs.contains(line), "expected {line:?} in the captured logs:\n{logs}");
    }
    let count = |target: &str| logs.lines().filter(|l| l.contains(target)).count();
    let (client_lines, server_lines) = (count(" bearerkit_client"), count(" bearerkit_server"));
    assert!(client_lines >= 70, "only {client_lines} client log lines:\n{logs}");
    assert!(server_lines >= 35, "only {server_lines} server log lines:\n{logs}");
    // Each line names its thread: some server events came from another thread than this one.
    let this = std::thread::current().name().unwrap().to_owned();
    assert!(
        logs.lines().any(|l| l.contains(" bearerkit_server") && !l.contains(&this)),
        "no server event from another thread:\n{logs}"
    );
    for (what, value) in &secrets.0 {
        assert!(!logs.contains(value.as_str()), "{what} leaked into the logs:\n{logs}");
    }
    // No JWS at all (each starts with base64url `{"alg`: eyJhbGci).
    assert!(!logs.contains("eyJhbGci"), "a JWS leaked into the logs:\n{logs}");
}
