//! RS256 and PS256 (RSA with SHA-256) for bearerkit, through [`ring`].
//!
//! The `#![no_std]` core speaks ES256 only; this std crate plugs RSA into its algorithm
//! seam: [`RsaSigner`] implements [`bearerkit::JwsSigner`] (for
//! [`bearerkit::Assertion::sign_with`]) and [`RsaVerifier`] implements
//! [`bearerkit::JwsVerifier`] (for [`bearerkit::verify`], which applies the whole
//! verification contract: the key decides the algorithm, the signature must be exactly the
//! modulus length, then the header and claims policy).
//!
//! Signing uses ring's constant-time RSASSA-PKCS1-v1_5 (`RS256`, deterministic) and
//! RSASSA-PSS (`PS256`, salt from ring's `SystemRandom`) with SHA-256. Keys are 2048 to 4096
//! bits. The `rsa` crate is not used (RUSTSEC-2023-0071).
//!
//! ```
//! use bearerkit::{Assertion, Validation};
//! use bearerkit_rsa::RsaSigningKey;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let key = RsaSigningKey::from_pem(include_str!("../tests/keys/rsa2048.pem"))?;
//! let token = Assertion::new()
//!     .issuer("client-1")
//!     .subject("client-1")
//!     .audience("https://idp.example/token")
//!     .issued_at(1_700_000_000)
//!     .expires_in(300)
//!     .sign_with_to_string(&key.ps256())?;
//!
//! let public = key.public_key();
//! let policy = Validation::new(1_700_000_100).audience("https://idp.example/token");
//! let mut scratch = [0u8; 2048];
//! let verified = bearerkit::verify(&token, &public.ps256(), &policy, &mut scratch)?;
//! assert_eq!(verified.header().alg().map(|a| a.eq_str("PS256")), Some(true));
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

mod error;

use core::fmt;

use base64ct::{Base64UrlUnpadded, Encoding as _};
use der::asn1::{ObjectIdentifier, UintRef};
use der::{Decode as _, Reader as _, SliceReader};
use ring::rand::SystemRandom;
use ring::signature::{self as rs, KeyPair as _, RsaKeyPair, RsaPublicKeyComponents};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

pub use error::Error;

/// The `rsaEncryption` algorithm identifier (RFC 8017 Appendix C).
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// The smallest modulus accepted, in bits.
pub const MIN_MODULUS_BITS: usize = 2048;
/// The largest modulus accepted, in bits (a 512-byte signature,
/// [`bearerkit::MAX_SIGNATURE_LEN`]).
pub const MAX_MODULUS_BITS: usize = 4096;

/// An RSA JWS algorithm with SHA-256.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RsaAlgorithm {
    /// `RS256`: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3). Deterministic.
    Rs256,
    /// `PS256`: RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt
    /// (RFC 7518 §3.5). Randomised.
    Ps256,
}

impl RsaAlgorithm {
    /// The JWS `alg` name: `"RS256"` or `"PS256"`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Ps256 => "PS256",
        }
    }

    /// The algorithm named `name` (`"RS256"` or `"PS256"`, exactly), if it is one.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Rs256, Self::Ps256].into_iter().find(|a| a.name() == name)
    }
}

impl fmt::Display for RsaAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn modulus_bits(n: &[u8]) -> usize {
    // `n` has no leading zero bytes (DER INTEGER / `UintRef`).
    n.first().map_or(0, |b| n.len() * 8 - b.leading_zeros() as usize)
}

fn check_size(n: &[u8]) -> Result<usize, Error> {
    let bits = modulus_bits(n);
    if (MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) {
        Ok(bits)
    } else {
        Err(Error::KeySize { bits })
    }
}

/// ring's limits: odd, at least `min`, at most 33 bits.
fn check_exponent(e: &[u8], min: u64) -> Result<(), Error> {
    if e.len() > 5 {
        return Err(Error::BadExponent);
    }
    let v = e.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    if v % 2 == 0 || v < min || v >= (1 << 33) {
        return Err(Error::BadExponent);
    }
    Ok(())
}

/// `RSAPrivateKey` (RFC 8017 A.1.2, two primes): `(n, e)`.
fn pkcs1_private_n_e(der: &[u8]) -> Result<(&[u8], &[u8]), Error> {
    let mut r = SliceReader::new(der)?;
    let ne = r.sequence(|r| {
        let version: UintRef<'_> = r.decode()?;
        let n: UintRef<'_> = r.decode()?;
        let e: UintRef<'_> = r.decode()?;
        for _ in 0..6 {
            let _: UintRef<'_> = r.decode()?; // d, p, q, dp, dq, qinv
        }
        if version.as_bytes().iter().any(|b| *b != 0) {
            // Version 1 is multi-prime, which ring refuses.
            return Err(Error::BadDer);
        }
        Ok((n.as_bytes(), e.as_bytes()))
    })?;
    r.finish()?;
    Ok(ne)
}

/// `RSAPublicKey` (RFC 8017 A.1.1): `(n, e)`.
fn pkcs1_public_n_e(der: &[u8]) -> Result<(&[u8], &[u8]), Error> {
    let mut r = SliceReader::new(der)?;
    let ne = r.sequence(|r| {
        let n: UintRef<'_> = r.decode()?;
        let e: UintRef<'_> = r.decode()?;
        Ok::<_, der::Error>((n.as_bytes(), e.as_bytes()))
    })?;
    r.finish()?;
    Ok(ne)
}

fn pem_decode(pem: &str) -> Result<(&str, Zeroizing<Vec<u8>>), Error> {
    let (label, der) = pem_rfc7468::decode_vec(pem.trim().as_bytes()).map_err(|_| Error::BadPem)?;
    Ok((label, Zeroizing::new(der)))
}

/// The label of the first `-----BEGIN …-----` line, read without decoding anything.
fn pem_label(pem: &str) -> Option<&str> {
    pem.trim_start().strip_prefix("-----BEGIN ")?.split_once("-----").map(|(label, _)| label)
}

/// The DER encoding of the `rsaEncryption` OID: tag, length, value.
const RSA_ENCRYPTION_DER: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// Skip one DER tag-and-length header whose tag is `tag`; the length itself is not checked
/// against the input (the structure may be damaged further on).
fn skip_header(der: &[u8], tag: u8) -> Option<&[u8]> {
    let (&t, rest) = der.split_first()?;
    let (&len, rest) = rest.split_first()?;
    if t != tag {
        return None;
    }
    match len {
        0..=0x7f => Some(rest),
        0x81..=0x84 => rest.get(usize::from(len & 0x7f)..),
        _ => None,
    }
}

/// Whether DER `der` starts like a PKCS#8 `PrivateKeyInfo` or a `SubjectPublicKeyInfo`
/// whose algorithm is `rsaEncryption`. Only the headers up to the algorithm OID are read,
/// so a key damaged further on (its PKCS#1 body, a length) is still recognised.
#[must_use]
pub fn looks_like_rsa_der(der: &[u8]) -> bool {
    const SEQUENCE: u8 = 0x30;
    const INTEGER: u8 = 0x02;
    let Some(inner) = skip_header(der, SEQUENCE) else { return false };
    // PKCS#8: version INTEGER (one byte: 0 or 1), then the AlgorithmIdentifier.
    let alg = match inner.first() {
        Some(&INTEGER) => skip_header(inner, INTEGER).and_then(|r| r.get(1..)),
        // SPKI: the AlgorithmIdentifier first.
        _ => Some(inner),
    };
    alg.and_then(|a| skip_header(a, SEQUENCE)).is_some_and(|oid| oid.starts_with(RSA_ENCRYPTION_DER))
}

/// Whether the PEM text `pem` holds an RSA key, however damaged its body: the label is
/// `RSA PRIVATE KEY` or `RSA PUBLIC KEY`, or it is `PRIVATE KEY` / `PUBLIC KEY` with the
/// `rsaEncryption` algorithm ([`looks_like_rsa_der`]).
///
/// For callers that try several key types: when the other imports fail too, this says
/// whose error to report (an RSA key with a bad body is this crate's `bad_der` or
/// `rsa_key_invalid`, not "unsupported key type").
#[must_use]
pub fn looks_like_rsa(pem: &str) -> bool {
    match pem_label(pem) {
        Some("RSA PRIVATE KEY" | "RSA PUBLIC KEY") => true,
        Some("PRIVATE KEY" | "PUBLIC KEY") => pem_decode(pem).is_ok_and(|(_, der)| looks_like_rsa_der(&der)),
        _ => false,
    }
}

#[cfg(test)]
mod looks_like {
    use super::*;

    #[test]
    fn headers_only() {
        // A PKCS#8 header with the RSA OID and nothing valid after it.
        let p8 = [&[0x30, 0x82, 0x04, 0xbd, 0x02, 0x01, 0x00, 0x30, 0x0d][..], RSA_ENCRYPTION_DER, &[0x05]]
            .concat();
        assert!(looks_like_rsa_der(&p8));
        // An SPKI header with it.
        let spki = [&[0x30, 0x82, 0x01, 0x22, 0x30, 0x0d][..], RSA_ENCRYPTION_DER].concat();
        assert!(looks_like_rsa_der(&spki));
        // id-ecPublicKey, a truncated OID, garbage.
        let ec = [0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
        assert!(!looks_like_rsa_der(&ec));
        assert!(!looks_like_rsa_der(&spki[..10]));
        assert!(!looks_like_rsa_der(b""));
        assert!(!looks_like_rsa_der(&[0x30, 0x85, 0, 0, 0, 0, 0]));
    }
}

/// An RSA private key (2048 to 4096 bits) that signs `RS256` and `PS256`.
///
/// Imported from PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`). The
/// decoded DER is zeroized after import; `Debug` shows only the modulus size.
///
/// ring's `RsaKeyPair`, which holds the private key, does **not** zeroize its memory when
/// dropped (ring issue #15): the primes and exponents stay in freed memory until it is
/// reused. Keep one key for the life of the process rather than importing it per request.
pub struct RsaSigningKey {
    pair: RsaKeyPair,
    public: RsaVerifyingKey,
    rng: SystemRandom,
}

impl fmt::Debug for RsaSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaSigningKey")
            .field("modulus_bits", &self.public.modulus_bits())
            .finish_non_exhaustive()
    }
}

impl RsaSigningKey {
    /// Import a PEM private key: `BEGIN PRIVATE KEY` (PKCS#8) or `BEGIN RSA PRIVATE KEY`
    /// (PKCS#1).
    ///
    /// # Errors
    /// [`Error::BadPem`] for malformed armour or another label (an encrypted key too);
    /// [`Error::UnsupportedKeyType`] for a SEC1 `BEGIN EC PRIVATE KEY`; otherwise as
    /// [`Self::from_pkcs8_der`] / [`Self::from_pkcs1_der`].
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        // A SEC1 elliptic-curve key: a key, but not an RSA key (decided by its label alone).
        if pem_label(pem) == Some("EC PRIVATE KEY") {
            return Err(Error::UnsupportedKeyType);
        }
        let (label, der) = pem_decode(pem)?;
        match label {
            "PRIVATE KEY" => Self::from_pkcs8_der(&der),
            "RSA PRIVATE KEY" => Self::from_pkcs1_der(&der),
            _ => Err(Error::BadPem),
        }
    }

    /// Import a DER PKCS#8 `PrivateKeyInfo` (RFC 5208) holding an RSA key.
    ///
    /// # Errors
    /// [`Error::BadDer`] for malformed DER; [`Error::UnsupportedKeyType`] for a key other
    /// than `rsaEncryption`; otherwise as [`Self::from_pkcs1_der`].
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, Error> {
        let info = pkcs8::PrivateKeyInfoRef::try_from(der).map_err(|_| Error::BadDer)?;
        if info.algorithm.oid != RSA_ENCRYPTION {
            return Err(Error::UnsupportedKeyType);
        }
        Self::from_pkcs1_der(info.private_key.as_bytes())
    }

    /// Import a DER PKCS#1 `RSAPrivateKey` (RFC 8017 A.1.2, two primes).
    ///
    /// # Errors
    /// [`Error::BadDer`] for malformed DER; [`Error::KeySize`] for a modulus outside 2048
    /// to 4096 bits; [`Error::BadExponent`] for an even exponent or one below 65537 (ring's
    /// rule for private keys); [`Error::InvalidKey`] (`rsa_key_invalid`) when ring refuses
    /// the key after our own parse accepted it (inconsistent components, mostly).
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, Error> {
        let (n, e) = pkcs1_private_n_e(der)?;
        check_size(n)?;
        check_exponent(e, 65_537)?;
        // ring's `KeyRejected` has no stable reason to match on (only its `Display` text),
        // and our parse above has already decided the DER is well-formed: whatever ring
        // refuses now is the key itself.
        let pair = RsaKeyPair::from_der(der).map_err(|_| Error::InvalidKey)?;
        let comps = RsaPublicKeyComponents::<Vec<u8>>::from(pair.public_key());
        let public = RsaVerifyingKey::from_components(&comps.n, &comps.e)?;
        Ok(Self { pair, public, rng: SystemRandom::new() })
    }

    /// The public key.
    #[must_use]
    pub fn public_key(&self) -> RsaVerifyingKey {
        self.public.clone()
    }

    /// The modulus length in bits.
    #[must_use]
    pub fn modulus_bits(&self) -> usize {
        self.public.modulus_bits()
    }

    /// A signer for `alg`.
    #[must_use]
    pub const fn signer(&self, alg: RsaAlgorithm) -> RsaSigner<'_> {
        RsaSigner { key: self, alg }
    }

    /// An `RS256` signer (RSASSA-PKCS1-v1_5, SHA-256).
    #[must_use]
    pub const fn rs256(&self) -> RsaSigner<'_> {
        self.signer(RsaAlgorithm::Rs256)
    }

    /// A `PS256` signer (RSASSA-PSS, SHA-256).
    #[must_use]
    pub const fn ps256(&self) -> RsaSigner<'_> {
        self.signer(RsaAlgorithm::Ps256)
    }

    /// Whether the DER X.509 certificate `cert_der` carries this key's public key (the
    /// check before using the certificate's thumbprint as `kid`). A malformed certificate or
    /// a non-RSA key is `false`.
    #[must_use]
    pub fn matches_certificate_der(&self, cert_der: &[u8]) -> bool {
        RsaVerifyingKey::from_certificate_der(cert_der).is_ok_and(|k| k == self.public)
    }
}

/// Whether the DER X.509 certificate `cert_der` carries `key`'s public key; the same as
/// [`RsaSigningKey::matches_certificate_der`].
#[must_use]
pub fn certificate_matches(cert_der: &[u8], key: &RsaSigningKey) -> bool {
    key.matches_certificate_der(cert_der)
}

/// A JWS signer: an [`RsaSigningKey`] with one [`RsaAlgorithm`]. Implements
/// [`bearerkit::JwsSigner`].
#[derive(Clone, Copy, Debug)]
pub struct RsaSigner<'k> {
    key: &'k RsaSigningKey,
    alg: RsaAlgorithm,
}

impl RsaSigner<'_> {
    /// The algorithm.
    #[must_use]
    pub const fn rsa_algorithm(&self) -> RsaAlgorithm {
        self.alg
    }
}

impl bearerkit::JwsSigner for RsaSigner<'_> {
    fn algorithm(&self) -> &str {
        self.alg.name()
    }

    fn sign_jws(&self, signing_input: &[u8], out: &mut [u8]) -> Result<usize, bearerkit::Error> {
        let len = self.key.pair.public().modulus_len();
        let out = out.get_mut(..len).ok_or(bearerkit::Error::SignerFailed)?;
        let padding: &'static dyn rs::RsaEncoding = match self.alg {
            RsaAlgorithm::Rs256 => &rs::RSA_PKCS1_SHA256,
            RsaAlgorithm::Ps256 => &rs::RSA_PSS_SHA256,
        };
        self.key
            .pair
            .sign(padding, &self.key.rng, signing_input, out)
            .map_err(|_| bearerkit::Error::SignerFailed)?;
        Ok(len)
    }
}

/// An RSA public key (2048 to 4096 bits) that verifies `RS256` and `PS256`.
///
/// Two keys are equal when their modulus and exponent are.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RsaVerifyingKey {
    /// Big-endian, no leading zero bytes.
    n: Vec<u8>,
    /// Big-endian, no leading zero bytes.
    e: Vec<u8>,
}

impl fmt::Debug for RsaVerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaVerifyingKey")
            .field("modulus_bits", &self.modulus_bits())
            .field("thumbprint", &self.thumbprint())
            .finish()
    }
}

impl RsaVerifyingKey {
    /// A key from its big-endian modulus and public exponent (leading zero bytes ignored).
    ///
    /// # Errors
    /// [`Error::KeySize`] for a modulus outside 2048 to 4096 bits; [`Error::BadExponent`]
    /// for an even exponent, one below 3 or longer than 33 bits.
    pub fn from_components(n: &[u8], e: &[u8]) -> Result<Self, Error> {
        let strip = |b: &[u8]| -> Vec<u8> { b.iter().copied().skip_while(|x| *x == 0).collect() };
        let (n, e) = (strip(n), strip(e));
        check_size(&n)?;
        check_exponent(&e, 3)?;
        Ok(Self { n, e })
    }

    /// Import a PEM public key: `BEGIN PUBLIC KEY` (SPKI) or `BEGIN RSA PUBLIC KEY`
    /// (PKCS#1).
    ///
    /// # Errors
    /// [`Error::BadPem`] for malformed armour or another label; otherwise as
    /// [`Self::from_spki_der`] / [`Self::from_pkcs1_der`].
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        let (label, der) = pem_decode(pem)?;
        match label {
            "PUBLIC KEY" => Self::from_spki_der(&der),
            "RSA PUBLIC KEY" => Self::from_pkcs1_der(&der),
            _ => Err(Error::BadPem),
        }
    }

    /// Import a DER PKCS#1 `RSAPublicKey`.
    ///
    /// # Errors
    /// [`Error::BadDer`] for malformed DER; otherwise as [`Self::from_components`].
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, Error> {
        let (n, e) = pkcs1_public_n_e(der)?;
        Self::from_components(n, e)
    }

    /// Import a DER `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7) holding an RSA key.
    ///
    /// # Errors
    /// [`Error::BadDer`] for malformed DER; [`Error::UnsupportedKeyType`] for a key other
    /// than `rsaEncryption`; otherwise as [`Self::from_components`].
    pub fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        let spki = spki::SubjectPublicKeyInfoRef::try_from(der).map_err(|_| Error::BadDer)?;
        Self::from_spki_parts(spki.algorithm.oid, spki.subject_public_key.as_bytes())
    }

    fn from_spki_parts(oid: ObjectIdentifier, key: Option<&[u8]>) -> Result<Self, Error> {
        if oid != RSA_ENCRYPTION {
            return Err(Error::UnsupportedKeyType);
        }
        Self::from_pkcs1_der(key.ok_or(Error::BadDer)?)
    }

    /// The public key of a DER X.509 certificate. The certificate itself (validity, issuer,
    /// signature) is not checked.
    ///
    /// # Errors
    /// [`Error::BadDer`] for a malformed certificate; otherwise as [`Self::from_spki_der`].
    pub fn from_certificate_der(der: &[u8]) -> Result<Self, Error> {
        let cert = x509_cert::Certificate::from_der(der)?;
        let spki = cert.tbs_certificate().subject_public_key_info();
        Self::from_spki_parts(spki.algorithm.oid, spki.subject_public_key.as_bytes())
    }

    /// The public key of a PEM (`BEGIN CERTIFICATE`) X.509 certificate.
    ///
    /// # Errors
    /// [`Error::BadPem`] for malformed armour or another label; otherwise as
    /// [`Self::from_certificate_der`].
    pub fn from_certificate_pem(pem: &str) -> Result<Self, Error> {
        let (label, der) = pem_decode(pem)?;
        if label != "CERTIFICATE" {
            return Err(Error::BadPem);
        }
        Self::from_certificate_der(&der)
    }

    /// The modulus length in bits.
    #[must_use]
    pub fn modulus_bits(&self) -> usize {
        modulus_bits(&self.n)
    }

    /// The modulus length in bytes: the length of every signature with this key.
    #[must_use]
    pub fn modulus_len(&self) -> usize {
        self.modulus_bits().div_ceil(8)
    }

    /// The modulus, big-endian without leading zero bytes.
    #[must_use]
    pub fn modulus(&self) -> &[u8] {
        &self.n
    }

    /// The public exponent, big-endian without leading zero bytes.
    #[must_use]
    pub fn exponent(&self) -> &[u8] {
        &self.e
    }

    /// A verifier for `alg`.
    #[must_use]
    pub const fn verifier(&self, alg: RsaAlgorithm) -> RsaVerifier<'_> {
        RsaVerifier { key: self, alg }
    }

    /// An `RS256` verifier.
    #[must_use]
    pub const fn rs256(&self) -> RsaVerifier<'_> {
        self.verifier(RsaAlgorithm::Rs256)
    }

    /// A `PS256` verifier.
    #[must_use]
    pub const fn ps256(&self) -> RsaVerifier<'_> {
        self.verifier(RsaAlgorithm::Ps256)
    }

    /// The public JWK (RFC 7517, RFC 7518 §6.3.1): `{"kty":"RSA","n":…,"e":…}`.
    #[must_use]
    pub fn to_jwk(&self) -> String {
        format!(
            r#"{{"kty":"RSA","n":"{}","e":"{}"}}"#,
            Base64UrlUnpadded::encode_string(&self.n),
            Base64UrlUnpadded::encode_string(&self.e)
        )
    }

    /// The RFC 7638 thumbprint: base64url(SHA-256 of `{"e":…,"kty":"RSA","n":…}`).
    #[must_use]
    pub fn thumbprint(&self) -> String {
        let json = format!(
            r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
            Base64UrlUnpadded::encode_string(&self.e),
            Base64UrlUnpadded::encode_string(&self.n)
        );
        Base64UrlUnpadded::encode_string(&Sha256::digest(json.as_bytes()))
    }
}

/// A JWS verifier: an [`RsaVerifyingKey`] with one [`RsaAlgorithm`]. Implements
/// [`bearerkit::JwsVerifier`], so [`bearerkit::verify`] refuses any other `alg`
/// (`unsupported_alg`) and any signature not exactly the modulus length
/// (`bad_signature_length`).
#[derive(Clone, Copy, Debug)]
pub struct RsaVerifier<'k> {
    key: &'k RsaVerifyingKey,
    alg: RsaAlgorithm,
}

impl RsaVerifier<'_> {
    /// The algorithm.
    #[must_use]
    pub const fn rsa_algorithm(&self) -> RsaAlgorithm {
        self.alg
    }
}

impl bearerkit::JwsVerifier for RsaVerifier<'_> {
    fn algorithm(&self) -> &str {
        self.alg.name()
    }

    fn signature_len(&self) -> usize {
        self.key.modulus_len()
    }

    fn verify_signature(&self, signing_input: &[u8], signature: &[u8]) -> Result<(), bearerkit::Error> {
        let params: &rs::RsaParameters = match self.alg {
            RsaAlgorithm::Rs256 => &rs::RSA_PKCS1_2048_8192_SHA256,
            RsaAlgorithm::Ps256 => &rs::RSA_PSS_2048_8192_SHA256,
        };
        RsaPublicKeyComponents { n: &self.key.n[..], e: &self.key.e[..] }
            .verify(params, signing_input, signature)
            .map_err(|_| bearerkit::Error::BadSignature)
    }
}
