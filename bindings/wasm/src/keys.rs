//! Keys: P-256 signing and verifying keys, key sets by `kid`, thumbprints.

use crate::js;
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
    pub fn from_pem(pem: &str) -> Result<SigningKey, JsValue> {
        bearerkit::SigningKey::from_pem(pem).map(|key| Self { key }).map_err(js::core)
    }

    /// A private key from a JWK (an object or its JSON text): `kty` `EC`, `crv` `P-256`, `d`.
    #[wasm_bindgen(js_name = fromJwk)]
    pub fn from_jwk(
        #[wasm_bindgen(unchecked_param_type = "JsonWebKey | string")] jwk: JsValue,
    ) -> Result<SigningKey, JsValue> {
        let text = js::text_or_stringify(&jwk)?;
        bearerkit::SigningKey::from_jwk(&text).map(|key| Self { key }).map_err(js::core)
    }

    /// A private key from DER: SEC1 `ECPrivateKey`.
    #[wasm_bindgen(js_name = fromSec1Der)]
    pub fn from_sec1_der(der: &[u8]) -> Result<SigningKey, JsValue> {
        bearerkit::SigningKey::from_sec1_der(der).map(|key| Self { key }).map_err(js::core)
    }

    /// A private key from DER: PKCS#8 `PrivateKeyInfo` (what `crypto.subtle.exportKey("pkcs8")` gives).
    #[wasm_bindgen(js_name = fromPkcs8Der)]
    pub fn from_pkcs8_der(der: &[u8]) -> Result<SigningKey, JsValue> {
        bearerkit::SigningKey::from_pkcs8_der(der).map(|key| Self { key }).map_err(js::core)
    }

    /// The private key as PKCS#8 DER (for `crypto.subtle.importKey("pkcs8")`).
    #[wasm_bindgen(js_name = toPkcs8Der)]
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>, JsValue> {
        let mut buf = [0u8; 256];
        let out = self.key.to_pkcs8_der(&mut buf).map(<[u8]>::to_vec).map_err(js::core);
        buf.fill(0);
        out
    }

    /// The private key as PEM: `"pkcs8"` (`BEGIN PRIVATE KEY`, the default) or `"sec1"`.
    #[wasm_bindgen(js_name = toPem)]
    pub fn to_pem(
        &self,
        #[wasm_bindgen(unchecked_param_type = "'pkcs8' | 'sec1' | undefined")] format: Option<String>,
    ) -> Result<String, JsValue> {
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
    pub fn from_pem(pem: &str) -> Result<VerifyingKey, JsValue> {
        bearerkit::VerifyingKey::from_pem(pem).map(Self::new).map_err(js::core)
    }

    /// A public key from a JWK (object or JSON text); a private JWK gives its public half.
    #[wasm_bindgen(js_name = fromJwk)]
    pub fn from_jwk(
        #[wasm_bindgen(unchecked_param_type = "JsonWebKey | string")] jwk: JsValue,
    ) -> Result<VerifyingKey, JsValue> {
        let text = js::text_or_stringify(&jwk)?;
        bearerkit::VerifyingKey::from_jwk(&text).map(Self::new).map_err(js::core)
    }

    /// A public key from DER `SubjectPublicKeyInfo` (what `crypto.subtle.exportKey("spki")` gives).
    #[wasm_bindgen(js_name = fromSpkiDer)]
    pub fn from_spki_der(der: &[u8]) -> Result<VerifyingKey, JsValue> {
        bearerkit::VerifyingKey::from_spki_der(der).map(Self::new).map_err(js::core)
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
        self.key.to_spki_der(&mut buf).map(<[u8]>::to_vec).map_err(js::core)
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

/// Public keys chosen by the token's `kid`: `new KeySet()`, then `add(kid, key)`.
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

#[wasm_bindgen]
impl KeySet {
    /// An empty key set.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> KeySet {
        Self { keys: Vec::new() }
    }

    /// Add (a copy of) `key` under `kid`; a `kid` given twice keeps the first key.
    pub fn add(&mut self, kid: String, key: &VerifyingKey) {
        self.keys.push((kid, VerifyingKey::new(key.key)));
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
}

/// The RFC 7638 thumbprint of a P-256 JWK (object or JSON text).
#[wasm_bindgen(js_name = jwkThumbprint)]
pub fn jwk_thumbprint(
    #[wasm_bindgen(unchecked_param_type = "JsonWebKey | string")] jwk: JsValue,
) -> Result<String, JsValue> {
    Ok(VerifyingKey::from_jwk(jwk)?.thumbprint())
}

/// The fingerprints of an X.509 certificate given as PEM: `{sha1Hex, x5t, x5tS256}`
/// (`sha1Hex` is Worldline's `kid`).
#[wasm_bindgen(js_name = certificateThumbprints, unchecked_return_type = "CertificateThumbprints")]
pub fn certificate_thumbprints(pem: &str) -> Result<JsValue, JsValue> {
    let mut scratch = alloc::vec![0u8; pem.len().saturating_mul(2).saturating_add(64)];
    let prints = bearerkit::CertificateThumbprints::from_pem(pem, &mut scratch).map_err(js::core)?;
    let out = js_sys::Object::new();
    for (name, value) in
        [("sha1Hex", prints.sha1_hex()), ("x5t", prints.x5t()), ("x5tS256", prints.x5t_s256())]
    {
        let _ = js_sys::Reflect::set(&out, &name.into(), &JsValue::from_str(value.as_str()));
    }
    Ok(out.into())
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** A JSON Web Key (RFC 7517) as a plain object. */
export interface JsonWebKey { kty: string; crv?: string; x?: string; y?: string; d?: string; [member: string]: unknown }
/** Certificate fingerprints: SHA-1 in upper-case hex (Worldline's kid), x5t, x5t#S256. */
export interface CertificateThumbprints { sha1Hex: string; x5t: string; x5tS256: string }
"#;
