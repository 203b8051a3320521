//! The built `bearerkit` binary, run as a user would: every subcommand's success path and
//! at least one bad input each, checking exit codes and messages.
#![allow(missing_docs, clippy::unwrap_used, clippy::panic, clippy::std_instead_of_core)]

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn bk() -> Command {
    Command::cargo_bin("bearerkit").unwrap()
}

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn keygen(dir: &Path, name: &str, format: &str) -> PathBuf {
    let path = dir.join(name);
    bk().args(["keygen", "--format", format, "--out"]).arg(&path).assert().success();
    path
}

const SEED_PEM: &str = "-----BEGIN EC PRIVATE KEY----- \nMHcCAQEEILlIXMnH1if8EuWykPmWw/LyXZuoNVCzMp3Yhbj9/sEUoAoGCCqGSM49 \nAwEHoUQDQgAE6swczLIRn/lPxQPpdUb2pHjCr0YeC02lkG7vMmqCNpalwIQSl+TR \nfZVDwCKJmajRgK3+n5SyAgCp4oH8qNluwQ==\n-----END EC PRIVATE KEY-----";
const SEED_JWT: &str = "eyJhbGciOiJFUzI1NiIsImtpZCI6InlvdXJfdGVuYW50X2tleV9pZCJ9.eyJpYXQiOjE2MzYwMzMxODYsImlzcyI6InlvdXJfaXNzdWVyX2lkIiwiYXVkIjoieW91cl9hdWRpZW5jZSIsImV4cCI6MTYzNjAzMzM2Niwic3ViIjoib3VyX3VzZXJfZm9yX2F1ZGl0In0.lgVzN8k9IGcv1s-FZACpEyVxXcS9LAh4ahY3DO5Fg6MRl-Twa_wVAfw_Oe0XiH1Am-RFfafgDrepNi3Jz05Gvg";

#[test]
fn help_for_every_command() {
    for cmd in ["keygen", "pubkey", "sign", "verify", "inspect", "thumbprint", "token", "serve", "demo"] {
        bk().args([cmd, "--help"]).assert().success().stdout(predicate::str::contains("Usage: bearerkit"));
    }
    bk().arg("--help").assert().success().stdout(predicate::str::contains("Exit codes"));
    bk().arg("no-such-command").assert().code(2);
}

#[test]
fn keygen_formats_are_readable_by_openssl() {
    let d = dir();
    for (format, marker) in
        [("sec1", "BEGIN EC PRIVATE KEY"), ("pkcs8", "BEGIN PRIVATE KEY"), ("jwk", "\"d\"")]
    {
        let path = keygen(d.path(), &format!("k-{format}"), format);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(marker), "{format}: {text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        if format != "jwk" {
            let out = std::process::Command::new("openssl")
                .args(["pkey", "-noout", "-in"])
                .arg(&path)
                .output()
                .unwrap();
            assert!(out.status.success(), "openssl refused the {format} key");
        }
    }
    // Refuses to overwrite without --force.
    let path = d.path().join("k-sec1");
    bk().args(["keygen", "--out"]).arg(&path).assert().code(1).stderr(predicate::str::contains("io_error"));
    bk().args(["keygen", "--force", "--out"]).arg(&path).assert().success();
    // To stdout.
    bk().arg("keygen")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("-----BEGIN EC PRIVATE KEY-----"));
    bk().args(["keygen", "--format", "pem"]).assert().code(2);
}

#[test]
fn pubkey_and_openssl_agree() {
    let d = dir();
    let key = keygen(d.path(), "k.pem", "sec1");
    let ours = bk().args(["pubkey", "--key"]).arg(&key).assert().success().get_output().stdout.clone();
    let theirs =
        std::process::Command::new("openssl").args(["ec", "-pubout", "-in"]).arg(&key).output().unwrap();
    assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs.stdout).unwrap());
    bk().args(["pubkey", "--format", "jwk", "--key"])
        .arg(&key)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"kty\":\"EC\""));
    bk().args(["pubkey", "--key"])
        .arg(d.path().join("missing.pem"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("io_error"));
}

#[test]
fn openssl_made_keys_import_and_wrong_curve_is_refused() {
    let d = dir();
    let p256 = d.path().join("openssl.pem");
    let st = std::process::Command::new("openssl")
        .args(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out"])
        .arg(&p256)
        .status()
        .unwrap();
    assert!(st.success());
    bk().args(["sign", "--key"]).arg(&p256).args(["--iss", "x", "--now", "1700000000"]).assert().success();
    let p384 = d.path().join("p384.pem");
    let st = std::process::Command::new("openssl")
        .args(["ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out"])
        .arg(&p384)
        .status()
        .unwrap();
    assert!(st.success());
    bk().args(["sign", "--key"])
        .arg(&p384)
        .args(["--iss", "x"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("wrong_curve"));
    bk().args(["verify", "--key"])
        .arg(&p384)
        .arg(SEED_JWT)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("wrong_curve"));
}

#[test]
fn sign_then_verify_d1() {
    let d = dir();
    let key = keygen(d.path(), "k.pem", "pkcs8");
    let out = bk()
        .args([
            "sign",
            "--profile",
            "d1",
            "--iss",
            "MGW_ID",
            "--aud",
            "prd",
            "--kid",
            "k1",
            "--now",
            "1700000000",
            "--key",
        ])
        .arg(&key)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let token = String::from_utf8(out).unwrap().trim().to_string();
    bk().args([
        "verify",
        "--iss",
        "MGW_ID",
        "--sub",
        "MGW_ID",
        "--aud",
        "prd",
        "--kid",
        "k1",
        "--require-kid",
    ])
    .args(["--max-lifetime", "900", "--now", "1700000100", "--key"])
    .arg(&key)
    .arg(&token)
    .assert()
    .success()
    .stdout(predicate::str::contains("\"iss\": \"MGW_ID\""));
    // From stdin, JSON output.
    bk().args(["--json", "verify", "--now", "1700000100", "--key"])
        .arg(&key)
        .arg("-")
        .write_stdin(token.clone())
        .assert()
        .success()
        .stdout(predicate::str::contains("\"valid\":true"));
    // Rejections: exit 1 and the stable code.
    bk().args(["verify", "--aud", "stg", "--now", "1700000100", "--key"])
        .arg(&key)
        .arg(&token)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("audience_mismatch"));
    bk().args(["verify", "--leeway", "0", "--now", "1700000300", "--key"])
        .arg(&key)
        .arg(&token)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(expired)"));
    bk().args(["--json", "verify", "--now", "1700000100", "--key"])
        .arg(&key)
        .arg("not.a.token")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("\"code\":\"bad_base64\""));
    // d1 profile usage errors exit 2.
    bk().args(["sign", "--profile", "d1", "--iss", "M", "--aud", "prd", "--key"])
        .arg(&key)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--kid"));
    bk().args([
        "sign",
        "--profile",
        "d1",
        "--iss",
        "M",
        "--aud",
        "prd",
        "--kid",
        "k",
        "--exp-in",
        "901",
        "--key",
    ])
    .arg(&key)
    .assert()
    .code(2);
}

#[test]
fn sign_client_assertion_and_private_claims() {
    let d = dir();
    let key = keygen(d.path(), "k.jwk", "jwk");
    let out = bk()
        .args([
            "--json",
            "sign",
            "--profile",
            "client-assertion",
            "--iss",
            "client-1",
            "--aud",
            "https://as/token",
        ])
        .args(["--claims", r#"{"scope":"VOP WERO"}"#, "--now", "1700000000", "--key"])
        .arg(&key)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let token = v["token"].as_str().unwrap();
    let out = bk().args(["--json", "inspect", token]).assert().success().get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["verified"], false);
    assert_eq!(v["claims"]["sub"], "client-1");
    assert_eq!(v["claims"]["scope"], "VOP WERO");
    assert_eq!(v["claims"]["jti"].as_str().unwrap().len(), 32);
    bk().args(["sign", "--claims", "[1]", "--key"])
        .arg(&key)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("claims_not_object"));
}

#[test]
fn verify_the_seed_example_with_its_own_key() {
    let d = dir();
    let key = d.path().join("seed.pem");
    std::fs::write(&key, SEED_PEM).unwrap();
    bk().args(["verify", "--aud", "your_audience", "--now", "1636033200", "--key"])
        .arg(&key)
        .arg(SEED_JWT)
        .assert()
        .success();
}

#[test]
fn inspect_says_unverified_and_refuses_garbage() {
    bk().args(["inspect", SEED_JWT])
        .assert()
        .success()
        .stdout(predicate::str::contains("UNVERIFIED"))
        .stdout(predicate::str::contains("2021-11-04T13:42:46Z"));
    bk().args(["inspect", "garbage"]).assert().code(1).stderr(predicate::str::contains("malformed_token"));
}

#[test]
fn thumbprints() {
    let d = dir();
    let key = d.path().join("seed.pem");
    std::fs::write(&key, SEED_PEM).unwrap();
    bk().args(["thumbprint", "--key"])
        .arg(&key)
        .assert()
        .success()
        .stdout("VQuxBeR-8wKbnpwhah3azvW8jmcrRPX_Gk62fS7o9Jo\n");
    let cert = d.path().join("c.pem");
    let st = std::process::Command::new("openssl")
        .args(["req", "-x509", "-key"])
        .arg(&key)
        .args(["-subj", "/CN=t", "-days", "1", "-out"])
        .arg(&cert)
        .output()
        .unwrap();
    assert!(st.status.success());
    let fp = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha1", "-in"])
        .arg(&cert)
        .output()
        .unwrap();
    let expected = String::from_utf8(fp.stdout).unwrap().trim().rsplit('=').next().unwrap().replace(':', "");
    bk().args(["thumbprint", "--cert"]).arg(&cert).assert().success().stdout(format!("{expected}\n"));
    bk().args(["thumbprint", "--x5t", "--cert"]).arg(&cert).assert().success();
    bk().args(["thumbprint", "--x5t-s256", "--cert"]).arg(&cert).assert().success();
    bk().args(["thumbprint", "--cert"])
        .arg(&key)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad_pem"));
    bk().args(["thumbprint"]).assert().code(2);
    bk().args(["thumbprint", "--x5t", "--key"]).arg(&key).assert().code(2);
}
