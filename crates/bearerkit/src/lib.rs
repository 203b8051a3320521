#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "verify")]
pub mod dangerous;
// Date parsing serves verification; `MAX_DATE` also bounds the dates signing accepts.
#[cfg_attr(not(feature = "verify"), allow(dead_code))]
mod date;
mod error;
#[cfg(all(feature = "sign", feature = "fast-sign"))]
pub mod fast_sign;
pub mod json;
mod key;
mod pem;
#[cfg(all(feature = "alloc", feature = "verify"))]
mod policy_options;
#[cfg(all(feature = "alloc", feature = "verify"))]
pub mod prepared;
pub mod profile;
pub mod protocol;
#[cfg(feature = "alloc")]
mod secret;
pub mod security;
#[cfg(feature = "sign")]
mod sign;
mod thumbprint;
#[cfg(feature = "verify")]
mod validation;
#[cfg(feature = "verify")]
mod verify;

pub use date::MAX_DATE;
pub use error::{Error, ErrorMessage};
pub use json::JsonStr;
pub use key::{SigningKey, VerifyingKey, jwk_thumbprint};
#[cfg(all(feature = "alloc", feature = "verify"))]
pub use policy_options::PolicyOptions;
#[cfg(all(feature = "alloc", feature = "verify"))]
pub use prepared::{BaseTable, PreparedVerifyingKey};
#[cfg(feature = "alloc")]
pub use secret::Secret;
#[cfg(feature = "sign")]
pub use sign::{Assertion, Audience, JwsSigner, MAX_SIGNATURE_LEN, NoClaims, der_to_raw_signature};
pub use thumbprint::{CertificateThumbprints, Thumbprint};
#[cfg(feature = "verify")]
pub use validation::{
    AudiencePolicy, DEFAULT_LEEWAY, DEFAULT_MAX_BYTES, DEFAULT_REQUIRED, DEFAULT_TYP, MAX_LEEWAY, Validation,
};
#[cfg(feature = "verify")]
pub use verify::{
    Claims, Es256Verifier, Header, JwsVerifier, KeySet, VerifiedToken, verify, verify_jws,
    verify_with_key_set,
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

/// The repository README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
