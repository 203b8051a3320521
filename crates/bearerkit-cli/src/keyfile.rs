//! Reading keys, certificates, secrets and tokens from files (or stdin).

use crate::failure::{Code, Failure};
use bearerkit::{SigningKey, VerifyingKey};
use bearerkit_client::AssertionSigner;
use bearerkit_rsa::{RsaAlgorithm, RsaSigningKey, RsaVerifyingKey};
use bearerkit_server::Secret;
use std::path::Path;
use zeroize::Zeroizing;

/// Read a text file; `-` is stdin.
pub(crate) fn read_text(path: &Path) -> Result<String, Failure> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| Failure::new(Code::IoError, format!("cannot read stdin: {e}")))?;
        return Ok(s);
    }
    std::fs::read_to_string(path)
        .map_err(|e| Failure::new(Code::IoError, format!("cannot read {}: {e}", path.display())))
}

/// A token argument: the token itself, or `-` to read it from stdin (surrounding
/// whitespace trimmed).
pub(crate) fn token(arg: &str) -> Result<String, Failure> {
    if arg == "-" { Ok(read_text(Path::new("-"))?.trim().to_owned()) } else { Ok(arg.to_owned()) }
}

/// Room reserved for a key read from stdin, so that the buffer is not reallocated (leaving
/// an unzeroed copy behind) for any key file of a sensible size.
const STDIN_KEY_CAPACITY: usize = 16 * 1024;

/// Read a file that may hold a private key (a signing key, a client secret, a TLS key) into
/// a buffer zeroed on drop; `-` is stdin when `stdin` is true, a file name otherwise.
///
/// The buffer is sized before reading (the file's length, or [`STDIN_KEY_CAPACITY`]), so
/// reading does not normally reallocate it and leave a copy behind. The errors (including
/// "not valid UTF-8") never quote the content.
fn read_sensitive(path: &Path, stdin: bool) -> Result<Zeroizing<String>, Failure> {
    use std::io::Read as _;
    let mut text = Zeroizing::new(String::new());
    if stdin && path.as_os_str() == "-" {
        text.reserve(STDIN_KEY_CAPACITY);
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::new(Code::IoError, format!("cannot read stdin: {e}")))?;
        return Ok(text);
    }
    let cannot =
        |e: std::io::Error| Failure::new(Code::IoError, format!("cannot read {}: {e}", path.display()));
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let len = file.metadata().map_err(cannot)?.len();
    // One byte more than the length, so that reading up to the end needs no growth.
    text.reserve(usize::try_from(len).unwrap_or(0).saturating_add(1));
    file.read_to_string(&mut text).map_err(cannot)?;
    Ok(text)
}

/// A secret from a file (`-` is stdin when `stdin` is true): its text without the trailing
/// line breaks (`\n`, `\r\n`), possibly empty. The text is read into a buffer zeroed on
/// drop, then held as a [`Secret`] (redacted `Debug`, zeroed on drop), and no message
/// quotes it.
fn trimmed_secret(path: &Path, stdin: bool) -> Result<Secret, Failure> {
    let mut text = read_sensitive(path, stdin)?;
    let len = text.trim_end_matches(['\n', '\r']).len();
    text.truncate(len);
    // Moved, not copied: the `Secret` takes the buffer over (`String`'s zeroing covers its
    // whole capacity, the truncated line break included).
    Ok(Secret::from(core::mem::take(&mut *text)))
}

/// A secret of the server's configuration (a client secret, a TLS private key) from a file
/// ([`trimmed_secret`]); an empty one is `bad_config`. `-` is a file name here, not stdin.
pub(crate) fn secret(path: &Path) -> Result<Secret, Failure> {
    let secret = trimmed_secret(path, false)?;
    if secret.expose().is_empty() {
        return Err(Failure::new(Code::BadConfig, format!("{} is empty", path.display())));
    }
    Ok(secret)
}

/// A client secret to send (`token --client-secret-file`) from a file, or stdin for `-`
/// ([`trimmed_secret`]); an empty one is a usage error.
pub(crate) fn client_secret(path: &Path) -> Result<Secret, Failure> {
    let secret = trimmed_secret(path, true)?;
    if secret.expose().is_empty() {
        let name = if path.as_os_str() == "-" { "stdin".into() } else { path.display().to_string() };
        return Err(Failure::usage(format!("--client-secret-file: {name} is empty: no client secret")));
    }
    Ok(secret)
}

fn is_jwk(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// A public key from PEM (SPKI, or the public half of SEC1 / PKCS#8) or a JWK (public or
/// private); `-` is stdin. The file may be a private key, so its text is held in a buffer
/// zeroed on drop, and only the public half is returned.
pub(crate) fn verifying_key(path: &Path) -> Result<VerifyingKey, Failure> {
    let text = read_sensitive(path, true)?;
    let key = if is_jwk(&text) { VerifyingKey::from_jwk(&text) } else { VerifyingKey::from_pem(&text) };
    key.map_err(Failure::from)
}

/// A private key of either type: P-256 (`ES256`) or RSA (`RS256`, `PS256`).
pub(crate) enum AnyKey {
    /// P-256.
    Ec(SigningKey),
    /// RSA, 2048 to 4096 bits.
    Rsa(RsaSigningKey),
}

impl AnyKey {
    /// The public half.
    pub(crate) fn public(&self) -> AnyPublicKey {
        match self {
            Self::Ec(key) => AnyPublicKey::Ec(key.verifying_key()),
            Self::Rsa(key) => AnyPublicKey::Rsa(key.public_key()),
        }
    }
}

/// A public key of either type.
#[derive(PartialEq, Eq)]
pub(crate) enum AnyPublicKey {
    /// P-256.
    Ec(VerifyingKey),
    /// RSA, 2048 to 4096 bits.
    Rsa(RsaVerifyingKey),
}

impl AnyPublicKey {
    /// The RFC 7638 JWK thumbprint.
    pub(crate) fn thumbprint(&self) -> String {
        match self {
            Self::Ec(key) => key.thumbprint().to_string(),
            Self::Rsa(key) => key.thumbprint(),
        }
    }

    /// The JWS algorithms this key type verifies.
    pub(crate) const fn algorithms(&self) -> &'static [Alg] {
        match self {
            Self::Ec(_) => &[Alg::Es256],
            Self::Rsa(_) => &[Alg::Rs256, Alg::Ps256],
        }
    }
}

/// The error for a key that neither import took: RSA's when the key is RSA (`is_rsa`: its
/// PEM label or its PKCS#8 / SPKI algorithm says so), however damaged; else the core's.
fn neither(is_rsa: bool, core: bearerkit::Error, rsa: bearerkit_rsa::Error) -> Failure {
    if is_rsa { Failure::from(rsa) } else { Failure::from(core) }
}

/// A private key, P-256 (SEC1 or PKCS#8 PEM, or a private JWK) or RSA (PKCS#8 or PKCS#1
/// PEM); `-` is stdin. The text is held in a buffer zeroed on drop, and so is the decoded
/// DER; a P-256 key zeroes its scalar on drop, but an RSA key's private parts live in
/// ring's `RsaKeyPair`, which does not zeroize them (ring issue #15).
pub(crate) fn any_signing_key(path: &Path) -> Result<AnyKey, Failure> {
    let text = read_sensitive(path, true)?;
    if is_jwk(&text) {
        return SigningKey::from_jwk(&text).map(AnyKey::Ec).map_err(Failure::from);
    }
    match SigningKey::from_pem(&text) {
        Ok(key) => Ok(AnyKey::Ec(key)),
        Err(core) => RsaSigningKey::from_pem(&text)
            .map(AnyKey::Rsa)
            .map_err(|rsa| neither(bearerkit_rsa::looks_like_rsa(&text), core, rsa)),
    }
}

/// The public members of an RSA JWK. Every other member (a private JWK's `d`, `p`, `q`,
/// `dp`, `dq`, `qi`, ...) is skipped by the parser without being copied anywhere.
#[derive(serde::Deserialize)]
struct RsaJwkMembers {
    kty: Option<serde_json::Value>,
    n: Option<serde_json::Value>,
    e: Option<serde_json::Value>,
}

/// An RSA JWK (`"kty": "RSA"`) from its members `n` and `e`; `None` when `text` is not an
/// RSA JWK (then the core's JWK import decides). Only `kty`, `n` and `e` are read.
fn rsa_jwk(text: &str) -> Option<Result<RsaVerifyingKey, Failure>> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let doc: RsaJwkMembers = serde_json::from_str(text).ok()?;
    if doc.kty?.as_str()? != "RSA" {
        return None;
    }
    let member = |value: Option<serde_json::Value>| {
        value
            .as_ref()
            .and_then(serde_json::Value::as_str)
            .and_then(|v| Base64UrlUnpadded::decode_vec(v).ok())
            .ok_or(bearerkit::Error::BadJwk)
    };
    Some(
        member(doc.n)
            .and_then(|n| Ok((n, member(doc.e)?)))
            .map_err(Failure::from)
            .and_then(|(n, e)| RsaVerifyingKey::from_components(&n, &e).map_err(Failure::from)),
    )
}

/// A public key of either type from PEM (P-256: SPKI, SEC1, PKCS#8; RSA: SPKI, PKCS#1
/// public, or the public half of a PKCS#8 / PKCS#1 private key) or a JWK (`EC` or `RSA`,
/// public or private); `-` is stdin. Only the public half is kept.
pub(crate) fn any_verifying_key(path: &Path) -> Result<AnyPublicKey, Failure> {
    let text = read_sensitive(path, true)?;
    if is_jwk(&text) {
        if let Some(rsa) = rsa_jwk(&text) {
            return rsa.map(AnyPublicKey::Rsa);
        }
        return VerifyingKey::from_jwk(&text).map(AnyPublicKey::Ec).map_err(Failure::from);
    }
    let is_rsa = bearerkit_rsa::looks_like_rsa(&text);
    match VerifyingKey::from_pem(&text) {
        Ok(key) => Ok(AnyPublicKey::Ec(key)),
        Err(core) => match RsaVerifyingKey::from_pem(&text) {
            Ok(key) => Ok(AnyPublicKey::Rsa(key)),
            Err(bearerkit_rsa::Error::BadPem) => RsaSigningKey::from_pem(&text)
                .map(|key| AnyPublicKey::Rsa(key.public_key()))
                .map_err(|rsa| neither(is_rsa, core, rsa)),
            Err(rsa) => Err(neither(is_rsa, core, rsa)),
        },
    }
}

/// A JWS algorithm the CLI signs and verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Alg {
    /// ECDSA P-256 with SHA-256 (P-256 keys; the only algorithm of Thales D1).
    #[value(name = "ES256")]
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RSA keys; Keycloak's and Worldline's usual choice).
    #[value(name = "RS256")]
    Rs256,
    /// RSASSA-PSS with SHA-256 (RSA keys).
    #[value(name = "PS256")]
    Ps256,
}

impl Alg {
    /// The JWS name.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::Rs256 => "RS256",
            Self::Ps256 => "PS256",
        }
    }

    /// The RSA algorithm, for RS256 and PS256.
    pub(crate) const fn rsa(self) -> Option<RsaAlgorithm> {
        match self {
            Self::Es256 => None,
            Self::Rs256 => Some(RsaAlgorithm::Rs256),
            Self::Ps256 => Some(RsaAlgorithm::Ps256),
        }
    }
}

/// The signer for `key` and `alg` (default: ES256 for a P-256 key, RS256 for an RSA key),
/// as the client's [`AssertionSigner`]; an algorithm of the other key type is a usage error.
pub(crate) fn assertion_signer(key: AnyKey, alg: Option<Alg>) -> Result<AssertionSigner, Failure> {
    match (key, alg) {
        (AnyKey::Ec(key), None | Some(Alg::Es256)) => Ok(AssertionSigner::es256(key)),
        (AnyKey::Rsa(key), None) => Ok(AssertionSigner::rsa(key, RsaAlgorithm::Rs256)),
        (AnyKey::Rsa(key), Some(alg)) => match alg.rsa() {
            Some(rsa) => Ok(AssertionSigner::rsa(key, rsa)),
            None => {
                Err(Failure::usage("--alg ES256 needs a P-256 key; --key is an RSA key (use RS256 or PS256)"))
            }
        },
        (AnyKey::Ec(_), Some(alg)) => Err(Failure::usage(format!(
            "--alg {} needs an RSA key; --key is a P-256 key (use ES256)",
            alg.name()
        ))),
    }
}

/// A certificate file (PEM or DER), read once.
pub(crate) struct CertificateFile {
    path: std::path::PathBuf,
    bytes: Vec<u8>,
}

/// Read a PEM or DER certificate file.
pub(crate) fn certificate(path: &Path) -> Result<CertificateFile, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::new(Code::IoError, format!("cannot read {}: {e}", path.display())))?;
    Ok(CertificateFile { path: path.to_path_buf(), bytes })
}

impl CertificateFile {
    /// The PEM text, when the file is PEM.
    fn pem(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok().filter(|text| text.contains("-----BEGIN"))
    }

    /// The certificate as PEM text (a DER file is encoded), after checking that it parses
    /// and holds a P-256 or RSA key ([`public_key`](Self::public_key)'s errors).
    pub(crate) fn checked_pem(&self) -> Result<String, Failure> {
        use x509_cert::der::{Decode, EncodePem, pem::LineEnding};
        self.public_key()?;
        if let Some(text) = self.pem() {
            return Ok(text.to_owned());
        }
        x509_cert::Certificate::from_der(&self.bytes)
            .and_then(|cert| cert.to_pem(LineEnding::LF))
            .map_err(|e| Failure::new(Code::BadCertificate, format!("{}: {e}", self.path.display())))
    }

    /// SHA-1 and SHA-256 fingerprints of the certificate (the core's parser).
    pub(crate) fn thumbprints(&self) -> Result<bearerkit::CertificateThumbprints, Failure> {
        match self.pem() {
            Some(text) => {
                let mut scratch = vec![0u8; text.len().saturating_mul(2).saturating_add(64)];
                bearerkit::CertificateThumbprints::from_pem(text, &mut scratch).map_err(Failure::from)
            }
            None => bearerkit::CertificateThumbprints::from_der(&self.bytes).map_err(Failure::from),
        }
    }

    /// The certificate's subject public key (X.509 parsed by `x509-cert`, the key by the
    /// core from its SPKI DER, or by `bearerkit-rsa` for an RSA key): the core's code
    /// (`wrong_curve`, `unsupported_key_type`, ...) for a key that is neither P-256 nor RSA,
    /// `rsa_key_size` for an RSA key outside 2048 to 4096 bits.
    pub(crate) fn public_key(&self) -> Result<AnyPublicKey, Failure> {
        use x509_cert::der::{Decode, DecodePem, Encode};
        // Fail the way the fingerprints do first (bad_pem, bad_der, ...).
        self.thumbprints()?;
        let bad = |e: x509_cert::der::Error| {
            Failure::new(
                Code::BadCertificate,
                format!("{}: not an X.509 certificate: {e}", self.path.display()),
            )
        };
        let cert = match self.pem() {
            Some(text) => {
                // The D1 guide's PEM has trailing spaces on its lines; x509-cert's PEM reader does not.
                let normalized: String = text.trim().lines().map(|l| format!("{}\n", l.trim())).collect();
                x509_cert::Certificate::from_pem(normalized.as_bytes()).map_err(bad)?
            }
            None => x509_cert::Certificate::from_der(&self.bytes).map_err(bad)?,
        };
        let spki = cert.tbs_certificate().subject_public_key_info().to_der().map_err(bad)?;
        match VerifyingKey::from_spki_der(&spki) {
            Ok(key) => Ok(AnyPublicKey::Ec(key)),
            Err(core) => RsaVerifyingKey::from_spki_der(&spki)
                .map(AnyPublicKey::Rsa)
                .map_err(|rsa| neither(bearerkit_rsa::looks_like_rsa_der(&spki), core, rsa)),
        }
    }
}

/// The header `kid` from a certificate file (PEM or DER), as Worldline requires: its SHA-1 fingerprint in upper-case hex, read the way `bearerkit thumbprint
/// --cert` reads it.
///
/// The certificate's public key must be `key`'s: a certificate and a signing key that do
/// not belong together (the classic onboarding mistake) fail with the core's
/// `key_mismatch` code instead of making an assertion the server will refuse.
pub(crate) fn kid_from_certificate(path: &Path, key: &AnyKey) -> Result<String, Failure> {
    let cert = certificate(path)?;
    let kid = cert.thumbprints()?.sha1_hex().to_string();
    let cert_key = cert.public_key()?;
    let signing_key = key.public();
    if cert_key != signing_key {
        return Err(Failure::core(
            bearerkit::Error::KeyMismatch,
            format!(
                "the certificate {} does not belong to the signing key (--key): its public key has \
                 JWK thumbprint {}, the signing key's is {}",
                path.display(),
                cert_key.thumbprint(),
                signing_key.thumbprint(),
            ),
        ));
    }
    Ok(kid)
}
