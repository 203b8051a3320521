//! `private_key_jwt` with an RSA key: RS256 (the default) and PS256 against the local realm
//! with an RSA certificate, the certificate/key match check, and keys refused.

use crate::common::*;
use base64ct::{Base64UrlUnpadded, Encoding};
use bearerkit_client::bearerkit_rsa::{RsaAlgorithm, RsaSigningKey};
use bearerkit_client::{AssertionSigner, ErrorKind, PrivateKeyJwt, TokenClient};
use bearerkit_server::RealmClient;
use bearerkit_testkit::rsa::{
    CERT_2048_PEM, CERT_3072_PEM, KEY_1024_PEM, KEY_2048_PEM, KEY_2048_PKCS1_PEM, KEY_3072_PEM,
};

const RSA_CLIENT: &str = "rsa-client";
/// Registered with the 3072-bit certificate for PS256 only.
const PSS_CLIENT: &str = "pss-only-client";
const TOKEN_JSON: &str = r#"{"access_token":"at-1","token_type":"Bearer","expires_in":300}"#;

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

/// Header and claims of the `client_assertion` in a recorded form request.
fn sent_assertion(request: &str) -> (serde_json::Value, serde_json::Value) {
    let body = request.split_once("\r\n\r\n").unwrap().1;
    let assertion = form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "client_assertion")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no client_assertion in {request}"));
    let mut parts = assertion.split('.');
    let mut json =
        || serde_json::from_slice(&Base64UrlUnpadded::decode_vec(parts.next().unwrap()).unwrap()).unwrap();
    (json(), json())
}

#[tokio::test]
async fn rs256_and_ps256_against_the_local_realm() {
    let f = start_rsa().await;
    let url = f.server.keycloak_token_url(REALM);
    for pem in [KEY_2048_PEM, KEY_2048_PKCS1_PEM] {
        let key = RsaSigningKey::from_pem(pem).unwrap();
        let rs = PrivateKeyJwt::rsa(RSA_CLIENT, key).kid_from_certificate_pem(CERT_2048_PEM).unwrap();
        assert_eq!(rs.algorithm(), "RS256");
        let ps = PrivateKeyJwt::with_signer(
            RSA_CLIENT,
            AssertionSigner::rsa_from_pem(pem, RsaAlgorithm::Ps256).unwrap(),
        )
        .kid_from_certificate_pem(CERT_2048_PEM)
        .unwrap();
        assert_eq!(ps.algorithm(), "PS256");
        for auth in [rs, ps] {
            let client = TokenClient::builder(url.as_str(), auth).retry(quick_retries()).build().unwrap();
            let token = client.token().await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(token.scope(), Some("VOP"));
        }
    }
}

#[tokio::test]
async fn a_ps256_only_realm_client_takes_the_clients_ps256_and_refuses_its_rs256() {
    let f = start_rsa().await;
    let url = f.server.keycloak_token_url(REALM);
    let client = |alg| {
        let signer = AssertionSigner::rsa_from_pem(KEY_3072_PEM, alg).unwrap();
        let auth =
            PrivateKeyJwt::with_signer(PSS_CLIENT, signer).kid_from_certificate_pem(CERT_3072_PEM).unwrap();
        TokenClient::builder(url.as_str(), auth).retry(quick_retries()).build().unwrap()
    };
    let token = client(RsaAlgorithm::Ps256).token().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(token.scope(), Some("VOP"));
    // The same key and certificate as RS256: the realm refuses the algorithm.
    let e = client(RsaAlgorithm::Rs256).token().await.unwrap_err();
    assert_eq!((e.code(), e.status()), ("invalid_client", Some(400)), "{e}");
    let description = e.oauth().unwrap().description.clone().unwrap_or_default();
    assert!(description.contains("unsupported_alg"), "{description}");
    // One request each: the refusal is not retried.
    assert_eq!(f.server.request_count(), 2);
}

#[tokio::test]
async fn the_rsa_assertion_has_the_es256_claims_and_a_fresh_jti() {
    let ep = Endpoint::start(|_, _| Reply::json(TOKEN_JSON)).await;
    let url = format!("{}/auth/realms/r1/protocol/openid-connect/token", ep.url());
    let auth = PrivateKeyJwt::with_signer("c1", AssertionSigner::from_pem(KEY_2048_PEM).unwrap())
        .kid_from_certificate_pem(CERT_2048_PEM)
        .unwrap();
    let client = TokenClient::builder(url.as_str(), auth).retry(quick_retries()).build().unwrap();
    client.fetch_uncached().await.unwrap();
    client.fetch_uncached().await.unwrap();
    let sent: Vec<_> = ep.requests().iter().map(|r| sent_assertion(r)).collect();
    assert_eq!(sent.len(), 2);
    let mut scratch = vec![0u8; 4096];
    let fp = bearerkit::CertificateThumbprints::from_pem(CERT_2048_PEM, &mut scratch).unwrap();
    for (header, claims) in &sent {
        assert_eq!(header["alg"], "RS256");
        assert_eq!(header["kid"], fp.sha1_hex().as_str());
        assert_eq!((claims["iss"].as_str(), claims["sub"].as_str()), (Some("c1"), Some("c1")));
        // The realm issuer, as one string.
        assert_eq!(claims["aud"], format!("{}/auth/realms/r1", ep.url()));
        let (iat, exp) = (claims["iat"].as_u64().unwrap(), claims["exp"].as_u64().unwrap());
        assert_eq!(exp - iat, 60);
    }
    assert_ne!(sent[0].1["jti"], sent[1].1["jti"]);
}

#[test]
fn keys_that_cannot_sign_are_refused_with_typed_errors() {
    let e = AssertionSigner::from_pem(KEY_1024_PEM).unwrap_err();
    assert_eq!(e.code(), "rsa_key_size");
    assert!(e.to_string().contains("1024"), "{e}");
    let e = AssertionSigner::rsa_from_pem(KEY_1024_PEM, RsaAlgorithm::Ps256).unwrap_err();
    assert_eq!(e.code(), "rsa_key_size");
    // A P-256 key (SEC1 or PKCS#8) where an RSA key is required: a key of another type.
    let ec = bearerkit_testkit::SelfSigned::new("ec");
    for pem in [bearerkit_testkit::d1_guide::KEY_PEM, ec.key_pem.as_str()] {
        let e = AssertionSigner::rsa_from_pem(pem, RsaAlgorithm::Rs256).unwrap_err();
        assert_eq!(e.code(), "unsupported_key_type", "{pem}");
        assert!(matches!(e.kind(), ErrorKind::RsaKey(_)), "{e:?}");
    }
    // Garbage under a PKCS#8 label: the core's error.
    let e = AssertionSigner::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        .unwrap_err();
    assert_eq!(e.code(), "bad_der");
    // EC and RSA keys from one entry point.
    assert_eq!(AssertionSigner::from_pem(bearerkit_testkit::d1_guide::KEY_PEM).unwrap().algorithm(), "ES256");
    assert!(AssertionSigner::from_pem(KEY_2048_PKCS1_PEM).unwrap().is_rsa());
}

/// `pem`'s DER with `f` applied, under `label`.
fn repem(pem: &str, label: &str, f: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut der = pem_rfc7468::decode_vec(pem.trim().as_bytes()).unwrap().1;
    f(&mut der);
    pem_rfc7468::encode_string(label, pem_rfc7468::LineEnding::LF, &der).unwrap()
}

#[test]
fn a_damaged_rsa_key_reports_the_rsa_error_not_the_cores() {
    // Truncated PKCS#1 (the RSA label) and PKCS#8 (the rsaEncryption OID): RSA's bad_der.
    for (pem, label) in [(KEY_2048_PKCS1_PEM, "RSA PRIVATE KEY"), (KEY_2048_PEM, "PRIVATE KEY")] {
        let damaged = repem(pem, label, |der| der.truncate(300));
        let e = AssertionSigner::from_pem(&damaged).unwrap_err();
        assert_eq!(e.code(), "bad_der", "{label}");
        assert!(matches!(e.kind(), ErrorKind::RsaKey(_)), "{label}: {e:?}");
        // Inconsistent components (qInv's last byte changed): rsa_key_invalid, never the
        // certificate's key_mismatch.
        let inconsistent = repem(pem, label, |der| *der.last_mut().unwrap() ^= 1);
        assert_eq!(
            AssertionSigner::from_pem(&inconsistent).unwrap_err().code(),
            "rsa_key_invalid",
            "{label}"
        );
        let e = AssertionSigner::rsa_from_pem(&inconsistent, RsaAlgorithm::Ps256).unwrap_err();
        assert_eq!(e.code(), "rsa_key_invalid", "{label}");
    }
    // A damaged P-256 PKCS#8 key keeps the core's error.
    let ec = bearerkit_testkit::SelfSigned::new("ec");
    let damaged = repem(&ec.key_pem, "PRIVATE KEY", |der| der.truncate(40));
    let e = AssertionSigner::from_pem(&damaged).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Assertion(_)), "{e:?}");
}

#[test]
fn the_certificate_must_carry_the_signing_key() {
    let rsa = || PrivateKeyJwt::rsa("c1", RsaSigningKey::from_pem(KEY_2048_PEM).unwrap());
    rsa().kid_from_certificate_pem(CERT_2048_PEM).unwrap();
    // Another RSA key's certificate, and a P-256 certificate.
    assert_eq!(rsa().kid_from_certificate_pem(CERT_3072_PEM).unwrap_err().code(), "key_mismatch");
    let ec = bearerkit_testkit::SelfSigned::new("ec");
    assert_eq!(rsa().kid_from_certificate_pem(&ec.cert_pem).unwrap_err().code(), "key_mismatch");
    // The reverse: a P-256 key with an RSA certificate, and with its own.
    let ec_auth = || PrivateKeyJwt::new("c1", bearerkit::SigningKey::from_pem(&ec.key_pem).unwrap());
    assert_eq!(ec_auth().kid_from_certificate_pem(CERT_2048_PEM).unwrap_err().code(), "key_mismatch");
    ec_auth().kid_from_certificate_pem(&ec.cert_pem).unwrap();
}

#[test]
fn debug_shows_the_algorithm_never_the_key() {
    let auth = PrivateKeyJwt::rsa("c1", RsaSigningKey::from_pem(KEY_2048_PEM).unwrap());
    let shown = format!("{auth:?}");
    assert!(shown.contains("RS256"), "{shown}");
    let body: String = KEY_2048_PEM.lines().filter(|l| !l.starts_with("-----")).collect();
    for chunk in body.as_bytes().chunks(16) {
        assert!(!shown.contains(core::str::from_utf8(chunk).unwrap()), "{shown}");
    }
}
