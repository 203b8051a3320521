//! Realm clients registered with an RSA certificate: RS256 and PS256 client assertions
//! (`kid` = the certificate's SHA-1 fingerprint) under every rule of the ES256 path, and the
//! algorithm fixed by the registered key, never by the token.

use crate::common::*;
use base64ct::{Base64UrlUnpadded, Encoding};
use bearerkit::Assertion;
use bearerkit::profile::client_assertion;
use bearerkit_rsa::{RsaAlgorithm, RsaSigningKey};
use bearerkit_server::{RealmClient, ServerConfig};
use bearerkit_testkit::rsa::{CERT_1024_PEM, CERT_2048_PEM, CERT_3072_PEM, KEY_2048_PEM, KEY_3072_PEM};

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Registered with the 2048-bit certificate; RS256 and PS256 (the default for RSA).
const RSA_CLIENT: &str = "rsa-client";
/// Registered with the 3072-bit certificate; PS256 only.
const PSS_CLIENT: &str = "pss-only-client";

fn fingerprint(cert_pem: &str) -> String {
    let mut scratch = vec![0u8; cert_pem.len() * 2];
    bearerkit::CertificateThumbprints::from_pem(cert_pem, &mut scratch)
        .unwrap()
        .sha1_hex()
        .as_str()
        .to_owned()
}

async fn start_rsa() -> Fixture {
    start_with(|mut c| {
        c.realms[0].clients.push(RealmClient::new(RSA_CLIENT).certificate(CERT_2048_PEM).scopes(["VOP"]));
        c.realms[0].clients.push(
            RealmClient::new(PSS_CLIENT)
                .certificate(CERT_3072_PEM)
                .assertion_algorithms(["PS256"])
                .scopes(["VOP"]),
        );
        c
    })
    .await
}

/// A client assertion for `client` signed by `key` with `alg` (aud = the realm issuer, kid
/// = the fingerprint of `cert`, a fresh `jti`), changed by `edit`.
fn rsa_assertion<'c>(
    f: &Fixture,
    client: &'c str,
    key_pem: &str,
    cert: &str,
    alg: RsaAlgorithm,
    edit: impl FnOnce(Assertion<'c>) -> Assertion<'c>,
) -> String {
    let key = RsaSigningKey::from_pem(key_pem).unwrap();
    let (jti, aud, kid) = (
        Box::leak(jti().into_boxed_str()) as &str,
        Box::leak(f.server.keycloak_issuer_url(REALM).into_boxed_str()) as &str,
        Box::leak(fingerprint(cert).into_boxed_str()) as &str,
    );
    let a = client_assertion::assertion(client, aud, jti, now()).key_id(kid);
    edit(a).sign_with_to_string(&key.signer(alg)).unwrap()
}

async fn post_assertion(f: &Fixture, assertion: &str) -> reqwest::Response {
    let form = [
        ("grant_type", "client_credentials"),
        ("client_assertion_type", ASSERTION_TYPE),
        ("client_assertion", assertion),
    ];
    post_kc(f, &form).await
}

async fn accepted(f: &Fixture, assertion: &str) {
    let (status, body) = json(post_assertion(f, assertion).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "VOP");
}

async fn refused(f: &Fixture, assertion: &str, code: &str) {
    let d = assert_error(post_assertion(f, assertion).await, 400, "invalid_client").await;
    assert!(d.starts_with(&format!("assertion rejected: {code}")), "expected {code}, got {d:?}");
}

#[tokio::test]
async fn rs256_and_ps256_assertions_from_an_rsa_certificate_are_accepted() {
    let f = start_rsa().await;
    for alg in [RsaAlgorithm::Rs256, RsaAlgorithm::Ps256] {
        let a = rsa_assertion(&f, RSA_CLIENT, KEY_2048_PEM, CERT_2048_PEM, alg, |a| a);
        let header = Base64UrlUnpadded::decode_vec(a.split('.').next().unwrap()).unwrap();
        let header: serde_json::Value = serde_json::from_slice(&header).unwrap();
        assert_eq!(header["alg"], alg.name());
        accepted(&f, &a).await;
        // The token endpoint URL as the single audience is accepted too.
        let url = f.server.keycloak_token_url(REALM);
        let a = rsa_assertion(&f, RSA_CLIENT, KEY_2048_PEM, CERT_2048_PEM, alg, |a| a.audience(leak(&url)));
        accepted(&f, &a).await;
    }
    let a = rsa_assertion(&f, PSS_CLIENT, KEY_3072_PEM, CERT_3072_PEM, RsaAlgorithm::Ps256, |a| a);
    accepted(&f, &a).await;
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

#[tokio::test]
async fn every_rule_of_the_es256_path_applies() {
    let f = start_rsa().await;
    let rs = RsaAlgorithm::Rs256;
    let n = now();
    let sign = |edit: &dyn Fn(Assertion<'static>) -> Assertion<'static>| {
        rsa_assertion(&f, RSA_CLIENT, KEY_2048_PEM, CERT_2048_PEM, rs, edit)
    };
    refused(&f, &sign(&|a| a.audience("https://elsewhere/token")), "audience_mismatch").await;
    let issuer = leak(&f.server.keycloak_issuer_url(REALM));
    let two: &'static [&'static str] = Box::leak(Box::new([issuer, "https://other.example"]));
    refused(&f, &sign(&|a| a.audiences(two)), "audience_not_sole").await;
    refused(&f, &sign(&|a| a.issued_at(n).expires_at(n + 4000)), "lifetime_too_long").await;
    refused(&f, &sign(&|a| a.issued_at(n - 7200).expires_at(n - 3700)), "expired").await;
    refused(&f, &sign(&|a| a.subject("someone-else")), "subject_mismatch").await;
    refused(&f, &sign(&|a| a.key_id("0000000000000000000000000000000000000000")), "kid_mismatch").await;
    // The right kid, another RSA key (3072 bits: a signature of the wrong length).
    let other = rsa_assertion(&f, RSA_CLIENT, KEY_3072_PEM, CERT_2048_PEM, rs, |a| a);
    refused(&f, &other, "bad_signature_length").await;
    // A forged signature of the right length: one byte flipped, for RS256 and PS256.
    for alg in [rs, RsaAlgorithm::Ps256] {
        let good = rsa_assertion(&f, RSA_CLIENT, KEY_2048_PEM, CERT_2048_PEM, alg, |a| a);
        let (input, sig) = good.rsplit_once('.').unwrap();
        let mut sig = Base64UrlUnpadded::decode_vec(sig).unwrap();
        assert_eq!(sig.len(), 256);
        sig[100] ^= 0x80;
        let forged = format!("{input}.{}", Base64UrlUnpadded::encode_string(&sig));
        // Exactly bad_signature (not bad_signature_length); the genuine one still passes.
        let d = assert_error(post_assertion(&f, &forged).await, 400, "invalid_client").await;
        let code = d.strip_prefix("assertion rejected: ").unwrap_or(&d);
        let code = code.split(|c: char| !(c.is_ascii_lowercase() || c == '_')).next().unwrap();
        assert_eq!(code, "bad_signature", "{d}");
        accepted(&f, &good).await;
    }
    // A single-use jti.
    let once = sign(&|a| a);
    accepted(&f, &once).await;
    refused(&f, &once, "jti_replayed").await;
}

#[tokio::test]
async fn the_registered_key_decides_the_algorithm() {
    let f = start_rsa().await;
    // RS256 for a client registered with a P-256 certificate.
    let ec_fp = f.cert.sha1_fingerprint.clone();
    let key = RsaSigningKey::from_pem(KEY_2048_PEM).unwrap();
    let aud = f.server.keycloak_token_url(REALM);
    let (j1, j2) = (jti(), jti());
    let cross = client_assertion::assertion(KC_JWT_CLIENT, &aud, &j1, now())
        .key_id(&ec_fp)
        .sign_with_to_string(&key.rs256())
        .unwrap();
    refused(&f, &cross, "unsupported_alg").await;
    // PS256 for it too.
    let j3 = jti();
    let cross = client_assertion::assertion(KC_JWT_CLIENT, &aud, &j3, now())
        .key_id(&ec_fp)
        .sign_with_to_string(&key.ps256())
        .unwrap();
    refused(&f, &cross, "unsupported_alg").await;
    // ES256 for the RSA client, with its kid.
    let rsa_fp = fingerprint(CERT_2048_PEM);
    let cross = client_assertion::assertion(RSA_CLIENT, &aud, &j2, now())
        .key_id(&rsa_fp)
        .sign_to_string(&f.cert.signing_key)
        .unwrap();
    refused(&f, &cross, "unsupported_alg").await;
    // RS256 for the client registered for PS256 only.
    let rs = rsa_assertion(&f, PSS_CLIENT, KEY_3072_PEM, CERT_3072_PEM, RsaAlgorithm::Rs256, |a| a);
    refused(&f, &rs, "unsupported_alg").await;
    // `none` and HS256, with the RSA client's claims and kid: refused before any signature work.
    let claims = format!(
        r#"{{"iss":"{RSA_CLIENT}","sub":"{RSA_CLIENT}","aud":"{aud}","jti":"{}","iat":{n},"exp":{}}}"#,
        jti(),
        now() + 60,
        n = now()
    );
    for alg in ["none", "HS256", "RS384", "ES256K"] {
        let header = format!(r#"{{"alg":"{alg}","kid":"{rsa_fp}"}}"#);
        let token = format!(
            "{}.{}.{}",
            Base64UrlUnpadded::encode_string(header.as_bytes()),
            Base64UrlUnpadded::encode_string(claims.as_bytes()),
            Base64UrlUnpadded::encode_string(&[1u8; 32]),
        );
        refused(&f, &token, "unsupported_alg").await;
    }
}

#[test]
fn rsa_certificates_and_algorithms_are_checked_in_the_configuration() {
    let with = |client: RealmClient| {
        let mut c = ServerConfig::default();
        c.realms.push(bearerkit_server::Realm::new("r").client(client));
        c.validate()
    };
    with(RealmClient::new("a").certificate(CERT_2048_PEM)).unwrap();
    with(RealmClient::new("a").certificate(CERT_2048_PEM).assertion_algorithms(["RS256", "PS256"])).unwrap();
    let e = with(RealmClient::new("a").certificate(CERT_2048_PEM).assertion_algorithms(["ES256"]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("assertion_algorithms") && e.contains("RSA") && e.contains("RS256, PS256"), "{e}");
    let cert = SelfSigned::new("ec");
    let e = with(RealmClient::new("a").certificate(cert.cert_pem.clone()).assertion_algorithms(["RS256"]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("P-256") && e.contains("ES256"), "{e}");
    for alg in ["none", "HS256"] {
        let e = with(RealmClient::new("a").certificate(CERT_2048_PEM).assertion_algorithms([alg]))
            .unwrap_err()
            .to_string();
        assert!(e.contains(alg), "{e}");
    }
    let e = with(RealmClient::new("a").secret("s").assertion_algorithms(["RS256"])).unwrap_err().to_string();
    assert!(e.contains("needs a certificate"), "{e}");
    // A 1024-bit RSA certificate is refused, with the size.
    let e = with(RealmClient::new("a").certificate(CERT_1024_PEM)).unwrap_err().to_string();
    assert!(e.contains("rsa_key_size") && e.contains("1024"), "{e}");
}
