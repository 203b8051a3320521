//! Signing: `signAssertion`, the exact `Assertion` builder's `signClaims`, the D1 and
//! client-assertion profiles.

use crate::js::{self, Options};
use crate::keys::SigningKey;
use alloc::string::String;
use alloc::vec::Vec;
use bearerkit::Assertion;
use bearerkit::profile::{client_assertion as ca_profile, d1};
use wasm_bindgen::prelude::*;

/// The options of `signClaims`.
const ASSERTION_OPTIONS: &[&str] =
    &["iss", "sub", "aud", "exp", "expiresIn", "nbf", "iat", "jti", "kid", "typ", "claims"];
/// The options of `signAssertion` (`iat` is known so that its message can say why it is refused).
const SIGN_OPTIONS: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "exp",
    "expiresIn",
    "nbf",
    "iat",
    "now",
    "jti",
    "kid",
    "typ",
    "claims",
    "algorithm",
];
/// The options of `d1Assertion`.
const D1_OPTIONS: &[&str] = &["issuerId", "env", "kid", "now", "expiresIn", "jti"];
/// The options of `clientAssertion`.
const CA_OPTIONS: &[&str] = &["clientId", "audience", "kid", "now", "expiresIn", "jti", "algorithm"];

/// `algorithm`, as the Node package takes it: this package signs ES256 only (RSA needs `ring`,
/// which is not in the WebAssembly build).
fn es256_only(o: &Options) -> Result<(), JsValue> {
    match o.string("algorithm")?.as_deref() {
        None | Some("ES256") => Ok(()),
        Some(_) => Err(js::argument("algorithm must be \"ES256\" (the only one of bearerkit-wasm)")),
    }
}

/// The owned members of an assertion.
struct Fields {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<(Vec<String>, bool)>,
    exp: Option<u64>,
    expires_in: Option<u64>,
    nbf: Option<u64>,
    iat: Option<u64>,
    jti: Option<String>,
    kid: Option<String>,
    typ: Option<String>,
    claims: Option<String>,
}

impl Fields {
    fn read(o: &Options) -> Result<Self, JsValue> {
        let exp = o.u64("exp")?;
        let expires_in = o.u64("expiresIn")?;
        if exp.is_some() && expires_in.is_some() {
            return Err(js::argument("give exp or expiresIn, not both"));
        }
        Ok(Self {
            iss: o.string("iss")?,
            sub: o.string("sub")?,
            aud: o.strings("aud")?,
            exp,
            expires_in,
            nbf: o.u64("nbf")?,
            iat: o.u64("iat")?,
            jti: o.string("jti")?,
            kid: o.string("kid")?,
            typ: o.string("typ")?,
            claims: o.get("claims")?.map(|c| js::text_or_stringify(&c)).transpose()?,
        })
    }

    fn sign(&self, key: &SigningKey) -> Result<String, JsValue> {
        let auds: Vec<&str> = self.aud.iter().flat_map(|(l, _)| l.iter().map(String::as_str)).collect();
        let mut a = Assertion::new();
        if let Some(v) = &self.iss {
            a = a.issuer(v);
        }
        if let Some(v) = &self.sub {
            a = a.subject(v);
        }
        match &self.aud {
            Some((_, true)) => a = a.audience(auds[0]),
            Some((_, false)) => a = a.audiences(&auds),
            None => {}
        }
        if let Some(v) = self.iat {
            a = a.issued_at(v);
        }
        if let Some(v) = self.exp {
            a = a.expires_at(v);
        }
        if let Some(v) = self.expires_in {
            a = a.expires_in(v);
        }
        if let Some(v) = self.nbf {
            a = a.not_before(v);
        }
        if let Some(v) = &self.jti {
            a = a.jwt_id(v);
        }
        if let Some(v) = &self.kid {
            a = a.key_id(v);
        }
        if let Some(v) = &self.typ {
            a = a.typ(v);
        }
        if let Some(v) = &self.claims {
            a = a.claims_json(v);
        }
        a.sign_with_to_string(&key.key).map_err(js::sign)
    }
}

/// Sign exactly the members given (`iss`, `sub`, `aud`, `exp` or `expiresIn`, `nbf`, `iat`,
/// `jti`, `kid`, `typ`, private `claims`): nothing is added, not even `iat`.
#[wasm_bindgen(js_name = signClaims)]
pub fn sign_claims(
    key: &SigningKey,
    #[wasm_bindgen(unchecked_param_type = "AssertionOptions")] options: JsValue,
) -> Result<String, JsValue> {
    Fields::read(&Options::new(&options, ASSERTION_OPTIONS)?)?.sign(key)
}

/// Sign a JWT assertion: `iat` = `now` (the clock unless given), `exp` = `now` + `expiresIn`
/// (or `exp` exactly), plus the other members given.
#[wasm_bindgen(js_name = signAssertion)]
pub fn sign_assertion(
    key: &SigningKey,
    #[wasm_bindgen(unchecked_param_type = "SignOptions")] options: JsValue,
) -> Result<String, JsValue> {
    let o = Options::new(&options, SIGN_OPTIONS)?;
    es256_only(&o)?;
    let mut fields = Fields::read(&o)?;
    if fields.exp.is_none() && fields.expires_in.is_none() {
        return Err(js::argument("give expiresIn (seconds from now) or exp"));
    }
    if fields.iat.is_some() {
        return Err(js::argument("signAssertion sets iat from now: give now, or use signClaims"));
    }
    fields.iat = Some(o.u64("now")?.unwrap_or_else(js::now));
    fields.sign(key)
}

/// 32 random hex digits.
fn random_jti() -> Result<String, JsValue> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = js::random::<16>()?;
    let mut jti = String::with_capacity(32);
    for b in bytes {
        jti.push(char::from(HEX[usize::from(b >> 4)]));
        jti.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    Ok(jti)
}

/// The D1 environment from `"stg"` / `"prd"`.
pub(crate) fn d1_env(env: &str) -> Result<d1::Env, JsValue> {
    match env {
        "stg" | "staging" => Ok(d1::Env::Staging),
        "prd" | "production" => Ok(d1::Env::Production),
        _ => Err(js::argument("env must be \"stg\" or \"prd\"")),
    }
}

/// A Thales D1 assertion: `iss` = `sub` = `issuerId`, `aud` `stg`/`prd`, `kid`, `typ` `JWT`,
/// `iat` = now, `exp` = now + `expiresIn` (default 300, at most 900), `jti` (random unless
/// given).
#[wasm_bindgen(js_name = d1Assertion)]
pub fn d1_assertion(
    key: &SigningKey,
    #[wasm_bindgen(unchecked_param_type = "D1AssertionOptions")] options: JsValue,
) -> Result<String, JsValue> {
    let o = Options::new(&options, D1_OPTIONS)?;
    let issuer_id = o.string("issuerId")?.ok_or_else(|| js::argument("issuerId is required"))?;
    let env = d1_env(&o.string("env")?.ok_or_else(|| js::argument("env is required"))?)?;
    let kid = o.string("kid")?.ok_or_else(|| js::argument("kid is required"))?;
    let jti = match o.string("jti")? {
        Some(j) => j,
        None => random_jti()?,
    };
    let now = o.u64("now")?.unwrap_or_else(js::now);
    let mut a = d1::assertion(&issuer_id, env, &kid, now).jwt_id(&jti);
    if let Some(secs) = o.u64("expiresIn")? {
        a = a.expires_in(secs);
    }
    a.sign_with_to_string(&key.key).map_err(js::sign)
}

/// A `private_key_jwt` client assertion: `iss` = `sub` = `clientId`, `aud` = `audience` (the
/// issuer or the token endpoint, one string), `jti` (random unless given), `iat` = now,
/// `exp` = now + `expiresIn` (default 60), `kid` when given.
#[wasm_bindgen(js_name = clientAssertion)]
pub fn client_assertion(
    key: &SigningKey,
    #[wasm_bindgen(unchecked_param_type = "ClientAssertionOptions")] options: JsValue,
) -> Result<String, JsValue> {
    let o = Options::new(&options, CA_OPTIONS)?;
    es256_only(&o)?;
    let client_id = o.string("clientId")?.ok_or_else(|| js::argument("clientId is required"))?;
    let audience = o.string("audience")?.ok_or_else(|| js::argument("audience is required"))?;
    let jti = match o.string("jti")? {
        Some(j) => j,
        None => random_jti()?,
    };
    let kid = o.string("kid")?;
    let now = o.u64("now")?.unwrap_or_else(js::now);
    let mut a = ca_profile::assertion(&client_id, &audience, &jti, now);
    if let Some(secs) = o.u64("expiresIn")? {
        a = a.expires_in(secs);
    }
    if let Some(kid) = &kid {
        a = a.key_id(kid);
    }
    a.sign_with_to_string(&key.key).map_err(js::sign)
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** The members of an assertion; `claims` are private claims, written after the registered ones. */
export interface AssertionOptions {
  iss?: string; sub?: string; aud?: string | string[];
  exp?: number; expiresIn?: number; nbf?: number; iat?: number;
  jti?: string; kid?: string; typ?: string;
  claims?: Record<string, unknown> | string;
}
/** `signAssertion`: `iat` is `now` (the clock unless given); give `expiresIn` or `exp`. */
export interface SignOptions extends Omit<AssertionOptions, "iat"> { now?: number; algorithm?: "ES256" }
export interface D1AssertionOptions { issuerId: string; env: "stg" | "prd" | "staging" | "production"; kid: string; now?: number; expiresIn?: number; jti?: string }
export interface ClientAssertionOptions { clientId: string; audience: string; kid?: string; now?: number; expiresIn?: number; jti?: string; algorithm?: "ES256" }
"#;
