//! The key that signs client assertions: P-256 (`ES256`) or RSA (`RS256`, `PS256`).

use crate::Error;
use bearerkit::JwsSigner;
use bearerkit::p256::ecdsa::Signature;
use bearerkit_rsa::{RsaAlgorithm, RsaSigningKey, RsaVerifyingKey};
use core::fmt;
use std::sync::Arc;

/// What signs a `private_key_jwt` client assertion, and with which JWS algorithm.
///
/// * a P-256 key or any ES256 [`Signer`](bearerkit::signature::Signer) (an HSM, a cloud
///   KMS): `ES256` ([`es256`](Self::es256));
/// * an RSA key of 2048 to 4096 bits: `RS256` (RSASSA-PKCS1-v1_5, the usual choice and
///   the default) or `PS256` (RSASSA-PSS) ([`rsa`](Self::rsa), signed by `ring` in constant
///   time);
/// * anything else that implements the core's [`JwsSigner`] ([`custom`](Self::custom)).
///
/// [`from_pem`](Self::from_pem) reads either kind of private key and picks `ES256` or
/// `RS256` from the key. `Debug` shows the algorithm only, never key material.
#[derive(Clone)]
pub struct AssertionSigner {
    signer: Arc<dyn JwsSigner + Send + Sync>,
    /// The public key, when the signer is a key of ours (for the certificate match check).
    public: Option<PublicKey>,
}

#[derive(Clone)]
enum PublicKey {
    Ec(bearerkit::VerifyingKey),
    Rsa(RsaVerifyingKey),
}

impl fmt::Debug for AssertionSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssertionSigner").field("algorithm", &self.algorithm()).finish_non_exhaustive()
    }
}

/// An ES256 [`Signer`](bearerkit::signature::Signer) on the core's algorithm seam.
struct Es256<S>(S);

impl<S: bearerkit::signature::Signer<Signature>> JwsSigner for Es256<S> {
    fn algorithm(&self) -> &str {
        "ES256"
    }

    fn sign_jws(&self, signing_input: &[u8], out: &mut [u8]) -> Result<usize, bearerkit::Error> {
        let sig: Signature = self.0.try_sign(signing_input).map_err(|_| bearerkit::Error::SignerFailed)?;
        let bytes = sig.to_bytes();
        out.get_mut(..bytes.len()).ok_or(bearerkit::Error::SignerFailed)?.copy_from_slice(&bytes);
        Ok(bytes.len())
    }
}

/// A (shared) RSA key with its algorithm.
struct Rsa {
    key: Arc<RsaSigningKey>,
    alg: RsaAlgorithm,
}

impl JwsSigner for Rsa {
    fn algorithm(&self) -> &str {
        self.alg.name()
    }

    fn sign_jws(&self, signing_input: &[u8], out: &mut [u8]) -> Result<usize, bearerkit::Error> {
        self.key.signer(self.alg).sign_jws(signing_input, out)
    }
}

impl AssertionSigner {
    /// `ES256` with `signer`: a [`bearerkit::SigningKey`], or a wrapper around an HSM or a
    /// cloud KMS that returns P-256 signatures.
    pub fn es256(signer: impl bearerkit::signature::Signer<Signature> + Send + Sync + 'static) -> Self {
        // A key of the core's: remember its public key for the certificate check.
        let public = (&signer as &dyn core::any::Any)
            .downcast_ref::<bearerkit::SigningKey>()
            .map(|key| PublicKey::Ec(key.verifying_key()));
        Self { signer: Arc::new(Es256(signer)), public }
    }

    /// `alg` (`RS256` or `PS256`) with the RSA key `key` (owned, or shared in an `Arc`).
    #[must_use]
    pub fn rsa(key: impl Into<Arc<RsaSigningKey>>, alg: RsaAlgorithm) -> Self {
        let key = key.into();
        let public = Some(PublicKey::Rsa(key.public_key()));
        Self { signer: Arc::new(Rsa { key, alg }), public }
    }

    /// Any signer on the core's algorithm seam (an RSA key in an HSM, say). The certificate
    /// match check of [`PrivateKeyJwt::kid_from_certificate_pem`](crate::PrivateKeyJwt::kid_from_certificate_pem)
    /// cannot be made for it.
    pub fn custom(signer: impl JwsSigner + Send + Sync + 'static) -> Self {
        Self { signer: Arc::new(signer), public: None }
    }

    /// A PEM private key: P-256 (`BEGIN EC PRIVATE KEY` or `BEGIN PRIVATE KEY`) signs
    /// `ES256`, RSA (`BEGIN RSA PRIVATE KEY` or `BEGIN PRIVATE KEY`) signs `RS256`. For
    /// `PS256` use [`rsa_from_pem`](Self::rsa_from_pem).
    ///
    /// # Errors
    /// [`ErrorKind::RsaKey`](crate::ErrorKind::RsaKey) when the key is RSA (an `RSA PRIVATE
    /// KEY` label, or PKCS#8 with `rsaEncryption`) but refused: `bad_der` for a damaged
    /// body, `rsa_key_size` (below 2048 or above 4096 bits), `rsa_exponent`,
    /// `rsa_key_invalid` (inconsistent components);
    /// [`ErrorKind::Assertion`](crate::ErrorKind::Assertion) with the core's code otherwise
    /// (`bad_pem`, `bad_der`, `wrong_curve`, `unsupported_key_type`, ...).
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        match bearerkit::SigningKey::from_pem(pem) {
            Ok(key) => Ok(Self::es256(key)),
            Err(core) => match RsaSigningKey::from_pem(pem) {
                Ok(key) => Ok(Self::rsa(key, RsaAlgorithm::Rs256)),
                Err(rsa) => Err(not_a_key(pem, core, rsa)),
            },
        }
    }

    /// An RSA PEM private key (PKCS#8 `BEGIN PRIVATE KEY` or PKCS#1 `BEGIN RSA PRIVATE
    /// KEY`) signing with `alg`.
    ///
    /// # Errors
    /// [`ErrorKind::RsaKey`](crate::ErrorKind::RsaKey) when the key does not import:
    /// `unsupported_key_type` for a key that is not RSA (a P-256 key, PKCS#8 or SEC1),
    /// `bad_pem` for text that is not a PEM private key, `bad_der`, `rsa_key_size`,
    /// `rsa_exponent` or `rsa_key_invalid` for an RSA key refused.
    pub fn rsa_from_pem(pem: &str, alg: RsaAlgorithm) -> Result<Self, Error> {
        Ok(Self::rsa(RsaSigningKey::from_pem(pem)?, alg))
    }

    /// The JWS `alg` of the assertions (`ES256`, `RS256`, `PS256`, ...).
    #[must_use]
    pub fn algorithm(&self) -> &str {
        self.signer.algorithm()
    }

    /// Whether the signer is an RSA key (imported here).
    #[must_use]
    pub fn is_rsa(&self) -> bool {
        matches!(self.public, Some(PublicKey::Rsa(_)))
    }

    /// Check that the DER X.509 certificate `cert_der` carries this signer's public key.
    /// A signer whose public key is unknown here (an HSM, a KMS) passes.
    ///
    /// # Errors
    /// [`ErrorKind::Assertion`](crate::ErrorKind::Assertion) with `key_mismatch` when the
    /// certificate holds another key (or a key of another type); the certificate parser's
    /// error when it is not a certificate.
    pub fn check_certificate_der(&self, cert_der: &[u8]) -> Result<(), Error> {
        let matches = match &self.public {
            None => return Ok(()),
            Some(PublicKey::Rsa(key)) => match RsaVerifyingKey::from_certificate_der(cert_der) {
                Ok(found) => found == *key,
                Err(bearerkit_rsa::Error::UnsupportedKeyType) => false,
                Err(e) => return Err(e.into()),
            },
            Some(PublicKey::Ec(key)) => match certificate_ec_key(cert_der)? {
                Some(found) => found == *key,
                None => false,
            },
        };
        if matches { Ok(()) } else { Err(bearerkit::Error::KeyMismatch.into()) }
    }
}

/// The P-256 key of a DER certificate; `None` for a key of another type.
fn certificate_ec_key(cert_der: &[u8]) -> Result<Option<bearerkit::VerifyingKey>, Error> {
    use x509_cert::der::{Decode, Encode};
    let cert = x509_cert::Certificate::from_der(cert_der).map_err(|_| bearerkit::Error::BadDer)?;
    let spki =
        cert.tbs_certificate().subject_public_key_info().to_der().map_err(|_| bearerkit::Error::BadDer)?;
    match bearerkit::VerifyingKey::from_spki_der(&spki) {
        Ok(key) => Ok(Some(key)),
        Err(bearerkit::Error::UnsupportedKeyType | bearerkit::Error::WrongCurve) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The error for a PEM key that neither import took: RSA's when the key is RSA (its label
/// or its PKCS#8 algorithm, [`bearerkit_rsa::looks_like_rsa`]), however damaged; else the
/// core's.
fn not_a_key(pem: &str, core: bearerkit::Error, rsa: bearerkit_rsa::Error) -> Error {
    if bearerkit_rsa::looks_like_rsa(pem) { rsa.into() } else { core.into() }
}

impl JwsSigner for AssertionSigner {
    fn algorithm(&self) -> &str {
        self.signer.algorithm()
    }

    fn sign_jws(&self, signing_input: &[u8], out: &mut [u8]) -> Result<usize, bearerkit::Error> {
        self.signer.sign_jws(signing_input, out)
    }
}

impl From<bearerkit::SigningKey> for AssertionSigner {
    fn from(key: bearerkit::SigningKey) -> Self {
        Self::es256(key)
    }
}

/// `RS256`, the usual RSA choice.
impl From<RsaSigningKey> for AssertionSigner {
    fn from(key: RsaSigningKey) -> Self {
        Self::rsa(key, RsaAlgorithm::Rs256)
    }
}
