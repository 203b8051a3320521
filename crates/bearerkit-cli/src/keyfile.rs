//! Reading keys and certificates from files.

use crate::failure::Failure;
use bearerkit::{SigningKey, VerifyingKey};
use std::path::Path;

/// Read a text file; `-` is stdin.
pub(crate) fn read_text(path: &Path) -> Result<String, Failure> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| Failure::failed("io_error", format!("cannot read stdin: {e}")))?;
        return Ok(s);
    }
    std::fs::read_to_string(path)
        .map_err(|e| Failure::failed("io_error", format!("cannot read {}: {e}", path.display())))
}

fn is_jwk(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// A private key from PEM (SEC1 or PKCS#8) or a private JWK.
pub(crate) fn signing_key(path: &Path) -> Result<SigningKey, Failure> {
    let text = read_text(path)?;
    let key = if is_jwk(&text) { SigningKey::from_jwk(&text) } else { SigningKey::from_pem(&text) };
    key.map_err(Failure::Rejected)
}

/// A public key from PEM (SPKI, or the public half of SEC1 / PKCS#8) or a JWK (public or private).
pub(crate) fn verifying_key(path: &Path) -> Result<VerifyingKey, Failure> {
    let text = read_text(path)?;
    let key = if is_jwk(&text) { VerifyingKey::from_jwk(&text) } else { VerifyingKey::from_pem(&text) };
    key.map_err(Failure::Rejected)
}

/// Fingerprints of a PEM or DER certificate file.
pub(crate) fn certificate(path: &Path) -> Result<bearerkit::CertificateThumbprints, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::failed("io_error", format!("cannot read {}: {e}", path.display())))?;
    match std::str::from_utf8(&bytes) {
        Ok(text) if text.contains("-----BEGIN") => {
            let mut scratch = vec![0u8; text.len() * 2 + 64];
            bearerkit::CertificateThumbprints::from_pem(text, &mut scratch).map_err(Failure::Rejected)
        }
        _ => bearerkit::CertificateThumbprints::from_der(&bytes).map_err(Failure::Rejected),
    }
}
