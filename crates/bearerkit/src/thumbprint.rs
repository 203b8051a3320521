//! RFC 7638 JWK thumbprints and X.509 certificate fingerprints.

use crate::Error;
use base64ct::{Base64UrlUnpadded, Encoding};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// A fixed-size ASCII string (a thumbprint or fingerprint), no heap.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Thumbprint {
    buf: [u8; 43],
    len: u8,
}

impl Thumbprint {
    fn from_ascii(s: &[u8]) -> Self {
        let mut buf = [0u8; 43];
        let len = s.len().min(43);
        buf[..len].copy_from_slice(&s[..len]);
        #[allow(clippy::cast_possible_truncation)] // len ≤ 43
        Self { buf, len: len as u8 }
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl core::fmt::Display for Thumbprint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::fmt::Debug for Thumbprint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Thumbprint({})", self.as_str())
    }
}

fn b64(bytes: &[u8]) -> Thumbprint {
    let mut out = [0u8; 43];
    let s = Base64UrlUnpadded::encode(bytes, &mut out).unwrap_or_default();
    Thumbprint::from_ascii(s.as_bytes())
}

impl Thumbprint {
    /// The RFC 7638 thumbprint of a key given its canonical JWK JSON: base64url(SHA-256).
    pub(crate) fn of_canonical_jwk(json: &[u8]) -> Self {
        b64(&Sha256::digest(json))
    }
}

/// Fingerprints of an X.509 certificate (computed over its DER bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CertificateThumbprints {
    sha1: [u8; 20],
    sha256: [u8; 32],
}

impl CertificateThumbprints {
    /// From DER. The bytes must be one complete DER `SEQUENCE` (a certificate's outer shape).
    ///
    /// # Errors
    /// [`Error::BadDer`] when they are not.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        use der::{Decode, Tagged};
        let any = der::asn1::AnyRef::from_der(der).map_err(|_| Error::BadDer)?;
        if any.tag() != der::Tag::Sequence {
            return Err(Error::BadDer);
        }
        Ok(Self { sha1: Sha1::digest(der).into(), sha256: Sha256::digest(der).into() })
    }

    /// From a `CERTIFICATE` PEM; `scratch` receives the DER and the normalised text (twice
    /// the PEM length is always enough).
    ///
    /// # Errors
    /// [`Error::BadPem`], [`Error::BufferTooSmall`] or [`Error::BadDer`].
    pub fn from_pem(pem: &str, scratch: &mut [u8]) -> Result<Self, Error> {
        let (label, der) = crate::pem::decode_with(pem, scratch)?;
        if label != crate::pem::Label::Certificate {
            return Err(Error::BadPem);
        }
        Self::from_der(der)
    }

    /// SHA-1 fingerprint in upper-case hex (40 characters): the Worldline `kid`.
    #[must_use]
    pub fn sha1_hex(&self) -> Thumbprint {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut out = [0u8; 40];
        for (i, b) in self.sha1.iter().enumerate() {
            out[2 * i] = HEX[usize::from(b >> 4)];
            out[2 * i + 1] = HEX[usize::from(b & 15)];
        }
        Thumbprint::from_ascii(&out)
    }

    /// `x5t` header value (RFC 7515 §4.1.7): base64url of the SHA-1 digest.
    #[must_use]
    pub fn x5t(&self) -> Thumbprint {
        b64(&self.sha1)
    }

    /// `x5t#S256` header value (RFC 7515 §4.1.8): base64url of the SHA-256 digest.
    #[must_use]
    pub fn x5t_s256(&self) -> Thumbprint {
        b64(&self.sha256)
    }

    /// The raw SHA-1 digest.
    #[must_use]
    pub fn sha1(&self) -> [u8; 20] {
        self.sha1
    }

    /// The raw SHA-256 digest.
    #[must_use]
    pub fn sha256(&self) -> [u8; 32] {
        self.sha256
    }
}
