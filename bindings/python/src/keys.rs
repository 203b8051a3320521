//! Keys: P-256 signing and verifying keys (ES256), key sets chosen by `kid`, RSA signing keys
//! (RS256/PS256 client assertions), and external signers (a KMS or an HSM).

use crate::errors::{self, Ctx};
use crate::json;
use bearerkit::p256::ecdsa::Signature;
use bearerkit::{Es256Verifier, JsonStr, PreparedVerifyingKey};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyMapping, PyString};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// PEM given as `str` or as ASCII `bytes`.
pub(crate) fn pem_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_str()?.to_owned());
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return String::from_utf8(b.as_bytes().to_vec())
            .map_err(|_| errors::core(obj.py(), bearerkit::Error::BadPem, Ctx::Key));
    }
    Err(PyTypeError::new_err("expected the PEM text as str or bytes"))
}

/// A P-256 private key that signs ES256 (RFC 6979 deterministic signatures).
///
/// Its scalar never appears in `repr()`; it is zeroized when the key is dropped.
#[pyclass(frozen, module = "bearerkit", name = "SigningKey")]
pub(crate) struct PySigningKey {
    pub(crate) key: bearerkit::SigningKey,
}

#[pymethods]
impl PySigningKey {
    /// A new random key (from the operating system's generator).
    #[staticmethod]
    fn generate(py: Python<'_>) -> PyResult<Self> {
        loop {
            let mut scalar = [0u8; 32];
            getrandom::fill(&mut scalar).map_err(|e| {
                errors::raise::<errors::SigningError>(
                    py,
                    "rng_failed",
                    format!("random number generator failed: {e}"),
                )
            })?;
            let key = bearerkit::SigningKey::from_bytes(&scalar);
            scalar.fill(0);
            // A scalar of zero or at least n (probability about 2^-32) is drawn again.
            if let Ok(key) = key {
                return Ok(Self { key });
            }
        }
    }

    /// A private key from PEM: SEC1 (`BEGIN EC PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`).
    #[staticmethod]
    fn from_pem(pem: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = pem_text(pem)?;
        bearerkit::SigningKey::from_pem(&text)
            .map(|key| Self { key })
            .map_err(|e| errors::core(pem.py(), e, Ctx::Key))
    }

    /// A private key from a JWK (a dict or its JSON text) with `kty` `EC`, `crv` `P-256`, `d`.
    #[staticmethod]
    fn from_jwk(jwk: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json::text_or_dump(jwk)?;
        bearerkit::SigningKey::from_jwk(&text)
            .map(|key| Self { key })
            .map_err(|e| errors::core(jwk.py(), e, Ctx::Key))
    }

    /// A private key from DER: SEC1 `ECPrivateKey` (RFC 5915).
    #[staticmethod]
    fn from_sec1_der(py: Python<'_>, der: &[u8]) -> PyResult<Self> {
        bearerkit::SigningKey::from_sec1_der(der)
            .map(|key| Self { key })
            .map_err(|e| errors::core(py, e, Ctx::Key))
    }

    /// A private key from DER: PKCS#8 `PrivateKeyInfo` (RFC 5208).
    #[staticmethod]
    fn from_pkcs8_der(py: Python<'_>, der: &[u8]) -> PyResult<Self> {
        bearerkit::SigningKey::from_pkcs8_der(der)
            .map(|key| Self { key })
            .map_err(|e| errors::core(py, e, Ctx::Key))
    }

    /// The private key as PKCS#8 DER.
    fn to_pkcs8_der<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let mut buf = [0u8; 256];
        let der = self.key.to_pkcs8_der(&mut buf).map_err(|e| errors::core(py, e, Ctx::Key))?;
        let out = PyBytes::new(py, der);
        buf.fill(0);
        Ok(out)
    }

    /// The private key as PEM: `format="pkcs8"` (`BEGIN PRIVATE KEY`, the default) or
    /// `"sec1"` (`BEGIN EC PRIVATE KEY`, what `openssl ecparam -genkey` writes).
    #[pyo3(signature = (format = "pkcs8"))]
    fn to_pem(&self, format: &str) -> PyResult<String> {
        match format {
            "pkcs8" => Ok(self.key.to_pkcs8_pem_string().to_string()),
            "sec1" => Ok(self.key.to_sec1_pem_string().to_string()),
            _ => Err(errors::argument("format must be \"pkcs8\" or \"sec1\"")),
        }
    }

    /// The private JWK as a dict (`kty`, `crv`, `x`, `y`, `d`).
    fn to_jwk<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::loads(py, &self.key.to_jwk_string())
    }

    /// The public key.
    #[getter]
    fn public_key(&self) -> PyVerifyingKey {
        PyVerifyingKey::new(self.key.verifying_key())
    }

    /// The RFC 7638 JWK thumbprint of the public key.
    fn thumbprint(&self) -> String {
        self.key.verifying_key().thumbprint().to_string()
    }

    fn __repr__(&self) -> String {
        format!("SigningKey(ES256, thumbprint={:?})", self.thumbprint())
    }
}

/// Plain verifications made with a key before its tables are built. Measured here
/// (`benches/python`): the tables cost about as much as 3.7 plain verifications and make each
/// later one about 7.7× cheaper, so building them once a key has been used this often keeps
/// any sequence of calls within about twice the best choice made in hindsight (a key used
/// once never pays for a table; a key used for a whole process pays almost nothing extra).
const PLAIN_VERIFICATIONS: u64 = 3;

/// The inner P-256 public key of a [`PyVerifyingKey`]: verifies with plain `p256` for its
/// first [`PLAIN_VERIFICATIONS`] uses, then with the core's prepared (per-key precomputed
/// tables) verifier, when reuse shows the table is worth its build time.
pub(crate) struct EcKey {
    pub(crate) key: bearerkit::VerifyingKey,
    prepared: OnceLock<PreparedVerifyingKey>,
    uses: AtomicU64,
}

impl EcKey {
    fn prepared(&self) -> &PreparedVerifyingKey {
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
/// built on its fourth use, or now with `prepare()`), about seven times faster than its
/// first calls.
#[pyclass(frozen, module = "bearerkit", name = "VerifyingKey")]
pub(crate) struct PyVerifyingKey {
    pub(crate) inner: Arc<EcKey>,
}

impl PyVerifyingKey {
    pub(crate) fn new(key: bearerkit::VerifyingKey) -> Self {
        Self { inner: Arc::new(EcKey { key, prepared: OnceLock::new(), uses: AtomicU64::new(0) }) }
    }
}

#[pymethods]
impl PyVerifyingKey {
    /// A public key from PEM: SPKI (`BEGIN PUBLIC KEY`), or the public half of a SEC1 or
    /// PKCS#8 private key.
    #[staticmethod]
    fn from_pem(pem: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = pem_text(pem)?;
        bearerkit::VerifyingKey::from_pem(&text)
            .map(Self::new)
            .map_err(|e| errors::core(pem.py(), e, Ctx::Key))
    }

    /// A public key from a JWK (dict or JSON text); a private JWK gives its public half.
    #[staticmethod]
    fn from_jwk(jwk: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json::text_or_dump(jwk)?;
        bearerkit::VerifyingKey::from_jwk(&text)
            .map(Self::new)
            .map_err(|e| errors::core(jwk.py(), e, Ctx::Key))
    }

    /// A public key from DER `SubjectPublicKeyInfo` (RFC 5480).
    #[staticmethod]
    fn from_spki_der(py: Python<'_>, der: &[u8]) -> PyResult<Self> {
        bearerkit::VerifyingKey::from_spki_der(der).map(Self::new).map_err(|e| errors::core(py, e, Ctx::Key))
    }

    /// A public key from a SEC1 point: `04‖x‖y` (65 bytes) or compressed `02‖x` / `03‖x`.
    #[staticmethod]
    fn from_sec1_bytes(py: Python<'_>, point: &[u8]) -> PyResult<Self> {
        bearerkit::VerifyingKey::from_sec1_bytes(point)
            .map(Self::new)
            .map_err(|e| errors::core(py, e, Ctx::Key))
    }

    /// The public key as DER `SubjectPublicKeyInfo`.
    fn to_spki_der<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let mut buf = [0u8; 128];
        let der = self.inner.key.to_spki_der(&mut buf).map_err(|e| errors::core(py, e, Ctx::Key))?;
        Ok(PyBytes::new(py, der))
    }

    /// The uncompressed SEC1 point `04‖x‖y` (65 bytes).
    fn to_sec1_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.key.to_sec1_bytes())
    }

    /// The public key as SPKI PEM (`BEGIN PUBLIC KEY`).
    fn to_pem(&self) -> String {
        self.inner.key.to_spki_pem_string()
    }

    /// The public JWK as a dict (`kty`, `crv`, `x`, `y`).
    fn to_jwk<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::loads(py, &self.inner.key.to_jwk_string())
    }

    /// The RFC 7638 JWK thumbprint.
    fn thumbprint(&self) -> String {
        self.inner.key.thumbprint().to_string()
    }

    /// Build the precomputed verification tables now (otherwise on the fourth use).
    fn prepare(&self, py: Python<'_>) {
        let inner = Arc::clone(&self.inner);
        py.detach(move || {
            inner.prepared();
        });
    }

    /// Whether the precomputed tables exist.
    #[getter]
    fn is_prepared(&self) -> bool {
        self.inner.prepared.get().is_some()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Self>().is_ok_and(|o| o.get().inner.key == self.inner.key)
    }

    fn __hash__(&self) -> u64 {
        let t = self.thumbprint();
        t.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
    }

    fn __repr__(&self) -> String {
        format!("VerifyingKey(ES256, thumbprint={:?})", self.thumbprint())
    }
}

/// Public keys chosen by the token's `kid` (the core's key-set verification).
#[pyclass(frozen, module = "bearerkit", name = "KeySet")]
pub(crate) struct PyKeySet {
    keys: Vec<(String, Arc<EcKey>)>,
}

impl bearerkit::KeySet for PyKeySet {
    type Key = EcKey;
    fn find(&self, kid: Option<&JsonStr<'_>>) -> Option<&EcKey> {
        let kid = kid?;
        self.keys.iter().find(|(id, _)| kid.eq_str(id)).map(|(_, k)| k.as_ref())
    }
}

#[pymethods]
impl PyKeySet {
    /// `KeySet({"kid-1": key1, "kid-2": key2})`: a mapping from `kid` to `VerifyingKey`.
    #[new]
    fn new(keys: &Bound<'_, PyMapping>) -> PyResult<Self> {
        let mut out = Vec::new();
        for item in keys.items()?.iter() {
            let (kid, key): (String, Bound<'_, PyVerifyingKey>) = item.extract()?;
            out.push((kid, Arc::clone(&key.get().inner)));
        }
        Ok(Self { keys: out })
    }

    /// The key ids.
    fn kids(&self) -> Vec<String> {
        self.keys.iter().map(|(k, _)| k.clone()).collect()
    }

    fn __len__(&self) -> usize {
        self.keys.len()
    }

    fn __repr__(&self) -> String {
        format!("KeySet({:?})", self.kids())
    }
}

/// An RSA private key of 2048 to 4096 bits that signs `RS256` (the default) or `PS256`
/// client assertions (through `ring`).
#[pyclass(frozen, module = "bearerkit", name = "RsaSigningKey")]
pub(crate) struct PyRsaSigningKey {
    pub(crate) key: Arc<bearerkit_rsa::RsaSigningKey>,
}

#[pymethods]
impl PyRsaSigningKey {
    /// An RSA private key from PEM: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA
    /// PRIVATE KEY`). Keys under 2048 or over 4096 bits raise `InvalidKey` (`rsa_key_size`).
    #[staticmethod]
    fn from_pem(pem: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = pem_text(pem)?;
        bearerkit_rsa::RsaSigningKey::from_pem(&text)
            .map(|key| Self { key: Arc::new(key) })
            .map_err(|e| errors::rsa(pem.py(), e))
    }

    /// The modulus length in bits.
    #[getter]
    fn modulus_bits(&self) -> usize {
        self.key.modulus_bits()
    }

    /// The public JWK as a dict (`kty` `RSA`, `n`, `e`).
    fn public_jwk<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json::loads(py, &self.key.public_key().to_jwk())
    }

    /// The RFC 7638 JWK thumbprint of the public key.
    fn thumbprint(&self) -> String {
        self.key.public_key().thumbprint()
    }

    fn __repr__(&self) -> String {
        format!("RsaSigningKey({} bits, thumbprint={:?})", self.modulus_bits(), self.thumbprint())
    }
}

/// An ES256 signer whose private key lives elsewhere (a cloud KMS, an HSM): `sign(message:
/// bytes) -> bytes` returns the P-256 ECDSA signature over SHA-256 of `message`, either as
/// 64 bytes `r‖s` or DER-encoded (what most KMS APIs return; converted by the core).
#[pyclass(frozen, module = "bearerkit", name = "ExternalSigner")]
pub(crate) struct PyExternalSigner {
    callback: Py<PyAny>,
    /// The callback's exception of the last failed call, raised as the cause of
    /// `signer_failed`.
    last_error: Mutex<Option<PyErr>>,
}

#[pymethods]
impl PyExternalSigner {
    #[new]
    fn new(sign: Bound<'_, PyAny>) -> PyResult<Self> {
        if !sign.is_callable() {
            return Err(PyTypeError::new_err(
                "ExternalSigner needs a callable: sign(message: bytes) -> bytes",
            ));
        }
        Ok(Self { callback: sign.unbind(), last_error: Mutex::new(None) })
    }

    fn __repr__(&self) -> String {
        "ExternalSigner(ES256)".to_owned()
    }
}

impl PyExternalSigner {
    /// Call the callback (taking the GIL) and read its signature (raw or DER).
    pub(crate) fn sign_raw(&self, message: &[u8]) -> Result<Signature, bearerkit::Error> {
        Python::attach(|py| {
            let result = self
                .callback
                .bind(py)
                .call1((PyBytes::new(py, message),))
                .and_then(|r| r.extract::<Vec<u8>>());
            match result {
                Ok(bytes) => {
                    let raw = if bytes.len() == 64 {
                        let mut raw = [0u8; 64];
                        raw.copy_from_slice(&bytes);
                        raw
                    } else {
                        bearerkit::der_to_raw_signature(&bytes)?
                    };
                    Signature::from_slice(&raw).map_err(|_| bearerkit::Error::SignatureRange)
                }
                Err(e) => {
                    if let Ok(mut slot) = self.last_error.lock() {
                        *slot = Some(e);
                    }
                    Err(bearerkit::Error::SignerFailed)
                }
            }
        })
    }

    /// The callback's exception of the last failed call, taken.
    pub(crate) fn take_error(&self) -> Option<PyErr> {
        self.last_error.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// A `signature::Signer` over a shared [`PyExternalSigner`] (for the token client, which
/// keeps its signer).
pub(crate) struct CallbackSigner(pub(crate) Py<PyExternalSigner>);

impl bearerkit::signature::Signer<Signature> for CallbackSigner {
    fn try_sign(&self, msg: &[u8]) -> Result<Signature, bearerkit::signature::Error> {
        self.0.get().sign_raw(msg).map_err(|_| bearerkit::signature::Error::new())
    }
}

impl bearerkit::JwsSigner for CallbackSigner {
    fn algorithm(&self) -> &str {
        "ES256"
    }
    fn sign_jws(&self, signing_input: &[u8], out: &mut [u8]) -> Result<usize, bearerkit::Error> {
        let sig = self.0.get().sign_raw(signing_input)?.to_bytes();
        out.get_mut(..sig.len()).ok_or(bearerkit::Error::SignerFailed)?.copy_from_slice(&sig);
        Ok(sig.len())
    }
}

/// The certificate's SHA-1 (upper-case hex, the Worldline `kid`), `x5t` and `x5t#S256`.
#[pyclass(frozen, module = "bearerkit", name = "CertificateThumbprints", get_all)]
pub(crate) struct PyCertificateThumbprints {
    /// SHA-1 of the DER certificate, 40 upper-case hex digits (Worldline's `kid`).
    sha1_hex: String,
    /// base64url SHA-1 (`x5t`).
    x5t: String,
    /// base64url SHA-256 (`x5t#S256`).
    x5t_s256: String,
}

#[pymethods]
impl PyCertificateThumbprints {
    fn __repr__(&self) -> String {
        format!("CertificateThumbprints(sha1_hex={:?})", self.sha1_hex)
    }
}

/// The fingerprints of an X.509 certificate given as PEM (`str` or `bytes`) or DER (`bytes`).
#[pyfunction]
fn certificate_thumbprints(cert: &Bound<'_, PyAny>) -> PyResult<PyCertificateThumbprints> {
    let py = cert.py();
    let prints = match cert.cast::<PyBytes>() {
        Ok(b)
            if !b.as_bytes().starts_with(b"-----")
                && !b.as_bytes().trim_ascii_start().starts_with(b"-----") =>
        {
            bearerkit::CertificateThumbprints::from_der(b.as_bytes())
        }
        _ => {
            let text = pem_text(cert)?;
            let mut scratch = vec![0u8; text.len().saturating_mul(2).saturating_add(64)];
            bearerkit::CertificateThumbprints::from_pem(&text, &mut scratch)
        }
    }
    .map_err(|e| errors::core(py, e, Ctx::Key))?;
    Ok(PyCertificateThumbprints {
        sha1_hex: prints.sha1_hex().to_string(),
        x5t: prints.x5t().to_string(),
        x5t_s256: prints.x5t_s256().to_string(),
    })
}

/// The RFC 7638 thumbprint of a key (`SigningKey`, `VerifyingKey`, `RsaSigningKey`) or of a
/// P-256 JWK (dict or JSON text).
#[pyfunction]
fn jwk_thumbprint(key: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(k) = key.cast::<PyVerifyingKey>() {
        return Ok(k.get().thumbprint());
    }
    if let Ok(k) = key.cast::<PySigningKey>() {
        return Ok(k.get().thumbprint());
    }
    if let Ok(k) = key.cast::<PyRsaSigningKey>() {
        return Ok(k.get().thumbprint());
    }
    Ok(PyVerifyingKey::from_jwk(key)?.thumbprint())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySigningKey>()?;
    m.add_class::<PyVerifyingKey>()?;
    m.add_class::<PyKeySet>()?;
    m.add_class::<PyRsaSigningKey>()?;
    m.add_class::<PyExternalSigner>()?;
    m.add_class::<PyCertificateThumbprints>()?;
    m.add_function(wrap_pyfunction!(certificate_thumbprints, m)?)?;
    m.add_function(wrap_pyfunction!(jwk_thumbprint, m)?)?;
    Ok(())
}
