//! The proxy: none by default, one when configured (used, with its credentials), and bad
//! proxy URLs refused without echoing their credentials.

use crate::common::*;
use bearerkit_client::{ClientAuth, TokenClient};

const PROXY_PASSWORD: &str = "proxy-pass-hunter2";

#[test]
fn a_bad_proxy_url_is_invalid_config_without_its_credentials() {
    for url in [
        format!("http://user:{PROXY_PASSWORD}@[::1"),
        format!("http://user:{PROXY_PASSWORD}@proxy.corp:notaport"),
        format!("http://user:{PROXY_PASSWORD}"),
        format!("user:{PROXY_PASSWORD}@proxy.corp:3128"),
        format!("socks5://user:{PROXY_PASSWORD}@proxy.corp:1080"),
        format!("ftp://user:{PROXY_PASSWORD}@proxy.corp/x"),
        format!("http://user:{PROXY_PASSWORD}@/"),
        String::new(),
    ] {
        let builder =
            TokenClient::builder("http://127.0.0.1:1/t", ClientAuth::secret_basic("a", "b")).proxy(&url);
        let printed = format!("{builder:?}");
        let e = builder.build().unwrap_err();
        assert_eq!(e.code(), "invalid_config", "{url}: {e}");
        assert!(e.to_string().contains("proxy URL"), "{url}: {e}");
        let printed = format!("{printed} {e} {e:?}");
        assert!(!printed.contains(PROXY_PASSWORD), "{url}: {printed}");
    }
}

#[tokio::test]
async fn a_configured_proxy_is_used_with_its_credentials() {
    // The relay stands in for the proxy: it forwards the bytes to the real server and
    // records them. The endpoint's host does not even resolve: only the proxy can reach it.
    let f = start().await;
    let relay = Relay::start(f.server.local_addr()).await;
    let endpoint =
        f.server.outbound_token_url().replace(&f.server.local_addr().to_string(), "token-endpoint.invalid");
    assert!(endpoint.starts_with("http://token-endpoint.invalid/"), "{endpoint}");
    // A plain-http endpoint that is not loopback: allowed only by name.
    let builder = || {
        TokenClient::builder(&endpoint, ClientAuth::secret_basic(OUT_CLIENT, OUT_SECRET))
            .proxy(format!("http://proxy-user:{PROXY_PASSWORD}@{}", relay.addr))
    };
    assert_eq!(builder().build().unwrap_err().code(), "invalid_config");
    let client = builder().insecure_transport().retry(quick_retries()).build().unwrap();
    let token = client.token().await.unwrap();
    assert!(!token.is_expired());
    assert_eq!(f.server.request_count(), 1);
    let sent = relay.sent();
    assert!(sent.starts_with(&format!("POST {endpoint} HTTP/1.1\r\n")), "absolute-form to a proxy: {sent}");
    use base64ct::Encoding as _;
    let basic = base64ct::Base64::encode_string(format!("proxy-user:{PROXY_PASSWORD}").as_bytes());
    assert_eq!(relay.header_values("proxy-authorization"), [format!("Basic {basic}")]);
    assert!(!format!("{client:?}").contains(PROXY_PASSWORD));
}

#[tokio::test]
async fn a_proxy_nobody_listens_on_is_a_transport_error_without_its_credentials() {
    // The endpoint itself is up: the error proves the requests went to the proxy.
    let f = start().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = f.outbound().proxy(format!("http://proxy-user:{PROXY_PASSWORD}@{closed}")).build().unwrap();
    let e = client.token().await.unwrap_err();
    assert_eq!((e.code(), e.attempts()), ("transport", 3), "{e}");
    assert_eq!(f.server.request_count(), 0);
    let printed = format!("{e} {e:?} {client:?}");
    assert!(!printed.contains(PROXY_PASSWORD), "{printed}");
}

/// Set in the child process of `no_proxy_from_the_environment_by_default`.
const CHILD: &str = "BEARERKIT_CLIENT_PROXY_ENV_CHILD";

#[test]
fn no_proxy_from_the_environment_by_default() {
    if std::env::var_os(CHILD).is_some() {
        // The child: every proxy variable names a port nobody listens on, yet the endpoint
        // is reached, directly.
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let f = start().await;
            let client = f.outbound().build().unwrap();
            client.token().await.unwrap();
            assert_eq!(f.server.request_count(), 1);
        });
        return;
    }
    // The parent: run this same test in a child process with the proxy variables set (the
    // environment is shared by the tests of a process, so it is not changed here).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let proxy = format!("http://{closed}");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child.args(["--exact", "proxy::no_proxy_from_the_environment_by_default", "--test-threads=1"]);
    for name in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        child.env(name, &proxy);
    }
    let out = child
        .env(CHILD, "1")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("REQUEST_METHOD")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
