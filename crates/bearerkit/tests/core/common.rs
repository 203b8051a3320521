//! Shared helpers: vector loading and policy mapping.
use bearerkit::{Error, Validation, VerifyingKey};
use serde_json::Value;

pub fn vectors_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

pub fn load(name: &str) -> Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

pub fn jwk_key(v: &Value) -> VerifyingKey {
    VerifyingKey::from_jwk(&v.to_string()).unwrap()
}

fn strs(v: Option<&Value>) -> Option<Vec<&str>> {
    v.map(|a| a.as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect())
}

/// Build the `Validation` described by a vector's `policy` object (schema in tests/vectors/README.md)
/// and run `f` with it.
pub fn with_policy<R>(p: &Value, f: impl FnOnce(&Validation<'_>) -> R) -> R {
    let typ = strs(p.get("typ"));
    let require = strs(p.get("require"));
    let mut v = Validation::new(p["now"].as_u64().unwrap());
    if let Some(l) = p.get("leeway") {
        v = v.leeway(l.as_u64().unwrap());
    }
    if let Some(l) = p.get("max_lifetime").and_then(Value::as_u64) {
        v = v.max_lifetime(l);
    }
    if let Some(l) = p.get("max_expiry_ahead").and_then(Value::as_u64) {
        v = v.max_expiry_ahead(l);
    }
    if let Some(s) = p.get("iss").and_then(Value::as_str) {
        v = v.issuer(s);
    }
    if let Some(s) = p.get("sub").and_then(Value::as_str) {
        v = v.subject(s);
    }
    if let Some(s) = p.get("aud").and_then(Value::as_str) {
        v = v.audience(s);
    }
    if p.get("any_audience").and_then(Value::as_bool) == Some(true) {
        v = v.any_audience();
    }
    if p.get("sole_audience").and_then(Value::as_bool) == Some(true) {
        v = v.sole_audience(true);
    }
    if p.get("audience_as_string").and_then(Value::as_bool) == Some(true) {
        v = v.audience_as_string(true);
    }
    if p.get("dangerous_no_exp").and_then(Value::as_bool) == Some(true) {
        v = bearerkit::dangerous::allow_missing_exp(v);
    }
    if let Some(s) = p.get("kid").and_then(Value::as_str) {
        v = v.kid(s);
    }
    if let Some(b) = p.get("require_kid").and_then(Value::as_bool) {
        v = v.require_kid(b);
    }
    if let Some(b) = p.get("iss_equals_sub").and_then(Value::as_bool) {
        v = v.issuer_equals_subject(b);
    }
    if let Some(t) = &typ {
        v = v.typ(t);
    }
    if let Some(r) = &require {
        v = v.required(r);
    }
    if let Some(n) = p.get("max_bytes").and_then(Value::as_u64) {
        v = v.max_bytes(n as usize);
    }
    f(&v)
}

/// Verify through both the plain and (with `alloc`) the prepared path; both must agree.
pub fn verify_both(token: &str, key: &VerifyingKey, p: &Value) -> Result<Value, Error> {
    let plain = with_policy(p, |v| {
        let mut scratch = vec![0u8; token.len() + 16];
        bearerkit::verify(token, key, v, &mut scratch)
            .map(|t| serde_json::from_str::<Value>(t.claims().as_json()).unwrap())
    });
    #[cfg(feature = "alloc")]
    {
        let prepared = bearerkit::PreparedVerifyingKey::new(key);
        let other = with_policy(p, |v| {
            let mut scratch = vec![0u8; token.len() + 16];
            bearerkit::verify(token, &prepared, v, &mut scratch)
                .map(|t| serde_json::from_str::<Value>(t.claims().as_json()).unwrap())
        });
        assert_eq!(plain, other, "prepared and plain verification disagree on {token}");
    }
    plain
}

pub fn b64(bytes: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(bytes)
}

/// Sign arbitrary header and claims bytes (the test's own forger, not bearerkit's builder).
pub fn forge(key: &bearerkit::SigningKey, header: &[u8], claims: &[u8]) -> String {
    use p256::ecdsa::signature::Signer;
    let input = format!("{}.{}", b64(header), b64(claims));
    let sig: p256::ecdsa::Signature = key.as_p256().sign(input.as_bytes());
    format!("{input}.{}", b64(&sig.to_bytes()))
}

pub fn test_key() -> bearerkit::SigningKey {
    bearerkit::SigningKey::from_bytes(&[0x42; 32]).unwrap()
}

pub const NOW: u64 = 1_700_000_000;

/// JSON equality where numbers compare by value (`1.7e9` equals `1700000000.0`).
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.to_string() == y.to_string() || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}
