//! Keys: P-256 signing and verifying keys (ES256), key sets chosen by `kid`, RSA signing keys
//! (RS256/PS256 client assertions), and certificate fingerprints.

use crate::errors::{self, Ctx};
use bearerkit::p256::ecdsa::Signature;
use bearerkit::{Es256Verifier, JsonStr, PreparedVerifyingKey};
use core::sync::atomic::{AtomicU64, Ordering};
use napi::bindgen_prelude::{Buffer, Either, External};
use napi_derive::napi;
use std::sync::{Arc, OnceLock};

/// PEM given as a string or as ASCII bytes (a `Buffer`).
pub(crate) fn pem_text(pem: Either<String, Buffer>) -> napi::Result<String> {
    match pem {
        Either::A(s) => Ok(s),
        Either::B(b) => {
            String::from_utf8(b.to_vec()).map_err(|_| errors::core(bearerkit::Error::BadPem, Ctx::Key))
        }
    }
}

/// A P-256 private key that signs ES256 (RFC 6979 deterministic signatures).
///
/// Its scalar never appears in `inspect` or `toString` output; it is zeroized when the key is
/// garbage-collected.
#[napi]
pub struct SigningKey {
    /// Shared with the key's `_handle()`.
    pub(crate) key: Arc<bearerkit::SigningKey>,
}

#[napi]
impl SigningKey {
    /// A new random key (from the operating system's generator).
    ///
    /// # Errors
    /// `rng_failed` when the generator fails.
    #[napi(factory)]
    pub fn generate() -> napi::Result<Self> {
        loop {
            let mut scalar = [0u8; 32];
            getrandom::fill(&mut scalar).map_err(|e| {
                errors::encoded(
                    "SigningError",
                    "rng_failed",
                    &format!("random number generator failed: {e}"),
                    None,
                )
            })?;
            let key = bearerkit::SigningKey::from_bytes(&scalar);
            scalar.fill(0);
            // A scalar of zero or at least n (probability about 2^-32) is drawn again.
            if let Ok(key) = key {
                return Ok(Self { key: Arc::new(key) });
            }
        }
    }

    /// A private key from PEM: SEC1 (`BEGIN EC PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`).
    ///
    /// # Errors
    /// The core's key codes (`bad_pem`, `bad_der`, `wrong_curve`, ...).
    #[napi(factory)]
    pub fn from_pem(pem: Either<String, Buffer>) -> napi::Result<Self> {
        let text = pem_text(pem)?;
        bearerkit::SigningKey::from_pem(&text)
            .map(|key| Self { key: Arc::new(key) })
            .map_err(|e| errors::core(e, Ctx::Key))
    }

    /// A private key from a JWK's JSON text (`kty` `EC`, `crv` `P-256`, `d`).
    ///
    /// # Errors
    /// `bad_jwk`, `wrong_curve`, `invalid_scalar`, `key_mismatch`, ...
    #[napi(factory, js_name = "_fromJwkJson")]
    pub fn from_jwk_json(jwk: String) -> napi::Result<Self> {
        bearerkit::SigningKey::from_jwk(&jwk)
            .map(|key| Self { key: Arc::new(key) })
            .map_err(|e| errors::core(e, Ctx::Key))
    }

    /// A private key from DER: SEC1 `ECPrivateKey` (RFC 5915).
    ///
    /// # Errors
    /// `bad_der`, `wrong_curve`, ...
    #[napi(factory)]
    pub fn from_sec1_der(der: Buffer) -> napi::Result<Self> {
        bearerkit::SigningKey::from_sec1_der(&der)
            .map(|key| Self { key: Arc::new(key) })
            .map_err(|e| errors::core(e, Ctx::Key))
    }

    /// A private key from DER: PKCS#8 `PrivateKeyInfo` (RFC 5208).
    ///
    /// # Errors
    /// `bad_der`, `unsupported_key_type`, `wrong_curve`, ...
    #[napi(factory)]
    pub fn from_pkcs8_der(der: Buffer) -> napi::Result<Self> {
        bearerkit::SigningKey::from_pkcs8_der(&der)
            .map(|key| Self { key: Arc::new(key) })
            .map_err(|e| errors::core(e, Ctx::Key))
    }

    /// The private key as PKCS#8 DER.
    ///
    /// # Errors
    /// Never in practice (the buffer is large enough).
    #[napi]
    pub fn to_pkcs8_der(&self) -> napi::Result<Buffer> {
        let mut buf = [0u8; 256];
        let der = self.key.to_pkcs8_der(&mut buf).map_err(|e| errors::core(e, Ctx::Key))?;
        let out = Buffer::from(der.to_vec());
        buf.fill(0);
        Ok(out)
    }

    /// The private key as PEM: `format` `"pkcs8"` (`BEGIN PRIVATE KEY`, the default) or
    /// `"sec1"` (`BEGIN EC PRIVATE KEY`, what `openssl ecparam -genkey` writes).
    ///
    /// # Errors
    /// `invalid_argument` for another format.
    #[napi(js_name = "_toPem")]
    pub fn to_pem(&self, format: Option<String>) -> napi::Result<String> {
        match format.as_deref() {
            None | Some("pkcs8") => Ok(self.key.to_pkcs8_pem_string().to_string()),
            Some("sec1") => Ok(self.key.to_sec1_pem_string().to_string()),
            Some(_) => Err(errors::argument("format must be \"pkcs8\" or \"sec1\"")),
        }
    }

    /// The private JWK as JSON text (`kty`, `crv`, `x`, `y`, `d`).
    #[napi(js_name = "_toJwkJson")]
    #[must_use]
    pub fn to_jwk_json(&self) -> String {
        self.key.to_jwk_string().to_string()
    }

    /// The public key.
    #[napi(getter)]
    #[must_use]
    pub fn public_key(&self) -> VerifyingKey {
        VerifyingKey::new(self.key.verifying_key())
    }

    /// The RFC 7638 JWK thumbprint of the public key.
    #[napi]
    #[must_use]
    pub fn thumbprint(&self) -> String {
        self.key.verifying_key().thumbprint().to_string()
    }

    /// The key as an `External` holding the same shared key (not a copy), which `index.js`
    /// keeps next to this object and passes to the synchronous signing calls instead of it
    /// (see [`VerifyingKey::handle`]).
    #[napi(js_name = "_handle")]
    #[must_use]
    pub fn handle(&self) -> External<Arc<bearerkit::SigningKey>> {
        External::new(Arc::clone(&self.key))
    }
}

/// Plain verifications made with a key before its tables are built. Measured with
/// `benches/node/bench.mjs`: the tables cost about 4.4 plain verifications' worth of time
/// saved (3.7 in `benches/python`, the same core) and make each later verification about 7×
/// cheaper; building them once a key has been used this often keeps any sequence of calls
/// within about twice the best choice made in hindsight (a key used once never pays for a
/// table; a key used for a whole process pays almost nothing extra). Kept equal to the Python
/// package's, since the difference is within the shared machine's noise.
const PLAIN_VERIFICATIONS: u64 = 3;

/// The inner P-256 public key of a [`VerifyingKey`]: verifies with plain `p256` for its first
/// [`PLAIN_VERIFICATIONS`] uses, then with the core's prepared (per-key precomputed tables)
/// verifier.
pub struct EcKey {
    pub(crate) key: bearerkit::VerifyingKey,
    prepared: OnceLock<PreparedVerifyingKey>,
    uses: AtomicU64,
}

impl EcKey {
    pub(crate) fn prepared(&self) -> &PreparedVerifyingKey {
        self.prepared.get_or_init(|| PreparedVerifyingKey::new(&self.key))
    }
}

impl Es256Verifier for EcKey {
    fn verify_es256(&self, signing_input: &[u8], signature: &Signature) -> Result<(), bearerkit::Error> {
        if let Some(prepared) = self.prepared.get() {
            return prepared.verify_es256(signing_input, signature);
        }
        if self.uses.fetch_add(1, Ordering::Relaxed) < PLAIN_VERIFICATIONS {
            return self.key.verify_es256(signing_input, signature);
        }
        self.prepared().verify_es256(signing_input, signature)
    }
}

/// A P-256 public key that verifies ES256.
///
/// A key object reused across calls verifies with precomputed tables (about 85 KiB per key,
/// built on its fourth use, or now with `prepare()`), several times faster than its first
/// calls.
#[napi]
pub struct VerifyingKey {
    pub(crate) inner: Arc<EcKey>,
}

impl VerifyingKey {
    pub(crate) fn new(key: bearerkit::VerifyingKey) -> Self {
        Self { inner: Arc::new(EcKey { key, prepared: OnceLock::new(), uses: AtomicU64::new(0) }) }
    }
}

#[napi]
impl VerifyingKey {
    /// A public key from PEM: SPKI (`BEGIN PUBLIC KEY`), or the public half of a SEC1 or
    /// PKCS#8 private key.
    ///
    /// # Errors
    /// The core's key codes.
    #[napi(factory)]
    pub fn from_pem(pem: Either<String, Buffer>) -> napi::Result<Self> {
        let text = pem_text(pem)?;
        bearerkit::VerifyingKey::from_pem(&text).map(Self::new).map_err(|e| errors::core(e, Ctx::Key))
    }

    /// A public key from a JWK's JSON text; a private JWK gives its public half.
    ///
    /// # Errors
    /// `bad_jwk`, `wrong_curve`, `invalid_point`, ...
    #[napi(factory, js_name = "_fromJwkJson")]
    pub fn from_jwk_json(jwk: String) -> napi::Result<Self> {
        bearerkit::VerifyingKey::from_jwk(&jwk).map(Self::new).map_err(|e| errors::core(e, Ctx::Key))
    }

    /// A public key from DER `SubjectPublicKeyInfo` (RFC 5480).
    ///
    /// # Errors
    /// `bad_der`, `unsupported_key_type`, `wrong_curve`, `invalid_point`.
    #[napi(factory)]
    pub fn from_spki_der(der: Buffer) -> napi::Result<Self> {
        bearerkit::VerifyingKey::from_spki_der(&der).map(Self::new).map_err(|e| errors::core(e, Ctx::Key))
    }

    /// A public key from a SEC1 point: `04‖x‖y` (65 bytes) or compressed `02‖x` / `03‖x`.
    ///
    /// # Errors
    /// `invalid_point`.
    #[napi(factory)]
    pub fn from_sec1_bytes(point: Buffer) -> napi::Result<Self> {
        bearerkit::VerifyingKey::from_sec1_bytes(&point).map(Self::new).map_err(|e| errors::core(e, Ctx::Key))
    }

    /// The public key as DER `SubjectPublicKeyInfo`.
    ///
    /// # Errors
    /// Never in practice (the buffer is large enough).
    #[napi]
    pub fn to_spki_der(&self) -> napi::Result<Buffer> {
        let mut buf = [0u8; 128];
        let der = self.inner.key.to_spki_der(&mut buf).map_err(|e| errors::core(e, Ctx::Key))?;
        Ok(Buffer::from(der.to_vec()))
    }

    /// The uncompressed SEC1 point `04‖x‖y` (65 bytes).
    #[napi]
    #[must_use]
    pub fn to_sec1_bytes(&self) -> Buffer {
        Buffer::from(self.inner.key.to_sec1_bytes().to_vec())
    }

    /// The public key as SPKI PEM (`BEGIN PUBLIC KEY`).
    #[napi]
    #[must_use]
    pub fn to_pem(&self) -> String {
        self.inner.key.to_spki_pem_string()
    }

    /// The public JWK as JSON text (`kty`, `crv`, `x`, `y`).
    #[napi(js_name = "_toJwkJson")]
    #[must_use]
    pub fn to_jwk_json(&self) -> String {
        self.inner.key.to_jwk_string()
    }

    /// The RFC 7638 JWK thumbprint.
    #[napi]
    #[must_use]
    pub fn thumbprint(&self) -> String {
        self.inner.key.thumbprint().to_string()
    }

    /// The key as an `External` holding the same shared key, which `index.js` keeps next to
    /// this object and passes to the synchronous verifications instead of it: reading an
    /// `External` costs less per call than napi-rs's type-tag check and unwrap of a class
    /// instance.
    #[napi(js_name = "_handle")]
    #[must_use]
    pub fn handle(&self) -> External<Arc<EcKey>> {
        External::new(Arc::clone(&self.inner))
    }

    /// Build the precomputed verification tables now (otherwise on the fourth use).
    #[napi]
    pub fn prepare(&self) {
        self.inner.prepared();
    }

    /// Whether the precomputed tables exist.
    #[napi(getter)]
    #[must_use]
    pub fn is_prepared(&self) -> bool {
        self.inner.prepared.get().is_some()
    }

    /// Whether `other` is the same public key.
    #[napi]
    #[must_use]
    pub fn equals(&self, other: &VerifyingKey) -> bool {
        self.inner.key == other.inner.key
    }
}

/// The entries of a [`KeySet`], shared with verification running off the main thread.
#[derive(Default)]
pub struct KeySetInner {
    keys: Vec<(String, Arc<EcKey>)>,
}

impl bearerkit::KeySet for KeySetInner {
    type Key = EcKey;
    fn find(&self, kid: Option<&JsonStr<'_>>) -> Option<&EcKey> {
        let kid = kid?;
        self.keys.iter().find(|(id, _)| kid.eq_str(id)).map(|(_, k)| k.as_ref())
    }
}

/// Public keys chosen by the token's `kid` (the core's key-set verification).
#[napi]
pub struct KeySet {
    pub(crate) inner: Arc<KeySetInner>,
}

#[napi]
impl KeySet {
    /// An empty key set; `index.js` fills it from the `{kid: key}` object or `Map` given.
    #[napi(constructor)]
    #[must_use]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self { inner: Arc::new(KeySetInner::default()) }
    }

    /// Add `key` under `kid` (while the set is being built).
    ///
    /// # Errors
    /// `invalid_argument` when `kid` is already in the set.
    #[napi(js_name = "_add")]
    pub fn add(&mut self, kid: String, key: &VerifyingKey) -> napi::Result<()> {
        if self.inner.keys.iter().any(|(k, _)| *k == kid) {
            return Err(errors::argument("a kid is given twice"));
        }
        // A set is shared by verifications in flight off the main thread: a new one replaces it.
        let mut keys: Vec<(String, Arc<EcKey>)> =
            self.inner.keys.iter().map(|(k, v)| (k.clone(), Arc::clone(v))).collect();
        keys.push((kid, Arc::clone(&key.inner)));
        self.inner = Arc::new(KeySetInner { keys });
        Ok(())
    }

    /// The set as an `External` (see [`VerifyingKey::handle`]), taken by `index.js` once the
    /// set is complete.
    #[napi(js_name = "_handle")]
    #[must_use]
    pub fn handle(&self) -> External<Arc<KeySetInner>> {
        External::new(Arc::clone(&self.inner))
    }

    /// The key ids, in their order.
    #[napi]
    #[must_use]
    pub fn kids(&self) -> Vec<String> {
        self.inner.keys.iter().map(|(k, _)| k.clone()).collect()
    }

    /// The number of keys.
    #[napi(getter)]
    #[must_use]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.keys.len()).unwrap_or(u32::MAX)
    }
}

/// An RSA private key of 2048 to 4096 bits that signs `RS256` (the default) or `PS256`
/// client assertions (through `ring`).
#[napi]
pub struct RsaSigningKey {
    pub(crate) key: Arc<bearerkit_rsa::RsaSigningKey>,
}

#[napi]
impl RsaSigningKey {
    /// An RSA private key from PEM: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA
    /// PRIVATE KEY`).
    ///
    /// # Errors
    /// `rsa_key_size` under 2048 or over 4096 bits; `bad_pem`, `bad_der`,
    /// `unsupported_key_type`, `rsa_key_invalid`, ...
    #[napi(factory)]
    pub fn from_pem(pem: Either<String, Buffer>) -> napi::Result<Self> {
        let text = pem_text(pem)?;
        bearerkit_rsa::RsaSigningKey::from_pem(&text)
            .map(|key| Self { key: Arc::new(key) })
            .map_err(errors::rsa)
    }

    /// The modulus length in bits.
    #[napi(getter)]
    #[must_use]
    pub fn modulus_bits(&self) -> u32 {
        u32::try_from(self.key.modulus_bits()).unwrap_or(u32::MAX)
    }

    /// The public JWK as JSON text (`kty` `RSA`, `n`, `e`).
    #[napi(js_name = "_publicJwkJson")]
    #[must_use]
    pub fn public_jwk_json(&self) -> String {
        self.key.public_key().to_jwk()
    }

    /// The RFC 7638 JWK thumbprint of the public key.
    #[napi]
    #[must_use]
    pub fn thumbprint(&self) -> String {
        self.key.public_key().thumbprint()
    }
}

/// The fingerprints of an X.509 certificate.
#[napi(object)]
pub struct CertificateThumbprints {
    /// SHA-1 of the DER certificate, 40 upper-case hex digits (Worldline's `kid`).
    pub sha1_hex: String,
    /// base64url SHA-1 (`x5t`).
    #[napi(js_name = "x5t")]
    pub x5t: String,
    /// base64url SHA-256 (`x5t#S256`).
    #[napi(js_name = "x5tS256")]
    pub x5t_s256: String,
}

/// The fingerprints of an X.509 certificate given as PEM (a string or a `Buffer` of PEM
/// text) or DER (a `Buffer`).
///
/// # Errors
/// `bad_pem`, `bad_der`.
#[napi]
pub fn certificate_thumbprints(cert: Either<String, Buffer>) -> napi::Result<CertificateThumbprints> {
    let prints = match cert {
        Either::B(b) if !b.trim_ascii_start().starts_with(b"-----") => {
            bearerkit::CertificateThumbprints::from_der(&b)
        }
        other => {
            let text = pem_text(other)?;
            let mut scratch = vec![0u8; text.len().saturating_mul(2).saturating_add(64)];
            bearerkit::CertificateThumbprints::from_pem(&text, &mut scratch)
        }
    }
    .map_err(|e| errors::core(e, Ctx::Key))?;
    Ok(CertificateThumbprints {
        sha1_hex: prints.sha1_hex().to_string(),
        x5t: prints.x5t().to_string(),
        x5t_s256: prints.x5t_s256().to_string(),
    })
}
