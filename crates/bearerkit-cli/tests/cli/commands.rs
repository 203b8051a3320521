//! Every subcommand's success path and at least one bad input each, checking exit codes and
//! messages (openssl as the interop peer).

use crate::common::{bk, dir, keygen, stdout_line};
use bearerkit_testkit::d1_guide;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

#[test]
fn help_for_every_command() {
    for cmd in ["keygen", "pubkey", "sign", "verify", "inspect", "thumbprint", "token", "serve", "demo"] {
        bk().args([cmd, "--help"]).assert().success().stdout(predicate::str::contains("Usage: bearerkit"));
    }
    // `token` goes through bearerkit-client, which retries; --json-body is not D1-only.
    bk().args(["token", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("retries transport errors, timeouts, 429 and 5xx"))
        .stdout(predicate::str::contains("one request").not())
        .stdout(predicate::str::contains("whatever the flow"));
    // --kid-from-cert is documented on both commands that sign.
    for cmd in ["sign", "token"] {
        bk().args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("--kid-from-cert <FILE>"))
            .stdout(predicate::str::contains("SHA-1 fingerprint in upper-case hex"))
            .stdout(predicate::str::contains("key_mismatch"));
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
        .arg(d1_guide::TOKEN)
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
    bk().args(["--json", "verify", "--aud", "prd", "--now", "1700000100", "--key"])
        .arg(&key)
        .arg("-")
        .write_stdin(token.clone())
        .assert()
        .success()
        .stdout(predicate::str::contains("\"valid\":true"));
    // Rejections: exit 1 and the stable code. A token with `aud` and no --aud is refused
    // unless --any-audience says the audience is not checked; --aud takes several values.
    bk().args(["verify", "--now", "1700000100", "--key"])
        .arg(&key)
        .arg(&token)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(unexpected_audience)"));
    bk().args(["verify", "--any-audience", "--now", "1700000100", "--key"])
        .arg(&key)
        .arg(&token)
        .assert()
        .success();
    bk().args(["verify", "--aud", "stg", "--aud", "prd", "--now", "1700000100", "--key"])
        .arg(&key)
        .arg(&token)
        .assert()
        .success();
    bk().args(["verify", "--aud", "prd", "--any-audience", "--now", "1700000100", "--key"])
        .arg(&key)
        .arg(&token)
        .assert()
        .code(2);
    bk().args(["verify", "--aud", "prd", "--leeway", "3601", "--now", "1700000100", "--key"])
        .arg(&key)
        .arg(&token)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(invalid_policy)"));
    bk().args(["verify", "--aud", "prd", "--max-expiry-ahead", "100", "--now", "1700000100", "--key"])
        .arg(&key)
        .arg(&token)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(lifetime_too_long)"));
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
fn verify_the_d1_guide_example_with_its_own_key() {
    let d = dir();
    let key = d.path().join("d1-guide.pem");
    std::fs::write(&key, d1_guide::KEY_PEM).unwrap();
    bk().args(["verify", "--aud", "your_audience", "--now", "1636033200", "--key"])
        .arg(&key)
        .arg(d1_guide::TOKEN)
        .assert()
        .success();
}

#[test]
fn inspect_says_unverified_and_refuses_garbage() {
    bk().args(["inspect", d1_guide::TOKEN])
        .assert()
        .success()
        .stdout(predicate::str::contains("UNVERIFIED"))
        .stdout(predicate::str::contains("2021-11-04T13:42:46Z"));
    bk().args(["inspect", "garbage"]).assert().code(1).stderr(predicate::str::contains("malformed_token"));
    // An `exp` past what RFC 3339 can write (year 9999) is shown, not a panic.
    let claims = b64url(br#"{"iat":1636033186,"exp":18446744073709551615}"#);
    let token = format!("{}.{claims}.{}", b64url(br#"{"alg":"ES256"}"#), b64url(&[0u8; 64]));
    bk().args(["inspect", &token])
        .assert()
        .success()
        .stdout(predicate::str::contains("iat: 1636033186 (2021-11-04T13:39:46Z)"))
        .stdout(predicate::str::contains("exp: 18446744073709551615 (after 9999-12-31T23:59:59Z)"));
}

#[test]
fn thumbprints() {
    let d = dir();
    let key = d.path().join("d1-guide.pem");
    std::fs::write(&key, d1_guide::KEY_PEM).unwrap();
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

/// The header and claims of a token, decoded here (not by the CLI under test).
fn decoded(token: &str) -> (serde_json::Value, serde_json::Value) {
    let mut scratch = vec![0u8; token.len()];
    let t = bearerkit::dangerous::decode_unverified(token, &mut scratch).unwrap();
    (serde_json::from_str(t.header().as_json()).unwrap(), serde_json::from_str(t.claims().as_json()).unwrap())
}

#[test]
fn sign_sets_jti_and_typ() {
    let d = dir();
    let key = keygen(d.path(), "k.pem", "sec1");
    let out = bk()
        .args(["sign", "--iss", "client-1", "--jti", "jti-fixed-42", "--typ", "client-authentication+jwt"])
        .args(["--now", "1700000000", "--key"])
        .arg(&key)
        .assert()
        .success();
    let token = stdout_line(&out);
    let (header, claims) = decoded(&token);
    assert_eq!(header["typ"], "client-authentication+jwt", "{header}");
    assert_eq!(header["alg"], "ES256");
    assert_eq!(claims["jti"], "jti-fixed-42", "{claims}");
    assert_eq!((claims["iat"].as_u64(), claims["exp"].as_u64()), (Some(1_700_000_000), Some(1_700_000_300)));
    // The d1 profile's `typ` default (JWT) gives way to --typ; --jti is kept as given.
    let out = bk()
        .args(["sign", "--profile", "d1", "--iss", "MGW_ID", "--aud", "prd", "--kid", "k1"])
        .args(["--jti", "d1-jti", "--typ", "at+jwt", "--now", "1700000000", "--key"])
        .arg(&key)
        .assert()
        .success();
    let (header, claims) = decoded(&stdout_line(&out));
    assert_eq!((header["typ"].as_str(), header["kid"].as_str()), (Some("at+jwt"), Some("k1")));
    assert_eq!(claims["jti"], "d1-jti");
    // Without --typ the d1 profile says JWT, and no jti is invented.
    let out = bk()
        .args(["sign", "--profile", "d1", "--iss", "MGW_ID", "--aud", "prd", "--kid", "k1"])
        .args(["--now", "1700000000", "--key"])
        .arg(&key)
        .assert()
        .success();
    let (header, claims) = decoded(&stdout_line(&out));
    assert_eq!(header["typ"], "JWT");
    assert!(claims.get("jti").is_none(), "{claims}");
}

#[test]
fn verify_typ_require_and_max_bytes() {
    let d = dir();
    let key = keygen(d.path(), "k.pem", "sec1");
    let sign = |extra: &[&str]| {
        let out = bk()
            .args(["sign", "--iss", "i", "--now", "1700000000"])
            .args(extra)
            .arg("--key")
            .arg(&key)
            .assert()
            .success();
        stdout_line(&out)
    };
    let verify = |extra: &[&str], token: &str| {
        bk().args(["verify", "--now", "1700000100"]).args(extra).arg("--key").arg(&key).arg(token).assert()
    };
    // --typ: the accepted header typ values.
    let typed = sign(&["--typ", "client-authentication+jwt"]);
    verify(&["--typ", "client-authentication+jwt"], &typed).success();
    verify(&["--typ", "JWT,client-authentication+jwt"], &typed).success();
    verify(&["--typ", "JWT"], &typed).code(1).stderr(predicate::str::contains("(bad_typ)"));
    // The default accepts JWT only (or no typ): this one is refused too.
    verify(&[], &typed).code(1).stderr(predicate::str::contains("(bad_typ)"));
    bk().args(["--json", "verify", "--typ", "JWT", "--now", "1700000100", "--key"])
        .arg(&key)
        .arg(&typed)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("\"code\":\"bad_typ\""));
    // --require: claims that must be present, in addition to `exp` (always required).
    let with_jti = sign(&["--jti", "j-1"]);
    verify(&["--require", "exp,jti"], &with_jti)
        .success()
        .stdout(predicate::str::contains("\"jti\": \"j-1\""));
    verify(&["--require", "jti"], &with_jti).success();
    let without = sign(&[]);
    verify(&["--require", "exp,jti"], &without).code(1).stderr(predicate::str::contains("(missing_claim)"));
    verify(&["--require", "sub"], &without).code(1).stderr(predicate::str::contains("(missing_claim)"));
    // --max-bytes: the token's own length is accepted, one byte less is not.
    let len = without.len().to_string();
    let less = (without.len() - 1).to_string();
    verify(&["--max-bytes", &len], &without).success();
    verify(&["--max-bytes", &less], &without).code(1).stderr(predicate::str::contains("(token_too_large)"));
    verify(&["--max-bytes", "0"], &without).code(1).stderr(predicate::str::contains("(invalid_policy)"));
}

/// The bytes of a hex string like `AB:CD:...` (openssl's fingerprint format).
fn unhex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits.chunks(2).map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap()).collect()
}

/// base64url without padding (RFC 4648 §5), written out so the test shares no code with
/// the implementation.
fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(A[usize::try_from((n >> (18 - 6 * i)) & 63).unwrap()]));
        }
    }
    out
}

/// `openssl x509 -noout -fingerprint -<digest>`: the digest bytes.
fn openssl_fingerprint(cert: &Path, digest: &str) -> Vec<u8> {
    let out = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", digest, "-in"])
        .arg(cert)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    unhex(text.trim().rsplit('=').next().unwrap())
}

#[test]
fn certificate_thumbprints_match_openssl() {
    assert_eq!(b64url(b"\xfb\xff"), "-_8");
    assert_eq!(b64url(b"foobar"), "Zm9vYmFy");
    let d = dir();
    let key = keygen(d.path(), "k.pem", "sec1");
    let cert = d.path().join("c.pem");
    let st = std::process::Command::new("openssl")
        .args(["req", "-x509", "-key"])
        .arg(&key)
        .args(["-subj", "/CN=bearerkit thumbprint test", "-days", "2", "-out"])
        .arg(&cert)
        .output()
        .unwrap();
    assert!(st.status.success());
    let der = d.path().join("c.der");
    let st = std::process::Command::new("openssl")
        .args(["x509", "-outform", "DER", "-in"])
        .arg(&cert)
        .arg("-out")
        .arg(&der)
        .output()
        .unwrap();
    assert!(st.status.success());
    let sha1 = openssl_fingerprint(&cert, "-sha1");
    let sha256 = openssl_fingerprint(&cert, "-sha256");
    assert_eq!((sha1.len(), sha256.len()), (20, 32));
    let sha1_hex: String = sha1.iter().map(|b| format!("{b:02X}")).collect();
    let run = |flag: &str, file: &Path| {
        let out = bk().args(["thumbprint", flag, "--cert"]).arg(file).assert().success();
        stdout_line(&out)
    };
    for file in [&cert, &der] {
        assert_eq!(run("--sha1-hex", file), sha1_hex);
        assert_eq!(run("--x5t", file), b64url(&sha1));
        assert_eq!(run("--x5t-s256", file), b64url(&sha256));
        // --jwk: the RFC 7638 thumbprint of the certificate's key, the same as the key's.
        let key_print = {
            let out = bk().args(["thumbprint", "--key"]).arg(&key).assert().success();
            stdout_line(&out)
        };
        assert_eq!(run("--jwk", file), key_print);
    }
    assert_eq!(run("--x5t", &cert).len(), 27);
    assert_eq!(run("--x5t-s256", &cert).len(), 43);
    let out = bk().args(["--json", "thumbprint", "--jwk", "--cert"]).arg(&cert).assert().success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["kind"], "jwk_thumbprint");
    // A certificate for a P-384 key has fingerprints but no P-256 key to thumbprint.
    let p384 = d.path().join("p384.pem");
    let st = std::process::Command::new("openssl")
        .args(["ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out"])
        .arg(&p384)
        .status()
        .unwrap();
    assert!(st.success());
    let cert384 = d.path().join("c384.pem");
    let st = std::process::Command::new("openssl")
        .args(["req", "-x509", "-key"])
        .arg(&p384)
        .args(["-subj", "/CN=p384", "-days", "1", "-out"])
        .arg(&cert384)
        .output()
        .unwrap();
    assert!(st.status.success());
    assert_eq!(run("--sha1-hex", &cert384).len(), 40);
    bk().args(["thumbprint", "--jwk", "--cert"])
        .arg(&cert384)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(wrong_curve)"));
    // Not a certificate; conflicting flags are usage errors.
    bk().args(["thumbprint", "--jwk", "--cert"])
        .arg(&key)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad_pem"));
    bk().args(["thumbprint", "--jwk", "--x5t", "--cert"]).arg(&cert).assert().code(2);
    bk().args(["thumbprint", "--sha1-hex", "--key"]).arg(&key).assert().code(2);
}

#[test]
fn serve_never_prints_the_bad_config_line() {
    // toml's own error quotes the offending line: a typo or a bad value next to a secret
    // would print the secret to stderr. The message says where instead.
    let d = dir();
    let client = "[[realms]]\nname = \"r\"\n[[realms.clients]]\nclient_id = \"c\"\n";
    for (toml, secret, place) in [
        (
            format!("{client}secrt = \"password123\"\n"),
            "password123",
            "line 5, column 1: unknown field `secrt`",
        ),
        (format!("{client}secret = \"hunter2\n"), "hunter2", "line 5, column 18"),
        ("token_lifetime_secs = \"abc\"\n".to_owned(), "abc", "line 1, column 23: invalid type: string"),
    ] {
        let config = d.path().join("c.toml");
        std::fs::write(&config, &toml).unwrap();
        let out = bk()
            .args(["serve", "--port", "0", "--config"])
            .arg(&config)
            .timeout(std::time::Duration::from_secs(20))
            .assert()
            .code(1)
            .stderr(predicate::str::contains(place))
            .stderr(predicate::str::contains("(bad_config)"));
        let out = out.get_output();
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!all.contains(secret), "{toml:?} leaked {secret:?}: {all}");
    }
}

#[test]
fn serve_refuses_out_of_range_lifetimes() {
    let timeout = std::time::Duration::from_secs(20);
    // The flag: clap's range check, a usage error (exit 2) that names the bounds.
    for bad in ["18446744073709551615", "31536001", "0"] {
        bk().args(["serve", "--port", "0", "--token-lifetime", bad])
            .timeout(timeout)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--token-lifetime"))
            .stderr(predicate::str::contains("1..=31536000"));
    }
    bk().args(["serve", "--port", "0", "--token-lifetime", "-1"]).timeout(timeout).assert().code(2);
    // The file: a bad configuration (exit 1, code bad_config) saying which field and why.
    let d = dir();
    for (toml, field) in [
        ("token_lifetime_secs = 9223372036854775807\n", "token_lifetime_secs"),
        (
            "[[realms]]\nname = \"r\"\ntoken_lifetime_secs = 31536001\n[[realms.clients]]\nclient_id = \"c\"\nsecret = \"s\"\n",
            "realms.token_lifetime_secs",
        ),
        (
            "[[realms]]\nname = \"r\"\nassertion_max_lifetime_secs = 9223372036854775807\n[[realms.clients]]\nclient_id = \"c\"\nsecret = \"s\"\n",
            "realms.assertion_max_lifetime_secs",
        ),
    ] {
        let config = d.path().join("c.toml");
        std::fs::write(&config, toml).unwrap();
        bk().args(["serve", "--port", "0", "--config"])
            .arg(&config)
            .timeout(timeout)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!(
                "invalid {field}: must be at most 31536000 seconds (one year)"
            )))
            .stderr(predicate::str::contains("(bad_config)"));
    }
}

/// `openssl req -x509`: a self-signed certificate for `key`, PEM at `name`, DER beside it.
fn openssl_cert(dir: &Path, key: &Path, name: &str) -> (PathBuf, PathBuf) {
    let pem = dir.join(format!("{name}.pem"));
    let st = std::process::Command::new("openssl")
        .args(["req", "-x509", "-key"])
        .arg(key)
        .args(["-subj", "/CN=Worldline-000021", "-days", "2", "-out"])
        .arg(&pem)
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    let der = dir.join(format!("{name}.der"));
    let st = std::process::Command::new("openssl")
        .args(["x509", "-outform", "DER", "-in"])
        .arg(&pem)
        .arg("-out")
        .arg(&der)
        .output()
        .unwrap();
    assert!(st.status.success());
    (pem, der)
}

/// `openssl x509 -noout -fingerprint -sha1`, colons removed: the Worldline `kid`.
fn openssl_sha1_kid(cert: &Path) -> String {
    let out = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha1", "-in"])
        .arg(cert)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().rsplit('=').next().unwrap().replace(':', "")
}

#[test]
fn sign_kid_from_cert() {
    let d = dir();
    let key = keygen(d.path(), "k.pem", "sec1");
    let (pem, der) = openssl_cert(d.path(), &key, "c");
    let expected = openssl_sha1_kid(&pem);
    assert_eq!(expected.len(), 40);
    assert!(expected.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()), "{expected}");
    let sign = |cert: &Path, key: &Path| {
        let mut c = bk();
        c.args(["sign", "--profile", "client-assertion", "--iss", "Worldline-000021"])
            .args(["--aud", "https://as/auth/realms/r/protocol/openid-connect/token", "--now", "1700000000"])
            .arg("--kid-from-cert")
            .arg(cert)
            .arg("--key")
            .arg(key);
        c.assert()
    };
    // PEM and DER certificates, a SEC1 and a JWK copy of the key: the same kid.
    // (keygen cannot re-encode a key: the JWK copy is made by the core.)
    let jwk = d.path().join("k.jwk");
    let sk = bearerkit::SigningKey::from_pem(&std::fs::read_to_string(&key).unwrap()).unwrap();
    std::fs::write(&jwk, sk.to_jwk_string().as_str()).unwrap();
    for (cert, key) in [(&pem, &key), (&der, &key), (&pem, &jwk)] {
        let token = stdout_line(&sign(cert, key).success());
        let (header, claims) = decoded(&token);
        assert_eq!(header["kid"], expected.as_str(), "{header}");
        assert_eq!(claims["iss"], "Worldline-000021");
        // The kid is exactly what `thumbprint --cert` prints, and verify accepts it.
        let out = bk().args(["thumbprint", "--cert"]).arg(cert).assert().success();
        assert_eq!(stdout_line(&out), expected);
        // The Keycloak-style --aud was signed as its realm's issuer.
        bk().args(["verify", "--require-kid", "--kid", &expected, "--now", "1700000010"])
            .args(["--aud", "https://as/auth/realms/r", "--key"])
            .arg(key)
            .arg(&token)
            .assert()
            .success();
    }
    // The d1 profile takes it as its --kid too.
    let token = stdout_line(
        &bk()
            .args(["sign", "--profile", "d1", "--iss", "MGW_ID", "--aud", "prd", "--kid-from-cert"])
            .arg(&pem)
            .arg("--key")
            .arg(&key)
            .assert()
            .success(),
    );
    assert_eq!(decoded(&token).0["kid"], expected.as_str());

    // A certificate of another key: exit 1 with the core's code, and no token on stdout.
    let other = keygen(d.path(), "other.pem", "pkcs8");
    let (other_pem, other_der) = openssl_cert(d.path(), &other, "other");
    for cert in [&other_pem, &other_der] {
        sign(cert, &key)
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains("(key_mismatch)"))
            .stderr(predicate::str::contains("does not belong to the signing key"));
    }
    let out = bk()
        .args([
            "--json",
            "sign",
            "--profile",
            "client-assertion",
            "--iss",
            "c",
            "--aud",
            "u",
            "--kid-from-cert",
        ])
        .arg(&other_pem)
        .arg("--key")
        .arg(&key)
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stderr).unwrap();
    assert_eq!(v["error"]["code"], "key_mismatch");
    // Not a certificate, a P-384 certificate, a missing file: their own codes.
    sign(&key, &key).code(1).stderr(predicate::str::contains("(bad_pem)"));
    let p384 = d.path().join("p384.pem");
    let st = std::process::Command::new("openssl")
        .args(["ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out"])
        .arg(&p384)
        .status()
        .unwrap();
    assert!(st.success());
    let (cert384, _) = openssl_cert(d.path(), &p384, "c384");
    sign(&cert384, &key).code(1).stderr(predicate::str::contains("(wrong_curve)"));
    sign(&d.path().join("missing.pem"), &key).code(1).stderr(predicate::str::contains("(io_error)"));
    // --kid and --kid-from-cert together: a usage error, exit 2.
    bk().args(["sign", "--profile", "client-assertion", "--iss", "c", "--aud", "u", "--kid", "K"])
        .arg("--kid-from-cert")
        .arg(&pem)
        .arg("--key")
        .arg(&key)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--kid-from-cert"));
    // And for token, before anything is sent (nothing listens on port 9).
    bk().args(["token", "--flow", "client-assertion", "--client-id", "c", "--kid", "K"])
        .args(["--url", "http://127.0.0.1:9/token", "--kid-from-cert"])
        .arg(&pem)
        .arg("--key")
        .arg(&key)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--kid-from-cert"));
    // The client-credentials flow signs nothing: --kid-from-cert is a usage error there.
    bk().args(["token", "--flow", "client-credentials", "--client-id", "c", "--client-secret", "s"])
        .args(["--url", "http://127.0.0.1:9/token", "--kid-from-cert"])
        .arg(&pem)
        .assert()
        .code(2);
}

#[cfg(unix)]
#[test]
fn keygen_writes_a_fresh_0600_file_and_never_follows_a_symlink() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let d = dir();
    let mode = |p: &Path| std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777;
    let is_key = |p: &Path| std::fs::read_to_string(p).unwrap().starts_with("-----BEGIN EC PRIVATE KEY-----");
    // --force over a world-readable file: the new key is 0600, not the old file's 0644.
    let path = crate::common::write(d.path(), "k.pem", "old\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    bk().args(["keygen", "--force", "--out"]).arg(&path).assert().success();
    assert_eq!(mode(&path), 0o600);
    assert!(is_key(&path));
    // A symlink at --out, to another file: refused without --force like an existing file...
    let target = crate::common::write(d.path(), "precious.txt", "precious\n");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    let link = d.path().join("link.pem");
    symlink(&target, &link).unwrap();
    bk().args(["keygen", "--out"]).arg(&link).assert().code(1).stderr(predicate::str::contains("(io_error)"));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    // ... a dangling one too (nothing is created where it points) ...
    let dangling = d.path().join("dangling.pem");
    symlink(d.path().join("nowhere.pem"), &dangling).unwrap();
    bk().args(["keygen", "--out"]).arg(&dangling).assert().code(1);
    assert!(!d.path().join("nowhere.pem").exists());
    // ... and with --force the link itself is replaced by a 0600 key file: the other file is
    // unchanged, its content and its mode.
    bk().args(["keygen", "--force", "--out"]).arg(&link).assert().success();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
    assert_eq!(mode(&target), 0o644);
    assert!(!std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(mode(&link), 0o600);
    assert!(is_key(&link));
    // A name in the current directory; a missing directory is io_error.
    bk().current_dir(d.path()).args(["keygen", "--out", "here.pem"]).assert().success();
    assert_eq!(mode(&d.path().join("here.pem")), 0o600);
    bk().args(["keygen", "--out"])
        .arg(d.path().join("no-dir/k.pem"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(io_error)"));
    // No temporary file is left behind, after the successes or the refusals.
    for entry in std::fs::read_dir(d.path()).unwrap() {
        let name = entry.unwrap().file_name();
        assert!(!name.to_string_lossy().starts_with(".bearerkit-keygen-"), "{name:?} left behind");
    }
}

/// The client-credentials flow's secret: --client-secret-file (a file, `-` stdin), the
/// environment, or the plain flag with a warning; never printed.
#[test]
fn token_client_secret_from_file_stdin_env_or_flag_with_a_warning() {
    let d = dir();
    let secret = "s3cret-from-file-42";
    let server_secret = crate::common::write(d.path(), "server-secret", &format!("{secret}\n"));
    let mut flag = std::ffi::OsString::from("out:");
    flag.push(&server_secret);
    let server = crate::common::serve([std::ffi::OsString::from("--outbound-client"), flag]);
    let url = format!("{}/oauth2/token", server.url);
    let token = |extra: &[&std::ffi::OsStr]| {
        let mut c = bk();
        c.args(["token", "--flow", "client-credentials", "--client-id", "out", "--url", &url])
            .args(extra)
            .env_remove("BEARERKIT_CLIENT_SECRET")
            .timeout(std::time::Duration::from_secs(60));
        c
    };
    let no_leak = |out: &assert_cmd::assert::Assert, secret: &str| {
        let out = out.get_output();
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!all.contains(secret), "{secret:?} printed: {all}");
    };
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    let file = crate::common::write(d.path(), "secret.txt", &format!("{secret}\r\n"));
    let from_file = [os("--client-secret-file"), file.as_os_str()];
    // From a file (the line break trimmed), without a warning.
    let out = token(&from_file)
        .assert()
        .success()
        .stdout(predicate::str::contains("token_type:   Bearer"))
        .stderr(predicate::str::contains("warning").not());
    no_leak(&out, secret);
    // From stdin.
    let out = token(&[os("--client-secret-file"), os("-")])
        .write_stdin(format!("{secret}\n"))
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
    no_leak(&out, secret);
    // From the environment; the file wins over it.
    token(&[]).env("BEARERKIT_CLIENT_SECRET", secret).assert().success().stderr("");
    token(&from_file).env("BEARERKIT_CLIENT_SECRET", "not-it").assert().success();
    // A wrong secret in a file: the server's invalid_client, the secret not quoted.
    let wrong = crate::common::write(d.path(), "wrong.txt", "wrong-secret-99\n");
    let out = token(&[os("--client-secret-file"), wrong.as_os_str()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(invalid_client)"));
    no_leak(&out, "wrong-secret-99");
    // The plain flag still works, with a warning that names the risk (as JSON with --json).
    let out = token(&[os("--client-secret"), os(secret)])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: --client-secret puts the client secret on the command line",
        ))
        .stderr(predicate::str::contains("(ps, /proc/PID/cmdline)"))
        .stderr(predicate::str::contains("--client-secret-file"));
    no_leak(&out, secret);
    let out = token(&[os("--json"), os("--client-secret"), os(secret)]).assert().success();
    let warning: serde_json::Value = serde_json::from_slice(&out.get_output().stderr).unwrap();
    assert_eq!(warning["warning"]["code"], "secret_on_command_line");
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["ok"], true);
    no_leak(&out, secret);
    // Usage errors (exit 2): both flags; an empty file or stdin; no secret at all. A missing
    // file is io_error.
    let out = token(&[from_file[0], from_file[1], os("--client-secret"), os(secret)]).assert().code(2);
    no_leak(&out, secret);
    let empty = crate::common::write(d.path(), "empty.txt", "\n");
    token(&[os("--client-secret-file"), empty.as_os_str()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is empty"));
    token(&[os("--client-secret-file"), os("-")]).write_stdin("").assert().code(2);
    token(&[]).assert().code(2).stderr(predicate::str::contains("--client-secret-file FILE"));
    token(&[os("--client-secret-file")])
        .arg(d.path().join("missing.txt"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(io_error)"));
}

#[test]
fn json_covers_usage_errors() {
    let cases: [&[&str]; 7] = [
        &["--json", "keygen", "--format", "pem"],
        &["keygen", "--format", "pem", "--json"],
        &["--json", "no-such-command"],
        &["--json", "token"],
        &["thumbprint", "--json"],
        &["--json", "sign", "--key", "k.pem", "--no-such-flag"],
        &["--json", "verify", "--key", "k.pem", "--aud", "a", "--any-audience", "t"],
    ];
    for args in cases {
        let out = bk().args(args).assert().code(2).stdout("");
        // One JSON document, the usual error shape, clap's message on one line.
        let v: serde_json::Value =
            serde_json::from_slice(&out.get_output().stderr).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert_eq!(v["ok"], false, "{args:?}: {v}");
        assert_eq!(v["error"]["code"], "usage", "{args:?}: {v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(!message.is_empty() && !message.contains('\n') && !message.contains("Usage:"), "{message}");
        assert!(!message.starts_with("error"), "{message}");
    }
    let out = bk().args(["--json", "keygen", "--format", "pem"]).assert().code(2);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stderr).unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("invalid value 'pem' for '--format"), "{v}");
    // Without --json (or with it only after `--`, as an argument): clap's text.
    bk().args(["keygen", "--format", "pem"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: invalid value 'pem'"))
        .stderr(predicate::str::contains("For more information, try '--help'."));
    bk().args(["inspect", "--no-such-flag", "--", "--json"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: unexpected argument '--no-such-flag'"));
    // --help and --version are not errors.
    bk().args(["--json", "keygen", "--help"]).assert().success().stdout(predicate::str::contains("Usage:"));
    bk().args(["--json", "--version"]).assert().success().stdout(predicate::str::starts_with("bearerkit "));
}

#[test]
fn verify_refuses_key_and_token_both_from_stdin() {
    let d = dir();
    let key = keygen(d.path(), "k.pem", "sec1");
    let token = stdout_line(
        &bk().args(["sign", "--iss", "i", "--now", "1700000000", "--key"]).arg(&key).assert().success(),
    );
    let key_text = std::fs::read_to_string(&key).unwrap();
    bk().args(["verify", "--now", "1700000100", "--key", "-", "-"])
        .write_stdin(key_text.clone())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("both read stdin"))
        .stderr(predicate::str::contains("(usage)"));
    let out = bk()
        .args(["--json", "verify", "--now", "1700000100", "--key", "-", "-"])
        .write_stdin(key_text.clone())
        .assert()
        .code(2);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stderr).unwrap();
    assert_eq!(v["error"]["code"], "usage");
    // Either one alone from stdin is fine.
    bk().args(["verify", "--now", "1700000100", "--key", "-", &token])
        .write_stdin(key_text)
        .assert()
        .success();
    bk().args(["verify", "--now", "1700000100", "--key"])
        .arg(&key)
        .arg("-")
        .write_stdin(token)
        .assert()
        .success();
}

#[test]
fn token_help_documents_the_secret_and_transport_flags() {
    bk().args(["token", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--client-secret-file <FILE>"))
        .stdout(predicate::str::contains("`-` for stdin"))
        .stdout(predicate::str::contains("BEARERKIT_CLIENT_SECRET"))
        .stdout(predicate::str::contains("so a warning is printed"))
        .stdout(predicate::str::contains("--insecure-transport"))
        .stdout(predicate::str::contains("Send credentials over plain http to a non-loopback host"))
        .stdout(predicate::str::contains("localhost, 127.0.0.0/8 or ::1"));
}

/// Plain http:// only to a loopback host, unless --insecure-transport. 0.0.0.0 is not
/// loopback, yet connecting to it reaches the server listening on 127.0.0.1.
#[test]
fn token_insecure_transport_allows_plain_http_to_a_non_loopback_host() {
    let d = dir();
    let secret = crate::common::write(d.path(), "secret.txt", "s3cret-value\n");
    let mut flag = std::ffi::OsString::from("out:");
    flag.push(&secret);
    let server = crate::common::serve([std::ffi::OsString::from("--outbound-client"), flag]);
    let token = |url: &str| {
        let mut c = bk();
        c.args(["token", "--flow", "client-credentials", "--client-id", "out", "--url", url])
            .arg("--client-secret-file")
            .arg(&secret)
            .timeout(std::time::Duration::from_secs(60));
        c
    };
    let loopback = format!("{}/oauth2/token", server.url);
    assert!(loopback.starts_with("http://127.0.0.1:"), "{loopback}");
    let other = loopback.replacen("127.0.0.1", "0.0.0.0", 1);
    // Refused before anything is sent, the message naming the flag.
    token(&other)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(invalid_config)"))
        .stderr(predicate::str::contains("plain http://"))
        .stderr(predicate::str::contains("--insecure-transport"));
    token(&other)
        .arg("--insecure-transport")
        .assert()
        .success()
        .stdout(predicate::str::contains("token_type:"));
    token(&loopback).assert().success();
    token(&loopback.replacen("127.0.0.1", "localhost", 1)).assert().success();
}

#[test]
fn sign_client_assertion_sends_the_keycloak_issuer_unless_aud_exact() {
    let d = dir();
    let key = keygen(d.path(), "k.jwk", "jwk");
    let sign = |aud: &str, exact: bool| {
        let mut c = bk();
        c.args(["sign", "--profile", "client-assertion", "--iss", "c1", "--aud", aud, "--key"]).arg(&key);
        if exact {
            c.arg("--aud-exact");
        }
        let out = c.assert().success().get_output().stdout.clone();
        decoded(String::from_utf8(out).unwrap().trim()).1["aud"].clone()
    };
    let kc = "https://kc.example:8443/auth/realms/acme/protocol/openid-connect/token";
    // One JSON string, the realm's issuer (the /auth prefix and the port kept).
    assert_eq!(sign(kc, false), serde_json::json!("https://kc.example:8443/auth/realms/acme"));
    assert_eq!(sign(kc, true), serde_json::json!(kc));
    // Any other URL, or an issuer, is signed as given.
    assert_eq!(
        sign("https://as.example/oauth2/token", false),
        serde_json::json!("https://as.example/oauth2/token")
    );
    assert_eq!(
        sign("https://kc.example/realms/acme", false),
        serde_json::json!("https://kc.example/realms/acme")
    );
    bk().args(["sign", "--help"]).assert().success().stdout(predicate::str::contains("--aud-exact"));
}
