//! The blocking twin, from plain synchronous code (the server runs on its own runtime).

use crate::common::*;
use bearerkit_server::RunningServer;

struct Server {
    runtime: tokio::runtime::Runtime,
    server: Option<RunningServer>,
    fixture_cert: SelfSigned,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.server.take() {
            self.runtime.block_on(s.shutdown());
        }
    }
}

fn server() -> Server {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let cert = SelfSigned::new("client");
    let server = runtime.block_on(bearerkit_server::spawn(config(&cert))).unwrap();
    Server { runtime, server: Some(server), fixture_cert: cert }
}

#[test]
fn blocking_api_works_from_synchronous_code() {
    let s = server();
    let running = s.server.as_ref().unwrap();
    let client = bearerkit_client::TokenClient::builder(
        running.outbound_token_url(),
        bearerkit_client::ClientAuth::secret_basic(OUT_CLIENT, OUT_SECRET),
    )
    .build_blocking()
    .unwrap();
    let a = client.token().unwrap();
    for _ in 0..10 {
        assert!(client.token().unwrap().same_as(&a));
    }
    assert_eq!(running.request_count(), 1);
    // From several threads at once, still cached.
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| assert!(client.token().unwrap().same_as(&a)));
        }
    });
    client.invalidate();
    assert!(!client.token().unwrap().same_as(&a));
    assert_eq!(running.request_count(), 2);
    // Errors come back the same way.
    let bad = bearerkit_client::TokenClient::builder(
        running.outbound_token_url(),
        bearerkit_client::ClientAuth::secret_basic(OUT_CLIENT, "wrong"),
    )
    .build_blocking()
    .unwrap();
    assert_eq!(bad.token().unwrap_err().code(), "invalid_client");
    assert!(!s.fixture_cert.cert_pem.is_empty());
}

// Multi-threaded, so that the server keeps running on the other worker while this one waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blocking_client_works_on_any_thread_and_never_panics() {
    let f = start().await;
    // Built inside a runtime: fine (it is a runtime of its own, started, not entered).
    let client = f.outbound().build_blocking().unwrap();
    // On a spawn_blocking thread (the usual way to run synchronous code from async code).
    let c = client.clone();
    let first = tokio::task::spawn_blocking(move || c.token()).await.unwrap().unwrap();
    assert_eq!(f.server.request_count(), 1);
    // The cache is shared with the async client underneath.
    assert!(client.as_async().token().await.unwrap().same_as(&first));
    let c = client.clone();
    let fetched = tokio::task::spawn_blocking(move || c.fetch_uncached()).await.unwrap().unwrap();
    assert!(!fetched.access_token.expose().is_empty());
    assert_eq!(f.server.request_count(), 2);
    // Directly on a thread that drives async tasks: it blocks this worker (documented: use
    // the async client there) but answers, without starting a runtime inside a runtime.
    client.invalidate();
    let direct = client.token().unwrap();
    assert!(!direct.same_as(&first));
    assert_eq!(f.server.request_count(), 3);
    // Errors come back the same way from there.
    let bad = bearerkit_client::TokenClient::builder(
        f.server.outbound_token_url(),
        bearerkit_client::ClientAuth::secret_basic(OUT_CLIENT, "wrong"),
    )
    .build_blocking()
    .unwrap();
    assert_eq!(
        tokio::task::spawn_blocking(move || bad.token()).await.unwrap().unwrap_err().code(),
        "invalid_client"
    );
    // Dropping the last clones inside the runtime does not panic either.
    let clone = client.clone();
    drop(client);
    drop(clone);
}
