//! `bearerkit demo` in a hostile environment: proxy variables set.

use crate::common::bk;
use predicates::prelude::*;

/// With every proxy variable pointing at a loopback "proxy" (a socket that is listened on
/// but never answered), the demo still passes every step, and nothing reaches the proxy:
/// its server is on 127.0.0.1 and its token requests carry credentials, so it takes no
/// proxy from the environment.
#[test]
fn demo_ignores_proxy_variables() {
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", proxy.local_addr().unwrap());
    let mut cmd = bk();
    for var in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
        cmd.env(var, &url);
    }
    // No exception list that would let loopback bypass the proxy anyway.
    cmd.env_remove("NO_PROXY").env_remove("no_proxy");
    cmd.arg("demo")
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .success()
        .stdout(predicate::str::contains("demo: 10 passed, 0 failed"))
        .stdout(predicate::str::contains("FAILED").not());
    // The kernel queues a connection to a listening socket even if it is never accepted.
    proxy.set_nonblocking(true).unwrap();
    match proxy.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        Ok((_, peer)) => panic!("the demo connected to the proxy from {peer}"),
        Err(e) => panic!("accept: {e}"),
    }

    // The same with the closed port the issue names, and the JSON transcript.
    let mut cmd = bk();
    for var in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
        cmd.env(var, "http://127.0.0.1:9");
    }
    cmd.env_remove("NO_PROXY").env_remove("no_proxy");
    let out = cmd.args(["--json", "demo"]).timeout(std::time::Duration::from_secs(120)).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        (v["ok"].as_bool(), v["passed"].as_u64(), v["failed"].as_u64()),
        (Some(true), Some(10), Some(0))
    );
}
