//! PEM input handling on top of `pem-rfc7468`, without `alloc`.
//!
//! `pem-rfc7468` is strict. Key files met in practice are not: the Thales D1 guide prints its
//! example key with a trailing space on three lines, and files carry blank lines around
//! the armour or CRLF line endings. [`decode`] copies the PEM into a stack buffer with
//! surrounding whitespace and per-line trailing spaces/tabs removed and line endings
//! normalised to LF, then hands it to `pem-rfc7468`. Nothing else is relaxed: indented
//! lines, blank lines inside the armour or stray characters are `bad_pem`.

use crate::Error;

/// Largest PEM text accepted for a key: a P-256 PKCS#8 PEM is about 240 bytes; 2 KiB also
/// reads an RSA-2048 key far enough to say it is not an EC key.
pub(crate) const MAX_KEY_PEM: usize = 2048;

/// Normalise `pem` into `norm`; returns the used prefix.
fn normalise<'n>(pem: &str, norm: &'n mut [u8]) -> Result<&'n [u8], Error> {
    let mut n = 0usize;
    let mut first = true;
    for line in pem.trim().lines() {
        let line = line.trim_end_matches([' ', '\t', '\r']);
        if !first {
            *norm.get_mut(n).ok_or(Error::BadPem)? = b'\n';
            n += 1;
        }
        first = false;
        let dst = norm.get_mut(n..n + line.len()).ok_or(Error::BadPem)?;
        dst.copy_from_slice(line.as_bytes());
        n += line.len();
    }
    *norm.get_mut(n).ok_or(Error::BadPem)? = b'\n';
    n += 1;
    norm.get(..n).ok_or(Error::BadPem)
}

/// Decode `pem` (tolerating surrounding whitespace and trailing spaces) into `der_buf`,
/// normalising through a stack buffer of `N` bytes. Returns the label and the DER bytes.
pub(crate) fn decode<'d, const N: usize>(
    pem: &str,
    der_buf: &'d mut [u8],
) -> Result<(Label, &'d [u8]), Error> {
    let mut norm = zeroize::Zeroizing::new([0u8; N]);
    // A key larger than the buffers is not a P-256 key: report the PEM, not a buffer.
    decode_into(pem, norm.as_mut_slice(), der_buf).map_err(|e| match e {
        Error::BufferTooSmall => Error::BadPem,
        other => other,
    })
}

/// As [`decode`], with the normalisation buffer and the DER taken from `scratch`.
pub(crate) fn decode_with<'d>(pem: &str, scratch: &'d mut [u8]) -> Result<(Label, &'d [u8]), Error> {
    let half = pem.len() + 2;
    if scratch.len() < half {
        return Err(Error::BufferTooSmall);
    }
    let (norm, der_buf) = scratch.split_at_mut(half);
    decode_into(pem, norm, der_buf)
}

fn decode_into<'d>(pem: &str, norm: &mut [u8], der_buf: &'d mut [u8]) -> Result<(Label, &'d [u8]), Error> {
    let text = normalise(pem, norm)?;
    let (label, der) = pem_rfc7468::decode(text, der_buf).map_err(|e| match e {
        pem_rfc7468::Error::Length => Error::BufferTooSmall,
        _ => Error::BadPem,
    })?;
    let label = Label::from_str(label)?;
    Ok((label, der))
}

/// The PEM labels bearerkit reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Label {
    /// `EC PRIVATE KEY` (SEC1, RFC 5915).
    EcPrivateKey,
    /// `PRIVATE KEY` (PKCS#8, RFC 5208/5958).
    PrivateKey,
    /// `PUBLIC KEY` (SPKI, RFC 5280).
    PublicKey,
    /// `CERTIFICATE` (X.509).
    Certificate,
}

impl Label {
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "EC PRIVATE KEY" => Ok(Self::EcPrivateKey),
            "PRIVATE KEY" => Ok(Self::PrivateKey),
            "PUBLIC KEY" => Ok(Self::PublicKey),
            "CERTIFICATE" => Ok(Self::Certificate),
            // RSA PRIVATE KEY, ENCRYPTED PRIVATE KEY, CERTIFICATE REQUEST, ...
            "RSA PRIVATE KEY" | "RSA PUBLIC KEY" => Err(Error::UnsupportedKeyType),
            _ => Err(Error::BadPem),
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::EcPrivateKey => "EC PRIVATE KEY",
            Self::PrivateKey => "PRIVATE KEY",
            Self::PublicKey => "PUBLIC KEY",
            Self::Certificate => "CERTIFICATE",
        }
    }
}

/// Encode `der` as PEM with `label` into `out`.
pub(crate) fn encode<'o>(label: Label, der: &[u8], out: &'o mut [u8]) -> Result<&'o str, Error> {
    pem_rfc7468::encode(label.as_str(), pem_rfc7468::LineEnding::LF, der, out)
        .map_err(|_| Error::BufferTooSmall)
}
