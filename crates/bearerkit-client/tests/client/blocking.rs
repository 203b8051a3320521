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
