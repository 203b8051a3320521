//! Property tests: round trip, single-byte mutation, and no panics on any input.
use crate::common::{NOW, test_key};
use bearerkit::{Assertion, SigningKey, Validation, VerifyingKey, verify};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn sign_verify_round_trip(
        iss in "\\PC{1,40}",
        sub in "[a-zA-Z0-9_-]{1,40}",
        aud in proptest::collection::vec("[a-z:/.]{1,20}", 1..4),
        life in 1u64..900,
        jti in proptest::option::of("[0-9a-f]{8,32}"),
        seed in any::<[u8; 32]>(),
    ) {
        let Ok(key) = SigningKey::from_bytes(&seed) else { return Ok(()) };
        let auds: Vec<&str> = aud.iter().map(String::as_str).collect();
        let mut a = Assertion::new().issuer(&iss).subject(&sub).audiences(&auds).issued_at(NOW).expires_in(life);
        if let Some(j) = &jti { a = a.jwt_id(j); }
        let mut buf = vec![0u8; 2048];
        let token = a.sign(&key, &mut buf).unwrap().to_string();
        let policy = Validation::new(NOW).issuer(&iss).subject(&sub).audience(auds[auds.len() - 1]).max_lifetime(900);
        let mut s = vec![0u8; token.len()];
        let v = verify(&token, &key.verifying_key(), &policy, &mut s).unwrap();
        prop_assert!(v.claims().iss().unwrap().eq_str(&iss));
        prop_assert_eq!(v.claims().exp(), Some(NOW + life));
        prop_assert_eq!(v.claims().jti().map(|j| j.to_string()), jti);
    }

    #[test]
    fn any_single_byte_change_rejects(pos in any::<prop::sample::Index>(), byte in prop::sample::select(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ {}\"".to_vec()
    )) {
        let key = test_key();
        let mut buf = [0u8; 512];
        let token = Assertion::new().issuer("i").audience("a").key_id("k").issued_at(NOW).expires_in(60).sign(&key, &mut buf).unwrap().to_string();
        let mut bytes = token.clone().into_bytes();
        let i = pos.index(bytes.len());
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        let mutated = String::from_utf8(bytes).unwrap();
        let mut s = [0u8; 512];
        prop_assert!(verify(&mutated, &key.verifying_key(), &Validation::new(NOW), &mut s).is_err(), "{}", mutated);
    }

    #[test]
    fn verify_never_panics(token in "[A-Za-z0-9_.=+/ -]{0,300}") {
        let mut s = [0u8; 400];
        let _ = verify(&token, &test_key().verifying_key(), &Validation::new(NOW), &mut s);
        let _ = bearerkit::dangerous::decode_unverified(&token, &mut s);
    }

    #[test]
    fn verify_never_panics_on_structured_garbage(h in "\\PC{0,60}", c in "\\PC{0,80}", sig in proptest::collection::vec(any::<u8>(), 0..80)) {
        let t = format!("{}.{}.{}", crate::common::b64(h.as_bytes()), crate::common::b64(c.as_bytes()), crate::common::b64(&sig));
        let mut s = [0u8; 512];
        let _ = verify(&t, &test_key().verifying_key(), &Validation::new(NOW), &mut s);
    }

    #[test]
    fn json_and_key_import_never_panic(text in "\\PC{0,200}", bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = bearerkit::json::validate_object(text.as_bytes());
        let _ = bearerkit::json::validate_object(&bytes);
        let _ = SigningKey::from_pem(&text);
        let _ = VerifyingKey::from_pem(&text);
        let _ = SigningKey::from_jwk(&text);
        let _ = VerifyingKey::from_jwk(&text);
        let _ = SigningKey::from_sec1_der(&bytes);
        let _ = SigningKey::from_pkcs8_der(&bytes);
        let _ = VerifyingKey::from_spki_der(&bytes);
        let _ = VerifyingKey::from_sec1_bytes(&bytes);
        let _ = bearerkit::der_to_raw_signature(&bytes);
        let _ = bearerkit::CertificateThumbprints::from_der(&bytes);
    }

    #[test]
    fn json_like_structures_never_panic(text in "[\\[\\]{}\":,0-9a-z\\\\ .eE+-]{0,120}") {
        let _ = bearerkit::json::validate_object(text.as_bytes());
        if let Ok(o) = bearerkit::json::Object::parse(text.as_bytes()) {
            for (k, v) in o.members() {
                let _ = k.to_string();
                let _ = v.as_f64();
                if let Some(items) = v.array_items() { let _ = items.count(); }
            }
        }
    }
}
