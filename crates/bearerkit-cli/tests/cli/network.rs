//! `bearerkit demo`, `bearerkit serve` and `bearerkit token`, run as built binaries against
//! each other over 127.0.0.1.

use crate::common::bk;
use bearerkit_testkit::Served;
use predicates::prelude::*;

#[test]
fn demo_walks_every_flow_and_exits_zero() {
    bk().arg("demo")
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .stdout(predicate::str::contains("demo: 10 passed, 0 failed"))
        .stdout(predicate::str::contains("\"expires_in\": \"900\""))
        .stdout(predicate::str::contains("refused: invalid_grant"))
        // Access tokens never appear in full.
        .stdout(predicate::str::contains("[redacted]"));
    let out = bk().args(["--json", "demo"]).timeout(std::time::Duration::from_secs(60)).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["failed"], 0);
}

/// A plain HTTP/1.1 GET over a TcpStream (the test needs no HTTP client for this).
fn reqwest_free_get(url: &str) -> String {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(s, "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// `bearerkit serve` with a configuration file, 600 s tokens and the test endpoints.
fn serve(config: &std::path::Path) -> Served {
    let config = config.as_os_str().to_owned();
    crate::common::serve([
        "--token-lifetime".into(),
        "600".into(),
        "--test-endpoints".into(),
        "--config".into(),
        config,
    ])
}

#[test]
fn serve_and_token_every_flow() {
    let d = tempfile::tempdir().unwrap();
    let key = d.path().join("d1.pem");
    bk().args(["keygen", "--out"]).arg(&key).assert().success();
    let public = bk().args(["pubkey", "--key"]).arg(&key).assert().success().get_output().stdout.clone();
    let public = String::from_utf8(public).unwrap();
    let config = d.path().join("server.toml");
    std::fs::write(
        &config,
        format!(
            r#"
bind = "127.0.0.1:0"
[[d1_issuers]]
issuer_id = "MGW_T"
env = "stg"
[[d1_issuers.keys]]
kid = "k1"
public_key = """
{public}"""
[[outbound_clients]]
client_id = "out"
secret = "s3cret-value"
scopes = ["a", "b"]
"#
        ),
    )
    .unwrap();
    let server = serve(&config);
    let d1_url = format!("{}/authz/v1/oauth2/token", server.url);
    bk().args([
        "token", "--flow", "d1", "--iss", "MGW_T", "--kid", "k1", "--aud", "stg", "--url", &d1_url, "--key",
    ])
    .arg(&key)
    .assert()
    .success()
    .stdout(predicate::str::contains("expires_in:   600"));
    // --test-endpoints: the stats endpoint counts the token request just made.
    let stats = reqwest_free_get(&format!("{}/_test/stats", server.url));
    assert!(stats.contains("\"token_requests\":1"), "{stats}");
    bk().args([
        "--json",
        "token",
        "--flow",
        "d1",
        "--json-body",
        "--iss",
        "MGW_T",
        "--kid",
        "k1",
        "--aud",
        "stg",
    ])
    .args(["--correlation-id", "abc-123", "--url", &d1_url, "--key"])
    .arg(&key)
    .assert()
    .success()
    .stdout(predicate::str::contains("\"access_token\":\"[redacted]\""));
    // Wrong kid → invalid_grant, exit 1.
    bk().args([
        "token", "--flow", "d1", "--iss", "MGW_T", "--kid", "k2", "--aud", "stg", "--url", &d1_url, "--key",
    ])
    .arg(&key)
    .assert()
    .code(1)
    .stderr(predicate::str::contains("invalid_grant"));
    let out_url = format!("{}/oauth2/token", server.url);
    bk().args([
        "token",
        "--flow",
        "client-credentials",
        "--client-id",
        "out",
        "--scope",
        "a",
        "--url",
        &out_url,
    ])
    .env("BEARERKIT_CLIENT_SECRET", "s3cret-value")
    .assert()
    .success()
    .stdout(predicate::str::contains("scope:        a"));
    bk().args([
        "token",
        "--flow",
        "client-credentials",
        "--client-id",
        "out",
        "--client-secret",
        "nope",
        "--url",
        &out_url,
    ])
    .assert()
    .code(1)
    .stderr(predicate::str::contains("invalid_client"))
    .stderr(predicate::str::contains("nope").not());
    bk().args(["token", "--flow", "client-credentials", "--url", &out_url]).assert().code(2);
    // Nothing listens here: a transport error, exit 1.
    bk().args(["token", "--flow", "client-credentials", "--client-id", "x", "--client-secret", "y"])
        .args(["--url", "http://127.0.0.1:9/oauth2/token"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("transport"));
}

#[test]
fn serve_refuses_a_bad_config() {
    let d = tempfile::tempdir().unwrap();
    let config = d.path().join("bad.toml");
    std::fs::write(&config, "no_such_field = 1\n").unwrap();
    bk().args(["serve", "--config"])
        .arg(&config)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad_config"));
    bk().args(["serve", "--config"]).arg(d.path().join("missing.toml")).assert().code(1);
}

#[test]
fn token_over_mutual_tls_with_a_client_assertion() {
    let d = tempfile::tempdir().unwrap();
    // A test PKI; the client's certificate and key, and the CA, as files for the CLI.
    let p = bearerkit_testkit::Pki::new();
    let file = |name: &str, pem: &str| {
        let path = d.path().join(name);
        std::fs::write(&path, pem).unwrap();
        path
    };
    let (ca, client_cert, client_key) = (
        file("ca.pem", &p.ca_pem),
        file("client.pem", &p.client_cert_pem),
        file("client-key.pem", &p.client_key_pem),
    );
    // The mTLS client certificate also signs the client assertion (kid = its SHA-1 fingerprint).
    let kid = bearerkit::CertificateThumbprints::from_pem(&p.client_cert_pem, &mut vec![0u8; 4096])
        .unwrap()
        .sha1_hex()
        .to_string();
    let config = d.path().join("server.toml");
    let toml = [
        "bind = \"127.0.0.1:0\"".to_owned(),
        "[tls]".to_owned(),
        format!("certificate_chain = \"\"\"\n{}\"\"\"", p.server_cert_pem),
        format!("private_key = \"\"\"\n{}\"\"\"", p.server_key_pem),
        format!("client_ca = \"\"\"\n{}\"\"\"", p.ca_pem),
        "[[realms]]".to_owned(),
        "name = \"openbanking\"".to_owned(),
        "[[realms.clients]]".to_owned(),
        "client_id = \"Worldline-000021\"".to_owned(),
        "scopes = [\"VOP\", \"WERO\"]".to_owned(),
        format!("certificate = \"\"\"\n{}\"\"\"", p.client_cert_pem),
    ];
    std::fs::write(&config, toml.join("\n")).unwrap();
    let server = serve(&config);
    assert!(server.url.starts_with("https://"), "{}", server.url);
    let url = format!("{}/auth/realms/openbanking/protocol/openid-connect/token", server.url);
    let token = |with_cert: bool| {
        let mut c = bk();
        c.args(["token", "--flow", "client-assertion", "--client-id", "Worldline-000021", "--scope", "VOP"])
            .args(["--kid", &kid, "--url", &url, "--key"])
            .arg(&client_key)
            .arg("--ca")
            .arg(&ca);
        if with_cert {
            c.arg("--cert").arg(&client_cert).arg("--cert-key").arg(&client_key);
        }
        c.timeout(std::time::Duration::from_secs(30)).assert()
    };
    token(true).success().stdout(predicate::str::contains("scope:        VOP"));
    // Without the client certificate the TLS handshake is refused.
    token(false)
        .code(1)
        .stderr(predicate::str::contains("(tls)"))
        .stderr(predicate::str::contains("--cert and --cert-key"));
}

/// The token request counter of a server started with `--test-endpoints`.
fn token_requests(server: &Served) -> u64 {
    let stats = reqwest_free_get(&format!("{}/_test/stats", server.url));
    let body = &stats[stats.find("\r\n\r\n").unwrap() + 4..];
    let body = &body[body.find('{').unwrap()..=body.rfind('}').unwrap()];
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["token_requests"].as_u64().unwrap()
}

#[test]
fn token_client_assertion_with_kid_from_cert() {
    let d = tempfile::tempdir().unwrap();
    // Two self-signed certificates for the client id, as PEM, DER and key files.
    let self_signed = |name: &str| {
        let c = bearerkit_testkit::SelfSigned::new("Worldline-000021");
        let (pem, der, key) = (
            d.path().join(format!("{name}.pem")),
            d.path().join(format!("{name}.der")),
            d.path().join(format!("{name}-key.pem")),
        );
        std::fs::write(&pem, &c.cert_pem).unwrap();
        std::fs::write(&der, &c.cert_der).unwrap();
        std::fs::write(&key, &c.key_pem).unwrap();
        (c.cert_pem, pem, der, key)
    };
    let (client_pem, cert, cert_der, key) = self_signed("client");
    let (_, other_cert, _, other_key) = self_signed("other");
    let config = d.path().join("server.toml");
    let toml = [
        "bind = \"127.0.0.1:0\"".to_owned(),
        "[[realms]]".to_owned(),
        "name = \"openbanking\"".to_owned(),
        "[[realms.clients]]".to_owned(),
        "client_id = \"Worldline-000021\"".to_owned(),
        "scopes = [\"VOP\", \"WERO\"]".to_owned(),
        format!("certificate = \"\"\"\n{client_pem}\"\"\""),
    ];
    std::fs::write(&config, toml.join("\n")).unwrap();
    let server = serve(&config);
    let url = format!("{}/auth/realms/openbanking/protocol/openid-connect/token", server.url);
    let token = |cert: &std::path::Path, key: &std::path::Path| {
        let mut c = bk();
        c.args(["token", "--flow", "client-assertion", "--client-id", "Worldline-000021", "--scope", "VOP"])
            .args(["--url", &url, "--kid-from-cert"])
            .arg(cert)
            .arg("--key")
            .arg(key);
        c.timeout(std::time::Duration::from_secs(30)).assert()
    };
    // PEM or DER: the kid is the certificate's SHA-1 fingerprint, which the server requires.
    token(&cert, &key).success().stdout(predicate::str::contains("scope:        VOP"));
    token(&cert_der, &key).success().stdout(predicate::str::contains("scope:        VOP"));
    assert_eq!(token_requests(&server), 2);
    // Without a kid the server refuses the assertion (why --kid-from-cert exists).
    bk().args(["token", "--flow", "client-assertion", "--client-id", "Worldline-000021", "--url", &url])
        .arg("--key")
        .arg(&key)
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("invalid_client"));
    assert_eq!(token_requests(&server), 3);
    // A certificate that is not the key's (either way round): key_mismatch, exit 1, and
    // nothing is sent.
    token(&other_cert, &key).code(1).stderr(predicate::str::contains("(key_mismatch)"));
    token(&cert, &other_key).code(1).stderr(predicate::str::contains("(key_mismatch)"));
    assert_eq!(token_requests(&server), 3);
    // --kid with --kid-from-cert: usage, exit 2, nothing sent.
    bk().args(["token", "--flow", "client-assertion", "--client-id", "Worldline-000021", "--kid", "AB"])
        .args(["--url", &url, "--kid-from-cert"])
        .arg(&cert)
        .arg("--key")
        .arg(&key)
        .assert()
        .code(2);
    assert_eq!(token_requests(&server), 3);
}

/// One HTTP/1.1 request over a plain TcpStream (`Connection: close`); the whole response.
fn raw_request(base: &str, head: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let host = base.strip_prefix("http://").unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
    write!(s, "{head}\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
        .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

/// `bearerkit serve` as a child whose id the test knows (to signal it), killed on drop.
struct Child {
    child: std::process::Child,
    url: String,
}

impl Child {
    fn start(args: &[std::ffi::OsString]) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_bearerkit"))
            .args(["serve", "--port", "0"])
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        // Keep reading the banner in the background: the server may print more.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let url = line.trim().rsplit(' ').next().unwrap_or_default().to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "bearerkit serve printed {line:?}");
        Self { child, url }
    }

    /// Wait for the exit, at most `limit` (a bound for a server that does not stop).
    fn wait(&mut self, limit: std::time::Duration) -> std::process::ExitStatus {
        let start = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < limit, "bearerkit serve still running {limit:?} after the signal");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// SIGTERM (what CI runners and container engines send) and Ctrl-C (SIGINT) both stop
/// `bearerkit serve` gracefully: a token request in flight (held by an injected delay) when
/// the signal arrives is answered 200, and the process exits 0.
#[cfg(unix)]
#[test]
fn sigterm_and_ctrl_c_drain_requests_in_flight_and_exit_zero() {
    use std::io::Read;
    let d = tempfile::tempdir().unwrap();
    let secret = crate::common::write(d.path(), "secret.txt", "s3cret-value\n");
    let mut client = std::ffi::OsString::from("out:");
    client.push(&secret);
    for signal in ["TERM", "INT"] {
        let mut server =
            Child::start(&["--test-endpoints".into(), "--outbound-client".into(), client.clone()]);
        let fault = raw_request(
            &server.url,
            "POST /_test/faults HTTP/1.1\r\nContent-Type: application/json",
            r#"{"kind":"delay","millis":1500}"#,
        );
        assert!(fault.starts_with("HTTP/1.1 200"), "{fault}");
        let url = server.url.clone();
        let in_flight = std::thread::spawn(move || {
            raw_request(
                &url,
                // out:s3cret-value
                "POST /oauth2/token HTTP/1.1\r\nAuthorization: Basic b3V0OnMzY3JldC12YWx1ZQ==\r\n\
                 Content-Type: application/x-www-form-urlencoded",
                "grant_type=client_credentials",
            )
        });
        // Signal once the request is being handled: counted by the server, held by the delay.
        let counted = (0..1000).any(|_| {
            let stats = raw_request(&server.url, "GET /_test/stats HTTP/1.1", "");
            let done = stats.contains("\"token_requests\":1");
            if !done {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            done
        });
        assert!(counted, "the token request never reached the server");
        let pid = server.child.id().to_string();
        // The shell's own `kill` (a builtin): no procps needed.
        let sent =
            std::process::Command::new("sh").args(["-c", &format!("kill -{signal} {pid}")]).status().unwrap();
        assert!(sent.success());
        let response = in_flight.join().unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "SIG{signal}: {response}");
        assert!(response.contains("\"access_token\""), "SIG{signal}: {response}");
        let status = server.wait(std::time::Duration::from_secs(30));
        assert_eq!(status.code(), Some(0), "SIG{signal}: {status:?}");
        let mut stderr = String::new();
        server.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        assert!(stderr.contains(&format!("SIG{signal}: stopping")), "{stderr}");
    }
}

/// A one-shot token endpoint on 127.0.0.1: answers each request with a token and returns
/// what was sent (the requests, as text) when `n` requests were answered.
fn recording_endpoint(n: usize) -> (String, std::thread::JoinHandle<Vec<String>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for _ in 0..n {
            let (mut s, _) = listener.accept().unwrap();
            s.set_read_timeout(Some(std::time::Duration::from_secs(60))).unwrap();
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let got = s.read(&mut buf).unwrap();
                assert!(got > 0, "connection closed mid-request");
                data.extend_from_slice(&buf[..got]);
                let text = String::from_utf8_lossy(&data).into_owned();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text[..end]
                        .split("\r\n")
                        .filter_map(|l| l.split_once(':'))
                        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                        .map_or(0, |(_, v)| v.trim().parse::<usize>().unwrap());
                    if data.len() >= end + 4 + length {
                        seen.push(text);
                        break;
                    }
                }
            }
            let body = r#"{"access_token":"at-1","token_type":"Bearer","expires_in":300}"#;
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        seen
    });
    (base, handle)
}

/// The `aud` of the `client_assertion` in a recorded form request.
fn sent_aud(request: &str) -> serde_json::Value {
    let body = request.split_once("\r\n\r\n").unwrap().1;
    let assertion = url_param(body, "client_assertion");
    let mut scratch = vec![0u8; assertion.len()];
    let t = bearerkit::dangerous::decode_unverified(&assertion, &mut scratch).unwrap();
    serde_json::from_str::<serde_json::Value>(t.claims().as_json()).unwrap()["aud"].clone()
}

/// A form parameter's value (the assertion is base64url and dots: no escapes to undo).
fn url_param(body: &str, name: &str) -> String {
    body.split('&').find_map(|p| p.strip_prefix(&format!("{name}="))).unwrap().to_owned()
}

#[test]
fn token_client_assertion_sends_the_issuer_as_aud() {
    let d = crate::common::dir();
    let key = crate::common::keygen(d.path(), "k.pem", "sec1");
    let (base, recorded) = recording_endpoint(3);
    let kc = format!("{base}/auth/realms/r1/protocol/openid-connect/token");
    let other = format!("{base}/oauth2/token");
    let run = |url: &str, extra: &[&str]| {
        bk().args(["token", "--flow", "client-assertion", "--client-id", "c1", "--url", url])
            .args(extra)
            .arg("--key")
            .arg(&key)
            .assert()
            .success();
    };
    run(&kc, &[]);
    run(&other, &[]);
    run(&kc, &["--assertion-aud", &kc]);
    let auds: Vec<_> = recorded.join().unwrap().iter().map(|r| sent_aud(r)).collect();
    assert_eq!(
        auds,
        [
            serde_json::json!(format!("{base}/auth/realms/r1")),
            serde_json::json!(other),
            serde_json::json!(kc)
        ]
    );
    bk().args(["token", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--issuer").and(predicate::str::contains("--discover-issuer")));
}
