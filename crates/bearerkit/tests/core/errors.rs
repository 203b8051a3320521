//! Every error variant produced by real bad input, with its stable code. The last test
//! checks that the set of codes seen here is exactly `Error::ALL_CODES`.
use crate::common::{NOW, forge, test_key};
use bearerkit::{Assertion, Error, SigningKey, Validation, VerifyingKey, verify};
use std::collections::BTreeSet;
use std::sync::Mutex;

static SEEN: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
static TEXTS: Mutex<std::collections::BTreeMap<String, &'static str>> =
    Mutex::new(std::collections::BTreeMap::new());

fn expect(r: Result<impl Sized, Error>, want: Error) {
    match r {
        Ok(_) => panic!("expected {want:?}, got Ok"),
        Err(e) => {
            assert_eq!(e, want);
            // Display: lower-case start (acronyms such as JSON, PEM, JWK aside), no final
            // period, never empty, and never the same text for two codes.
            let msg = e.to_string();
            let first = msg.split([' ', ':']).next().unwrap_or_default();
            let acronym = first.len() > 1 && first.bytes().all(|b| b.is_ascii_uppercase());
            assert!(!msg.is_empty() && !msg.ends_with('.'), "{:?}: {msg:?}", e);
            assert!(acronym || msg.starts_with(|c: char| c.is_ascii_lowercase()), "{:?}: {msg:?}", e);
            let mut texts = TEXTS.lock().unwrap();
            if let Some(other) = texts.insert(msg.clone(), e.code()) {
                assert_eq!(other, e.code(), "two codes share the message {msg:?}");
            }
            SEEN.lock().unwrap().insert(e.code());
        }
    }
}

fn check(token: &str, policy: &Validation<'_>, want: Error) {
    let key = test_key().verifying_key();
    let mut scratch = vec![0u8; token.len() + 16];
    expect(verify(token, &key, policy, &mut scratch), want);
}

fn good_claims() -> String {
    format!(r#"{{"iss":"i","sub":"i","aud":"a","exp":{},"iat":{}}}"#, NOW + 300, NOW)
}

#[test]
fn token_format_errors() {
    let p = Validation::new(NOW);
    let key = test_key();
    let ok = forge(&key, br#"{"alg":"ES256"}"#, good_claims().as_bytes());
    check(&ok, &p.max_bytes(10), Error::TokenTooLarge { limit: 10, found: ok.len() });
    check("a.b", &p, Error::MalformedToken);
    check("a.b.c.d", &p, Error::MalformedToken);
    check(".b.c", &p, Error::MalformedToken);
    check(&ok.replacen('.', "=.", 1), &p, Error::BadBase64);
    let mut parts: Vec<&str> = ok.split('.').collect();
    let der_sig = "MEUCIQ".to_string() + &"A".repeat(90);
    parts[2] = &der_sig;
    check(&parts.join("."), &p, Error::SignatureLength { found: 72 });
    check(&forge(&key, b"{\"alg\":\"ES256\",}", good_claims().as_bytes()), &p, Error::BadJson);
    check(
        &forge(&key, br#"{"alg":"ES256","alg":"ES256"}"#, good_claims().as_bytes()),
        &p,
        Error::DuplicateMember,
    );
    let many: Vec<String> = (0..200).map(|i| format!(r#""m{i}":0"#)).collect();
    let many = format!(r#"{{"alg":"ES256",{}}}"#, many.join(","));
    check(&forge(&key, many.as_bytes(), good_claims().as_bytes()), &p, Error::TooManyMembers);
    let deep = format!(r#"{{"alg":"ES256","x":{}{}}}"#, "[".repeat(1000), "]".repeat(1000));
    check(&forge(&key, deep.as_bytes(), good_claims().as_bytes()), &p, Error::JsonTooDeep);
}

#[test]
fn header_errors() {
    let p = Validation::new(NOW);
    let key = test_key();
    let c = good_claims();
    let f = |h: &str| forge(&key, h.as_bytes(), c.as_bytes());
    check(&f(r#"{"alg":"none"}"#), &p, Error::UnsupportedAlgorithm);
    check(&f(r#"{"alg":"HS256"}"#), &p, Error::UnsupportedAlgorithm);
    check(&f(r#"{"typ":"JWT"}"#), &p, Error::UnsupportedAlgorithm);
    check(&f(r#"{"alg":"ES256","crit":["exp"],"exp":1}"#), &p, Error::UnsupportedCritical);
    check(&f(r#"{"alg":"ES256","crit":[]}"#), &p, Error::UnsupportedCritical);
    check(&f(r#"{"alg":"ES256"}"#), &p.require_kid(true), Error::MissingKeyId);
    check(&f(r#"{"alg":"ES256","kid":"k2"}"#), &p.kid("k1"), Error::KeyIdMismatch);
    check(&f(r#"{"alg":"ES256","typ":"at+jwt"}"#), &p, Error::BadType);
    check(&f(r#"{"alg":"ES256","kid":7}"#), &p, Error::BadHeader);
    check(&f(r#"{"alg":"ES256","typ":null}"#), &p, Error::BadHeader);
}

#[test]
fn signature_errors() {
    let p = Validation::new(NOW);
    let key = test_key();
    let ok = forge(&key, br#"{"alg":"ES256"}"#, good_claims().as_bytes());
    let (input, _) = ok.rsplit_once('.').unwrap();
    let zero = crate::common::b64(&[0u8; 64]);
    check(&format!("{input}.{zero}"), &p, Error::SignatureRange);
    let other = SigningKey::from_bytes(&[0x43; 32]).unwrap();
    let forged = forge(&other, br#"{"alg":"ES256"}"#, good_claims().as_bytes());
    check(&forged, &p, Error::BadSignature);
}

#[test]
fn claim_errors() {
    // `aud` is checked on its own below; here it is accepted whatever it is.
    let p = Validation::new(NOW).any_audience();
    let key = test_key();
    let h = br#"{"alg":"ES256"}"#;
    let f = |c: String| forge(&key, h, c.as_bytes());
    check(&f(format!(r#"{{"exp":"{}"}}"#, NOW + 1)), &p, Error::ClaimType);
    check(&f(r#"{"exp":1e400}"#.into()), &p, Error::DateOutOfRange);
    check(&f(format!(r#"{{"exp":{NOW}}}"#)), &p.leeway(0), Error::Expired);
    check(&f(format!(r#"{{"exp":{},"nbf":{}}}"#, NOW + 900, NOW + 100)), &p, Error::NotYetValid);
    check(&f(format!(r#"{{"exp":{},"iat":{}}}"#, NOW + 900, NOW + 100)), &p, Error::IssuedInFuture);
    check(
        &f(format!(r#"{{"exp":{},"iat":{NOW}}}"#, NOW + 901)),
        &p.max_lifetime(900),
        Error::LifetimeTooLong,
    );
    check(&f(good_claims()), &p.issuer("I"), Error::IssuerMismatch);
    check(&f(good_claims()), &p.subject("x"), Error::SubjectMismatch);
    check(&f(good_claims()), &p.audience("b"), Error::AudienceMismatch);
    // No audience named and no explicit opt-out: a token carrying `aud` is refused, a token
    // without `aud` is not.
    check(&f(good_claims()), &Validation::new(NOW), Error::UnexpectedAudience);
    check(
        &f(r#"{"aud":["x","y"],"exp":1800000000}"#.into()),
        &Validation::new(NOW),
        Error::UnexpectedAudience,
    );
    let mut scratch = vec![0u8; 512];
    let no_aud = f(format!(r#"{{"iss":"i","exp":{}}}"#, NOW + 60));
    assert!(verify(&no_aud, &key.verifying_key(), &Validation::new(NOW), &mut scratch).is_ok());
    // A sole audience (client assertions), and `aud` as a string only (FAPI 2.0).
    let two = f(r#"{"aud":["a","b"],"exp":1800000000}"#.into());
    check(&two, &Validation::new(NOW).audience("a").sole_audience(true), Error::AudienceNotSole);
    let one = f(r#"{"aud":["a"],"exp":1800000000}"#.into());
    assert!(
        verify(
            &one,
            &key.verifying_key(),
            &Validation::new(NOW).audience("a").sole_audience(true),
            &mut scratch
        )
        .is_ok()
    );
    check(&one, &Validation::new(NOW).audience("a").audience_as_string(true), Error::AudienceNotSole);
    // The defaults as a binding would read them.
    assert_eq!(Validation::new(NOW).audience_policy(), bearerkit::AudiencePolicy::Absent);
    assert!(
        Validation::new(NOW).requires_exp() && !bearerkit::dangerous::allow_missing_exp(p).requires_exp()
    );
    assert_eq!(Validation::new(NOW).leeway_secs(), bearerkit::DEFAULT_LEEWAY);
    assert_eq!(p.audience_policy(), bearerkit::AudiencePolicy::Any);
    // `exp` stays required whatever `required` lists, and `max_lifetime` requires `iat`.
    let no_exp = f(r#"{"iss":"i","jti":"j"}"#.into());
    check(&no_exp, &p.required(&["jti"]), Error::MissingClaim);
    check(&no_exp, &p.required(&[]), Error::MissingClaim);
    check(&f(format!(r#"{{"exp":{}}}"#, NOW + 60)), &p.max_lifetime(900), Error::MissingClaim);
    // Only `dangerous::allow_missing_exp` drops `exp`, and not when the lifetime is limited.
    let lax = bearerkit::dangerous::allow_missing_exp(p);
    assert!(verify(&no_exp, &key.verifying_key(), &lax, &mut scratch).is_ok());
    check(&no_exp, &lax.max_expiry_ahead(900), Error::MissingClaim);
    check(&no_exp, &lax.max_lifetime(900), Error::MissingClaim);
    check(&no_exp, &lax.required(&["sub"]), Error::MissingClaim);
    check(&f(good_claims()), &p.required(&["jti"]), Error::MissingClaim);
    check(
        &f(format!(r#"{{"exp":{},"scope":null}}"#, NOW + 60)),
        &p.required(&["exp", "scope"]),
        Error::MissingClaim,
    );
    // A `null` registered date is a type error, whether or not the claim is required.
    check(&f(r#"{"exp":null}"#.into()), &p, Error::ClaimType);
    // D1: `exp` at most 15 minutes ahead of now (no leeway on this bound), even when
    // `exp − iat` is fine; exactly 900 s ahead is accepted.
    let d1 = bearerkit::profile::d1::validation("i", bearerkit::profile::d1::Env::Production, "k", NOW);
    let late = forge(
        &key,
        br#"{"alg":"ES256","typ":"JWT","kid":"k"}"#,
        format!(r#"{{"iss":"i","sub":"i","aud":"prd","iat":{},"exp":{}}}"#, NOW + 59, NOW + 959).as_bytes(),
    );
    check(&late, &d1, Error::LifetimeTooLong);
    let edge = forge(
        &key,
        br#"{"alg":"ES256","typ":"JWT","kid":"k"}"#,
        format!(r#"{{"iss":"i","sub":"i","aud":"prd","iat":{NOW},"exp":{}}}"#, NOW + 900).as_bytes(),
    );
    let mut scratch = vec![0u8; edge.len()];
    assert!(verify(&edge, &test_key().verifying_key(), &d1, &mut scratch).is_ok());
    let over = forge(
        &key,
        br#"{"alg":"ES256","typ":"JWT","kid":"k"}"#,
        format!(r#"{{"iss":"i","sub":"i","aud":"prd","iat":{NOW},"exp":{}}}"#, NOW + 901).as_bytes(),
    );
    check(&over, &d1, Error::LifetimeTooLong);
}

#[test]
fn key_errors() {
    expect(
        SigningKey::from_pem("-----BEGIN EC PRIVATE KEY-----\n!!!!\n-----END EC PRIVATE KEY-----"),
        Error::BadPem,
    );
    expect(SigningKey::from_sec1_der(&[0x30, 0x03, 0x02, 0x01]), Error::BadDer);
    expect(VerifyingKey::from_jwk(r#"{"kty":"EC"}"#), Error::BadJwk);
    expect(VerifyingKey::from_jwk(r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#), Error::UnsupportedKeyType);
    expect(VerifyingKey::from_jwk(r#"{"kty":"EC","crv":"P-384","x":"AA","y":"AA"}"#), Error::WrongCurve);
    let zero = crate::common::b64(&[0u8; 32]);
    let one = crate::common::b64(&[1u8; 32]);
    expect(
        VerifyingKey::from_jwk(&format!(r#"{{"kty":"EC","crv":"P-256","x":"{zero}","y":"{one}"}}"#)),
        Error::InvalidPoint,
    );
    expect(SigningKey::from_bytes(&[0u8; 32]), Error::InvalidScalar);
    let k1 = test_key();
    let mut jwk = [0u8; 256];
    let j = k1.to_jwk(&mut jwk).unwrap().to_string();
    let other = SigningKey::from_bytes(&[9u8; 32]).unwrap();
    let other_d = crate::common::b64(&*other.to_bytes());
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    let mismatched = j.replace(v["d"].as_str().unwrap(), &other_d);
    expect(SigningKey::from_jwk(&mismatched), Error::KeyMismatch);
    expect(VerifyingKey::from_jwk(&j.replace("\"kty\"", "\"use\":\"enc\",\"kty\"")), Error::KeyUsage);
}

struct FailingSigner;
impl bearerkit::signature::Signer<p256::ecdsa::Signature> for FailingSigner {
    fn try_sign(&self, _: &[u8]) -> Result<p256::ecdsa::Signature, bearerkit::signature::Error> {
        Err(bearerkit::signature::Error::new())
    }
}

#[test]
fn signing_and_policy_errors() {
    let key = test_key();
    let mut small = [0u8; 20];
    expect(Assertion::new().issuer("i").expires_at(NOW).sign(&key, &mut small), Error::BufferTooSmall);
    let mut buf = [0u8; 512];
    expect(Assertion::new().claims(&[1, 2, 3]).sign(&key, &mut buf), Error::ClaimsNotObject);
    expect(Assertion::new().issuer("i").sign(&FailingSigner, &mut buf), Error::SignerFailed);
    expect(bearerkit::der_to_raw_signature(&[0x30, 0x02, 0x02, 0x00]), Error::BadDerSignature);
    // Dates no verifier accepts are refused when signing; the last accepted one is signed.
    let max = bearerkit::MAX_DATE;
    for a in [
        Assertion::new().expires_at(max + 1),
        Assertion::new().not_before(max + 1).expires_at(NOW),
        Assertion::new().issued_at(max + 1).expires_at(NOW),
        Assertion::new().issued_at(max - 10).expires_in(11),
        Assertion::new().issued_at(NOW).expires_in(u64::MAX),
        Assertion::new().expires_at(u64::MAX),
    ] {
        expect(a.sign(&key, &mut buf), Error::DateOutOfRange);
    }
    assert!(Assertion::new().issued_at(max - 10).expires_in(10).sign(&key, &mut buf).is_ok());
    let vk = key.verifying_key();
    let token = Assertion::new()
        .issuer("i")
        .audience("a")
        .issued_at(NOW)
        .expires_in(60)
        .sign(&key, &mut buf)
        .unwrap();
    let token = token.to_string();
    let mut scratch = vec![0u8; token.len() + 16];
    // The same valid token under each inconsistent policy: the policy is refused, not the token.
    let max = bearerkit::MAX_DATE;
    let no_audiences: [&str; 0] = [];
    for bad in [
        Validation::new(NOW).max_bytes(0),
        Validation::new(max + 1),
        Validation::new(NOW).leeway(max + 1),
        Validation::new(NOW).leeway(bearerkit::MAX_LEEWAY + 1),
        Validation::new(NOW).max_lifetime(max + 1),
        Validation::new(NOW).max_expiry_ahead(max + 1),
        Validation::new(NOW).audiences(&no_audiences),
    ] {
        assert_eq!(bad.check(), Err(Error::InvalidPolicy));
        expect(verify(&token, &vk, &bad, &mut scratch), Error::InvalidPolicy);
    }
    assert!(verify(&token, &vk, &Validation::new(NOW).audience("a"), &mut scratch).is_ok());
    assert!(verify(&token, &vk, &Validation::new(NOW).audience("a").leeway(3600), &mut scratch).is_ok());
    #[cfg(feature = "alloc")]
    for window in [0, 1, 3, 9, 255] {
        expect(bearerkit::PreparedVerifyingKey::with_window(&vk, window).map(|_| ()), Error::InvalidPolicy);
    }
}

#[test]
fn zz_every_code_is_exercised_and_stable() {
    // Run the others first (test order is not guaranteed): call them directly.
    token_format_errors();
    header_errors();
    signature_errors();
    claim_errors();
    key_errors();
    signing_and_policy_errors();
    let seen = SEEN.lock().unwrap().clone();
    let all: BTreeSet<&str> = Error::ALL_CODES.iter().copied().collect();
    assert_eq!(all.len(), Error::ALL_CODES.len(), "codes must be unique");
    assert_eq!(seen, all, "every error code must be produced by a test");
    for code in Error::ALL_CODES {
        assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{code}");
    }
    // Display is lower-case, no final period, and never empty.
    let e = Error::SignatureLength { found: 71 };
    assert_eq!(e.to_string(), "invalid signature length: expected 64 bytes, got 71");
}
