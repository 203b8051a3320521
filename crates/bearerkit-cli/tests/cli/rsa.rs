//! RSA keys and certificates (made by `openssl`): `sign --alg RS256|PS256`, `verify` with an
//! RSA key or certificate, `thumbprint` (RFC 7638's own example), `inspect`, and `token`
//! against `bearerkit serve` with an RSA realm client.

use crate::common::{bk, dir, serve, stdout_line, write};
use bearerkit_testkit::rsa::{
    CERT_2048_PEM, CERT_3072_PEM, KEY_1024_PEM, KEY_2048_PEM, KEY_2048_PKCS1_PEM, KEY_3072_PEM,
};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

const AUD: &str = "https://as.example/auth/realms/r";
const NOW: &str = "1700000000";

/// The RSA test files in `dir`: PKCS#8 key, PKCS#1 key, SPKI public key (by openssl),
/// certificate.
fn files(dir: &Path) -> (PathBuf, PathBuf, PathBuf, PathBuf) {
    let key = write(dir, "rsa.pem", KEY_2048_PEM);
    let pkcs1 = write(dir, "rsa-pkcs1.pem", KEY_2048_PKCS1_PEM);
    let public = dir.join("rsa-pub.pem");
    let st = std::process::Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(&key)
        .arg("-out")
        .arg(&public)
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    (key, pkcs1, public, write(dir, "rsa-cert.pem", CERT_2048_PEM))
}

fn sign(key: &Path, alg: Option<&str>) -> String {
    let mut c = bk();
    c.args([
        "sign",
        "--profile",
        "client-assertion",
        "--iss",
        "c1",
        "--aud",
        AUD,
        "--now",
        NOW,
        "--jti",
        "j1",
    ])
    .arg("--key")
    .arg(key);
    if let Some(alg) = alg {
        c.args(["--alg", alg]);
    }
    stdout_line(&c.assert().success())
}

fn header(token: &str) -> serde_json::Value {
    use base64ct::{Base64UrlUnpadded, Encoding};
    serde_json::from_slice(&Base64UrlUnpadded::decode_vec(token.split('.').next().unwrap()).unwrap()).unwrap()
}

/// `token` with one byte of its signature flipped (the length unchanged).
fn flip_signature_byte(token: &str) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let (input, sig) = token.rsplit_once('.').unwrap();
    let mut sig = Base64UrlUnpadded::decode_vec(sig).unwrap();
    sig[17] ^= 0x01;
    format!("{input}.{}", Base64UrlUnpadded::encode_string(&sig))
}

fn verify(token: &str, source: &[&std::ffi::OsStr]) -> assert_cmd::assert::Assert {
    bk().args(["verify", "--aud", AUD, "--now", "1700000010"]).args(source).arg(token).assert()
}

#[test]
fn sign_rs256_by_default_ps256_on_request_and_verify_with_key_public_key_or_certificate() {
    let d = dir();
    let (key, pkcs1, public, cert) = files(d.path());
    let rs = sign(&key, None);
    assert_eq!(header(&rs)["alg"], "RS256");
    // Deterministic (RSASSA-PKCS1-v1_5): the PKCS#1 copy of the key gives the same token.
    assert_eq!(sign(&pkcs1, Some("RS256")), rs);
    let ps = sign(&key, Some("PS256"));
    assert_eq!(header(&ps)["alg"], "PS256");
    for token in [&rs, &ps] {
        for source in [
            ["--key".as_ref(), key.as_os_str()],
            ["--key".as_ref(), public.as_os_str()],
            ["--cert".as_ref(), cert.as_os_str()],
        ] {
            verify(token, &source).success().stdout(predicate::str::contains("\"iss\": \"c1\""));
        }
    }
    let key_arg = ["--key".as_ref(), public.as_os_str()];
    // --alg narrows what the key accepts; ES256 is not an RSA algorithm.
    bk().args(["verify", "--aud", AUD, "--now", "1700000010", "--alg", "RS256"])
        .args(key_arg)
        .arg(&ps)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(unsupported_alg)"));
    bk().args(["verify", "--aud", AUD, "--alg", "ES256"])
        .args(key_arg)
        .arg(&rs)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("RS256, PS256"));
    // A forged signature of the right length (one byte flipped), a changed claim, another
    // RSA key, a P-256 key: refused with the core's codes.
    for token in [&rs, &ps] {
        for source in [key_arg, ["--cert".as_ref(), cert.as_os_str()]] {
            verify(&flip_signature_byte(token), &source)
                .code(1)
                .stderr(predicate::str::contains("(bad_signature)"));
        }
    }
    let mut parts: Vec<String> = rs.split('.').map(str::to_owned).collect();
    parts[1] = parts[1].replacen('e', "f", 1);
    verify(&parts.join("."), &key_arg).code(1).stderr(predicate::str::contains("(bad_"));
    let other = write(d.path(), "other-cert.pem", CERT_3072_PEM);
    verify(&rs, &["--cert".as_ref(), other.as_os_str()])
        .code(1)
        .stderr(predicate::str::contains("(bad_signature_length)"));
    let ec = crate::common::keygen(d.path(), "ec.pem", "pkcs8");
    // (The core checks the signature's length before the header: an RSA signature is not
    // the 64 bytes of ES256.)
    verify(&rs, &["--key".as_ref(), ec.as_os_str()])
        .code(1)
        .stderr(predicate::str::contains("(bad_signature_length)"));
}

#[test]
fn rsa_keys_that_cannot_be_used_are_refused_with_codes() {
    let d = dir();
    let (key, _, _, cert) = files(d.path());
    let small = write(d.path(), "rsa1024.pem", KEY_1024_PEM);
    bk().args(["sign", "--iss", "a", "--key"])
        .arg(&small)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("1024").and(predicate::str::contains("(rsa_key_size)")));
    // D1 accepts only ES256.
    bk().args(["sign", "--profile", "d1", "--iss", "a", "--kid", "k", "--aud", "prd", "--key"])
        .arg(&key)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ES256"));
    // An algorithm of the other key type.
    let ec = crate::common::keygen(d.path(), "ec.pem", "sec1");
    bk().args(["sign", "--iss", "a", "--alg", "PS256", "--key"]).arg(&ec).assert().code(2);
    bk().args(["sign", "--iss", "a", "--alg", "ES256", "--key"]).arg(&key).assert().code(2);
    // --kid-from-cert: the certificate must carry the key, whatever their types.
    let other = write(d.path(), "other-cert.pem", CERT_3072_PEM);
    for (k, c) in [(&key, &other), (&ec, &cert), (&key, &cert)] {
        let out = bk()
            .args(["sign", "--profile", "client-assertion", "--iss", "c1", "--aud", AUD, "--key"])
            .arg(k)
            .arg("--kid-from-cert")
            .arg(c)
            .assert();
        if std::ptr::eq(k, &key) && std::ptr::eq(c, &cert) {
            let token = stdout_line(&out.success());
            let fp = stdout_line(&bk().args(["thumbprint", "--cert"]).arg(&cert).assert().success());
            assert_eq!(header(&token)["kid"], fp.as_str());
        } else {
            out.code(1).stderr(predicate::str::contains("(key_mismatch)"));
        }
    }
}

/// `pem`'s DER changed by `f`, under `label`, written to DIR/NAME.
fn damaged(dir: &Path, name: &str, pem: &str, label: &str, f: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    use base64ct::{Base64, Encoding};
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut der = Base64::decode_vec(body.trim()).unwrap();
    f(&mut der);
    let b64 = Base64::encode_string(&der);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    let text = format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"));
    write(dir, name, &text)
}

#[test]
fn a_damaged_rsa_key_gets_the_rsa_code() {
    let d = dir();
    let p = d.path();
    // PKCS#1 cut short: bad_der (the core, which has no `RSA PRIVATE KEY` label, would say
    // bad_pem).
    let cut = damaged(p, "cut.pem", KEY_2048_PKCS1_PEM, "RSA PRIVATE KEY", |der| der.truncate(300));
    // PKCS#8 with rsaEncryption, its PKCS#1 body marked multi-prime (version 1, which ring
    // refuses): bad_der (the core would say unsupported_key_type).
    let multi = damaged(p, "multi.pem", KEY_2048_PEM, "PRIVATE KEY", |der| {
        // SEQUENCE, version, AlgorithmIdentifier (15 bytes), OCTET STRING, SEQUENCE, version.
        assert_eq!([der[26], der[27], der[30], der[31], der[32]], [0x30, 0x82, 0x02, 0x01, 0x00]);
        der[32] = 1;
    });
    // Inconsistent components (qInv's last byte): rsa_key_invalid, not key_mismatch.
    let bad_qinv = damaged(p, "qinv.pem", KEY_2048_PEM, "PRIVATE KEY", |der| *der.last_mut().unwrap() ^= 1);
    for (key, code) in [(&cut, "(bad_der)"), (&multi, "(bad_der)"), (&bad_qinv, "(rsa_key_invalid)")] {
        bk().args(["sign", "--iss", "a", "--key"])
            .arg(key)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(code));
        bk().args(["thumbprint", "--key"]).arg(key).assert().code(1).stderr(predicate::str::contains(code));
    }
}

#[test]
fn a_private_rsa_jwk_is_read_for_its_public_members_only() {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let d = dir();
    let (key, ..) = files(d.path());
    let public = stdout_line(&bk().args(["thumbprint", "--key"]).arg(&key).assert().success());
    // The private members (placeholders here) are skipped, whatever their form.
    let n = bearerkit_rsa::RsaSigningKey::from_pem(KEY_2048_PEM).unwrap().public_key();
    let private = format!(
        r#"{{"kty":"RSA","d":"c2VjcmV0","p":{{"x":[1,2]}},"q":"cQ","dp":7,"dq":null,"qi":"cWk","n":"{}","e":"{}"}}"#,
        Base64UrlUnpadded::encode_string(n.modulus()),
        Base64UrlUnpadded::encode_string(n.exponent()),
    );
    let file = write(d.path(), "private.jwk", &private);
    let out = bk().args(["thumbprint", "--key"]).arg(&file).assert().success();
    assert_eq!(stdout_line(&out), public);
    // An RSA JWK without a usable n: bad_jwk.
    let file = write(d.path(), "no-n.jwk", r#"{"kty":"RSA","n":5,"e":"AQAB","d":"c2VjcmV0"}"#);
    bk().args(["thumbprint", "--key"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(bad_jwk)"));
}

#[test]
fn thumbprints_and_inspect_of_rsa_keys_and_tokens() {
    let d = dir();
    let (key, pkcs1, public, cert) = files(d.path());
    // RFC 7638 §3.1's own example key, as a JWK file.
    let rfc = write(
        d.path(),
        "rfc7638.jwk",
        r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#,
    );
    let out = bk().args(["thumbprint", "--key"]).arg(&rfc).assert().success();
    assert_eq!(stdout_line(&out), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    // The key, its PKCS#1 copy, its public key and its certificate's key: one thumbprint.
    let prints: Vec<String> = [&key, &pkcs1, &public]
        .iter()
        .map(|k| stdout_line(&bk().args(["thumbprint", "--key"]).arg(k).assert().success()))
        .chain([stdout_line(&bk().args(["thumbprint", "--jwk", "--cert"]).arg(&cert).assert().success())])
        .collect();
    assert!(prints.iter().all(|p| *p == prints[0] && p.len() == 43), "{prints:?}");
    // inspect decodes an RS256 token (256 signature bytes) and says it is unverified.
    let token = sign(&key, None);
    bk().args(["inspect", &token])
        .assert()
        .success()
        .stdout(predicate::str::contains("UNVERIFIED").and(predicate::str::contains("\"alg\": \"RS256\"")))
        .stdout(predicate::str::contains("signature: 256 bytes"));
}

#[test]
fn token_with_an_rsa_key_against_a_realm_client_registered_with_its_certificate() {
    let d = dir();
    let (key, pkcs1, _, cert) = files(d.path());
    let server = serve([
        "--test-endpoints".as_ref(),
        "--realm-cert-client".as_ref(),
        format!("openbanking:Worldline-000021:{}", cert.display()).as_ref(),
        "--realm-scopes".as_ref(),
        "openbanking:Worldline-000021:VOP".as_ref(),
    ] as [&std::ffi::OsStr; 5]);
    let url = format!("{}/auth/realms/openbanking/protocol/openid-connect/token", server.url);
    let token = |key: &Path, alg: Option<&str>| {
        let mut c = bk();
        c.args(["token", "--flow", "client-assertion", "--client-id", "Worldline-000021", "--url", &url])
            .arg("--key")
            .arg(key)
            .arg("--kid-from-cert")
            .arg(&cert);
        if let Some(alg) = alg {
            c.args(["--alg", alg]);
        }
        c.timeout(std::time::Duration::from_secs(30)).assert()
    };
    for (k, alg) in [(&key, None), (&pkcs1, Some("RS256")), (&key, Some("PS256"))] {
        token(k, alg).success().stdout(predicate::str::contains("scope:        VOP"));
    }
    // ES256 is not an RSA algorithm: a usage error, nothing sent.
    token(&key, Some("ES256")).code(2);
}

#[test]
fn token_alg_ps256_is_what_a_ps256_only_realm_client_gets() {
    let d = dir();
    let p = d.path();
    let key = write(p, "rsa3072.pem", KEY_3072_PEM);
    let cert = write(p, "rsa3072-cert.pem", CERT_3072_PEM);
    let config = write(
        p,
        "server.toml",
        &format!(
            r#"
[[realms]]
name = "openbanking"
[[realms.clients]]
client_id = "Pss-Client"
certificate = """
{CERT_3072_PEM}"""
assertion_algorithms = ["PS256"]
scopes = ["VOP"]
"#
        ),
    );
    let server = serve(["--config".as_ref(), config.as_os_str()] as [&std::ffi::OsStr; 2]);
    let url = format!("{}/auth/realms/openbanking/protocol/openid-connect/token", server.url);
    let token = |alg: Option<&str>| {
        let mut c = bk();
        c.args(["token", "--flow", "client-assertion", "--client-id", "Pss-Client", "--url", &url])
            .arg("--key")
            .arg(&key)
            .arg("--kid-from-cert")
            .arg(&cert);
        if let Some(alg) = alg {
            c.args(["--alg", alg]);
        }
        c.timeout(std::time::Duration::from_secs(30)).assert()
    };
    token(Some("PS256")).success().stdout(predicate::str::contains("scope:        VOP"));
    // RS256, asked for or by default for an RSA key: the realm refuses the algorithm.
    for alg in [Some("RS256"), None] {
        token(alg).code(1).stderr(
            predicate::str::contains("invalid_client").and(predicate::str::contains("unsupported_alg")),
        );
    }
}
