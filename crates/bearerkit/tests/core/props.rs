//! Property tests: round trip, single-byte mutation, and no panics on any input.
use crate::common::{NOW, test_key};
use bearerkit::{Assertion, SigningKey, Validation, VerifyingKey, verify};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn sign_verify_round_trip(
        // Any text, control characters and non-BMP characters included: the registered claims
        // are written without a second validation pass, so their escaping must be right.
        iss in any_text(40).prop_filter("non-empty", |s| !s.is_empty()),
        sub in any_text(40),
        aud in proptest::collection::vec(any_text(20), 1..4),
        life in 1u64..900,
        jti in proptest::option::of(any_text(32)),
        kid in any_text(20),
        typ in "[A-Za-z0-9/+.-]{1,30}",
        seed in any::<[u8; 32]>(),
    ) {
        let Ok(key) = SigningKey::from_bytes(&seed) else { return Ok(()) };
        let auds: Vec<&str> = aud.iter().map(String::as_str).collect();
        let mut a = Assertion::new()
            .issuer(&iss)
            .subject(&sub)
            .audiences(&auds)
            .issued_at(NOW)
            .expires_in(life)
            .key_id(&kid)
            .typ(&typ);
        if let Some(j) = &jti { a = a.jwt_id(j); }
        let mut buf = vec![0u8; 2048];
        let token = a.sign(&key, &mut buf).unwrap().to_string();
        let typs = [typ.as_str()];
        let policy = Validation::new(NOW)
            .issuer(&iss)
            .subject(&sub)
            .audience(auds[auds.len() - 1])
            .max_lifetime(900)
            .kid(&kid)
            .typ(&typs);
        let mut s = vec![0u8; token.len()];
        let v = verify(&token, &key.verifying_key(), &policy, &mut s).unwrap();
        prop_assert!(v.claims().iss().unwrap().eq_str(&iss));
        prop_assert!(v.claims().sub().unwrap().eq_str(&sub));
        prop_assert!(v.header().kid().unwrap().eq_str(&kid));
        prop_assert_eq!(v.claims().exp(), Some(NOW + life));
        match (&jti, v.claims().jti()) {
            (Some(want), Some(got)) => prop_assert!(got.eq_str(want)),
            (None, None) => {}
            (want, got) => prop_assert!(false, "jti {:?} came back as {:?}", want, got.map(|g| g.to_string())),
        }
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

/// Private claims of every JSON shape the serializer writes, with arbitrary text (quotes,
/// backslashes, control characters, non-BMP characters) in keys and values.
#[derive(serde::Serialize, Debug)]
struct Private {
    x_text: String,
    x_int: i64,
    x_uint: u64,
    x_flag: bool,
    x_list: Vec<String>,
    x_map: std::collections::BTreeMap<String, i32>,
    x_opt: Option<String>,
    x_nested: Vec<Vec<u8>>,
}

fn any_text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..max).prop_map(|v| v.into_iter().collect())
}

fn private_claims() -> impl Strategy<Value = Private> {
    (
        any_text(24),
        any::<i64>(),
        any::<u64>(),
        any::<bool>(),
        proptest::collection::vec(any_text(8), 0..4),
        // Map keys prefixed so they never collide with the struct's own member names.
        proptest::collection::btree_map(any_text(8).prop_map(|k| format!("m-{k}")), any::<i32>(), 0..4),
        proptest::option::of(any_text(8)),
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..3), 0..3),
    )
        .prop_map(|(x_text, x_int, x_uint, x_flag, x_list, x_map, x_opt, x_nested)| Private {
            x_text,
            x_int,
            x_uint,
            x_flag,
            x_list,
            x_map,
            x_opt,
            x_nested,
        })
}

/// A random valid token: random key, issuer, lifetime and one private text claim.
fn random_token() -> impl Strategy<Value = (SigningKey, String)> {
    (any::<[u8; 32]>(), "[ -~]{1,30}", 1u64..900, any_text(16)).prop_filter_map(
        "scalar is zero or not below n",
        |(seed, iss, life, note)| {
            let key = SigningKey::from_bytes(&seed).ok()?;
            let claims = serde_json::json!({ "note": note });
            let mut buf = vec![0u8; 1024];
            let token = Assertion::new()
                .issuer(&iss)
                .subject(&iss)
                .audience("prd")
                .key_id("k1")
                .issued_at(NOW)
                .expires_in(life)
                .claims(&claims)
                .sign(&key, &mut buf)
                .ok()?
                .to_string();
            Some((key, token))
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn round_trip_with_random_private_claims(private in private_claims(), seed in any::<[u8; 32]>()) {
        let Ok(key) = SigningKey::from_bytes(&seed) else { return Ok(()) };
        let mut buf = vec![0u8; 4096];
        let token = Assertion::new()
            .issuer("iss-1")
            .audience("prd")
            .issued_at(NOW)
            .expires_in(300)
            .claims(&private)
            .sign(&key, &mut buf)
            .unwrap()
            .to_string();
        let mut s = vec![0u8; token.len()];
        let v = verify(&token, &key.verifying_key(), &Validation::new(NOW).audience("prd"), &mut s).unwrap();
        let got: serde_json::Value = serde_json::from_str(v.claims().as_json()).unwrap();
        let want = serde_json::to_value(&private).unwrap();
        for (name, value) in want.as_object().unwrap() {
            prop_assert_eq!(got.get(name), Some(value), "private claim {}", name);
        }
        prop_assert_eq!(got["iss"].as_str(), Some("iss-1"));
        prop_assert_eq!(got.as_object().unwrap().len(), want.as_object().unwrap().len() + 4);
    }

    #[test]
    fn any_single_byte_change_to_a_random_token_rejects(
        (key, token) in random_token(),
        pos in any::<prop::sample::Index>(),
        byte in 0u8..0x80,
    ) {
        let policy = Validation::new(NOW).audience("prd").kid("k1").max_lifetime(900);
        let mut s = vec![0u8; token.len() + 16];
        prop_assert!(verify(&token, &key.verifying_key(), &policy, &mut s).is_ok());
        let mut bytes = token.clone().into_bytes();
        let i = pos.index(bytes.len());
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        // ASCII replaced by ASCII: still a `str`.
        let mutated = String::from_utf8(bytes).unwrap();
        let err = verify(&mutated, &key.verifying_key(), &policy, &mut s);
        prop_assert!(err.is_err(), "accepted after changing byte {} to {:#04x}: {}", i, byte, mutated);
    }

    #[test]
    fn changing_the_public_point_of_a_sec1_key_rejects(
        seed in any::<[u8; 32]>(),
        pos in 0usize..65,
        xor in 1u8..=255,
    ) {
        let Ok(key) = SigningKey::from_bytes(&seed) else { return Ok(()) };
        let mut pem = [0u8; 320];
        let pem = key.to_sec1_pem(&mut pem).unwrap();
        let der = pem_body(pem);
        prop_assert!(SigningKey::from_sec1_der(&der).is_ok());
        // The DER ends with BIT STRING { 0x00, 0x04 || x || y }: the last 65 bytes are the point.
        let mut bad = der.clone();
        let at = bad.len() - 65 + pos;
        bad[at] ^= xor;
        let err = SigningKey::from_sec1_der(&bad).err();
        prop_assert!(err.is_some(), "a changed public key byte at {} was accepted", pos);
        let code = err.unwrap().code();
        prop_assert!(
            ["key_mismatch", "invalid_point", "bad_der"].contains(&code),
            "unexpected code {}", code
        );
    }

    #[test]
    fn mutated_key_encodings_never_panic_and_stay_consistent(
        seed in any::<[u8; 32]>(),
        format in 0usize..5,
        pos in any::<prop::sample::Index>(),
        op in 0u8..4,
        byte in any::<u8>(),
    ) {
        let Ok(key) = SigningKey::from_bytes(&seed) else { return Ok(()) };
        let vk = key.verifying_key();
        let (mut buf, mut buf2) = ([0u8; 320], [0u8; 320]);
        let bytes: Vec<u8> = match format {
            0 => pem_body(key.to_sec1_pem(&mut buf).unwrap()),
            1 => key.to_pkcs8_der(&mut buf).unwrap().to_vec(),
            2 => vk.to_spki_der(&mut buf).unwrap().to_vec(),
            3 => key.to_jwk(&mut buf).unwrap().as_bytes().to_vec(),
            _ => key.to_sec1_pem(&mut buf).unwrap().as_bytes().to_vec(),
        };
        let mut m = bytes.clone();
        let i = pos.index(m.len());
        match op {
            0 => m[i] ^= byte | 1,
            1 => m.truncate(i),
            2 => m.insert(i, byte),
            _ => { m.remove(i); }
        }
        // Whatever the import says, it says it without panicking; when it accepts, the key
        // it returns exports and re-imports to itself.
        let imported: Option<VerifyingKey> = match format {
            0 => SigningKey::from_sec1_der(&m).ok().map(|k| k.verifying_key()),
            1 => SigningKey::from_pkcs8_der(&m).ok().map(|k| k.verifying_key()),
            2 => VerifyingKey::from_spki_der(&m).ok(),
            3 => std::str::from_utf8(&m).ok().and_then(|t| SigningKey::from_jwk(t).ok()).map(|k| k.verifying_key()),
            _ => std::str::from_utf8(&m).ok().and_then(|t| SigningKey::from_pem(t).ok()).map(|k| k.verifying_key()),
        };
        if let Some(got) = imported {
            let spki = got.to_spki_der(&mut buf2).unwrap();
            prop_assert_eq!(VerifyingKey::from_spki_der(spki).unwrap(), got);
        }
    }
}

/// The DER inside a PEM text (test helper; the library has its own decoder).
fn pem_body(pem: &str) -> Vec<u8> {
    use base64ct::{Base64, Encoding};
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).map(str::trim).collect();
    Base64::decode_vec(&body).unwrap()
}
