//! The npm package `bearerkit-wasm`: bearerkit's core for browsers and JavaScript test tooling,
//! through wasm-bindgen. A thin layer: JavaScript values in, the core's calls, JavaScript values
//! and `Error`s with the core's stable `.code` out. Synchronous; no HTTP.

// `Result<_, JsValue>` is what wasm-bindgen returns to JavaScript (a thrown `Error`).
#![allow(clippy::missing_errors_doc)]
// The module links no `std`: no formatting machinery, no panic runtime, a small allocator
// (the size budget, see the package README). Host builds (clippy, docs) keep `std`.
#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

// `TalckWasm` is sound on one thread only: refuse a build with shared-memory threads.
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
compile_error!(
    "bearerkit-wasm's allocator (talc::TalckWasm) assumes single-threaded WebAssembly: build without +atomics"
);

/// Talc, a small allocator made for WebAssembly, instead of `std`'s dlmalloc. The module is
/// single-threaded (no `atomics` target feature), which `TalckWasm` requires.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
// SAFETY: wasm32-unknown-unknown without the `atomics` feature runs on one thread, the one
// condition `TalckWasm::new_global` states.
#[allow(unsafe_code)]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };

/// A panic (a bug: the binding and the core return errors, never panic on input) traps: the
/// JavaScript caller gets a `RuntimeError: unreachable`. No message is formatted.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

mod js;
mod keys;
mod sign;
mod verify;

pub use keys::{
    KeySet, SigningKey, VerifyingKey, certificate_thumbprints, certificate_thumbprints_der, jwk_thumbprint,
};
pub use sign::{client_assertion, d1_assertion, sign_assertion, sign_claims};
pub use verify::{
    decode_unverified, verify, verify_client_assertion, verify_client_assertion_with_key_set,
    verify_d1_assertion, verify_d1_assertion_with_key_set, verify_with_key_set,
};
