//! Keys: P-256 signing and verifying keys, key sets by `kid`, thumbprints.

use crate::js::{self, Options};
use alloc::string::String;
use alloc::vec::Vec;
use bearerkit::p256::ecdsa::Signature;
use bearerkit::{Es256Verifier, JsonStr, PreparedVerifyingKey};
use core::cell::{Cell, OnceCell};
use wasm_bindgen::prelude::*;

/// Plain verifications made with a key before its precomputed tables are built (the tables
/// cost about as much as four plain verifications; see the package README).
const PLAIN_VERIFICATIONS: u32 = 3;

/// A P-256 private key that signs ES256 (RFC 6979: the same inputs give the same token in
/// every bearerkit runtime). Its scalar is never shown.
#[wasm_bindgen]
pub struct SigningKey {
    pub(crate) key: bearerkit::SigningKey,
}

#[wasm_bindgen]
impl SigningKey {
    /// A new random key (`crypto.getRandomValues`).
    pub fn generate() -> Result<SigningKey, JsValue> {
        loop {
            let mut scalar = js::random::<32>()?;
            let key = bearerkit::SigningKey::from_bytes(&scalar);
            scalar.fill(0);
            if let Ok(key) = key {
                return Ok(Self { key });
            }
        }
    }

    /// A private key from PEM: SEC1 (`BEGIN EC PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`).
    #[wasm_bindgen(js_name = fromPem)]
    pub fn from_pem(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] pem: &str,
    ) -> Result<SigningKey, JsValue> {
        bearerkit::SigningKey::from_pem(pem).map(|key| Self { key }).map_err(js::key)
    }

    /// A private key from a JWK (an object or its JSON text): `kty` `EC`, `crv` `P-256`, `d`.
    #[wasm_bindgen(js_name = fromJwk)]
    pub fn from_jwk(
        #[wasm_bindgen(unchecked_param_type = "JsonWebKey | string")] jwk: JsValue,
    ) -> Result<SigningKey, JsValue> {
        let text = js::text_or_stringify(&jwk)?;
        bearerkit::SigningKey::from_jwk(&text).map(|key| Self { key }).map_err(js::key)
    }

    /// A private key from DER: SEC1 `ECPrivateKey`.
    #[wasm_bindgen(js_name = fromSec1Der)]
    pub fn from_sec1_der(der: &[u8]) -> Result<SigningKey, JsValue> {
        bearerkit::SigningKey::from_sec1_der(der).map(|key| Self { key }).map_err(js::key)
    }

    /// A private key from DER: PKCS#8 `PrivateKeyInfo` (what `crypto.subtle.exportKey("pkcs8")` gives).
    #[wasm_bindgen(js_name = fromPkcs8Der)]
    pub fn from_pkcs8_der(der: &[u8]) -> Result<SigningKey, JsValue> {
        bearerkit::SigningKey::from_pkcs8_der(der).map(|key| Self { key }).map_err(js::key)
    }

    /// The private key as PKCS#8 DER (for `crypto.subtle.importKey("pkcs8")`).
    #[wasm_bindgen(js_name = toPkcs8Der)]
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>, JsValue> {
        let mut buf = [0u8; 256];
        let out = self.key.to_pkcs8_der(&mut buf).map(<[u8]>::to_vec).map_err(js::key);
        buf.fill(0);
        out
    }

    /// The private key as PEM: `{format: "pkcs8"}` (`BEGIN PRIVATE KEY`, the default) or
    /// `{format: "sec1"}` (`BEGIN EC PRIVATE KEY`); the format alone as a string also works.
    #[wasm_bindgen(js_name = toPem)]
    pub fn to_pem(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "{ format?: 'pkcs8' | 'sec1' } | 'pkcs8' | 'sec1'")]
        options: Option<JsValue>,
    ) -> Result<String, JsValue> {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let format = match options.as_string() {
            Some(f) => Some(f),
            None => Options::new(&options, &["format"])?.string("format")?,
        };
        match format.as_deref() {
            None | Some("pkcs8") => Ok(String::from(self.key.to_pkcs8_pem_string().as_str())),
            Some("sec1") => Ok(String::from(self.key.to_sec1_pem_string().as_str())),
            Some(_) => Err(js::argument("format must be \"pkcs8\" or \"sec1\"")),
        }
    }

    /// The private JWK (`kty`, `crv`, `x`, `y`, `d`).
    #[wasm_bindgen(js_name = toJwk, unchecked_return_type = "JsonWebKey")]
    pub fn to_jwk(&self) -> Result<JsValue, JsValue> {
        js::parse(&self.key.to_jwk_string())
    }

    /// The public key.
    #[wasm_bindgen(getter, js_name = publicKey)]
    pub fn public_key(&self) -> VerifyingKey {
        VerifyingKey::new(self.key.verifying_key())
    }

    /// The RFC 7638 JWK thumbprint of the public key.
    pub fn thumbprint(&self) -> String {
        self.key.verifying_key().thumbprint().as_str().into()
    }

    /// `SigningKey(ES256, thumbprint=…)`: never the private key.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_js_string(&self) -> String {
        labelled("SigningKey(ES256, thumbprint=", &self.thumbprint(), ")")
    }

    /// `{kty, crv, thumbprint}` for `JSON.stringify`: never the private key (`toJwk()` gives
    /// it on purpose).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "{ kty: 'EC'; crv: 'P-256'; thumbprint: string }")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        let out = js_sys::Object::new();
        for (name, value) in [("kty", "EC"), ("crv", "P-256"), ("thumbprint", self.thumbprint().as_str())] {
            let _ = js_sys::Reflect::set(&out, &name.into(), &JsValue::from_str(value));
        }
        Ok(out.into())
    }
}

/// `start` + `middle` + `end`, without `format!` (the module links no formatting code).
fn labelled(start: &str, middle: &str, end: &str) -> String {
    let mut s = String::with_capacity(start.len() + middle.len() + end.len());
    s.push_str(start);
    s.push_str(middle);
    s.push_str(end);
    s
}

/// A P-256 public key that verifies ES256. Reused, it verifies with precomputed tables (built
/// on its fourth use, or now with `prepare()`), several times faster.
#[wasm_bindgen]
pub struct VerifyingKey {
    pub(crate) key: bearerkit::VerifyingKey,
    prepared: OnceCell<PreparedVerifyingKey>,
    uses: Cell<u32>,
}

impl VerifyingKey {
    pub(crate) fn new(key: bearerkit::VerifyingKey) -> Self {
        Self { key, prepared: OnceCell::new(), uses: Cell::new(0) }
    }

    fn prepared(&self) -> &PreparedVerifyingKey {
        self.prepared.get_or_init(|| PreparedVerifyingKey::new(&self.key))
    }
}

impl Es256Verifier for VerifyingKey {
    fn verify_es256(&self, signing_input: &[u8], signature: &Signature) -> Result<(), bearerkit::Error> {
        if let Some(prepared) = self.prepared.get() {
            return prepared.verify_es256(signing_input, signature);
        }
        let uses = self.uses.get();
        self.uses.set(uses.saturating_add(1));
        if uses < PLAIN_VERIFICATIONS {
            return self.key.verify_es256(signing_input, signature);
        }
        self.prepared().verify_es256(signing_input, signature)
    }
}

#[wasm_bindgen]
impl VerifyingKey {
    /// A public key from PEM: SPKI (`BEGIN PUBLIC KEY`), or the public half of a SEC1 or
    /// PKCS#8 private key.
    #[wasm_bindgen(js_name = fromPem)]
    pub fn from_pem(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] pem: &str,
    ) -> Result<VerifyingKey, JsValue> {
        bearerkit::VerifyingKey::from_pem(pem).map(Self::new).map_err(js::key)
    }

    /// A public key from a JWK (object or JSON text); a private JWK gives its public half.
    #[wasm_bindgen(js_name = fromJwk)]
    pub fn from_jwk(
        #[wasm_bindgen(unchecked_param_type = "JsonWebKey | string")] jwk: JsValue,
    ) -> Result<VerifyingKey, JsValue> {
        let text = js::text_or_stringify(&jwk)?;
        bearerkit::VerifyingKey::from_jwk(&text).map(Self::new).map_err(js::key)
    }

    /// A public key from DER `SubjectPublicKeyInfo` (what `crypto.subtle.exportKey("spki")` gives).
    #[wasm_bindgen(js_name = fromSpkiDer)]
    pub fn from_spki_der(der: &[u8]) -> Result<VerifyingKey, JsValue> {
        bearerkit::VerifyingKey::from_spki_der(der).map(Self::new).map_err(js::key)
    }

    /// A public key from a SEC1 point: uncompressed (`04‖x‖y`, 65 bytes) or compressed (33).
    #[wasm_bindgen(js_name = fromSec1Bytes)]
    pub fn from_sec1_bytes(point: &[u8]) -> Result<VerifyingKey, JsValue> {
        bearerkit::VerifyingKey::from_sec1_bytes(point).map(Self::new).map_err(js::key)
    }

    /// The public key as an uncompressed SEC1 point (`04‖x‖y`, 65 bytes; what
    /// `crypto.subtle.exportKey("raw")` gives).
    #[wasm_bindgen(js_name = toSec1Bytes)]
    pub fn to_sec1_bytes(&self) -> Vec<u8> {
        self.key.to_sec1_bytes().to_vec()
    }

    /// `VerifyingKey(ES256, thumbprint=…)`.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_js_string(&self) -> String {
        labelled("VerifyingKey(ES256, thumbprint=", &self.thumbprint(), ")")
    }

    /// The public JWK, for `JSON.stringify`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "JsonWebKey")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        self.to_jwk()
    }

    /// The public key as SPKI PEM.
    #[wasm_bindgen(js_name = toPem)]
    pub fn to_pem(&self) -> String {
        self.key.to_spki_pem_string()
    }

    /// The public key as DER `SubjectPublicKeyInfo` (for `crypto.subtle.importKey("spki")`).
    #[wasm_bindgen(js_name = toSpkiDer)]
    pub fn to_spki_der(&self) -> Result<Vec<u8>, JsValue> {
        let mut buf = [0u8; 128];
        self.key.to_spki_der(&mut buf).map(<[u8]>::to_vec).map_err(js::key)
    }

    /// The public JWK (`kty`, `crv`, `x`, `y`).
    #[wasm_bindgen(js_name = toJwk, unchecked_return_type = "JsonWebKey")]
    pub fn to_jwk(&self) -> Result<JsValue, JsValue> {
        js::parse(&self.key.to_jwk_string())
    }

    /// The RFC 7638 JWK thumbprint.
    pub fn thumbprint(&self) -> String {
        self.key.thumbprint().as_str().into()
    }

    /// Build the precomputed verification tables now (otherwise on the fourth use).
    pub fn prepare(&self) {
        self.prepared();
    }

    /// Whether the precomputed tables exist.
    #[wasm_bindgen(getter, js_name = isPrepared)]
    pub fn is_prepared(&self) -> bool {
        self.prepared.get().is_some()
    }

    /// Whether `other` is the same public key.
    pub fn equals(&self, other: &VerifyingKey) -> bool {
        self.key == other.key
    }
}

/// Public keys chosen by the token's `kid`: `new KeySet({k1: key1, k2: key2})` (or a `Map`, or
/// `[kid, key]` pairs), or `new KeySet()` then `add(kid, key)`.
#[wasm_bindgen]
pub struct KeySet {
    keys: Vec<(String, VerifyingKey)>,
}

impl bearerkit::KeySet for KeySet {
    type Key = VerifyingKey;
    fn find(&self, kid: Option<&JsonStr<'_>>) -> Option<&VerifyingKey> {
        let kid = kid?;
        self.keys.iter().find(|(id, _)| kid.eq_str(id)).map(|(_, k)| k)
    }
}

impl KeySet {
    fn insert(&mut self, kid: String, key: bearerkit::VerifyingKey) -> Result<(), JsValue> {
        if self.keys.iter().any(|(id, _)| *id == kid) {
            return Err(js::argument("a kid is given twice"));
        }
        self.keys.push((kid, VerifyingKey::new(key)));
        Ok(())
    }

    /// One `[kid, key]` entry of the constructor's argument. The key is read through its own
    /// `toSec1Bytes()`, so it must be a `VerifyingKey` (or something that acts as one).
    fn insert_entry(&mut self, kid: &JsValue, key: &JsValue) -> Result<(), JsValue> {
        let kid = kid.as_string().ok_or_else(|| js::argument("KeySet: every kid must be a string"))?;
        let not_a_key = || js::argument("KeySet: every key must be a VerifyingKey");
        let to_bytes: js_sys::Function = js_sys::Reflect::get(key, &"toSec1Bytes".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(not_a_key)?;
        let point = to_bytes.call0(key).map_err(|_| not_a_key())?;
        let point = point.dyn_into::<js_sys::Uint8Array>().map_err(|_| not_a_key())?.to_vec();
        self.insert(kid, bearerkit::VerifyingKey::from_sec1_bytes(&point).map_err(js::key)?)
    }
}

#[wasm_bindgen]
impl KeySet {
    /// A key set from `{kid: key}`, a `Map` or `[kid, key]` pairs (empty when left out); a
    /// `kid` given twice, a `kid` that is not a string or a value that is not a
    /// `VerifyingKey` is refused (`invalid_argument`).
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new(
        #[wasm_bindgen(
            unchecked_optional_param_type = "Readonly<Record<string, VerifyingKey>> | ReadonlyMap<string, VerifyingKey> | Iterable<readonly [string, VerifyingKey]>"
        )]
        keys: Option<JsValue>,
    ) -> Result<KeySet, JsValue> {
        let mut set = Self { keys: Vec::new() };
        let Some(keys) = keys.filter(|k| !k.is_undefined() && !k.is_null()) else { return Ok(set) };
        if !keys.is_object() {
            return Err(js::argument("KeySet: keys must be an object, a Map or [kid, key] pairs"));
        }
        // A Map and any iterable give [kid, key] pairs; a plain object gives its entries.
        let entries = match js_sys::try_iter(&keys) {
            Ok(Some(iter)) => iter.collect::<Result<Vec<JsValue>, JsValue>>()?,
            _ => js_sys::Object::entries(keys.unchecked_ref()).iter().collect(),
        };
        for entry in entries {
            let pair: js_sys::Array = entry
                .dyn_into()
                .map_err(|_| js::argument("KeySet: every entry must be a [kid, key] pair"))?;
            set.insert_entry(&pair.get(0), &pair.get(1))?;
        }
        Ok(set)
    }

    /// Add (a copy of) `key` under `kid`; a `kid` already in the set is refused
    /// (`invalid_argument`).
    pub fn add(&mut self, kid: String, key: &VerifyingKey) -> Result<(), JsValue> {
        self.insert(kid, key.key)
    }

    /// The key ids, in the order added.
    pub fn kids(&self) -> Vec<String> {
        self.keys.iter().map(|(k, _)| k.clone()).collect()
    }

    /// How many keys.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.keys.len()
    }

    /// `KeySet(["k1","k2"])`: the key ids.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_js_string(&self) -> String {
        let kids = js_sys::Array::new();
        for (kid, _) in &self.keys {
            kids.push(&JsValue::from_str(kid));
        }
        let text = js_sys::JSON::stringify(&kids).ok().and_then(|t| t.as_string()).unwrap_or_default();
        labelled("KeySet(", &text, ")")
    }
}

/// The RFC 7638 thumbprint of a P-256 JWK (object or JSON text). The package's
/// `jwkThumbprint` (api.mjs) also takes a `VerifyingKey` or `SigningKey`.
#[wasm_bindgen(js_name = jwkThumbprint)]
pub fn jwk_thumbprint(
    #[wasm_bindgen(unchecked_param_type = "VerifyingKey | SigningKey | JsonWebKey | string")] jwk: JsValue,
) -> Result<String, JsValue> {
    Ok(VerifyingKey::from_jwk(jwk)?.thumbprint())
}

/// The fingerprints of an X.509 certificate given as PEM: `{sha1Hex, x5t, x5tS256}`
/// (`sha1Hex` is Worldline's `kid`). The package's `certificateThumbprints` (api.mjs) also
/// takes the PEM or the DER as bytes.
#[wasm_bindgen(js_name = certificateThumbprints, unchecked_return_type = "CertificateThumbprints")]
pub fn certificate_thumbprints(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] pem: &str,
) -> Result<JsValue, JsValue> {
    let mut scratch = alloc::vec![0u8; pem.len().saturating_mul(2).saturating_add(64)];
    bearerkit::CertificateThumbprints::from_pem(pem, &mut scratch).map_err(js::key).map(|p| prints(&p))
}

/// `certificateThumbprints` of a DER certificate.
#[wasm_bindgen(js_name = _certificateThumbprintsDer, skip_typescript)]
pub fn certificate_thumbprints_der(der: &[u8]) -> Result<JsValue, JsValue> {
    bearerkit::CertificateThumbprints::from_der(der).map_err(js::key).map(|p| prints(&p))
}

fn prints(prints: &bearerkit::CertificateThumbprints) -> JsValue {
    let out = js_sys::Object::new();
    for (name, value) in
        [("sha1Hex", prints.sha1_hex()), ("x5t", prints.x5t()), ("x5tS256", prints.x5t_s256())]
    {
        let _ = js_sys::Reflect::set(&out, &name.into(), &JsValue::from_str(value.as_str()));
    }
    out.into()
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** A JSON Web Key (RFC 7517) as a plain object. */
export interface JsonWebKey { kty: string; crv?: string; x?: string; y?: string; d?: string; [member: string]: unknown }
/** Certificate fingerprints: SHA-1 in upper-case hex (Worldline's kid), x5t, x5t#S256. */
export interface CertificateThumbprints { sha1Hex: string; x5t: string; x5tS256: string }
"#;
