//! P-256 keys: import (SEC1, PKCS#8, SPKI as DER or PEM; JWK; raw), export and generation.
//!
//! Everything here works without `alloc`: PEM is decoded into stack buffers and exports
//! write into a caller's buffer.

use crate::pem::{self, Label};
use crate::thumbprint::Thumbprint;
use crate::{Error, JsonStr, json};
use base64ct::{Base64UrlUnpadded, Encoding};
use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, OctetStringRef};
use der::{Decode, Encode};
use p256::elliptic_curve::rand_core::CryptoRng;
use zeroize::Zeroizing;

/// `id-ecPublicKey` (RFC 5480 §2.1.1).
pub(crate) const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// `prime256v1` / `secp256r1` (RFC 5480 §2.1.1.1).
pub(crate) const PRIME256V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

/// DER of a P-256 key is at most about 140 bytes; room for an RSA-2048 key to be recognised.
const DER_BUF: usize = 1536;

fn check_curve(params: Option<ObjectIdentifier>) -> Result<(), Error> {
    match params {
        Some(oid) if oid == PRIME256V1 => Ok(()),
        Some(_) => Err(Error::WrongCurve),
        None => Err(Error::BadDer),
    }
}

/// A P-256 private key for ES256 signing.
///
/// The scalar is zeroized on drop and never printed: `Debug` shows `SigningKey { .. }`.
/// Implements [`signature::Signer`] so it can be passed wherever bearerkit signs; any other
/// signer (an HSM, a cloud KMS) can be used in its place.
#[derive(Clone)]
pub struct SigningKey {
    inner: p256::ecdsa::SigningKey,
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SigningKey { .. }")
    }
}

impl SigningKey {
    /// Generate a new random key.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        use p256::elliptic_curve::Generate;
        Self { inner: p256::ecdsa::SigningKey::generate_from_rng(rng) }
    }

    /// From a 32-byte big-endian private scalar.
    ///
    /// # Errors
    /// [`Error::InvalidScalar`] when the length is not 32 or the scalar is 0 or ≥ n.
    pub fn from_bytes(scalar: &[u8]) -> Result<Self, Error> {
        if scalar.len() != 32 {
            return Err(Error::InvalidScalar);
        }
        p256::ecdsa::SigningKey::from_slice(scalar)
            .map(|inner| Self { inner })
            .map_err(|_| Error::InvalidScalar)
    }

    /// From a SEC1 `ECPrivateKey` DER structure (RFC 5915), as `openssl ecparam -genkey` writes.
    ///
    /// # Errors
    /// [`Error::BadDer`], [`Error::WrongCurve`], [`Error::InvalidScalar`] or
    /// [`Error::KeyMismatch`] when the embedded public key does not belong to the scalar.
    pub fn from_sec1_der(der: &[u8]) -> Result<Self, Error> {
        let ec = sec1::EcPrivateKey::from_der(der).map_err(|_| Error::BadDer)?;
        check_curve(ec.parameters.and_then(sec1::EcParameters::named_curve))?;
        Self::from_ec_private_key(&ec)
    }

    fn from_ec_private_key(ec: &sec1::EcPrivateKey<'_>) -> Result<Self, Error> {
        let key = Self::from_bytes(ec.private_key)?;
        // Compare points, not encodings (an embedded key may be compressed).
        if let Some(public) = ec.public_key
            && VerifyingKey::from_sec1_bytes(public)? != key.verifying_key()
        {
            return Err(Error::KeyMismatch);
        }
        Ok(key)
    }

    /// From a PKCS#8 `PrivateKeyInfo` DER structure (RFC 5208 / RFC 5958), unencrypted.
    ///
    /// # Errors
    /// [`Error::BadDer`], [`Error::UnsupportedKeyType`] (not an EC key),
    /// [`Error::WrongCurve`], [`Error::InvalidScalar`] or [`Error::KeyMismatch`].
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, Error> {
        let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|_| Error::BadDer)?;
        if info.algorithm.oid != ID_EC_PUBLIC_KEY {
            return Err(Error::UnsupportedKeyType);
        }
        let curve = info
            .algorithm
            .parameters
            .map(|p| p.decode_as::<ObjectIdentifier>().map_err(|_| Error::BadDer))
            .transpose()?;
        check_curve(curve)?;
        let ec = sec1::EcPrivateKey::from_der(info.private_key.as_bytes()).map_err(|_| Error::BadDer)?;
        if let Some(inner_curve) = ec.parameters.and_then(sec1::EcParameters::named_curve) {
            check_curve(Some(inner_curve))?;
        }
        let key = Self::from_ec_private_key(&ec)?;
        // PKCS#8 v2 (RFC 5958) may carry the public key too: it must match.
        if let Some(public) = info.public_key {
            let point = public.as_bytes().ok_or(Error::BadDer)?;
            if VerifyingKey::from_sec1_bytes(point)? != key.verifying_key() {
                return Err(Error::KeyMismatch);
            }
        }
        Ok(key)
    }

    /// From PEM: `EC PRIVATE KEY` (SEC1) or `PRIVATE KEY` (PKCS#8). Surrounding whitespace,
    /// trailing spaces on lines and CRLF line endings are tolerated.
    ///
    /// # Errors
    /// [`Error::BadPem`] for malformed armour or another label (a `PUBLIC KEY` is not a
    /// private key), then the errors of the DER import.
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        let mut der = Zeroizing::new([0u8; DER_BUF]);
        let (label, der) = pem::decode::<{ pem::MAX_KEY_PEM }>(pem, der.as_mut_slice())?;
        match label {
            Label::EcPrivateKey => Self::from_sec1_der(der),
            Label::PrivateKey => Self::from_pkcs8_der(der),
            Label::PublicKey | Label::Certificate => Err(Error::BadPem),
        }
    }

    /// From a private JWK (`kty` `EC`, `crv` `P-256`, `x`, `y`, `d`; RFC 7517, RFC 7518 §6.2).
    /// `use` (if present) must be `sig`, `key_ops` must contain `sign`, `alg` must be `ES256`.
    ///
    /// # Errors
    /// [`Error::KeyUsage`] for a key marked for another use;
    /// [`Error::BadJwk`], [`Error::UnsupportedKeyType`], [`Error::WrongCurve`],
    /// [`Error::InvalidScalar`], [`Error::InvalidPoint`] or [`Error::KeyMismatch`].
    pub fn from_jwk(jwk: &str) -> Result<Self, Error> {
        let parsed = Jwk::parse(jwk, "sign")?;
        let d = parsed.d.ok_or(Error::BadJwk)?;
        let key = Self::from_bytes(d.as_slice())?;
        let public = VerifyingKey::from_coordinates(&parsed.x, &parsed.y)?;
        if public != key.verifying_key() {
            return Err(Error::KeyMismatch);
        }
        Ok(key)
    }

    /// The matching public key.
    #[must_use]
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey(*self.inner.verifying_key())
    }

    /// The 32-byte private scalar (zeroized when dropped).
    #[must_use]
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.inner.to_bytes().into())
    }

    /// The underlying `p256` key.
    #[must_use]
    pub fn as_p256(&self) -> &p256::ecdsa::SigningKey {
        &self.inner
    }

    fn sec1_der<'b>(&self, with_params: bool, buf: &'b mut [u8]) -> Result<&'b [u8], Error> {
        let scalar = self.to_bytes();
        let public = self.verifying_key().to_sec1_bytes();
        let ec = sec1::EcPrivateKey {
            private_key: scalar.as_slice(),
            parameters: with_params.then_some(sec1::EcParameters::NamedCurve(PRIME256V1)),
            public_key: Some(public.as_slice()),
        };
        ec.encode_to_slice(buf).map_err(|_| Error::BufferTooSmall).map(|b| b as &[u8])
    }

    /// SEC1 `EC PRIVATE KEY` PEM (what `openssl ecparam -genkey -noout` writes) into `buf`.
    /// 300 bytes are enough.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn to_sec1_pem<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, Error> {
        let mut der = Zeroizing::new([0u8; DER_BUF]);
        let der = self.sec1_der(true, der.as_mut_slice())?;
        pem::encode(Label::EcPrivateKey, der, buf)
    }

    /// PKCS#8 `PRIVATE KEY` PEM into `buf`. 300 bytes are enough.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn to_pkcs8_pem<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, Error> {
        let mut der = Zeroizing::new([0u8; DER_BUF]);
        let der = self.to_pkcs8_der(der.as_mut_slice())?;
        pem::encode(Label::PrivateKey, der, buf)
    }

    /// PKCS#8 DER into `buf`. 160 bytes are enough.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn to_pkcs8_der<'b>(&self, buf: &'b mut [u8]) -> Result<&'b [u8], Error> {
        let mut inner = Zeroizing::new([0u8; DER_BUF]);
        let inner = self.sec1_der(false, inner.as_mut_slice())?;
        let curve = AnyRef::from(&PRIME256V1);
        let info = pkcs8::PrivateKeyInfoRef {
            algorithm: spki::AlgorithmIdentifier { oid: ID_EC_PUBLIC_KEY, parameters: Some(curve) },
            private_key: OctetStringRef::new(inner).map_err(|_| Error::BufferTooSmall)?,
            public_key: None,
        };
        info.encode_to_slice(buf).map_err(|_| Error::BufferTooSmall).map(|b| b as &[u8])
    }

    /// Private JWK `{"kty":"EC","crv":"P-256","x":…,"y":…,"d":…}` into `buf`. 200 bytes are enough.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn to_jwk<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, Error> {
        let d = self.to_bytes();
        self.verifying_key().write_jwk(Some(&d), buf)
    }

    /// SEC1 PEM as a `String` (zeroized on drop).
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn to_sec1_pem_string(&self) -> Zeroizing<alloc::string::String> {
        let mut buf = Zeroizing::new([0u8; 512]);
        let s = self.to_sec1_pem(buf.as_mut_slice()).unwrap_or_default();
        Zeroizing::new(alloc::string::String::from(s))
    }

    /// PKCS#8 PEM as a `String` (zeroized on drop).
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn to_pkcs8_pem_string(&self) -> Zeroizing<alloc::string::String> {
        let mut buf = Zeroizing::new([0u8; 512]);
        let s = self.to_pkcs8_pem(buf.as_mut_slice()).unwrap_or_default();
        Zeroizing::new(alloc::string::String::from(s))
    }

    /// Private JWK as a `String` (zeroized on drop).
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn to_jwk_string(&self) -> Zeroizing<alloc::string::String> {
        let mut buf = Zeroizing::new([0u8; 256]);
        let s = self.to_jwk(buf.as_mut_slice()).unwrap_or_default();
        Zeroizing::new(alloc::string::String::from(s))
    }
}

/// ES256 (RFC 6979 deterministic ECDSA with SHA-256, no low-S normalisation), the same
/// signature bytes as `p256`. With feature `fast-sign`, `k·G` is the constant-time wide
/// comb of [`crate::fast_sign`]; without it, `p256`'s own.
#[cfg(feature = "sign")]
impl signature::Signer<p256::ecdsa::Signature> for SigningKey {
    fn try_sign(&self, msg: &[u8]) -> Result<p256::ecdsa::Signature, signature::Error> {
        #[cfg(feature = "fast-sign")]
        {
            Ok(crate::fast_sign::sign(self.inner.as_nonzero_scalar(), msg))
        }
        #[cfg(not(feature = "fast-sign"))]
        {
            self.inner.try_sign(msg)
        }
    }
}

/// A P-256 public key for ES256 verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyingKey(pub(crate) p256::ecdsa::VerifyingKey);

impl VerifyingKey {
    /// The underlying `p256` key.
    #[must_use]
    pub fn as_p256(&self) -> &p256::ecdsa::VerifyingKey {
        &self.0
    }

    /// Wrap a `p256` key.
    #[must_use]
    pub fn from_p256(key: p256::ecdsa::VerifyingKey) -> Self {
        Self(key)
    }

    /// From a SEC1 encoded point: 65-byte uncompressed `04‖x‖y` or 33-byte compressed
    /// `02‖x` / `03‖x` (RFC 5480 §2.2). Any other prefix (the identity `00`, the
    /// non-standard compact `05`, hybrid `06`/`07`) is refused.
    ///
    /// # Errors
    /// [`Error::InvalidPoint`] when it is not a valid non-identity P-256 point in one of
    /// these two encodings.
    pub fn from_sec1_bytes(point: &[u8]) -> Result<Self, Error> {
        if !matches!((point.first(), point.len()), (Some(0x04), 65) | (Some(0x02 | 0x03), 33)) {
            return Err(Error::InvalidPoint);
        }
        p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map(Self).map_err(|_| Error::InvalidPoint)
    }

    fn from_coordinates(x: &[u8; 32], y: &[u8; 32]) -> Result<Self, Error> {
        // Straight from affine coordinates: the curve equation is checked, and no SEC1
        // decoding (with its point-decompression code) is linked into firmware.
        use p256::elliptic_curve::point::AffineCoordinates;
        let point = Option::<p256::AffinePoint>::from(p256::AffinePoint::from_coordinates(
            &(*x).into(),
            &(*y).into(),
        ))
        .ok_or(Error::InvalidPoint)?;
        p256::ecdsa::VerifyingKey::from_affine(point).map(Self).map_err(|_| Error::InvalidPoint)
    }

    /// From an X.509 `SubjectPublicKeyInfo` DER structure (RFC 5280 §4.1, RFC 5480).
    ///
    /// # Errors
    /// [`Error::BadDer`], [`Error::UnsupportedKeyType`], [`Error::WrongCurve`] or
    /// [`Error::InvalidPoint`].
    pub fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        let info = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|_| Error::BadDer)?;
        Self::from_spki(&info)
    }

    pub(crate) fn from_spki(info: &spki::SubjectPublicKeyInfoRef<'_>) -> Result<Self, Error> {
        if info.algorithm.oid != ID_EC_PUBLIC_KEY {
            return Err(Error::UnsupportedKeyType);
        }
        let curve = info
            .algorithm
            .parameters
            .map(|p| p.decode_as::<ObjectIdentifier>().map_err(|_| Error::BadDer))
            .transpose()?;
        check_curve(curve)?;
        let point = info.subject_public_key.as_bytes().ok_or(Error::BadDer)?;
        Self::from_sec1_bytes(point)
    }

    /// From PEM: `PUBLIC KEY` (SPKI), or a private key PEM (`EC PRIVATE KEY`, `PRIVATE KEY`)
    /// whose public half is taken. Whitespace is tolerated as for [`SigningKey::from_pem`].
    ///
    /// # Errors
    /// [`Error::BadPem`] and the errors of the DER imports.
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        let mut der = Zeroizing::new([0u8; DER_BUF]);
        let (label, der) = pem::decode::<{ pem::MAX_KEY_PEM }>(pem, der.as_mut_slice())?;
        match label {
            Label::PublicKey => Self::from_spki_der(der),
            Label::EcPrivateKey => SigningKey::from_sec1_der(der).map(|k| k.verifying_key()),
            Label::PrivateKey => SigningKey::from_pkcs8_der(der).map(|k| k.verifying_key()),
            Label::Certificate => Err(Error::BadPem),
        }
    }

    /// From a JWK (`kty` `EC`, `crv` `P-256`, `x`, `y`); a private JWK is accepted and its
    /// public half used, after checking that `d` matches. `use` (if present) must be `sig`,
    /// `key_ops` must contain `verify`, `alg` must be `ES256`.
    ///
    /// # Errors
    /// [`Error::KeyUsage`] for a key marked for another use;
    /// [`Error::BadJwk`], [`Error::UnsupportedKeyType`], [`Error::WrongCurve`],
    /// [`Error::InvalidPoint`], or for a private JWK [`Error::InvalidScalar`] /
    /// [`Error::KeyMismatch`].
    pub fn from_jwk(jwk: &str) -> Result<Self, Error> {
        let parsed = Jwk::parse(jwk, "verify")?;
        let key = Self::from_coordinates(&parsed.x, &parsed.y)?;
        if let Some(d) = parsed.d
            && SigningKey::from_bytes(d.as_slice())?.verifying_key() != key
        {
            return Err(Error::KeyMismatch);
        }
        Ok(key)
    }

    /// The uncompressed SEC1 point `04‖x‖y`.
    #[must_use]
    pub fn to_sec1_bytes(&self) -> [u8; 65] {
        let point = self.0.to_sec1_point(false);
        let mut out = [0u8; 65];
        if let Some(bytes) = point.as_bytes().get(..65) {
            out.copy_from_slice(bytes);
        }
        out
    }

    fn coordinates(&self) -> ([u8; 32], [u8; 32]) {
        let p = self.to_sec1_bytes();
        let mut x = [0u8; 32];
        let mut y = [0u8; 32];
        x.copy_from_slice(&p[1..33]);
        y.copy_from_slice(&p[33..]);
        (x, y)
    }

    /// SPKI DER into `buf`. 91 bytes are enough.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn to_spki_der<'b>(&self, buf: &'b mut [u8]) -> Result<&'b [u8], Error> {
        let point = self.to_sec1_bytes();
        let curve = AnyRef::from(&PRIME256V1);
        let info = spki::SubjectPublicKeyInfoRef {
            algorithm: spki::AlgorithmIdentifier { oid: ID_EC_PUBLIC_KEY, parameters: Some(curve) },
            subject_public_key: BitStringRef::from_bytes(&point).map_err(|_| Error::BufferTooSmall)?,
        };
        info.encode_to_slice(buf).map_err(|_| Error::BufferTooSmall).map(|b| b as &[u8])
    }

    /// SPKI `PUBLIC KEY` PEM into `buf` (what `openssl ec -pubout` writes). 200 bytes are enough.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn to_spki_pem<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, Error> {
        let mut der = [0u8; 128];
        let der = self.to_spki_der(&mut der)?;
        pem::encode(Label::PublicKey, der, buf)
    }

    /// Public JWK `{"kty":"EC","crv":"P-256","x":…,"y":…}` into `buf`. 128 bytes are enough.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`].
    pub fn to_jwk<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, Error> {
        self.write_jwk(None, buf)
    }

    fn write_jwk<'b>(&self, d: Option<&[u8; 32]>, buf: &'b mut [u8]) -> Result<&'b str, Error> {
        let (x, y) = self.coordinates();
        let mut w = crate::json::writer::Writer::new(buf);
        w.push(b"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"")?;
        w.push_b64(&x)?;
        w.push(b"\",\"y\":\"")?;
        w.push_b64(&y)?;
        if let Some(d) = d {
            w.push(b"\",\"d\":\"")?;
            w.push_b64(d)?;
        }
        w.push(b"\"}")?;
        w.finish_str()
    }

    /// RFC 7638 JWK thumbprint: SHA-256 over the canonical public JWK, base64url.
    #[must_use]
    pub fn thumbprint(&self) -> Thumbprint {
        let mut buf = [0u8; 160];
        Thumbprint::of_canonical_jwk(self.canonical_jwk(&mut buf).unwrap_or_default())
    }

    /// The canonical RFC 7638 JSON `{"crv":"P-256","kty":"EC","x":…,"y":…}` into `buf`.
    pub(crate) fn canonical_jwk<'b>(&self, buf: &'b mut [u8]) -> Result<&'b [u8], Error> {
        let (x, y) = self.coordinates();
        let mut w = crate::json::writer::Writer::new(buf);
        w.push(b"{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"")?;
        w.push_b64(&x)?;
        w.push(b"\",\"y\":\"")?;
        w.push_b64(&y)?;
        w.push(b"\"}")?;
        Ok(w.finish())
    }

    /// SPKI PEM as a `String`.
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn to_spki_pem_string(&self) -> alloc::string::String {
        let mut buf = [0u8; 256];
        alloc::string::String::from(self.to_spki_pem(&mut buf).unwrap_or_default())
    }

    /// Public JWK as a `String`.
    #[cfg(feature = "alloc")]
    #[must_use]
    pub fn to_jwk_string(&self) -> alloc::string::String {
        let mut buf = [0u8; 160];
        alloc::string::String::from(self.to_jwk(&mut buf).unwrap_or_default())
    }
}

impl From<&SigningKey> for VerifyingKey {
    fn from(key: &SigningKey) -> Self {
        key.verifying_key()
    }
}

/// The members of an EC JWK that matter here.
struct Jwk {
    x: [u8; 32],
    y: [u8; 32],
    d: Option<Zeroizing<[u8; 32]>>,
}

/// Decode a 32-byte base64url JWK member into `out`; `false` when absent.
fn jwk_member(obj: &json::Object<'_>, name: &str, out: &mut [u8; 32]) -> Result<bool, Error> {
    let Some(value) = obj.get(name) else { return Ok(false) };
    let s = value.as_json_str().and_then(|s| s.as_str()).ok_or(Error::BadJwk)?;
    match Base64UrlUnpadded::decode(s, out) {
        Ok(decoded) if decoded.len() == 32 => Ok(true),
        _ => Err(Error::BadJwk),
    }
}

fn jwk_coordinate(obj: &json::Object<'_>, name: &str) -> Result<Option<[u8; 32]>, Error> {
    let mut out = [0u8; 32];
    Ok(jwk_member(obj, name, &mut out)?.then_some(out))
}

/// `use`, `key_ops` and `alg` must allow ES256 signing or verification (RFC 7517 §4.2-4.4).
fn check_usage(obj: &json::Object<'_>, op: &str) -> Result<(), Error> {
    if let Some(u) = obj.get("use") {
        let u = u.as_json_str().ok_or(Error::BadJwk)?;
        if !u.eq_str("sig") {
            return Err(Error::KeyUsage);
        }
    }
    if let Some(ops) = obj.get("key_ops") {
        let mut items = ops.array_items().ok_or(Error::BadJwk)?;
        // A private JWK marked `sign` may also give its public half for verification.
        let has_d = obj.get("d").is_some();
        let ok = |s: &JsonStr<'_>| s.eq_str(op) || (op == "verify" && has_d && s.eq_str("sign"));
        if !items.any(|i| i.as_json_str().is_some_and(|s| ok(&s))) {
            return Err(Error::KeyUsage);
        }
    }
    if let Some(alg) = obj.get("alg") {
        let alg = alg.as_json_str().ok_or(Error::BadJwk)?;
        if !alg.eq_str("ES256") {
            return Err(Error::KeyUsage);
        }
    }
    Ok(())
}

impl Jwk {
    fn parse(text: &str, op: &str) -> Result<Self, Error> {
        let obj = json::Object::parse(text.as_bytes().trim_ascii()).map_err(|e| match e {
            Error::DuplicateMember => Error::DuplicateMember,
            _ => Error::BadJwk,
        })?;
        let kty = obj.get("kty").and_then(|v| v.as_json_str()).ok_or(Error::BadJwk)?;
        if !kty.eq_str("EC") {
            return Err(Error::UnsupportedKeyType);
        }
        let crv = obj.get("crv").and_then(|v| v.as_json_str()).ok_or(Error::BadJwk)?;
        if !crv.eq_str("P-256") {
            return Err(Error::WrongCurve);
        }
        check_usage(&obj, op)?;
        let x = jwk_coordinate(&obj, "x")?.ok_or(Error::BadJwk)?;
        let y = jwk_coordinate(&obj, "y")?.ok_or(Error::BadJwk)?;
        // The private scalar is decoded straight into memory that is zeroized on drop.
        let mut d = Zeroizing::new([0u8; 32]);
        let d = if jwk_member(&obj, "d", &mut d)? { Some(d) } else { None };
        Ok(Self { x, y, d })
    }
}

/// RFC 7638 thumbprint of a P-256 public key: base64url(SHA-256 of
/// `{"crv":"P-256","kty":"EC","x":…,"y":…}`); the same as [`VerifyingKey::thumbprint`].
#[must_use]
pub fn jwk_thumbprint(key: &VerifyingKey) -> Thumbprint {
    key.thumbprint()
}
