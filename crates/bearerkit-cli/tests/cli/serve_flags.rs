//! `bearerkit serve` configured by flags (`--d1-key`, `--outbound-client`, `--realm-client`,
//! `--realm-cert-client`, `--tls-cert`, ...), alone or on top of a TOML file, run as the built
//! binary and exercised with `bearerkit sign` / `bearerkit token` over 127.0.0.1.

use crate::common::{keygen, serve, write};
use assert_cmd::Command;
use bearerkit_testkit::Served;
use predicates::prelude::*;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn bk() -> Command {
    let mut c = crate::common::bk();
    // A command that should fail but starts a server instead must not hang the test.
    c.timeout(Duration::from_secs(30));
    c
}

/// `flag value` as two arguments, the value being `prefix` followed by a path.
fn flag(name: &str, prefix: &str, path: &Path) -> [OsString; 2] {
    let mut value = OsString::from(prefix);
    value.push(path);
    [name.into(), value]
}

fn pubkey(dir: &Path, key: &Path, name: &str, format: &str) -> PathBuf {
    let out = bk().args(["pubkey", "--format", format, "--key"]).arg(key).assert().success();
    write(dir, name, std::str::from_utf8(&out.get_output().stdout).unwrap())
}

/// A self-signed P-256 certificate for `Worldline-000021`: (PEM file, DER file, key file).
fn certificate(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let cert = bearerkit_testkit::SelfSigned::new("Worldline-000021");
    let der = dir.join("wl-cert.der");
    std::fs::write(&der, &cert.cert_der).unwrap();
    (write(dir, "wl-cert.pem", &cert.cert_pem), der, write(dir, "wl-key.pem", &cert.key_pem))
}

/// POST a form body over a plain TcpStream; the whole HTTP/1.1 response.
fn post_form(url: &str, body: &str) -> String {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

fn d1_token(url: &str, iss: &str, kid: &str, aud: &str, key: &Path) -> assert_cmd::assert::Assert {
    bk().args(["token", "--flow", "d1", "--iss", iss, "--kid", kid, "--aud", aud, "--url", url, "--key"])
        .arg(key)
        .assert()
}

fn realm_url(server: &Served, realm: &str) -> String {
    format!("{}/auth/realms/{realm}/protocol/openid-connect/token", server.url)
}

#[test]
fn flags_alone_configure_every_flow() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    // Three keys of one issuer, registered as a private SEC1 PEM, an SPKI PEM and a public JWK.
    let sec1 = keygen(p, "k1.pem", "sec1");
    let pkcs8 = keygen(p, "k2.pem", "pkcs8");
    let jwk = keygen(p, "k3.jwk", "jwk");
    let spki = pubkey(p, &pkcs8, "k2-public.pem", "spki");
    let public_jwk = pubkey(p, &jwk, "k3-public.jwk", "jwk");
    let out_secret = write(p, "out-secret.txt", "s3cret-value\n");
    // A file name with a colon: the FILE part comes last and may hold one.
    let realm_secret = write(p, "wl:secret.txt", "password123\r\n");
    let (cert_pem, cert_der, cert_key) = certificate(p);
    let mut args: Vec<OsString> = Vec::new();
    args.extend(flag("--d1-key", "MGW_T:stg:k1:", &sec1));
    args.extend(flag("--d1-key", "MGW_T:stg:k2:", &spki));
    args.extend(flag("--d1-key", "MGW_T:stg:k3:", &public_jwk));
    args.extend(flag("--d1-key", "MGW_P:prd:p1:", &sec1));
    args.extend(["--d1-scope".into(), "MGW_P:custom:read,custom:write".into()]);
    args.extend(flag("--outbound-client", "out:", &out_secret));
    args.extend(["--outbound-scopes".into(), "out:a,b".into()]);
    args.extend(flag("--realm-client", "openbanking:Secret-Client:", &realm_secret));
    args.extend(["--realm-scopes".into(), "openbanking:Secret-Client:VOP".into()]);
    args.extend(flag("--realm-cert-client", "openbanking:Worldline-000021:", &cert_pem));
    args.extend(["--realm-scopes".into(), "openbanking:Worldline-000021:VOP WERO".into()]);
    args.extend(flag("--realm-cert-client", "other:Worldline-000021:", &cert_der));
    let server = serve(args);
    let d1_url = format!("{}/authz/v1/oauth2/token", server.url);

    // (a) D1: an assertion made by `bearerkit sign --profile d1`, posted as the D1 guide's form body.
    let out = bk()
        .args(["sign", "--profile", "d1", "--iss", "MGW_T", "--aud", "stg", "--kid", "k1", "--jti", "j-1"])
        .arg("--key")
        .arg(&sec1)
        .assert()
        .success();
    let assertion = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let body = format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={}",
        assertion.trim()
    );
    let response = post_form(&d1_url, &body);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"access_token\"") && response.contains("\"expires_in\":900"), "{response}");
    assert!(response.contains("d1-api:account:full d1-api:consumer:read"), "{response}");
    // The same assertion (and jti) again: replay refused.
    let replayed = post_form(&d1_url, &body);
    assert!(replayed.starts_with("HTTP/1.1 400") && replayed.contains("invalid_grant"), "{replayed}");
    // The other keys of the issuer, by their private halves.
    d1_token(&d1_url, "MGW_T", "k2", "stg", &pkcs8).success();
    d1_token(&d1_url, "MGW_T", "k3", "stg", &jwk).success();
    // A kid of the other issuer, or the wrong environment: refused.
    d1_token(&d1_url, "MGW_T", "p1", "stg", &sec1).code(1).stderr(predicate::str::contains("invalid_grant"));
    d1_token(&d1_url, "MGW_T", "k1", "prd", &sec1).code(1).stderr(predicate::str::contains("invalid_grant"));
    // --d1-scope: the scope granted.
    d1_token(&d1_url, "MGW_P", "p1", "prd", &sec1)
        .success()
        .stdout(predicate::str::contains("scope:        custom:read custom:write"));

    // (b) Outbound client credentials, the secret read from the file (newline trimmed).
    let out_url = format!("{}/oauth2/token", server.url);
    let outbound = |secret: &str, scope: &str| {
        bk().args(["token", "--flow", "client-credentials", "--client-id", "out", "--url", &out_url])
            .args(["--scope", scope])
            .env("BEARERKIT_CLIENT_SECRET", secret)
            .assert()
    };
    outbound("s3cret-value", "a").success().stdout(predicate::str::contains("scope:        a"));
    outbound("s3cret-value", "a b").success().stdout(predicate::str::contains("scope:        a b"));
    outbound("s3cret-value", "c").code(1).stderr(predicate::str::contains("invalid_scope"));
    outbound("s3cret-value\n", "a").code(1).stderr(predicate::str::contains("invalid_client"));

    // (c) Keycloak realm clients: by secret, and by certificate (PEM in one realm, DER in another).
    let openbanking = realm_url(&server, "openbanking");
    bk().args(["token", "--flow", "client-credentials", "--secret-post", "--client-id", "Secret-Client"])
        .args(["--scope", "VOP", "--url", &openbanking])
        .env("BEARERKIT_CLIENT_SECRET", "password123")
        .assert()
        .success()
        .stdout(predicate::str::contains("scope:        VOP"));
    let by_cert = |url: &str, scope: Option<&str>| {
        let mut c = bk();
        c.args(["token", "--flow", "client-assertion", "--client-id", "Worldline-000021", "--url", url])
            .arg("--kid-from-cert")
            .arg(&cert_pem)
            .arg("--key")
            .arg(&cert_key);
        if let Some(scope) = scope {
            c.args(["--scope", scope]);
        }
        c.assert()
    };
    by_cert(&openbanking, Some("WERO")).success().stdout(predicate::str::contains("scope:        WERO"));
    by_cert(&openbanking, Some("PAY")).code(1).stderr(predicate::str::contains("invalid_scope"));
    by_cert(&realm_url(&server, "other"), None).success();
    // The secret client has no certificate, and the realm "nope" was never mentioned.
    bk().args(["token", "--flow", "client-assertion", "--client-id", "Secret-Client", "--url", &openbanking])
        .arg("--kid-from-cert")
        .arg(&cert_pem)
        .arg("--key")
        .arg(&cert_key)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("invalid_client"));
    by_cert(&realm_url(&server, "nope"), None).code(1);
}

#[test]
fn flags_add_to_a_config_file_and_duplicates_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let file_key = keygen(p, "file.pem", "sec1");
    let flag_key = keygen(p, "flag.pem", "sec1");
    let public = std::fs::read_to_string(pubkey(p, &file_key, "file-public.pem", "spki")).unwrap();
    let config = write(
        p,
        "server.toml",
        &format!(
            r#"
[[d1_issuers]]
issuer_id = "MGW_F"
env = "stg"
[[d1_issuers.keys]]
kid = "k1"
public_key = """
{public}"""
[[outbound_clients]]
client_id = "file-out"
secret = "file-secret-value"
[[realms]]
name = "openbanking"
[[realms.clients]]
client_id = "File-Client"
secret = "file-password"
"#
        ),
    );
    let secret = write(p, "secret.txt", "flag-secret-value\n");
    let with_config = |more: &[[OsString; 2]]| {
        let mut args: Vec<OsString> = vec!["--config".into(), config.clone().into()];
        args.extend(more.iter().flatten().cloned());
        args
    };
    let server = serve(with_config(&[
        flag("--d1-key", "MGW_F:stg:k2:", &flag_key),
        flag("--outbound-client", "flag-out:", &secret),
        flag("--realm-client", "openbanking:Flag-Client:", &secret),
    ]));
    let d1_url = format!("{}/authz/v1/oauth2/token", server.url);
    d1_token(&d1_url, "MGW_F", "k1", "stg", &file_key).success();
    d1_token(&d1_url, "MGW_F", "k2", "stg", &flag_key).success();
    let out_url = format!("{}/oauth2/token", server.url);
    let openbanking = realm_url(&server, "openbanking");
    for (url, id, secret, post) in [
        (&out_url, "file-out", "file-secret-value", false),
        (&out_url, "flag-out", "flag-secret-value", false),
        (&openbanking, "File-Client", "file-password", true),
        (&openbanking, "Flag-Client", "flag-secret-value", true),
    ] {
        let mut c = bk();
        c.args(["token", "--flow", "client-credentials", "--client-id", id, "--url", url])
            .env("BEARERKIT_CLIENT_SECRET", secret);
        if post {
            c.arg("--secret-post");
        }
        c.assert().success();
    }
    drop(server);

    // What the file already has: refused, exit 1 (bad_config), naming the flag and what the
    // server's merge refused; no secret shown. (The merge itself: the server's config tests.)
    let cases = [
        (
            flag("--outbound-client", "file-out:", &secret),
            "--outbound-client: duplicate outbound client: \"file-out\"",
        ),
        (flag("--d1-key", "MGW_F:stg:k1:", &flag_key), "--d1-key: duplicate d1 key id: \"MGW_F/k1\""),
        (
            flag("--d1-key", "MGW_F:prd:k9:", &flag_key),
            "--d1-key: invalid d1_issuers.env: issuer \"MGW_F\" is stg in the configuration, not prd",
        ),
        (
            flag("--realm-client", "openbanking:File-Client:", &secret),
            "--realm-client / --realm-cert-client: duplicate realm client: \"openbanking/File-Client\"",
        ),
    ];
    for (args, message) in cases {
        let out = bk()
            .arg("serve")
            .args(with_config(&[args]))
            .assert()
            .code(1)
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains(format!(
                "(flags add to the configuration file {}, never override it)",
                config.display()
            )))
            .stderr(predicate::str::contains("(bad_config)"));
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(!stderr.contains("secret-value") && !stderr.contains("file-password"), "{stderr}");
    }
}

#[test]
fn help_documents_every_flag_with_an_example() {
    let out = bk().args(["serve", "--help"]).assert().success();
    let help = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for example in [
        "--d1-key MGW_ID:prd:k1:d1-public.pem",
        "--d1-scope MGW_ID:d1-api:account:full,d1-api:consumer:read",
        "--outbound-client d1-outbound:outbound-secret.txt",
        "--outbound-scopes d1-outbound:issuer-api:cards",
        "--realm-client example-realm:Worldline-000021:wl-secret.txt",
        "--realm-cert-client example-realm:Worldline-000021:wl-cert.pem",
        "--realm-scopes example-realm:Worldline-000021:VOP,WERO",
        "--tls-cert server-chain.pem --tls-key server-key.pem",
        "--client-ca client-ca.pem",
        "--realm-token-lifetime example-realm:120",
        "--realm-assertion-max-lifetime example-realm:300",
        "secrets are never taken on the command line",
        "--listen-any",
        "--header-read-timeout 5",
        "--idle-timeout 30",
        "--max-connections 64",
        "(default 10; as `header_read_timeout_secs`",
        "(default 5; as `idle_timeout_secs`",
        "(default 512; as `max_connections`",
        "Ctrl-C (SIGINT) or SIGTERM",
    ] {
        assert!(help.contains(example), "{example}\n{help}");
    }
}

/// The bind rule, from flags and from the file: every interface (0.0.0.0 or ::) only with
/// --listen-any / `allow_unspecified_bind`, never with the test endpoints. Only refusals
/// here (nothing binds every interface); the allowed case is checked in `cmd::serve`'s
/// unit tests without binding.
#[test]
fn unspecified_bind_needs_listen_any_and_never_test_endpoints() {
    for ip in ["0.0.0.0", "::"] {
        bk().args(["serve", "--bind", ip]).assert().code(2).stderr(predicate::str::contains("--listen-any"));
        bk().args(["serve", "--bind", ip, "--listen-any", "--test-endpoints"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--test-endpoints"));
    }
    let d = tempfile::tempdir().unwrap();
    for bind in ["0.0.0.0:0", "[::]:0"] {
        let file = write(d.path(), "any.toml", &format!("bind = \"{bind}\"\n"));
        bk().args(["serve", "--config"])
            .arg(&file)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("bad_config"))
            .stderr(predicate::str::contains("allow_unspecified_bind = true"))
            .stderr(predicate::str::contains("--listen-any"));
        let file = write(
            d.path(),
            "any-test.toml",
            &format!("bind = \"{bind}\"\nallow_unspecified_bind = true\ntest_endpoints = true\n"),
        );
        bk().args(["serve", "--config"])
            .arg(&file)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("invalid test_endpoints"));
        // --listen-any allows the file's address, but not with --test-endpoints.
        let file = write(d.path(), "any.toml", &format!("bind = \"{bind}\"\n"));
        bk().args(["serve", "--listen-any", "--test-endpoints", "--config"]).arg(&file).assert().code(2);
    }
}

#[test]
fn connection_limit_flags_are_bounded() {
    for (flag, value) in [
        ("--header-read-timeout", "0"),
        ("--header-read-timeout", "3601"),
        ("--idle-timeout", "0"),
        ("--idle-timeout", "3601"),
        ("--max-connections", "0"),
        ("--max-connections", "65537"),
    ] {
        bk().args(["serve", flag, value]).assert().code(2).stderr(predicate::str::contains(flag));
    }
}

/// --header-read-timeout and --max-connections reach the server: with one connection
/// allowed, a half-sent request head holds it (a second connection's request waits) until
/// the header-read timeout closes it; then the second is answered.
#[test]
fn connection_limit_flags_apply() {
    let server = serve(["--header-read-timeout", "1", "--idle-timeout", "60", "--max-connections", "1"]);
    let host = server.url.strip_prefix("http://").unwrap().to_owned();
    let mut slow = std::net::TcpStream::connect(&host).unwrap();
    slow.write_all(b"GET /resource HTTP/1.1\r\nHost: x\r\nAuthoriz").unwrap();
    let started = std::time::Instant::now();
    let mut next = std::net::TcpStream::connect(&host).unwrap();
    write!(next, "GET /resource HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    next.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut answer = String::new();
    next.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    // Not before the half-sent head was closed.
    assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());
    slow.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
}

#[test]
fn malformed_flag_values_are_usage_errors() {
    let cases: &[(&[&str], &str)] = &[
        (&["--d1-key", "MGW:stg:k1"], "--d1-key <ISSUER:ENV:KID:FILE>"),
        (&["--d1-key", "MGW:dev:k1:key.pem"], "ENV must be stg or prd"),
        (&["--d1-key", ":stg:k1:key.pem"], "ISSUER is empty"),
        (&["--d1-scope", "MGW"], "--d1-scope"),
        (&["--outbound-client", "out"], "--outbound-client <ID:SECRET_FILE>"),
        (&["--outbound-client", "out:"], "SECRET_FILE is empty"),
        (&["--outbound-scopes", "out:a\"b"], "--outbound-scopes"),
        (&["--realm-client", "bad/realm:id:secret.txt"], "REALM must match"),
        (&["--realm-cert-client", "realm:id"], "--realm-cert-client <REALM:ID:CERT_FILE>"),
        (&["--realm-scopes", "realm:id:"], "--realm-scopes"),
        (&["--tls-cert", "cert.pem"], "--tls-key"),
        (&["--client-ca", "ca.pem"], "--tls-cert"),
        // Consistent each alone, not together (checked before any file is read).
        (&["--d1-key", "MGW:stg:k1:a.pem", "--d1-key", "MGW:prd:k2:b.pem"], "two environments"),
        (&["--d1-key", "MGW:stg:k1:a.pem", "--d1-key", "MGW:stg:k1:b.pem"], "\"k1\" of issuer \"MGW\""),
        (&["--d1-scope", "MGW:a"], "--d1-scope: no --d1-key defines issuer \"MGW\""),
        (&["--outbound-client", "out:a.txt", "--outbound-client", "out:b.txt"], "given twice"),
        (&["--outbound-scopes", "out:a"], "--outbound-scopes: no --outbound-client defines \"out\""),
        (&["--realm-client", "r:c:a.txt", "--realm-client", "r:c:b.txt"], "--realm-client: client \"c\""),
        (&["--realm-scopes", "r:c:VOP"], "--realm-scopes: no --realm-client"),
        (&["--realm-token-lifetime", "r:0"], "--realm-token-lifetime <REALM:SECS>"),
        (&["--realm-token-lifetime", "r:31536001"], "SECS must be 1 to 31536000"),
        (&["--realm-assertion-max-lifetime", "r:0"], "--realm-assertion-max-lifetime <REALM:SECS>"),
        (&["--realm-assertion-max-lifetime", "r:31536001"], "SECS must be 1 to 31536000"),
        (
            &["--realm-token-lifetime", "r:60"],
            "--realm-token-lifetime: no --realm-client or --realm-cert-client defines realm \"r\"",
        ),
        (&["--realm-assertion-max-lifetime", "r:60"], "--realm-assertion-max-lifetime: no --realm-client"),
        (
            &[
                "--realm-client",
                "r:c:a.txt",
                "--realm-token-lifetime",
                "r:60",
                "--realm-token-lifetime",
                "r:90",
            ],
            "--realm-token-lifetime: realm \"r\" is given twice",
        ),
        (&["--d1-key", "MGW:stg:k1:a.pem", "--d1-scope", "MGW:a", "--d1-scope", "MGW:b"], "given twice"),
    ];
    for (args, message) in cases {
        bk().arg("serve")
            .args(*args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*message))
            .stderr(predicate::str::contains("(io_error)").not());
    }
}

#[test]
fn stdin_is_refused_as_a_file_by_every_serve_flag() {
    let d = tempfile::tempdir().unwrap();
    // A usable key on stdin: a flag that read it would start a server instead of failing.
    let key = std::fs::read_to_string(keygen(d.path(), "k.pem", "sec1")).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--d1-key", "MGW:stg:k1:-"], "'--d1-key <ISSUER:ENV:KID:FILE>'"),
        (&["--outbound-client", "out:-"], "'--outbound-client <ID:SECRET_FILE>'"),
        (&["--realm-client", "r:c:-"], "'--realm-client <REALM:ID:SECRET_FILE>'"),
        (&["--realm-cert-client", "r:c:-"], "'--realm-cert-client <REALM:ID:CERT_FILE>'"),
        (&["--tls-cert", "-", "--tls-key", "key.pem"], "'--tls-cert <FILE>'"),
        (&["--tls-cert", "cert.pem", "--tls-key", "-"], "'--tls-key <FILE>'"),
        (&["--tls-cert", "cert.pem", "--tls-key", "key.pem", "--client-ca", "-"], "'--client-ca <FILE>'"),
        (&["--config", "-"], "'--config <FILE>'"),
        // Two of them: the first is refused, nothing is read twice.
        (&["--d1-key", "A:stg:k1:-", "--d1-key", "B:stg:k1:-"], "'--d1-key <ISSUER:ENV:KID:FILE>'"),
    ];
    for (args, flag) in cases {
        bk().arg("serve")
            .args(*args)
            .write_stdin(key.as_str())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*flag))
            .stderr(predicate::str::contains("stdin is not supported for serve flags; give a file"))
            .stderr(predicate::str::contains("bad_pem").not());
    }
}

#[test]
fn realm_lifetime_flags_set_a_flags_realm_and_refuse_a_files() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let secret = write(p, "secret.txt", "password123\n");
    let (cert_pem, _, cert_key) = certificate(p);
    let mut args: Vec<OsString> = Vec::new();
    args.extend(flag("--realm-client", "R:Secret-Client:", &secret));
    args.extend(flag("--realm-cert-client", "R:Worldline-000021:", &cert_pem));
    args.extend(["--realm-token-lifetime".into(), "R:120".into()]);
    args.extend(["--realm-assertion-max-lifetime".into(), "R:90".into()]);
    // A realm without the flags keeps the defaults (300 s tokens).
    args.extend(flag("--realm-client", "D:Secret-Client:", &secret));
    let server = serve(args);
    let by_secret = |realm: &str| {
        bk().args(["token", "--flow", "client-credentials", "--secret-post", "--client-id", "Secret-Client"])
            .args(["--url", &realm_url(&server, realm)])
            .env("BEARERKIT_CLIENT_SECRET", "password123")
            .assert()
            .success()
    };
    by_secret("R").stdout(predicate::str::contains("expires_in:   120\n"));
    by_secret("D").stdout(predicate::str::contains("expires_in:   300\n"));

    // Client assertions of 90 s (the maximum) and of 120 s (one too long), posted as the form.
    let url = realm_url(&server, "R");
    let post_assertion = |exp_in: &str| {
        let out = bk()
            .args(["sign", "--profile", "client-assertion", "--iss", "Worldline-000021", "--aud", &url])
            .args(["--exp-in", exp_in, "--kid-from-cert"])
            .arg(&cert_pem)
            .arg("--key")
            .arg(&cert_key)
            .assert()
            .success();
        let assertion = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        post_form(
            &url,
            &format!(
                "grant_type=client_credentials&client_assertion_type=\
                 urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={}",
                assertion.trim()
            ),
        )
    };
    let accepted = post_assertion("90");
    assert!(accepted.starts_with("HTTP/1.1 200") && accepted.contains("\"expires_in\":120"), "{accepted}");
    let refused = post_assertion("120");
    assert!(refused.contains("invalid_client") && refused.contains("lifetime_too_long"), "{refused}");
    drop(server);

    // A realm the configuration file has: its lifetimes are the file's, the flags are refused.
    let config = write(p, "server.toml", "[[realms]]\nname = \"openbanking\"\ntoken_lifetime_secs = 60\n");
    for lifetime_flag in ["--realm-token-lifetime", "--realm-assertion-max-lifetime"] {
        bk().arg("serve")
            .args(flag("--config", "", &config))
            .args(flag("--realm-client", "openbanking:New-Client:", &secret))
            .args([lifetime_flag, "openbanking:120"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!("{lifetime_flag}: invalid realms.")))
            .stderr(predicate::str::contains("realm \"openbanking\" is already in the configuration"))
            .stderr(predicate::str::contains("(bad_config)"));
    }
}

#[test]
fn unreadable_files_and_bad_keys_exit_1_with_their_code() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let missing = p.join("missing.txt");
    let garbage = write(p, "garbage.pem", "not a key\n");
    let empty = write(p, "empty.txt", "\n");
    let secret = write(p, "secret.txt", "hunter2-secret-value\n");
    let p384 = p.join("p384.pem");
    let st = std::process::Command::new("openssl")
        .args(["ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out"])
        .arg(&p384)
        .status()
        .unwrap();
    assert!(st.success());
    let cases = [
        (flag("--outbound-client", "out:", &missing), "--outbound-client out: cannot read", "(io_error)"),
        (flag("--realm-client", "r:c:", &missing), "--realm-client r:c: cannot read", "(io_error)"),
        (flag("--outbound-client", "out:", &empty), "empty.txt is empty", "(bad_config)"),
        (flag("--d1-key", "MGW:stg:k1:", &missing), "--d1-key MGW:stg:k1: cannot read", "(io_error)"),
        (flag("--d1-key", "MGW:staging:k1:", &garbage), "--d1-key MGW:staging:k1:", "(bad_pem)"),
        (flag("--d1-key", "MGW:stg:k1:", &p384), "--d1-key MGW:stg:k1:", "(wrong_curve)"),
        (flag("--realm-cert-client", "r:c:", &secret), "--realm-cert-client r:c:", "(bad_der)"),
        (flag("--realm-cert-client", "r:c:", &p384), "--realm-cert-client r:c:", "(bad_pem)"),
        (flag("--realm-cert-client", "r:c:", &missing), "--realm-cert-client r:c: cannot read", "(io_error)"),
    ];
    for (args, message, code) in cases {
        let out = bk()
            .arg("serve")
            .args(args)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains(code));
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(!stderr.contains("hunter2"), "{stderr}");
    }
    // --json: the same code in the JSON error.
    bk().args(["--json", "serve"])
        .args(flag("--outbound-client", "out:", &missing))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("\"code\":\"io_error\""));
    // A missing TLS file.
    bk().arg("serve")
        .args(flag("--tls-cert", "", &missing))
        .args(flag("--tls-key", "", &missing))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--tls-cert: cannot read"))
        .stderr(predicate::str::contains("(io_error)"));
}

/// A test PKI (a CA, a server leaf for 127.0.0.1, a client leaf), written as PEM files.
struct Pki {
    ca: PathBuf,
    server_cert: PathBuf,
    server_key: PathBuf,
    client_cert: PathBuf,
    client_key: PathBuf,
}

fn pki(dir: &Path) -> Pki {
    let pki = bearerkit_testkit::Pki::new();
    Pki {
        ca: write(dir, "ca.pem", &pki.ca_pem),
        server_cert: write(dir, "server.pem", &pki.server_cert_pem),
        server_key: write(dir, "server-key.pem", &pki.server_key_pem),
        client_cert: write(dir, "client.pem", &pki.client_cert_pem),
        client_key: write(dir, "client-key.pem", &pki.client_key_pem),
    }
}

#[test]
fn tls_flags_serve_https_and_mutual_tls() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let pki = pki(p);
    let secret = write(p, "secret.txt", "s3cret-value\n");
    let mut args: Vec<OsString> = Vec::new();
    args.extend(flag("--tls-cert", "", &pki.server_cert));
    args.extend(flag("--tls-key", "", &pki.server_key));
    args.extend(flag("--outbound-client", "out:", &secret));
    let token = |url: &str, client_cert: bool| {
        let mut c = bk();
        c.args(["token", "--flow", "client-credentials", "--client-id", "out", "--url", url])
            .env("BEARERKIT_CLIENT_SECRET", "s3cret-value")
            .arg("--ca")
            .arg(&pki.ca);
        if client_cert {
            c.arg("--cert").arg(&pki.client_cert).arg("--cert-key").arg(&pki.client_key);
        }
        c.assert()
    };
    let https = serve(args.clone());
    assert!(https.url.starts_with("https://127.0.0.1:"), "{}", https.url);
    token(&format!("{}/oauth2/token", https.url), false).success();
    drop(https);
    // --client-ca: mutual TLS, a client certificate is required.
    args.extend(flag("--client-ca", "", &pki.ca));
    let mtls = serve(args);
    let url = format!("{}/oauth2/token", mtls.url);
    token(&url, true).success();
    // The handshake fails: the token client's `tls` code (`transport` before it had one).
    token(&url, false)
        .code(1)
        .stderr(predicate::str::contains("(tls)").or(predicate::str::contains("(transport)")));
    drop(mtls);
    // A key that is not the certificate's: refused before serving.
    bk().arg("serve")
        .args(flag("--tls-cert", "", &pki.server_cert))
        .args(flag("--tls-key", "", &pki.client_key))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--tls-cert / --tls-key / --client-ca"))
        .stderr(predicate::str::contains("(bad_config)"));
    // A file with [tls] already: the flags do not replace it.
    let toml = format!(
        "[tls]\ncertificate_chain = \"\"\"\n{}\"\"\"\nprivate_key = \"\"\"\n{}\"\"\"\n",
        std::fs::read_to_string(&pki.server_cert).unwrap(),
        std::fs::read_to_string(&pki.server_key).unwrap()
    );
    let config = write(p, "tls.toml", &toml);
    bk().arg("serve")
        .args(flag("--config", "", &config))
        .args(flag("--tls-cert", "", &pki.server_cert))
        .args(flag("--tls-key", "", &pki.server_key))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "--tls-cert / --tls-key: invalid tls: [tls] is already in the configuration",
        ))
        .stderr(predicate::str::contains("(bad_config)"));
}

#[test]
fn realm_issuer_only_audience_flag() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let secret = write(p, "secret.txt", "password123\n");
    // Assertions signed here (not by `bearerkit sign`, which rewrites a token URL `aud`).
    let cert = bearerkit_testkit::SelfSigned::new("Worldline-000021");
    let cert_pem = write(p, "wl-cert.pem", &cert.cert_pem);
    // Usage errors: a realm no flag defines, a realm given twice.
    let mut twice: Vec<OsString> = flag("--realm-client", "R:c:", &secret).into();
    twice.extend(["--realm-issuer-only-audience".into(), "R".into()]);
    twice.extend(["--realm-issuer-only-audience".into(), "R".into()]);
    let undefined: Vec<OsString> = vec!["--realm-issuer-only-audience".into(), "R".into()];
    for (args, message) in [
        (
            undefined,
            "--realm-issuer-only-audience: no --realm-client or --realm-cert-client defines realm \"R\"",
        ),
        (twice, "--realm-issuer-only-audience: realm \"R\" is given twice"),
    ] {
        bk().arg("serve").args(args).assert().code(2).stderr(predicate::str::contains(message));
    }

    let mut args: Vec<OsString> = Vec::new();
    args.extend(flag("--realm-cert-client", "R:Worldline-000021:", &cert_pem));
    args.extend(["--realm-issuer-only-audience".into(), "R".into()]);
    args.extend(flag("--realm-cert-client", "D:Worldline-000021:", &cert_pem));
    let server = serve(args);
    let post_assertion = |realm: &str, aud: &str| {
        let jti = format!("jti-{realm}-{}", aud.len());
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let assertion = bearerkit::profile::client_assertion::assertion("Worldline-000021", aud, &jti, now)
            .key_id(&cert.sha1_fingerprint)
            .sign_to_string(&cert.signing_key)
            .unwrap();
        post_form(
            &realm_url(&server, realm),
            &format!(
                "grant_type=client_credentials&client_assertion_type=\
                 urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={}",
                assertion.trim()
            ),
        )
    };
    let issuer = |realm: &str| format!("{}/auth/realms/{realm}", server.url);
    // The issuer-only realm: the issuer is accepted, the token endpoint URL refused.
    let accepted = post_assertion("R", &issuer("R"));
    assert!(accepted.starts_with("HTTP/1.1 200"), "{accepted}");
    let refused = post_assertion("R", &realm_url(&server, "R"));
    assert!(refused.contains("invalid_client") && refused.contains("audience_mismatch"), "{refused}");
    // A realm without the flag takes either.
    for aud in [issuer("D"), realm_url(&server, "D")] {
        let r = post_assertion("D", &aud);
        assert!(r.starts_with("HTTP/1.1 200"), "{aud}: {r}");
    }
}
