//! Every platform flow, in both body encodings, against the local server.

use crate::common::*;
use bearerkit_client::{
    BodyEncoding, CORRELATION_HEADER, ClientAuth, CorrelationId, D1Grant, TokenClient, TokenClientBuilder,
};
use core::time::Duration;

async fn check(f: &Fixture, builder: impl Fn() -> TokenClientBuilder, lifetime: u64) {
    for encoding in [BodyEncoding::Form, BodyEncoding::Json] {
        let before = f.server.request_count();
        let client = builder().body_encoding(encoding).build().unwrap();
        let token = client.token().await.unwrap_or_else(|e| panic!("{encoding:?}: {e}"));
        assert!(!token.expose().is_empty());
        assert!(token.token_type().eq_ignore_ascii_case("bearer"));
        assert_eq!(token.lifetime(), Duration::from_secs(lifetime), "{encoding:?}");
        assert_eq!(f.server.request_count(), before + 1);
        // The token works on the protected resource.
        let status = resource_status(f, token.expose()).await;
        assert_eq!(status, 200, "{encoding:?}");
    }
}

/// `GET /resource` with the token, over a plain TCP connection (no HTTP client needed).
pub(crate) async fn resource_status(f: &Fixture, token: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = f.server.local_addr();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "GET /resource HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out.split(' ').nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn d1_jwt_bearer_form_and_json() {
    let f = start().await;
    check(&f, || f.d1(), 900).await;
}

#[tokio::test]
async fn client_credentials_secret_basic_form_and_json_with_string_expires_in() {
    // the D1 outbound API: `expires_in` is the string "900", plus `expires_at`.
    let f = start().await;
    check(&f, || f.outbound(), 900).await;
    let token = f.outbound().scope("cards").build().unwrap().token().await.unwrap();
    assert_eq!(token.scope(), Some("cards"));
}

#[tokio::test]
async fn client_credentials_secret_post_form_and_json() {
    let f = start().await;
    check(&f, || f.kc_secret_post().scope("VOP WERO"), 300).await;
}

#[tokio::test]
async fn client_credentials_private_key_jwt_form_and_json() {
    // the Worldline API: kid = SHA-1 fingerprint of the certificate, aud = the token endpoint, fresh jti.
    let f = start().await;
    check(&f, || f.kc_private_key_jwt().scope("VOP"), 300).await;
    let client = f.kc_private_key_jwt().build().unwrap();
    // Fresh jti per request: two uncached fetches are both accepted (no replay).
    client.fetch_uncached().await.unwrap();
    client.fetch_uncached().await.unwrap();
}

/// `^[A-Za-z0-9_-]{1,64}$`, written out.
fn d1_correlation_pattern(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A D1 client through a recording relay in front of the server.
fn d1_via(relay: &Relay) -> TokenClientBuilder {
    TokenClient::builder(
        relay.url(bearerkit_server::D1_TOKEN_PATH),
        D1Grant::new(ISSUER, bearerkit::profile::d1::Env::Production, KID, d1_key()),
    )
    .retry(quick_retries())
}

#[tokio::test]
async fn a_given_correlation_id_goes_over_the_wire_exactly_once_and_the_server_accepts_it() {
    let f = start().await;
    // With correlation_id().
    let relay = Relay::start(f.server.local_addr()).await;
    d1_via(&relay).correlation_id("abc-123_X").build().unwrap().token().await.unwrap();
    assert_eq!(relay.header_values(CORRELATION_HEADER), ["abc-123_X"]);
    // As an extra header, with the default (Generate) policy: one header, the given one. The
    // server refuses a request with two, so the token also proves there was one.
    let relay = Relay::start(f.server.local_addr()).await;
    let client = d1_via(&relay)
        .header("X-Correlation-ID", "from-header_7")
        .header("x-extra", "extra-1")
        .build()
        .unwrap();
    client.fetch_uncached().await.unwrap();
    client.fetch_uncached().await.unwrap();
    assert_eq!(relay.requests(), 2);
    assert_eq!(relay.header_values(CORRELATION_HEADER), ["from-header_7", "from-header_7"]);
    assert_eq!(relay.header_values("x-extra"), ["extra-1", "extra-1"]);
    assert_eq!(f.server.request_count(), 3);
}

#[tokio::test]
async fn a_user_agent_header_replaces_the_default_and_no_header_goes_twice() {
    let f = start().await;
    let relay = Relay::start(f.server.local_addr()).await;
    d1_via(&relay).build().unwrap().token().await.unwrap();
    assert_eq!(relay.header_values("user-agent"), [bearerkit_client::DEFAULT_USER_AGENT]);
    let relay = Relay::start(f.server.local_addr()).await;
    d1_via(&relay)
        .header("User-Agent", "my-app/2.0")
        .header("x-extra", "extra-1")
        .build()
        .unwrap()
        .token()
        .await
        .unwrap();
    assert_eq!(relay.header_values("user-agent"), ["my-app/2.0"]);
    // Every header name of the request head (what reqwest and hyper add included) once.
    let sent = relay.sent();
    let head = sent.split("\r\n\r\n").next().unwrap();
    let mut names: Vec<String> =
        head.split("\r\n").skip(1).map(|l| l.split_once(':').unwrap().0.to_ascii_lowercase()).collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "a header sent twice in:\n{head}");
    for name in ["host", "content-type", "content-length", "accept", "user-agent", "x-correlation-id"] {
        assert!(names.iter().any(|n| n == name), "{name} missing in:\n{head}");
    }
    // The refused ones never reach the wire.
    for name in ["content-type", "accept", "content-length", "host"] {
        let e = d1_via(&relay).header(name, "v").build().unwrap_err();
        assert_eq!(e.code(), "invalid_config", "{e}");
    }
    assert_eq!(relay.requests(), 1);
}

#[tokio::test]
async fn a_generated_correlation_id_matches_the_d1_pattern_and_differs_per_request() {
    let f = start().await;
    let relay = Relay::start(f.server.local_addr()).await;
    let client = d1_via(&relay).build().unwrap();
    for _ in 0..3 {
        client.fetch_uncached().await.unwrap();
    }
    // One more through a retry: the retry sends its fetch's id again.
    f.server.faults().status_next(1, http::StatusCode::SERVICE_UNAVAILABLE);
    client.fetch_uncached().await.unwrap();
    let ids = relay.header_values(CORRELATION_HEADER);
    assert_eq!((ids.len(), relay.requests()), (5, 5), "one per request: {ids:?}");
    assert!(ids.iter().all(|id| d1_correlation_pattern(id)), "{ids:?}");
    assert_eq!(ids[3], ids[4], "a retry keeps its fetch's id: {ids:?}");
    let distinct: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(distinct.len(), 4, "one per fetch: {ids:?}");
    // Omit: no header at all.
    let relay = Relay::start(f.server.local_addr()).await;
    d1_via(&relay).correlation(CorrelationId::Omit).build().unwrap().token().await.unwrap();
    assert!(relay.header_values(CORRELATION_HEADER).is_empty());
    assert_eq!(relay.requests(), 1);
}

#[tokio::test]
async fn an_invalid_or_doubled_correlation_id_is_refused_before_sending() {
    // The client validates what it is given (the server would answer invalid_request).
    let f = start().await;
    for builder in [
        f.d1().correlation_id("not valid!"),
        f.d1().header("x-correlation-id", "not valid!"),
        f.d1().header("x-correlation-id", "a".repeat(65)),
        f.d1().correlation_id("one").header("x-correlation-id", "two"),
    ] {
        let e = builder.build().unwrap_err();
        assert_eq!(e.code(), "invalid_config", "{e}");
    }
    assert_eq!(f.server.request_count(), 0);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    // A tiny listener that answers every request with 302 to the real token endpoint.
    use tokio::io::AsyncWriteExt;
    let f = start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let location = f.server.outbound_token_url();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let request = read_request(&mut stream).await;
            assert!(request.starts_with("POST /oauth2/token "), "{request}");
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let answer = format!(
                "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            stream.write_all(answer.as_bytes()).await.unwrap();
            let _ = stream.shutdown().await;
        }
    });
    let client = TokenClient::builder(
        format!("http://{addr}/oauth2/token"),
        ClientAuth::secret_basic(OUT_CLIENT, OUT_SECRET),
    )
    .retry(quick_retries())
    .build()
    .unwrap();
    let e = client.token().await.unwrap_err();
    assert_eq!((e.code(), e.status(), e.attempts()), ("unexpected_response", Some(302), 1), "{e}");
    assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(f.server.request_count(), 0, "the redirect was followed to the real endpoint");
    // The same endpoint, asked directly, would have answered.
    f.outbound().build().unwrap().token().await.unwrap();
    assert_eq!(f.server.request_count(), 1);
}

#[tokio::test]
async fn invalid_scope_is_an_oauth_error_with_description() {
    let f = start().await;
    let e = f.kc_secret_post().scope("IDEAL").build().unwrap().token().await.unwrap_err();
    assert_eq!(e.code(), "invalid_scope");
    let oauth = e.oauth().unwrap();
    assert_eq!((oauth.status, oauth.description.as_deref()), (400, Some("Invalid scopes: IDEAL")));
    assert_eq!(e.attempts(), 1);
}

#[test]
fn d1_endpoints_are_the_documented_urls() {
    use bearerkit::profile::d1::Env;
    assert_eq!(
        bearerkit_client::d1_token_url(Env::Production),
        "https://api.d1.thalescloud.io/authz/v1/oauth2/token"
    );
    assert_eq!(
        bearerkit_client::d1_token_url(Env::Staging),
        "https://api.d1-stg.thalescloud.io/authz/v1/oauth2/token"
    );
    assert_eq!(
        bearerkit_client::D1_PRODUCTION_TOKEN_URL,
        format!("{}/oauth2/token", bearerkit::profile::d1::PRODUCTION_URL)
    );
}

/// The request bodies the relay saw, one per `POST`.
fn bodies(relay: &Relay) -> Vec<String> {
    let sent = relay.sent();
    sent.split("POST /").skip(1).map(|r| r.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned()).collect()
}

#[tokio::test]
async fn a_given_jwt_bearer_assertion_is_sent_as_it_is_and_refused_when_replayed_or_expired() {
    let f = start().await;
    let relay = Relay::start(f.server.local_addr()).await;
    let url = f.server.d1_token_url().replace(&f.server.local_addr().to_string(), &relay.addr.to_string());
    let now = bearerkit::now_unix();
    let sign = |at: u64, jti: &str| {
        bearerkit::profile::d1::assertion(ISSUER, bearerkit::profile::d1::Env::Production, KID, at)
            .jwt_id(jti)
            .sign_to_string(&d1_key())
            .unwrap()
    };
    let fresh = sign(now, "given-jti-1");
    let one_shot = |assertion: &str| {
        TokenClient::builder(&url, bearerkit_client::Flow::jwt_bearer_assertion(assertion))
            .retry(bearerkit_client::RetryPolicy::none())
            .build()
            .unwrap()
    };
    let client = one_shot(&fresh);
    assert!(!format!("{client:?}").contains(&fresh), "the assertion is never shown");
    let response = client.fetch_uncached().await.unwrap();
    assert!(response.member("expires_in").is_some());
    // Exactly the given assertion went over the wire.
    let expected = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
        .append_pair("assertion", &fresh)
        .finish();
    assert_eq!(bodies(&relay), core::slice::from_ref(&expected));
    // The same again: a replay.
    let e = client.fetch_uncached().await.unwrap_err();
    assert_eq!((e.code(), e.attempts()), ("invalid_grant", 1), "{e}");
    assert_eq!(bodies(&relay), [expected.clone(), expected]);
    // One that expired an hour ago.
    let e = one_shot(&sign(now - 3600, "given-jti-2")).fetch_uncached().await.unwrap_err();
    assert_eq!(e.code(), "invalid_grant", "{e}");
    assert!(!format!("{e} {e:?}").contains("eyJ"), "{e:?}");
    assert_eq!(f.server.request_count(), 3);
}

#[tokio::test]
async fn a_given_client_assertion_is_sent_as_it_is_and_refused_when_replayed() {
    let f = start().await;
    let relay = Relay::start(f.server.local_addr()).await;
    let endpoint = f.server.keycloak_token_url(REALM);
    let url = endpoint.replace(&f.server.local_addr().to_string(), &relay.addr.to_string());
    let key = bearerkit::SigningKey::from_pem(&f.cert.key_pem).unwrap();
    let assertion = bearerkit::profile::client_assertion::assertion(
        KC_JWT_CLIENT,
        &endpoint,
        "given-jti-3",
        bearerkit::now_unix(),
    )
    .key_id(&f.cert.sha1_fingerprint)
    .sign_to_string(&key)
    .unwrap();
    let client = TokenClient::builder(&url, ClientAuth::client_assertion(KC_JWT_CLIENT, assertion.as_str()))
        .scope("VOP WERO")
        .retry(bearerkit_client::RetryPolicy::none())
        .build()
        .unwrap();
    let printed = format!("{client:?}");
    assert!(printed.contains(KC_JWT_CLIENT) && !printed.contains(&assertion), "{printed}");
    // Through the cache once (caching is unchanged), then the same assertion again.
    let token = client.token().await.unwrap();
    assert!(token.members().any(|(name, _)| name == "not-before-policy"), "{token:?}");
    let expected = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        .append_pair("client_assertion", &assertion)
        .append_pair("scope", "VOP WERO")
        .finish();
    assert_eq!(bodies(&relay), [expected]);
    let e = client.fetch_uncached().await.unwrap_err();
    assert_eq!((e.code(), e.attempts()), ("invalid_client", 1), "{e}");
    assert_eq!(f.server.request_count(), 2);
}
