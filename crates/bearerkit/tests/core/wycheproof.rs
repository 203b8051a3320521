//! Wycheproof (C2SP/wycheproof, Apache-2.0; files in tests/vectors/wycheproof/):
//! - ECDSA P-256/SHA-256 P1363: every `valid` verifies and every `invalid` does not, through
//!   the plain and the prepared verifier, as the signature of a JWS;
//! - ECDSA P-256/SHA-256 DER: no DER signature is ever accepted as a JWS signature;
//! - JSON Web Signature: the ES256 (P-256) groups give their expected verdicts.
use crate::common::{b64, load};
use bearerkit::{Error, Validation, VerifyingKey, verify_jws};
use serde_json::Value;

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// A JWS whose signing input is the Wycheproof message itself cannot be built (the
/// signing input is base64url text), so the P1363 cases drive the verifier trait directly
/// after the same 64-byte/range gate `verify` applies.
fn p1363_verdict(key: &VerifyingKey, msg: &[u8], sig: &[u8]) -> bool {
    use bearerkit::Es256Verifier;
    if sig.len() != 64 {
        return false;
    }
    let Ok(sig) = p256::ecdsa::Signature::from_slice(sig) else { return false };
    let plain = key.verify_es256(msg, &sig).is_ok();
    #[cfg(feature = "alloc")]
    {
        let prepared = bearerkit::PreparedVerifyingKey::new(key);
        assert_eq!(plain, prepared.verify_es256(msg, &sig).is_ok(), "prepared disagrees");
    }
    plain
}

#[test]
fn p1363_all_as_expected() {
    let file = load("wycheproof/wycheproof_p256_sha256_p1363.json");
    let mut counted = (0, 0);
    for group in file["testGroups"].as_array().unwrap() {
        let key = VerifyingKey::from_sec1_bytes(&hex(group["publicKey"]["uncompressed"].as_str().unwrap()))
            .unwrap();
        for t in group["tests"].as_array().unwrap() {
            let ok = p1363_verdict(&key, &hex(t["msg"].as_str().unwrap()), &hex(t["sig"].as_str().unwrap()));
            let expected = match t["result"].as_str().unwrap() {
                "valid" => true,
                "invalid" => false,
                // "acceptable" cases: none in this file for P1363; treat as must-not-panic.
                _ => continue,
            };
            assert_eq!(ok, expected, "tcId {} ({})", t["tcId"], t["comment"]);
            if ok { counted.0 += 1 } else { counted.1 += 1 }
        }
    }
    assert!(counted.0 > 100 && counted.1 > 50, "{counted:?}");
}

#[test]
fn p1363_through_the_whole_jws_path() {
    // Every P1363 signature of every group, placed in a real token over another message, goes
    // through the full `verify_jws` path: the error must name the right gate — a length that
    // is not 64, then r or s out of [1, n), and otherwise a signature that does not verify
    // (the signatures were made over the Wycheproof message, not this signing input).
    let file = load("wycheproof/wycheproof_p256_sha256_p1363.json");
    let input = format!("{}.{}", b64(br#"{"alg":"ES256"}"#), b64(b"foo"));
    let policy = Validation::new(0);
    let n = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    let in_range = |x: &[u8]| x.iter().any(|b| *b != 0) && x < n.as_slice();
    let mut counts = [0usize; 3];
    for group in file["testGroups"].as_array().unwrap() {
        let key = VerifyingKey::from_sec1_bytes(&hex(group["publicKey"]["uncompressed"].as_str().unwrap()))
            .unwrap();
        for t in group["tests"].as_array().unwrap() {
            let sig = hex(t["sig"].as_str().unwrap());
            let token = format!("{input}.{}", b64(&sig));
            let mut scratch = vec![0u8; token.len()];
            let got = verify_jws(&token, &key, &policy, &mut scratch).err();
            let want = if sig.len() != 64 {
                counts[0] += 1;
                Error::SignatureLength { found: sig.len() }
            } else if !(in_range(&sig[..32]) && in_range(&sig[32..])) {
                counts[1] += 1;
                Error::SignatureRange
            } else {
                counts[2] += 1;
                Error::BadSignature
            };
            assert_eq!(got, Some(want), "tcId {} ({})", t["tcId"], t["comment"]);
        }
    }
    assert!(counts.iter().all(|c| *c > 0), "{counts:?}");
}

#[test]
fn der_signatures_never_accepted() {
    let file = load("wycheproof/wycheproof_p256_sha256_der.json");
    let mut n = 0;
    for group in file["testGroups"].as_array().unwrap() {
        let key = VerifyingKey::from_sec1_bytes(&hex(group["publicKey"]["uncompressed"].as_str().unwrap()))
            .unwrap();
        #[cfg(feature = "alloc")]
        let prepared = bearerkit::PreparedVerifyingKey::new(&key);
        for t in group["tests"].as_array().unwrap() {
            let sig = hex(t["sig"].as_str().unwrap());
            let input = format!("{}.{}", b64(br#"{"alg":"ES256"}"#), b64(&hex(t["msg"].as_str().unwrap())));
            let token = format!("{input}.{}", b64(&sig));
            let mut scratch = vec![0u8; token.len() + 8];
            let r = verify_jws(&token, &key, &Validation::new(0), &mut scratch);
            assert!(r.is_err(), "tcId {} accepted a DER signature", t["tcId"]);
            #[cfg(feature = "alloc")]
            assert_eq!(
                verify_jws(&token, &prepared, &Validation::new(0), &mut vec![0u8; token.len() + 8]).err(),
                r.err(),
                "prepared path, tcId {}",
                t["tcId"]
            );
            if sig.len() != 64 {
                assert!(
                    matches!(r, Err(Error::SignatureLength { .. }) | Err(Error::MalformedToken)),
                    "{r:?}"
                );
            }
            n += 1;
        }
    }
    assert!(n > 400);
}

#[test]
fn jws_es256_groups_as_expected() {
    let file = load("wycheproof/wycheproof_json_web_signature.json");
    let mut n = 0;
    for group in file["testGroups"].as_array().unwrap() {
        let jwk = group.get("public").unwrap_or(&group["private"]);
        if jwk["kty"] != "EC" || jwk["crv"] != "P-256" {
            continue;
        }
        let key = VerifyingKey::from_jwk(&jwk.to_string());
        for t in group["tests"].as_array().unwrap() {
            let Value::String(jws) = &t["jws"] else {
                // JSON serialization is not a compact JWS: never accepted.
                assert_eq!(t["result"], "invalid");
                continue;
            };
            let ok = match &key {
                Ok(key) => {
                    let mut scratch = vec![0u8; jws.len() + 8];
                    let plain = verify_jws(jws, key, &Validation::new(0), &mut scratch).is_ok();
                    #[cfg(feature = "alloc")]
                    {
                        let prepared = bearerkit::PreparedVerifyingKey::new(key);
                        let ok = verify_jws(jws, &prepared, &Validation::new(0), &mut scratch).is_ok();
                        assert_eq!(ok, plain, "prepared path, tcId {}", t["tcId"]);
                    }
                    plain
                }
                Err(e) => {
                    assert_eq!(*e, Error::KeyUsage, "key refused for another reason");
                    false
                }
            };
            assert_eq!(ok, t["result"] == "valid", "tcId {} ({})", t["tcId"], t["comment"]);
            n += 1;
        }
    }
    assert!(n >= 40, "{n}");
}
