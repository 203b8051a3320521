//! The npm package `bearerkit-wasm`: bearerkit's core for browsers and JavaScript test tooling,
//! through wasm-bindgen. A thin layer: JavaScript values in, the core's calls, JavaScript values
//! and `Error`s with the core's stable `.code` out. Synchronous; no HTTP.

// `Result<_, JsValue>` is what wasm-bindgen returns to JavaScript (a thrown `Error`).
#![allow(clippy::missing_errors_doc)]

mod js;
mod keys;
mod sign;
mod verify;

pub use keys::{KeySet, SigningKey, VerifyingKey, certificate_thumbprints, jwk_thumbprint};
pub use sign::{client_assertion, d1_assertion, sign_assertion, sign_claims};
pub use verify::{
    decode_unverified, verify, verify_client_assertion, verify_d1_assertion, verify_with_key_set,
};
