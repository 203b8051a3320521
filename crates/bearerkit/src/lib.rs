#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod dangerous;
mod date;
mod error;
pub mod json;
mod key;
mod pem;
#[cfg(feature = "alloc")]
pub mod prepared;
pub mod profile;
pub mod security;
mod ser;
mod sign;
mod thumbprint;
mod validation;
mod verify;

pub use error::Error;
pub use json::JsonStr;
pub use key::{SigningKey, VerifyingKey};
#[cfg(feature = "alloc")]
pub use prepared::{BaseTable, PreparedVerifyingKey};
pub use sign::{Assertion, Audience, NoClaims, der_to_raw_signature};
pub use thumbprint::{CertificateThumbprints, Thumbprint, jwk_thumbprint};
pub use validation::{
    AudiencePolicy, DEFAULT_LEEWAY, DEFAULT_MAX_BYTES, DEFAULT_REQUIRED, DEFAULT_TYP, MAX_LEEWAY, Validation,
};
pub use verify::{
    Claims, Es256Verifier, Header, KeySet, MAX_DATE, VerifiedToken, verify, verify_jws, verify_with_key_set,
};

/// The `p256` crate bearerkit is built on (for `p256::ecdsa::Signature`).
pub use p256;
/// Re-exported so callers implement [`signature::Signer`] for their own signers (HSM, KMS)
/// with the exact version bearerkit uses.
pub use signature;

/// Seconds since the Unix epoch from the system clock, for `now` parameters.
#[cfg(feature = "std")]
#[must_use]
pub fn now_unix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// A cursor writing into a caller's buffer.
pub(crate) struct Writer<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl<'b> Writer<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    pub(crate) fn at(buf: &'b mut [u8], pos: usize) -> Self {
        Self { buf, pos }
    }

    pub(crate) fn push(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let dst = self.buf.get_mut(self.pos..self.pos + bytes.len()).ok_or(Error::BufferTooSmall)?;
        dst.copy_from_slice(bytes);
        self.pos += bytes.len();
        Ok(())
    }

    pub(crate) fn push_b64(&mut self, bytes: &[u8]) -> Result<(), Error> {
        use base64ct::{Base64UrlUnpadded, Encoding};
        let dst = self.buf.get_mut(self.pos..).ok_or(Error::BufferTooSmall)?;
        let n = Base64UrlUnpadded::encode(bytes, dst).map_err(|_| Error::BufferTooSmall)?.len();
        self.pos += n;
        Ok(())
    }

    pub(crate) fn finish(self) -> &'b [u8] {
        let pos = self.pos;
        self.buf.get(..pos).unwrap_or_default()
    }

    pub(crate) fn finish_str(self) -> Result<&'b str, Error> {
        core::str::from_utf8(self.finish()).map_err(|_| Error::BufferTooSmall)
    }
}

/// The repository README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
