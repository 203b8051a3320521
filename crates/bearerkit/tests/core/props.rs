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
        // The policy accepts the token as signed, so only the changed byte can refuse it.
        let policy = Validation::new(NOW).audience("a");
        prop_assert!(verify(&token, &key.verifying_key(), &policy, &mut s).is_ok());
        prop_assert!(verify(&mutated, &key.verifying_key(), &policy, &mut s).is_err(), "{}", mutated);
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

// ---- structured tokens: the shapes of the fuzz targets (`core/gen.rs`) --------------------

use crate::shapes::{self, Aud, J, JStr, Num, Policy, model};

/// Verify a validly signed token made of these header and claims bytes under `policy`;
/// returns the result and the model's verdict.
fn structured_verdict(h: &[u8], c: &[u8], policy: &Policy) -> (Result<(), bearerkit::Error>, model::Expect) {
    let key = test_key();
    let token = crate::common::forge(&key, h, c);
    let want = model::expected(policy, token.len(), h, c);
    let mut s = vec![0u8; token.len()];
    let got = policy.with(|v| verify(&token, &key.verifying_key(), v, &mut s).map(|_| ()));
    (got, want)
}

fn claims_with(members: Vec<(JStr, J)>) -> Vec<u8> {
    let mut m = vec![(JStr::plain("exp"), J::Num(Num::int(NOW + 60)))];
    m.extend(members);
    J::Obj(m).text(shapes::Ws(0)).into_bytes()
}

const ES256: &[u8] = br#"{"alg":"ES256"}"#;

fn lenient() -> Policy {
    // No size limit in play (1 MiB): these properties are about the JSON rules, and large
    // generated claims must not turn into `token_too_large`.
    Policy { audience: Aud::Any, max_bytes: Some(1 << 20), ..Policy::default() }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// More than 128 members in one object, at the top or nested, is `too_many_members`.
    #[test]
    fn member_count_is_bounded(n in 110usize..150, nested in any::<bool>()) {
        let members: Vec<(JStr, J)> = (0..n).map(|i| (JStr::plain(&format!("m{i}")), J::Bool(true))).collect();
        let c = if nested {
            claims_with(vec![(JStr::plain("x"), J::Obj(members))])
        } else {
            // `exp` is one of the members.
            claims_with(members.into_iter().skip(1).collect())
        };
        let (got, want) = structured_verdict(ES256, &c, &lenient());
        if n > 128 {
            prop_assert_eq!(want, Err(&["too_many_members"][..]));
            prop_assert_eq!(got.map_err(|e| e.code()), Err("too_many_members"));
        } else {
            prop_assert_eq!(want, Ok(()));
            prop_assert!(got.is_ok(), "{:?}", got);
        }
    }

    /// The audience rules, from a model small enough to read: without an audience policy a
    /// token carrying `aud` is `unexpected_audience`; with one, `aud` (a string or an array)
    /// must contain an accepted value, else `audience_mismatch`; `any_audience` takes all.
    #[test]
    fn audience_rules(
        aud in proptest::option::of(prop_oneof![
            (shapes::word(), shapes::esc()).prop_map(|(w, e)| vec![(w, e)]),
            proptest::collection::vec((shapes::word(), shapes::esc()), 0..4),
        ]),
        as_array in any::<bool>(),
        accepted in prop_oneof![
            Just(Aud::Absent),
            Just(Aud::Any),
            shapes::word().prop_map(|w| Aud::One(w.to_owned())),
            proptest::collection::vec(shapes::word().prop_map(str::to_owned), 1..4).prop_map(Aud::OneOf),
        ],
    ) {
        let mut members = Vec::new();
        let values: Option<Vec<&str>> = aud.as_ref().map(|list| list.iter().map(|(w, _)| *w).collect());
        if let Some(list) = &aud {
            let items: Vec<J> = list.iter().map(|(w, e)| J::Str(JStr::spelt(w, *e))).collect();
            let v = if as_array || items.len() != 1 { J::Arr(items) } else { items.into_iter().next().unwrap() };
            members.push((JStr::plain("aud"), v));
        }
        let want: Result<(), &str> = match (&accepted, &values) {
            (Aud::Any, _) | (Aud::Absent, None) => Ok(()),
            (Aud::Absent, Some(_)) => Err("unexpected_audience"),
            (Aud::One(a), Some(v)) if v.contains(&a.as_str()) => Ok(()),
            (Aud::OneOf(list), Some(v)) if v.iter().any(|x| list.iter().any(|a| a == x)) => Ok(()),
            _ => Err("audience_mismatch"),
        };
        let policy = Policy { audience: accepted, ..Policy::default() };
        let (got, model_says) = structured_verdict(ES256, &claims_with(members), &policy);
        prop_assert_eq!(got.map_err(|e| e.code()), want);
        prop_assert_eq!(model_says.map_err(|codes| codes[0]), want);
    }
}

/// serde_json's parser (the model's reading of JSON) recurses once per nesting level, and its
/// frames are large in a debug build: shapes nested up to the depth limit and beyond need
/// more than a test thread's 2 MiB. Runs the property on a 256 MiB stack with its own runner.
fn check_on_big_stack<S, F>(cases: u32, make: fn() -> S, test: F)
where
    S: Strategy + 'static,
    F: Fn(S::Value) -> Result<(), TestCaseError> + Send + 'static,
{
    let thread = std::thread::Builder::new().stack_size(256 << 20).spawn(move || {
        let mut runner =
            proptest::test_runner::TestRunner::new(ProptestConfig { cases, ..ProptestConfig::default() });
        if let Err(e) = runner.run(&make(), test) {
            panic!("{e}");
        }
    });
    if let Err(panic) = thread.unwrap().join() {
        std::panic::resume_unwind(panic);
    }
}

/// Any header and claims shape, sometimes with byte edits, validly signed: never a panic,
/// and the verdict (error code included) is the reference model's.
#[test]
fn structured_tokens_verify_iff_the_model_says_so() {
    check_on_big_stack(
        512,
        || (shapes::token_json(), shapes::policy()),
        |((h, c), policy)| {
            let (got, want) = structured_verdict(&h, &c, &policy);
            if let Err(why) = model::agrees(&got, &want) {
                prop_assert!(
                    false,
                    "{}\nheader: {:?}\nclaims: {:?}\npolicy: {:?}",
                    why,
                    String::from_utf8_lossy(&h),
                    String::from_utf8_lossy(&c),
                    policy
                );
            }
            let token = crate::common::forge(&test_key(), &h, &c);
            let mut s = vec![0u8; token.len()];
            let _ = bearerkit::dangerous::decode_unverified(&token, &mut s);
            Ok(())
        },
    );
}

/// A member name repeated in the claims (spelt the same or with escapes) is
/// `duplicate_member`, whatever else the claims hold (unless nested too deep).
#[test]
fn repeated_claim_names_are_duplicate_member() {
    let make =
        || (shapes::claims(), any::<prop::sample::Index>(), any::<prop::sample::Index>(), shapes::esc());
    check_on_big_stack(256, make, |(claims, which, at, e)| {
        let J::Obj(mut m) = claims else { unreachable!() };
        if m.is_empty() {
            m.push((JStr::plain("a"), J::Null));
        }
        let name = m[which.index(m.len())].0.decoded();
        m.insert(at.index(m.len() + 1), (JStr::spelt(&name, e), J::Bool(true)));
        let c = J::Obj(m).text(shapes::Ws(0)).into_bytes();
        prop_assume!(model::reference_json(&c) != Err(&["json_too_deep"][..]));
        let (got, want) = structured_verdict(ES256, &c, &lenient());
        prop_assert_eq!(want, Err(&["duplicate_member"][..]));
        prop_assert_eq!(got.map_err(|e| e.code()), Err("duplicate_member"));
        Ok(())
    });
}

/// Private claims of any shape signed with `Assertion`: signing refuses exactly what the
/// JSON rules refuse; what it signs verifies, and the claims read back are those signed.
#[test]
fn signed_structured_claims_round_trip() {
    let make = || {
        (proptest::collection::vec((shapes::jstr(), shapes::value()), 0..8), shapes::ws(), any::<[u8; 32]>())
    };
    check_on_big_stack(256, make, |(members, ws, seed)| {
        let Ok(key) = SigningKey::from_bytes(&seed) else { return Ok(()) };
        // Names never meet the registered claims: `x-` first.
        let members: Vec<(JStr, J)> = members
            .into_iter()
            .map(|(mut n, v)| {
                n.0.insert(0, shapes::Piece::Text("x-".into()));
                (n, v)
            })
            .collect();
        let text = J::Obj(members).text(ws);
        let mut buf = vec![0u8; 4 * text.len() + 1024];
        let signed = Assertion::new()
            .issuer("iss-1")
            .audience("prd")
            .issued_at(NOW)
            .expires_in(300)
            .claims_json(&text)
            .sign(&key, &mut buf);
        let token = match (signed, model::reference_json(text.as_bytes())) {
            (Ok(t), Ok(())) => t.to_owned(),
            (Err(e), Err(codes)) => {
                let want = if codes == ["bad_json"] { "claims_not_object" } else { codes[0] };
                prop_assert_eq!(e.code(), want);
                return Ok(());
            }
            (got, want) => {
                prop_assert!(false, "signing {:?}: {:?}, model {:?}", text, got.map_err(|e| e.code()), want);
                unreachable!()
            }
        };
        let mut s = vec![0u8; token.len()];
        let v = verify(
            &token,
            &key.verifying_key(),
            // The size limit is not what this property is about: large generated claims
            // (whitespace included) may pass 8 KiB.
            &Validation::new(NOW)
                .issuer("iss-1")
                .audience("prd")
                .max_bytes(token.len().max(bearerkit::DEFAULT_MAX_BYTES)),
            &mut s,
        );
        let v = v.map_err(|e| e.code());
        prop_assert!(v.is_ok(), "{:?}: {}", v, token);
        let got: serde_json::Value = serde_json::from_str(v.unwrap().claims().as_json()).unwrap();
        let want: serde_json::Value = serde_json::from_str(&text).unwrap();
        let want = want.as_object().unwrap();
        for (name, value) in want {
            prop_assert_eq!(got.get(name), Some(value), "private claim {:?}", name);
        }
        prop_assert_eq!(got.as_object().unwrap().len(), want.len() + 4);
        prop_assert_eq!(got["exp"].as_u64(), Some(NOW + 300));
        Ok(())
    });
}
