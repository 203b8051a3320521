//! The shared vectors in tests/vectors/ (run by every runtime; schemas in tests/vectors/README.md).
//! Expected tokens were produced and are re-checked by an independent implementation
//! (Python `cryptography`, tests/python/test_vectors_independent.py).
use crate::common::{jwk_key, load, verify_both, with_policy};
use bearerkit::{Assertion, SigningKey, VerifyingKey};
use serde_json::Value;

fn s(v: &Value) -> Option<&str> {
    v.as_str()
}

/// Build the assertion described by a signing vector's `input` and sign it.
fn sign_input(key: &SigningKey, input: &Value) -> String {
    try_sign_input(key, input).unwrap()
}

fn try_sign_input(key: &SigningKey, input: &Value) -> Result<String, bearerkit::Error> {
    let auds: Vec<&str> = match &input["aud"] {
        Value::Array(a) => a.iter().map(|x| x.as_str().unwrap()).collect(),
        _ => Vec::new(),
    };
    let private = input.get("private").map(Value::to_string);
    let mut a = Assertion::new();
    if let Some(v) = s(&input["iss"]) {
        a = a.issuer(v);
    }
    if let Some(v) = s(&input["sub"]) {
        a = a.subject(v);
    }
    match &input["aud"] {
        Value::String(v) => a = a.audience(v),
        Value::Array(_) => a = a.audiences(&auds),
        _ => {}
    }
    if let Some(v) = input["exp"].as_u64() {
        a = a.expires_at(v);
    }
    if let Some(v) = input["nbf"].as_u64() {
        a = a.not_before(v);
    }
    if let Some(v) = input["iat"].as_u64() {
        a = a.issued_at(v);
    }
    if let Some(v) = s(&input["jti"]) {
        a = a.jwt_id(v);
    }
    if let Some(v) = s(&input["kid"]) {
        a = a.key_id(v);
    }
    if let Some(v) = s(&input["typ"]) {
        a = a.typ(v);
    }
    if let Some(p) = &private {
        a = a.claims_json(p);
    }
    let mut buf = vec![0u8; 8192];
    a.sign(key, &mut buf).map(str::to_string)
}

#[test]
fn signing_invalid_vectors() {
    let file = load("signing.json");
    let cases = file["invalid"].as_array().expect("signing.json has an `invalid` array");
    assert!(!cases.is_empty());
    let key = SigningKey::from_jwk(&file["cases"][0]["key"]["private_jwk"].to_string()).unwrap();
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let got = try_sign_input(&key, &c["input"]).err().map(bearerkit::Error::code);
        assert_eq!(got, c["code"].as_str(), "{name}: {}", c["description"]);
    }
}

#[test]
fn signing_vectors_byte_identical() {
    let file = load("signing.json");
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= 20, "at least 20 signing vectors");
    // With `fast-sign`, `SigningKey` signs through the constant-time comb (window 7); every
    // other window's table must give the same bytes too, and so must `p256`'s own signer.
    #[cfg(feature = "fast-sign")]
    let tables: Vec<bearerkit::fast_sign::CombTable> = (bearerkit::fast_sign::MIN_WINDOW
        ..=bearerkit::fast_sign::MAX_WINDOW)
        .map(|w| bearerkit::fast_sign::CombTable::new(w).unwrap())
        .collect();
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let k = &c["key"];
        let key = SigningKey::from_jwk(&k["private_jwk"].to_string()).unwrap();
        // Every encoding of the key is the same key.
        for form in ["sec1_pem", "pkcs8_pem"] {
            assert_eq!(
                SigningKey::from_pem(k[form].as_str().unwrap()).unwrap().to_bytes(),
                key.to_bytes(),
                "{name} {form}"
            );
        }
        let vk = VerifyingKey::from_pem(k["spki_pem"].as_str().unwrap()).unwrap();
        assert_eq!(vk, key.verifying_key(), "{name}");
        assert_eq!(vk, jwk_key(&k["public_jwk"]), "{name}");
        if let Some(t) = k.get("thumbprint") {
            assert_eq!(vk.thumbprint().as_str(), t.as_str().unwrap(), "{name}");
        }
        let token = sign_input(&key, &c["input"]);
        let expected = c["token"].as_str().unwrap();
        let mut parts = token.split('.');
        let h = parts.next().unwrap();
        let cl = parts.next().unwrap();
        use base64ct::{Base64UrlUnpadded, Encoding};
        assert_eq!(
            Base64UrlUnpadded::decode_vec(h).unwrap(),
            c["header_json"].as_str().unwrap().as_bytes(),
            "{name} header"
        );
        assert_eq!(
            Base64UrlUnpadded::decode_vec(cl).unwrap(),
            c["claims_json"].as_str().unwrap().as_bytes(),
            "{name} claims"
        );
        assert_eq!(token, expected, "{name} token");
        let (input, sig) = token.rsplit_once('.').unwrap();
        let raw: p256::ecdsa::Signature = bearerkit::signature::Signer::sign(key.as_p256(), input.as_bytes());
        assert_eq!(Base64UrlUnpadded::encode_string(&raw.to_bytes()), sig, "{name}: p256's own signer");
        #[cfg(feature = "fast-sign")]
        {
            use sha2::Digest;
            let prehash: [u8; 32] = sha2::Sha256::digest(input.as_bytes()).into();
            for table in &tables {
                let s = bearerkit::fast_sign::sign_prehash_with(table, key.as_p256(), &prehash);
                assert_eq!(
                    Base64UrlUnpadded::encode_string(&s.to_bytes()),
                    sig,
                    "{name}: window {}",
                    table.window()
                );
            }
        }
        // And every signing vector verifies, through the plain and the prepared path.
        let input = &c["input"];
        let at = input["iat"].as_u64().or(input["nbf"].as_u64()).unwrap_or(0);
        let mut policy = serde_json::json!({"now": at, "typ": [input["typ"].as_str().unwrap_or("JWT")]});
        if input.get("exp").is_none() {
            policy["dangerous_no_exp"] = serde_json::json!(true);
        }
        if input.get("aud").is_some() {
            policy["any_audience"] = serde_json::json!(true);
        }
        verify_both(&token, &vk, &policy).unwrap_or_else(|e| panic!("{name} does not verify: {e:?}"));
    }
}

#[test]
fn d1_guide_example() {
    let v = load("d1_guide_example.json");
    let key = SigningKey::from_pem(v["sec1_pem"].as_str().unwrap()).unwrap();
    assert!(v["sec1_pem"].as_str().unwrap().contains("----- \n"), "the PEM keeps its trailing spaces");
    let vk = key.verifying_key();
    assert_eq!(vk, jwk_key(&v["public_jwk"]));
    assert_eq!(vk, VerifyingKey::from_pem(v["spki_pem"].as_str().unwrap()).unwrap());
    let claims = verify_both(v["token"].as_str().unwrap(), &vk, &v["policy"]).unwrap();
    assert_eq!(claims, v["expected_claims"]);
}

#[test]
fn rfc7515_a3() {
    let v = load("rfc7515_a3.json");
    assert_eq!(v["high_s"], true, "RFC 7515 A.3's signature is high-S and must be accepted");
    let key = jwk_key(&v["public_jwk"]);
    assert_eq!(SigningKey::from_jwk(&v["private_jwk"].to_string()).unwrap().verifying_key(), key);
    let claims = verify_both(v["token"].as_str().unwrap(), &key, &v["policy"]).unwrap();
    assert_eq!(claims["iss"], "joe");
    assert_eq!(claims["http://example.com/is_root"], true);
}

#[test]
fn verify_valid_vectors() {
    let file = load("verify_valid.json");
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let key = jwk_key(&c["key"]["public_jwk"]);
        let got = verify_both(c["token"].as_str().unwrap(), &key, &c["policy"])
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(
            crate::common::json_eq(&got, &c["expected_claims"]),
            "{name}: {got} != {}",
            c["expected_claims"]
        );
        // The header as read equals the expected header.
        let token = c["token"].as_str().unwrap();
        let mut scratch = vec![0u8; token.len()];
        let header = with_policy(&c["policy"], |p| {
            let t = bearerkit::verify(token, &key, p, &mut scratch).unwrap();
            serde_json::from_str::<Value>(t.header().as_json()).unwrap()
        });
        assert!(crate::common::json_eq(&header, &c["expected_header"]), "{name}: {header}");
    }
}

#[test]
fn negative_vectors() {
    let file = load("negative.json");
    let cases = file["cases"].as_array().unwrap();
    let mut codes = std::collections::BTreeSet::new();
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let key = jwk_key(&c["key"]["public_jwk"]);
        let err = verify_both(c["token"].as_str().unwrap(), &key, &c["policy"]).err();
        let code = err.map(bearerkit::Error::code);
        assert_eq!(code, c["code"].as_str(), "{name}: {}", c["description"]);
        codes.insert(c["code"].as_str().unwrap().to_string());
    }
    // At least one vector for every token rule of the contract.
    for rule in [
        "token_too_large",
        "malformed_token",
        "bad_base64",
        "bad_json",
        "duplicate_member",
        "too_many_members",
        "json_too_deep",
        "unsupported_alg",
        "unsupported_crit",
        "missing_kid",
        "kid_mismatch",
        "bad_typ",
        "bad_header",
        "bad_signature_length",
        "signature_out_of_range",
        "bad_signature",
        "bad_claim_type",
        "date_out_of_range",
        "expired",
        "not_yet_valid",
        "issued_in_future",
        "lifetime_too_long",
        "issuer_mismatch",
        "subject_mismatch",
        "audience_mismatch",
        "unexpected_audience",
        "audience_not_sole",
        "missing_claim",
        "invalid_policy",
    ] {
        assert!(codes.contains(rule), "no negative vector for {rule}");
    }
}

#[test]
fn key_vectors() {
    let file = load("keys.json");
    for c in file["valid"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let input = c["input"].as_str().unwrap();
        let der = || hex::decode(input).unwrap();
        let vk = match c["format"].as_str().unwrap() {
            "pem" => VerifyingKey::from_pem(input),
            "jwk" => VerifyingKey::from_jwk(input),
            "sec1_der_hex" => SigningKey::from_sec1_der(&der()).map(|k| k.verifying_key()),
            "pkcs8_der_hex" => SigningKey::from_pkcs8_der(&der()).map(|k| k.verifying_key()),
            "spki_der_hex" => VerifyingKey::from_spki_der(&der()),
            other => panic!("unknown format {other}"),
        }
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(vk, jwk_key(&c["public_jwk"]), "{name}");
        assert_eq!(vk.thumbprint().as_str(), c["thumbprint"].as_str().unwrap(), "{name}");
        if c.get("private").and_then(Value::as_bool) == Some(true) {
            let sk = match c["format"].as_str().unwrap() {
                "pem" => SigningKey::from_pem(input),
                "jwk" => SigningKey::from_jwk(input),
                "sec1_der_hex" => SigningKey::from_sec1_der(&der()),
                "pkcs8_der_hex" => SigningKey::from_pkcs8_der(&der()),
                other => panic!("{name}: {other} is not a private format"),
            }
            .unwrap();
            assert_eq!(sk.verifying_key(), vk, "{name}");
        }
    }
    for c in file["invalid"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let input = c["input"].as_str().unwrap();
        let want = c["code"].as_str().unwrap();
        let got = match c["format"].as_str().unwrap() {
            "pem" => VerifyingKey::from_pem(input).err(),
            "jwk" => VerifyingKey::from_jwk(input).err(),
            "sec1_der_hex" => SigningKey::from_sec1_der(&hex::decode(input).unwrap()).err(),
            "pkcs8_der_hex" => SigningKey::from_pkcs8_der(&hex::decode(input).unwrap()).err(),
            "spki_der_hex" => VerifyingKey::from_spki_der(&hex::decode(input).unwrap()).err(),
            other => panic!("unknown format {other}"),
        };
        assert_eq!(got.map(bearerkit::Error::code), Some(want), "{name}");
        // The private-key importers refuse every bad input too; for a private-key input
        // (PEM label or JWK `d`) they give the same code.
        let private = match c["format"].as_str().unwrap() {
            "pem" => Some((SigningKey::from_pem(input).err(), input.contains("PRIVATE KEY-----"))),
            "jwk" => Some((SigningKey::from_jwk(input).err(), input.contains("\"d\""))),
            _ => None,
        };
        if let Some((err, is_private)) = private {
            assert!(err.is_some(), "{name}: SigningKey accepted an invalid key");
            if is_private {
                assert_eq!(err.map(bearerkit::Error::code), Some(want), "{name} (SigningKey)");
            }
        }
    }
}
