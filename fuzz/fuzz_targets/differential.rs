//! Plain against prepared verification, and sign→verify round trips.
//!
//! * Any token (raw input, or a structured one with its signature kept, replaced or pushed
//!   to the edges of the scalar range): `VerifyingKey` and `PreparedVerifyingKey` give the
//!   same result, error code included.
//! * Structured private claims signed with `Assertion` (with registered claims): signing
//!   accepts or refuses exactly as the JSON model says; a signed token verifies with both
//!   verifiers and its claims are what was signed; any single-byte change to the signing
//!   input (the first two segments) is refused by both.
#![no_main]

use arbitrary::Unstructured;
use bearerkit::{Assertion, Error, PreparedVerifyingKey, VerifyingKey};
use bearerkit_fuzz::{
    Aud, J, JStr, Num, Policy, agrees, case, edits, expected, is_raw_token, key, members, reference_json,
    vector_key,
};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static KEY: LazyLock<bearerkit::SigningKey> = LazyLock::new(key);
static VK: LazyLock<VerifyingKey> = LazyLock::new(|| KEY.verifying_key());
static PREPARED: LazyLock<PreparedVerifyingKey> = LazyLock::new(|| PreparedVerifyingKey::new(&VK));
static VECTOR_VK: LazyLock<VerifyingKey> = LazyLock::new(vector_key);
static VECTOR_PREPARED: LazyLock<PreparedVerifyingKey> =
    LazyLock::new(|| PreparedVerifyingKey::new(&VECTOR_VK));

/// The P-256 group order n, big-endian.
const N: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC,
    0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
];

fuzz_target!(|data: &[u8]| {
    if is_raw_token(data) {
        let token = String::from_utf8_lossy(data);
        let lenient =
            Policy { leeway: Some(3600), audience: Aud::Any, allow_missing_exp: true, ..Policy::default() };
        for policy in [&Policy::default(), &lenient] {
            let _ = same(&token, &VK, &PREPARED, policy);
            let _ = same(&token, &VECTOR_VK, &VECTOR_PREPARED, policy);
        }
        return;
    }
    let mut u = Unstructured::new(data);
    let _ = match u.int_in_range(0..=2u8) {
        Ok(0) => tampered(&mut u),
        Ok(1) => round_trip(&mut u),
        _ => random_signature(&mut u),
    };
});

/// The result of verifying with each verifier, as comparable data.
fn same(
    token: &str,
    plain: &VerifyingKey,
    prepared: &PreparedVerifyingKey,
    policy: &Policy,
) -> Result<(), Error> {
    let run = |key: &dyn bearerkit::Es256Verifier| {
        let mut scratch = vec![0u8; token.len()];
        let full = policy.with(|v| {
            bearerkit::verify(token, key, v, &mut scratch)
                .map(|t| (t.header().as_json().to_owned(), t.claims().as_json().to_owned()))
        });
        let jws = policy.with(|v| {
            bearerkit::verify_jws(token, key, v, &mut scratch)
                .map(|(h, payload)| (h.as_json().to_owned(), payload.to_vec()))
        });
        (full, jws)
    };
    let a = run(plain);
    let b = run(prepared);
    assert_eq!(a, b, "plain and prepared verification disagree on {token} under {policy:?}");
    a.0.map(|_| ())
}

fn b64(bytes: &[u8]) -> String {
    bearerkit_fuzz::b64(bytes)
}

/// `n - x` for a 32-byte big-endian x < n (the other S of an ECDSA signature).
fn n_minus(x: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = i16::from(N[i]) - i16::from(x[i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        out[i] = d as u8;
    }
    out
}

/// A structured token whose signature is kept, or has r and s replaced by edge values.
fn tampered(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let c = case(u)?;
    let (h, cl) = c.bytes();
    let token = bearerkit_fuzz::forge(&KEY, &h, &cl);
    let (input, sig) = token.rsplit_once('.').expect("three segments");
    use base64ct::{Base64UrlUnpadded, Encoding};
    let mut sig = Base64UrlUnpadded::decode_vec(sig).expect("own base64");
    let orig_s = sig[32..].to_vec();
    let mut one = [0u8; 32];
    one[31] = 1;
    let mut n_minus_1 = N;
    n_minus_1[31] -= 1;
    let high_s = n_minus(&orig_s);
    for half in 0..2 {
        let choice = u.int_in_range(0..=7u8)?;
        let value: Vec<u8> = match choice {
            0 => [0u8; 32].to_vec(),
            1 => one.to_vec(),
            2 => n_minus_1.to_vec(),
            3 => N.to_vec(),
            4 => [0xFF; 32].to_vec(),
            5 if half == 1 => high_s.to_vec(),
            6 => u.bytes(32)?.to_vec(),
            _ => continue,
        };
        sig[half * 32..half * 32 + 32].copy_from_slice(&value);
    }
    let token = format!("{input}.{}", b64(&sig));
    let _ = same(&token, &VK, &PREPARED, &c.policy);
    Ok(())
}

/// A structured token's signing input with an arbitrary 64-byte signature.
fn random_signature(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let c = case(u)?;
    let (h, cl) = c.bytes();
    let sig = u.bytes(64)?;
    let token = format!("{}.{}.{}", b64(&h), b64(&cl), b64(sig));
    let _ = same(&token, &VK, &PREPARED, &c.policy);
    Ok(())
}

/// `bad_json` from the JSON rules is `claims_not_object` when signing private claims.
fn signing_codes(e: &'static [&'static str]) -> Vec<&'static str> {
    e.iter().map(|c| if *c == "bad_json" { "claims_not_object" } else { c }).collect()
}

fn round_trip(u: &mut Unstructured<'_>) -> arbitrary::Result<()> {
    let private = J::Obj(members(u, 3, 6)?);
    let mut text = private.text(bearerkit_fuzz::Ws(u.arbitrary()?)).into_bytes();
    bearerkit_fuzz::apply(&mut text, &edits(u)?);
    let Ok(text) = String::from_utf8(text) else { return Ok(()) };
    let iss = *u.choose(bearerkit_fuzz::WORDS)?;
    let aud = *u.choose(bearerkit_fuzz::WORDS)?;
    let kid = *u.choose(bearerkit_fuzz::WORDS)?;
    let life = u.int_in_range(1..=900u64)?;
    let now = bearerkit_fuzz::NOW;
    let mut buf = vec![0u8; 4 * text.len() + 1024];
    let signed = Assertion::new()
        .issuer(iss)
        .audience(aud)
        .key_id(kid)
        .issued_at(now)
        .expires_in(life)
        .claims_json(&text)
        .sign(&*KEY, &mut buf)
        .map(str::to_owned);

    // What signing must say: the private text's own verdict first, then the merged object's.
    // bearerkit trims ASCII whitespace (form feed included) from private claims text.
    let trimmed = text.trim_matches([' ', '\t', '\n', '\r', '\x0c']);
    let registered = vec![
        (JStr::plain("iss"), J::Str(JStr::plain(iss))),
        (JStr::plain("aud"), J::Str(JStr::plain(aud))),
        (JStr::plain("exp"), J::Num(Num::int(now + life))),
        (JStr::plain("iat"), J::Num(Num::int(now))),
    ];
    let mut merged_text = J::Obj(registered).text(bearerkit_fuzz::Ws(0));
    let inner = trimmed.strip_prefix('{').and_then(|t| t.strip_suffix('}')).unwrap_or("");
    if !inner.trim_matches([' ', '\t', '\n', '\r']).is_empty() {
        merged_text.pop();
        merged_text.push(',');
        merged_text.push_str(inner);
        merged_text.push('}');
    }
    let want = reference_json(trimmed.as_bytes()).and_then(|()| reference_json(merged_text.as_bytes()));
    if want == Err(bearerkit_fuzz::UNKNOWN) {
        return Ok(());
    }
    let token = match (&signed, want) {
        (Ok(t), Ok(())) => t.clone(),
        (Err(e), Err(codes)) if signing_codes(codes).contains(&e.code()) => return Ok(()),
        (got, want) => panic!(
            "signing {text:?}: got {:?}, the model expects {want:?}",
            got.as_ref().map_err(|e| e.code())
        ),
    };

    let policy = Policy {
        issuer: Some(iss.into()),
        audience: Aud::One(aud.into()),
        kid: Some(kid.into()),
        require_kid: true,
        max_lifetime: Some(900),
        ..Policy::default()
    };
    // The private claims may hold `nbf`, `sub`, ... of any type: the model says what verifies.
    let (hb, cb) = {
        use base64ct::{Base64UrlUnpadded, Encoding};
        let mut parts = token.split('.').map(|p| Base64UrlUnpadded::decode_vec(p).expect("own base64"));
        (parts.next().expect("header"), parts.next().expect("claims"))
    };
    let got = same(&token, &VK, &PREPARED, &policy);
    if let Err(why) = agrees(&got, &expected(&policy, token.len(), &hb, &cb)) {
        panic!("{why}\nown token: {token}\nclaims: {}", String::from_utf8_lossy(&cb));
    }
    let got_claims: serde_json::Value = serde_json::from_slice(&cb).expect("claims JSON");
    let want: serde_json::Value = serde_json::from_str(&merged_text).expect("merged JSON");
    assert_eq!(got_claims, want, "claims are not what was signed");
    if got.is_err() {
        return Ok(());
    }

    // Any single-byte change to the signing input is refused by both verifiers.
    let input_len = token.rfind('.').expect("three segments");
    let pos = u.int_in_range(0..=input_len - 1)?;
    let byte: u8 = u.arbitrary()?;
    let mut bytes = token.clone().into_bytes();
    if bytes[pos] == byte {
        return Ok(());
    }
    bytes[pos] = byte;
    let mutated = String::from_utf8_lossy(&bytes);
    assert!(
        same(&mutated, &VK, &PREPARED, &policy).is_err(),
        "a changed byte at {pos} was accepted: {mutated}"
    );
    // Also with the most lenient policy: the signature alone refuses it.
    let lenient = Policy {
        leeway: Some(3600),
        audience: Aud::Any,
        allow_missing_exp: true,
        typ: Some(vec![]),
        ..Policy::default()
    };
    let mut scratch = vec![0u8; mutated.len()];
    let r = lenient.with(|v| bearerkit::verify_jws(&mutated, &*VK, v, &mut scratch).map(|_| ()));
    assert!(r.is_err(), "a changed byte at {pos} passed verify_jws: {mutated}");
    Ok(())
}
