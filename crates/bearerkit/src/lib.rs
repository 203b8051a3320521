#![no_std]
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod error;
pub mod key;
#[cfg(feature = "alloc")]
pub mod prepared;
pub mod verify;

pub use error::Error;
pub use key::VerifyingKey;
#[cfg(feature = "alloc")]
pub use prepared::PreparedVerifyingKey;
pub use verify::Es256Verifier;
