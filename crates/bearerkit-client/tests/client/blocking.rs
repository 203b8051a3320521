//! The blocking twin, from plain synchronous code (the server runs on its own runtime).

use crate::common::*;
use bearerkit_server::RunningServer;

struct Server {
    runtime: tokio::runtime::Runtime,
    server: Option<RunningServer>,
    fixture_cert: Cert,
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
    let cert = make_cert("client");
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
    assert!(!s.fixture_cert.pem.is_empty());
}

#[tokio::test]
async fn inside_an_async_runtime_the_blocking_client_is_an_error_not_a_panic() {
    let f = start().await;
    let e = f.outbound().build_blocking().unwrap_err();
    assert_eq!(e.code(), "blocking_in_async", "{e}");
    assert!(!e.is_retryable());
    assert!(e.to_string().contains("async"), "{e}");
    // Built in plain synchronous code, then used here: every blocking call is refused, and
    // dropping the last clone here does not panic either.
    let url = f.server.outbound_token_url();
    let client = std::thread::spawn(move || {
        bearerkit_client::TokenClient::builder(
            url,
            bearerkit_client::ClientAuth::secret_basic(OUT_CLIENT, OUT_SECRET),
        )
        .build_blocking()
        .unwrap()
    })
    .join()
    .unwrap();
    assert_eq!(client.token().unwrap_err().code(), "blocking_in_async");
    assert_eq!(client.fetch_uncached().unwrap_err().code(), "blocking_in_async");
    assert_eq!(f.server.request_count(), 0);
    // The async client underneath works here.
    let token = client.as_async().token().await.unwrap();
    // ... and fills the cache the blocking client shares: a fresh cached token blocks on
    // nothing, so it is returned.
    assert!(client.token().unwrap().same_as(&token));
    // `spawn_blocking` threads count as inside the runtime; the documented way there works.
    let c = client.clone();
    let (refused, fetched) = tokio::task::spawn_blocking(move || {
        let refused = c.fetch_uncached().unwrap_err();
        let fetched = tokio::runtime::Handle::current().block_on(c.as_async().fetch_uncached());
        (refused, fetched)
    })
    .await
    .unwrap();
    assert_eq!(refused.code(), "blocking_in_async");
    fetched.unwrap();
    assert_eq!(f.server.request_count(), 2);
    let clone = client.clone();
    drop(client);
    drop(clone);
}
