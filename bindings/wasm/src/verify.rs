//! Verification with the core's strict contract; every option left out is the core's default.

use crate::js::{self, Options};
use crate::keys::{KeySet, VerifyingKey};
use crate::sign::d1_env;
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

/// Verify with `options` applied to `base`.
fn run(token: &str, key: Key<'_>, options: &PolicyOptions, base: Validation<'_>) -> Result<JsValue, JsValue> {
    let mut scratch = alloc::vec![0u8; token.len().saturating_add(16)];
    options.with_validation(base, |v| {
        let verified = match key {
            Key::One(k) => bearerkit::verify(token, k, v, &mut scratch),
            Key::Set(s) => bearerkit::verify_with_key_set(token, s, v, &mut scratch),
        }
        .map_err(js::verify)?;
        js::header_and_claims(verified.header().as_json(), verified.claims().as_json())
    })
}

#[derive(Clone, Copy)]
enum Key<'k> {
    One(&'k VerifyingKey),
    Set(&'k KeySet),
}

fn verify_any(token: &str, key: Key<'_>, options: &JsValue) -> Result<JsValue, JsValue> {
    let (p, now) = read_policy(&Options::new(options, VERIFY_OPTIONS)?)?;
    run(token, key, &p, Validation::new(now.unwrap_or_else(js::now)))
}

/// Verify a token with the core's strict contract: `{header, claims}`, or a thrown `Error`
/// with the core's `.code`. Every option left out is the core's default (`exp` required,
/// `typ` `JWT` or absent, 60 s leeway, 8 KiB, and a token that carries `aud` is refused
/// unless `audience` names one of its values or `anyAudience` is true).
#[wasm_bindgen(unchecked_return_type = "VerifiedToken")]
pub fn verify(
    token: &str,
    key: &VerifyingKey,
    #[wasm_bindgen(unchecked_optional_param_type = "VerifyOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    verify_any(token, Key::One(key), &options.unwrap_or(JsValue::UNDEFINED))
}

/// As `verify`, with the key chosen from `keys` by the token's `kid`.
#[wasm_bindgen(js_name = verifyWithKeySet, unchecked_return_type = "VerifiedToken")]
pub fn verify_with_key_set(
    token: &str,
    keys: &KeySet,
    #[wasm_bindgen(unchecked_optional_param_type = "VerifyOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    verify_any(token, Key::Set(keys), &options.unwrap_or(JsValue::UNDEFINED))
}

/// Verify a Thales D1 assertion the way D1 does: `iss` = `sub` = `issuerId`, `aud`
/// `stg`/`prd`, `kid` required and equal, `typ` `JWT`, `exp` at most 15 minutes ahead.
#[wasm_bindgen(js_name = verifyD1Assertion, unchecked_return_type = "VerifiedToken")]
pub fn verify_d1_assertion(
    token: &str,
    key: &VerifyingKey,
    #[wasm_bindgen(unchecked_param_type = "VerifyD1Options")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let o = Options::new(&options, &["issuerId", "env", "kid", "now", "leeway"])?;
    let issuer_id = o.string("issuerId")?.ok_or_else(|| js::argument("issuerId is required"))?;
    let env = d1_env(&o.string("env")?.ok_or_else(|| js::argument("env is required"))?)?;
    let kid = o.string("kid")?.ok_or_else(|| js::argument("kid is required"))?;
    let p = PolicyOptions { leeway: o.u64("leeway")?, ..PolicyOptions::default() };
    let now = o.u64("now")?.unwrap_or_else(js::now);
    run(token, Key::One(key), &p, d1::validation(&issuer_id, env, &kid, now))
}

/// Verify a `private_key_jwt` client assertion: `iss` = `sub` = `clientId`, `aud` one of
/// `audience` (string or array) as a single audience, `jti` and `exp` required.
#[wasm_bindgen(js_name = verifyClientAssertion, unchecked_return_type = "VerifiedToken")]
pub fn verify_client_assertion(
    token: &str,
    key: &VerifyingKey,
    #[wasm_bindgen(unchecked_param_type = "VerifyClientAssertionOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let o = Options::new(&options, &["clientId", "audience", "now", "leeway", "maxLifetime", "kid"])?;
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
    run(token, Key::One(key), &p, ca_profile::validation(&client_id, &first, now))
}

/// Decode a token WITHOUT verifying anything (format and JSON rules still apply): `{header,
/// claims, signatureLength}`, for display only.
#[wasm_bindgen(js_name = decodeUnverified, unchecked_return_type = "UnverifiedToken")]
pub fn decode_unverified(token: &str) -> Result<JsValue, JsValue> {
    let mut scratch = alloc::vec![0u8; token.len().saturating_add(16)];
    let t = dangerous::decode_unverified(token, &mut scratch).map_err(js::verify)?;
    let out = js::header_and_claims(t.header().as_json(), t.claims().as_json())?;
    let _ = js_sys::Reflect::set(&out, &"signatureLength".into(), &JsValue::from(t.signature_len()));
    Ok(out)
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** A verified token's JOSE header and claims. */
export interface VerifiedToken { header: Record<string, unknown>; claims: Record<string, unknown> }
/** A token decoded WITHOUT verification. */
export interface UnverifiedToken extends VerifiedToken { signatureLength: number }
/** Verification options; each one left out is the core's default. */
export interface VerifyOptions {
  issuer?: string; audience?: string | string[]; anyAudience?: boolean; subject?: string;
  kid?: string; requireKid?: boolean; typ?: string | string[]; leeway?: number;
  maxLifetime?: number; maxExpiryAhead?: number; required?: string | string[]; maxBytes?: number;
  now?: number; issuerEqualsSubject?: boolean; soleAudience?: boolean; audienceAsString?: boolean;
  dangerousAllowMissingExp?: boolean;
}
export interface VerifyD1Options { issuerId: string; env: "stg" | "prd"; kid: string; now?: number; leeway?: number }
export interface VerifyClientAssertionOptions { clientId: string; audience: string | string[]; now?: number; leeway?: number; maxLifetime?: number; kid?: string }
"#;
