//! Signing: determinism, private claims, external (HSM/KMS-style) signers, DER conversion,
//! profiles.
use crate::common::{NOW, test_key};
use bearerkit::{Assertion, Error, Validation, profile, verify};
use serde::Serialize;

#[derive(Serialize)]
struct Extra<'a> {
    scope: &'a str,
    n: u32,
}

#[test]
fn deterministic_and_private_claims() {
    let key = test_key();
    let extra = Extra { scope: "a b", n: 7 };
    let a = Assertion::new().issuer("i").audiences(&["x", "y"]).issued_at(NOW).expires_in(60).claims(&extra);
    let mut b1 = [0u8; 512];
    let mut b2 = [0u8; 512];
    let t1 = a.sign(&key, &mut b1).unwrap();
    let t2 = a.sign(&key, &mut b2).unwrap();
    assert_eq!(t1, t2, "RFC 6979 signatures are deterministic");
    let mut s = [0u8; 512];
    let v = verify(t1, &key.verifying_key(), &Validation::new(NOW).audience("y"), &mut s).unwrap();
    assert_eq!(
        v.claims().as_json(),
        format!(r#"{{"iss":"i","aud":["x","y"],"exp":{},"iat":{NOW},"scope":"a b","n":7}}"#, NOW + 60)
    );
    assert_eq!(v.claims().get("n").unwrap().as_f64(), Some(7.0));
    // Raw JSON private claims give the same bytes.
    let mut b3 = [0u8; 512];
    let t3 = Assertion::new()
        .issuer("i")
        .audiences(&["x", "y"])
        .issued_at(NOW)
        .expires_in(60)
        .claims_json(r#"{"scope":"a b","n":7}"#)
        .sign(&key, &mut b3)
        .unwrap();
    assert_eq!(t1, t3);
    // A private claim repeating a registered one is refused.
    assert_eq!(
        Assertion::new().issuer("i").claims_json(r#"{"iss":"j"}"#).sign(&key, &mut b3).unwrap_err(),
        Error::DuplicateMember
    );
    assert_eq!(Assertion::new().expires_in(5).sign(&key, &mut b3).unwrap_err(), Error::MissingClaim);
}

/// A signer that, like many HSMs and cloud KMSs, produces DER signatures and whose
/// result is converted with `der_to_raw_signature`.
struct DerHsm(p256::ecdsa::SigningKey);

impl bearerkit::signature::Signer<p256::ecdsa::Signature> for DerHsm {
    fn try_sign(&self, msg: &[u8]) -> Result<p256::ecdsa::Signature, bearerkit::signature::Error> {
        let der: p256::ecdsa::DerSignature = self.0.try_sign(msg)?;
        let raw = bearerkit::der_to_raw_signature(der.as_bytes())
            .map_err(|_| bearerkit::signature::Error::new())?;
        p256::ecdsa::Signature::from_slice(&raw)
    }
}

#[test]
fn external_signer_gives_identical_tokens() {
    let key = test_key();
    let hsm = DerHsm(key.as_p256().clone());
    let a = profile::d1::assertion("MGW", profile::d1::Env::Production, "k1", NOW);
    let mut b1 = [0u8; 512];
    let mut b2 = [0u8; 512];
    assert_eq!(a.sign(&key, &mut b1).unwrap(), a.sign(&hsm, &mut b2).unwrap());
}

#[test]
fn profiles_round_trip_and_enforce() {
    let key = test_key();
    let vk = key.verifying_key();
    let mut buf = [0u8; 512];
    let mut s = [0u8; 512];
    use profile::d1::{Env, assertion, validation};
    let t = assertion("MGW", Env::Staging, "k1", NOW).sign(&key, &mut buf).unwrap().to_string();
    let v = verify(&t, &vk, &validation("MGW", Env::Staging, "k1", NOW), &mut s).unwrap();
    assert_eq!(v.header().typ().unwrap().as_str(), Some("JWT"));
    assert_eq!(v.claims().exp(), Some(NOW + profile::d1::DEFAULT_LIFETIME));
    assert_eq!(
        verify(&t, &vk, &validation("MGW", Env::Production, "k1", NOW), &mut s).unwrap_err(),
        Error::AudienceMismatch
    );
    assert_eq!(
        verify(&t, &vk, &validation("MGW", Env::Staging, "k2", NOW), &mut s).unwrap_err(),
        Error::KeyIdMismatch
    );
    // exp beyond 15 minutes.
    let long =
        assertion("MGW", Env::Staging, "k1", NOW).expires_in(901).sign(&key, &mut buf).unwrap().to_string();
    assert_eq!(
        verify(&long, &vk, &validation("MGW", Env::Staging, "k1", NOW), &mut s).unwrap_err(),
        Error::LifetimeTooLong
    );
    // iss != sub.
    let bad =
        assertion("MGW", Env::Staging, "k1", NOW).subject("other").sign(&key, &mut buf).unwrap().to_string();
    assert_eq!(
        verify(&bad, &vk, &validation("MGW", Env::Staging, "k1", NOW), &mut s).unwrap_err(),
        Error::SubjectMismatch
    );
    // No kid.
    let nokid = bearerkit::Assertion::new()
        .issuer("MGW")
        .subject("MGW")
        .audience("stg")
        .issued_at(NOW)
        .expires_in(60)
        .sign(&key, &mut buf)
        .unwrap()
        .to_string();
    assert_eq!(
        verify(&nokid, &vk, &validation("MGW", Env::Staging, "k1", NOW), &mut s).unwrap_err(),
        Error::MissingKeyId
    );

    use profile::client_assertion as ca;
    let ep = "https://127.0.0.1/auth/realms/r/protocol/openid-connect/token";
    let t = ca::assertion("client-1", ep, "jti-1", NOW)
        .key_id("B4E11A49EE0D1239E7F784919B91DF577E839385")
        .typ(ca::TYP_CLIENT_AUTH)
        .sign(&key, &mut buf)
        .unwrap()
        .to_string();
    verify(&t, &vk, &ca::validation("client-1", ep, NOW), &mut s).unwrap();
    let nojti = bearerkit::Assertion::new()
        .issuer("client-1")
        .subject("client-1")
        .audience(ep)
        .issued_at(NOW)
        .expires_in(60)
        .sign(&key, &mut buf)
        .unwrap()
        .to_string();
    assert_eq!(
        verify(&nojti, &vk, &ca::validation("client-1", ep, NOW), &mut s).unwrap_err(),
        Error::MissingClaim
    );

    use profile::rfc7523 as g;
    let t = g::assertion("i", "s", "https://as", NOW).sign(&key, &mut buf).unwrap().to_string();
    verify(&t, &vk, &g::validation("i", "https://as", NOW), &mut s).unwrap();
    assert_eq!(
        verify(&t, &vk, &g::validation("i", "https://other", NOW), &mut s).unwrap_err(),
        Error::AudienceMismatch
    );
}

#[test]
fn key_set_selects_by_kid() {
    let k1 = test_key();
    let k2 = bearerkit::SigningKey::from_bytes(&[5u8; 32]).unwrap();
    let set = [("a", k1.verifying_key()), ("b", k2.verifying_key())];
    let mut buf = [0u8; 512];
    let mut s = [0u8; 512];
    let p = Validation::new(NOW);
    let t = Assertion::new().key_id("b").expires_at(NOW + 10).sign(&k2, &mut buf).unwrap().to_string();
    bearerkit::verify_with_key_set(&t, &set[..], &p, &mut s).unwrap();
    let t = Assertion::new().key_id("c").expires_at(NOW + 10).sign(&k2, &mut buf).unwrap().to_string();
    assert_eq!(bearerkit::verify_with_key_set(&t, &set[..], &p, &mut s).unwrap_err(), Error::KeyIdMismatch);
    let t = Assertion::new().key_id("a").expires_at(NOW + 10).sign(&k2, &mut buf).unwrap().to_string();
    assert_eq!(bearerkit::verify_with_key_set(&t, &set[..], &p, &mut s).unwrap_err(), Error::BadSignature);
    let t = Assertion::new().expires_at(NOW + 10).sign(&k2, &mut buf).unwrap().to_string();
    assert_eq!(bearerkit::verify_with_key_set(&t, &set[..], &p, &mut s).unwrap_err(), Error::MissingKeyId);
}

#[test]
fn unverified_decode_for_inspection() {
    let key = test_key();
    let mut buf = [0u8; 512];
    let t = Assertion::new().issuer("x").expires_at(1).sign(&key, &mut buf).unwrap().to_string();
    let mut s = [0u8; 512];
    let u = bearerkit::dangerous::decode_unverified(&t, &mut s).unwrap();
    assert_eq!(u.claims().iss().unwrap().as_str(), Some("x"));
    assert_eq!(u.signature_len(), 64);
}

/// The `alloc` conveniences return exactly what the buffer forms write.
#[cfg(feature = "alloc")]
#[test]
fn alloc_conveniences_equal_the_buffer_forms() {
    use bearerkit::{Assertion, SigningKey, VerifyingKey};
    let key = crate::common::test_key();
    let vk = key.verifying_key();
    let mut buf = [0u8; 1024];
    let a = Assertion::new().issuer("i").audience("prd").key_id("k1").issued_at(1_700_000_000).expires_in(60);
    assert_eq!(a.sign_to_string(&key).unwrap(), a.sign(&key, &mut buf).unwrap());
    assert_eq!(key.to_sec1_pem_string().as_str(), key.to_sec1_pem(&mut buf).unwrap());
    assert_eq!(key.to_pkcs8_pem_string().as_str(), key.to_pkcs8_pem(&mut buf).unwrap());
    assert_eq!(key.to_jwk_string().as_str(), key.to_jwk(&mut buf).unwrap());
    assert_eq!(vk.to_spki_pem_string(), vk.to_spki_pem(&mut buf).unwrap());
    assert_eq!(vk.to_jwk_string(), vk.to_jwk(&mut buf).unwrap());
    // And they import back to the same key.
    assert_eq!(SigningKey::from_pem(&key.to_sec1_pem_string()).unwrap().verifying_key(), vk);
    assert_eq!(SigningKey::from_jwk(&key.to_jwk_string()).unwrap().verifying_key(), vk);
    assert_eq!(VerifyingKey::from_pem(&vk.to_spki_pem_string()).unwrap(), vk);
    // An escaped JSON string unescapes into an owned String.
    let claims = br#"{"iss":"caf\u00e9 \"q\""}"#;
    let o = bearerkit::json::Object::parse(claims).unwrap();
    assert_eq!(o.get("iss").unwrap().as_json_str().unwrap().to_string_unescaped(), "café \"q\"");
}

/// The `std` clock helper reads the system clock (checked against `SystemTime` itself).
#[cfg(feature = "std")]
#[test]
fn now_unix_reads_the_system_clock() {
    let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let now = bearerkit::now_unix();
    let after = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert!(before <= now && now <= after, "{before} <= {now} <= {after}");
    // `std` also means `std::error::Error` (the core trait) with a Display.
    let e: Box<dyn std::error::Error> = Box::new(bearerkit::Error::Expired);
    assert_eq!(e.to_string(), "token expired");
}
