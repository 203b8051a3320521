//! Verification with the core's strict contract; every option left out is the core's default.

use crate::js::{self, Options};
use crate::keys::{KeySet, VerifyingKey};
use crate::sign::d1_env;
use alloc::string::String;
use bearerkit::profile::{client_assertion as ca_profile, d1};
use bearerkit::{PolicyOptions, Validation, dangerous};
use wasm_bindgen::prelude::*;

/// The options of `verify` and `verifyWithKeySet`.
const VERIFY_OPTIONS: &[&str] = &[
    "issuer",
    "audience",
    "anyAudience",
    "subject",
    "kid",
    "requireKid",
    "typ",
    "leeway",
    "maxLifetime",
    "maxExpiryAhead",
    "required",
    "maxBytes",
    "now",
    "issuerEqualsSubject",
    "soleAudience",
    "audienceAsString",
    "dangerousAllowMissingExp",
];

/// The options of `verify` (each left out is the core's default) and `now`.
fn read_policy(o: &Options) -> Result<(PolicyOptions, Option<u64>), JsValue> {
    let p = PolicyOptions {
        issuer: o.string("issuer")?,
        audience: o.strings("audience")?.map(|(l, _)| l),
        any_audience: o.bool("anyAudience")?,
        subject: o.string("subject")?,
        kid: o.string("kid")?,
        require_kid: o.bool("requireKid")?,
        typ: o.strings("typ")?.map(|(l, _)| l),
        leeway: o.u64("leeway")?,
        max_lifetime: o.u64("maxLifetime")?,
        max_expiry_ahead: o.u64("maxExpiryAhead")?,
        required: o.strings("required")?.map(|(l, _)| l),
        max_bytes: o.u64("maxBytes")?.map(|x| usize::try_from(x).unwrap_or(usize::MAX)),
        issuer_equals_subject: o.bool("issuerEqualsSubject")?,
        sole_audience: o.bool("soleAudience")?,
        audience_as_string: o.bool("audienceAsString")?,
        dangerous_allow_missing_exp: o.bool("dangerousAllowMissingExp")?,
    };
    if p.any_audience && p.audience.is_some() {
        return Err(js::argument("give audience or anyAudience: true, not both"));
    }
    Ok((p, o.u64("now")?))
}

/// Verify with `options` applied to `base`: the header and claims JSON, exactly as in the
/// token, joined by U+001F (index.mjs's `VerifiedToken` splits and parses them).
fn run(token: &str, key: Key<'_>, options: &PolicyOptions, base: Validation<'_>) -> Result<String, JsValue> {
    let mut scratch = alloc::vec![0u8; token.len().saturating_add(16)];
    options.with_validation(base, |v| {
        let verified = match key {
            Key::One(k) => bearerkit::verify(token, k, v, &mut scratch),
            Key::Set(s) => bearerkit::verify_with_key_set(token, s, v, &mut scratch),
        }
        .map_err(js::verify)?;
        Ok(joined(&[verified.header().as_json(), verified.claims().as_json()]))
    })
}

/// `parts` joined by U+001F (a character JSON text cannot hold unescaped).
fn joined(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('\u{1f}');
        }
        out.push_str(part);
    }
    out
}

#[derive(Clone, Copy)]
enum Key<'k> {
    One(&'k VerifyingKey),
    Set(&'k KeySet),
}

fn verify_any(token: &str, key: Key<'_>, options: &JsValue) -> Result<String, JsValue> {
    let (p, now) = read_policy(&Options::new(options, VERIFY_OPTIONS)?)?;
    run(token, key, &p, Validation::new(now.unwrap_or_else(js::now)))
}

fn d1_any(token: &str, key: Key<'_>, options: &JsValue) -> Result<String, JsValue> {
    let o = Options::new(options, &["issuerId", "env", "kid", "now", "leeway"])?;
    let issuer_id = o.string("issuerId")?.ok_or_else(|| js::argument("issuerId is required"))?;
    let env = d1_env(&o.string("env")?.ok_or_else(|| js::argument("env is required"))?)?;
    let kid = o.string("kid")?.ok_or_else(|| js::argument("kid is required"))?;
    let p = PolicyOptions { leeway: o.u64("leeway")?, ..PolicyOptions::default() };
    let now = o.u64("now")?.unwrap_or_else(js::now);
    run(token, key, &p, d1::validation(&issuer_id, env, &kid, now))
}

fn client_assertion_any(token: &str, key: Key<'_>, options: &JsValue) -> Result<String, JsValue> {
    let o = Options::new(options, &["clientId", "audience", "now", "leeway", "maxLifetime", "kid"])?;
    let client_id = o.string("clientId")?.ok_or_else(|| js::argument("clientId is required"))?;
    let (auds, _) = o.strings("audience")?.ok_or_else(|| js::argument("audience is required"))?;
    let first = auds.first().cloned().unwrap_or_default();
    let p = PolicyOptions {
        leeway: o.u64("leeway")?,
        max_lifetime: o.u64("maxLifetime")?,
        kid: o.string("kid")?,
        audience: Some(auds),
        ..PolicyOptions::default()
    };
    let now = o.u64("now")?.unwrap_or_else(js::now);
    run(token, key, &p, ca_profile::validation(&client_id, &first, now))
}

// The entry points below are the package's private half: index.mjs/index.cjs (api.mjs) call
// them and give users `verify`, `verifyD1Assertion`, `verifyClientAssertion` (with a
// `VerifyingKey` or a `KeySet`) and `decodeUnverified`, returning token classes.

/// `verify` with one key: the core's strict contract, every option left out the core's
/// default (`exp` required, `typ` `JWT` or absent, 60 s leeway, 8 KiB, and a token that
/// carries `aud` is refused unless `audience` names one of its values or `anyAudience` is true).
#[wasm_bindgen(js_name = _verify, skip_typescript)]
pub fn verify(token: &str, key: &VerifyingKey, options: JsValue) -> Result<String, JsValue> {
    verify_any(token, Key::One(key), &options)
}

/// `verify` with the key chosen from `keys` by the token's `kid`.
#[wasm_bindgen(js_name = _verifyWithKeySet, skip_typescript)]
pub fn verify_with_key_set(token: &str, keys: &KeySet, options: JsValue) -> Result<String, JsValue> {
    verify_any(token, Key::Set(keys), &options)
}

/// A Thales D1 assertion checked the way D1 does: `iss` = `sub` = `issuerId`, `aud`
/// `stg`/`prd`, `kid` required and equal, `typ` `JWT`, `exp` at most 15 minutes ahead.
#[wasm_bindgen(js_name = _verifyD1Assertion, skip_typescript)]
pub fn verify_d1_assertion(token: &str, key: &VerifyingKey, options: JsValue) -> Result<String, JsValue> {
    d1_any(token, Key::One(key), &options)
}

/// `_verifyD1Assertion` with the key chosen from `keys` by the token's `kid`.
#[wasm_bindgen(js_name = _verifyD1AssertionWithKeySet, skip_typescript)]
pub fn verify_d1_assertion_with_key_set(
    token: &str,
    keys: &KeySet,
    options: JsValue,
) -> Result<String, JsValue> {
    d1_any(token, Key::Set(keys), &options)
}

/// A `private_key_jwt` client assertion: `iss` = `sub` = `clientId`, `aud` one of `audience`
/// (string or array) as a single audience, `jti` and `exp` required.
#[wasm_bindgen(js_name = _verifyClientAssertion, skip_typescript)]
pub fn verify_client_assertion(token: &str, key: &VerifyingKey, options: JsValue) -> Result<String, JsValue> {
    client_assertion_any(token, Key::One(key), &options)
}

/// `_verifyClientAssertion` with the key chosen from `keys` by the token's `kid`.
#[wasm_bindgen(js_name = _verifyClientAssertionWithKeySet, skip_typescript)]
pub fn verify_client_assertion_with_key_set(
    token: &str,
    keys: &KeySet,
    options: JsValue,
) -> Result<String, JsValue> {
    client_assertion_any(token, Key::Set(keys), &options)
}

/// A token decoded WITHOUT verifying anything (format and JSON rules still apply): header and
/// claims, joined by U+001F (api.mjs's `UnverifiedToken` adds the signature's length, which the
/// strict unpadded base64url of the last segment fixes).
#[wasm_bindgen(js_name = _decodeUnverified, skip_typescript)]
pub fn decode_unverified(token: &str) -> Result<String, JsValue> {
    let mut scratch = alloc::vec![0u8; token.len().saturating_add(16)];
    let t = dangerous::decode_unverified(token, &mut scratch).map_err(js::verify)?;
    Ok(joined(&[t.header().as_json(), t.claims().as_json()]))
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Verification options; each one left out is the core's default. */
export interface VerifyOptions {
  issuer?: string; audience?: string | string[]; anyAudience?: boolean; subject?: string;
  kid?: string; requireKid?: boolean; typ?: string | string[]; leeway?: number;
  maxLifetime?: number; maxExpiryAhead?: number; required?: string | string[]; maxBytes?: number;
  now?: number; issuerEqualsSubject?: boolean; soleAudience?: boolean; audienceAsString?: boolean;
  dangerousAllowMissingExp?: boolean;
}
export interface VerifyD1Options { issuerId: string; env: "stg" | "prd" | "staging" | "production"; kid: string; now?: number; leeway?: number }
export interface VerifyClientAssertionOptions { clientId: string; audience: string | string[]; now?: number; leeway?: number; maxLifetime?: number; kid?: string }
"#;
