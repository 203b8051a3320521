//! Secrets never reach Debug, Display, errors or tracing output.

use crate::common::*;
use bearerkit_client::TokenClient;
use std::sync::{Arc, Mutex};

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn debug_display_errors_and_logs_hold_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let f = start().await;
    let d1_key_pem = d1_key().to_pkcs8_pem_string();
    let mut seen = Vec::new();
    let clients: Vec<TokenClient> = vec![
        f.d1().build().unwrap(),
        f.outbound().build().unwrap(),
        f.kc_secret_post().build().unwrap(),
        f.kc_private_key_jwt().build().unwrap(),
    ];
    for client in &clients {
        let token = client.token().await.unwrap();
        // A failed refresh after invalidation too, so errors are logged.
        f.server.faults().status_next(3, http::StatusCode::SERVICE_UNAVAILABLE);
        client.invalidate();
        let err = client.token().await.unwrap_err();
        seen.push((token.secret().to_owned(), format!("{client:?} {token:?} {err:?} {err}")));
    }
    let bad = TokenClient::builder(
        f.server.keycloak_token_url(REALM),
        bearerkit_client::ClientAuth::secret_post(KC_SECRET_CLIENT, "a-wrong-secret-value"),
    )
    .build()
    .unwrap();
    let err = bad.token().await.unwrap_err();
    let printed_bad = format!("{bad:?} {err:?} {err}");
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("token request"), "tracing output was captured: {logs}");

    let secrets =
        [OUT_SECRET, KC_SECRET, "a-wrong-secret-value", d1_key_pem.as_str(), f.cert.key_pem.as_str()];
    let mut everything = format!("{logs}\n{printed_bad}");
    for (token, printed) in &seen {
        everything.push_str(printed);
        assert!(!everything.contains(token.as_str()), "access token leaked");
        assert!(!logs.contains(token.as_str()), "access token in logs");
    }
    for s in secrets {
        assert!(!everything.contains(s), "secret leaked: {s}");
    }
    // No assertion either (every JWS here starts with base64url `{"alg`: eyJhbGci).
    let at = everything
        .find("eyJhbGci")
        .map(|i| everything[i.saturating_sub(300)..(i + 80).min(everything.len())].to_owned());
    assert!(at.is_none(), "an assertion or JWT leaked: {at:?}");
    assert!(seen[0].1.contains("[redacted]"));
}

#[test]
fn secret_and_access_token_debug() {
    let s = bearerkit_client::Secret::new("hunter2");
    assert_eq!(format!("{s:?}"), "Secret([redacted])");
}
