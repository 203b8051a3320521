//! Token verification: structured headers and claims (any JSON shape, then a few byte
//! edits) signed validly with a fixed key and verified under an arbitrary policy, whose
//! verdict must be exactly the reference model's; or (when the input starts like a token)
//! the input itself as a token.
#![no_main]

use bearerkit::{VerifiedToken, VerifyingKey, json::Kind};
use bearerkit_fuzz::{Aud, Policy, agrees, case, expected, is_raw_token, key, validly_signed, vector_key};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static KEY: LazyLock<bearerkit::SigningKey> = LazyLock::new(key);
static VK: LazyLock<VerifyingKey> = LazyLock::new(|| KEY.verifying_key());
static VECTOR_KEY: LazyLock<VerifyingKey> = LazyLock::new(vector_key);

fuzz_target!(|data: &[u8]| {
    if is_raw_token(data) {
        raw(data);
    } else {
        structured(data);
    }
});

fn structured(data: &[u8]) {
    let mut u = arbitrary::Unstructured::new(data);
    let Ok(case) = case(&mut u) else { return };
    let (h, c) = case.bytes();
    let token = bearerkit_fuzz::forge(&KEY, &h, &c);
    check(&token, &VK, &case.policy, &h, &c);
}

/// Verify under `policy` and compare with the model, then check what a verified token says.
fn check(token: &str, key: &VerifyingKey, policy: &Policy, h: &[u8], c: &[u8]) {
    let want = expected(policy, token.len(), h, c);
    let mut scratch = vec![0u8; token.len()];
    let got = policy.with(|v| bearerkit::verify(token, key, v, &mut scratch).map(|t| consistent(&t, policy)));
    if let Err(why) = agrees(&got, &want) {
        panic!(
            "{why}\nheader: {:?}\nclaims: {:?}\npolicy: {policy:?}\ntoken: {token}",
            String::from_utf8_lossy(h),
            String::from_utf8_lossy(c)
        );
    }
}

/// What a verified token must satisfy, read back through bearerkit's own accessors.
fn consistent(t: &VerifiedToken<'_>, p: &Policy) {
    let (h, c) = (t.header(), t.claims());
    assert!(h.alg().is_some_and(|a| a.eq_str("ES256")), "alg is not ES256: {}", h.as_json());
    assert!(h.get("crit").is_none(), "crit accepted: {}", h.as_json());
    match (&p.kid, h.kid()) {
        (_, None) => assert!(!p.require_kid, "kid required but absent"),
        (Some(want), Some(got)) => assert!(got.eq_str(want), "kid {got} is not {want}"),
        (None, Some(_)) => {}
    }
    let exp_optional = p.allow_missing_exp && p.max_lifetime.is_none() && p.max_expiry_ahead.is_none();
    match c.exp() {
        None => assert!(exp_optional, "no exp: {}", c.as_json()),
        // `exp()` rounds a fraction down: `now < exp + leeway` holds for the exact value.
        Some(exp) => assert!(p.now <= exp.saturating_add(p.leeway.unwrap_or(60)), "expired: {}", c.as_json()),
    }
    if p.max_lifetime.is_some() {
        assert!(c.iat().is_some(), "max_lifetime without iat: {}", c.as_json());
    }
    let auds: Vec<String> = match c.aud() {
        None => Vec::new(),
        Some(v) if v.kind() == Kind::String => {
            vec![v.as_json_str().map(|s| s.to_string()).unwrap_or_default()]
        }
        Some(v) => {
            let items = v.array_items().expect("aud is a string or an array");
            items.map(|i| i.as_json_str().expect("aud items are strings").to_string()).collect()
        }
    };
    match &p.audience {
        Aud::Absent => assert!(c.aud().is_none(), "aud accepted without an audience policy"),
        Aud::Any => {}
        Aud::One(a) => assert!(auds.contains(a), "aud {auds:?} lacks {a:?}"),
        Aud::OneOf(list) => {
            assert!(auds.iter().any(|a| list.contains(a)), "aud {auds:?} meets none of {list:?}")
        }
    }
    if let Some(want) = &p.issuer {
        assert!(c.iss().is_some_and(|i| i.eq_str(want)), "iss is not {want:?}");
    }
    if let Some(want) = &p.subject {
        assert!(c.sub().is_some_and(|s| s.eq_str(want)), "sub is not {want:?}");
    }
    for name in &p.required {
        assert!(c.get(name).is_some_and(|v| v.kind() != Kind::Null), "required {name:?} absent");
    }
    // The claims are JSON another parser reads as an object.
    let parsed: serde_json::Value = serde_json::from_str(c.as_json()).expect("verified claims are JSON");
    assert!(parsed.is_object());
}

/// The input as a token, under a default and a lenient policy, against the fixed key and
/// the shared vectors' key: never a panic, and whenever the signature is valid the verdict
/// is the model's.
fn raw(data: &[u8]) {
    let token = String::from_utf8_lossy(data);
    let lenient = Policy {
        leeway: Some(3600),
        audience: Aud::Any,
        allow_missing_exp: true,
        typ: Some(vec!["JWT".into(), "at+jwt".into()]),
        ..Policy::default()
    };
    for key in [&*VK, &*VECTOR_KEY] {
        for policy in [&Policy::default(), &lenient] {
            let mut scratch = vec![0u8; token.len()];
            let got = policy
                .with(|v| bearerkit::verify(&token, key, v, &mut scratch).map(|t| consistent(&t, policy)));
            match validly_signed(&token, key) {
                Some((h, c)) => check(&token, key, policy, &h, &c),
                None => assert!(got.is_err(), "accepted without a valid signature: {token}"),
            }
        }
    }
    let mut scratch = vec![0u8; token.len()];
    let _ = bearerkit::dangerous::decode_unverified(&token, &mut scratch);
}
