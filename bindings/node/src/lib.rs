//! The native addon of the npm package `bearerkit` (napi-rs).
//!
//! A thin layer: JavaScript values in, the Rust crates' calls, JavaScript values and errors
//! out. Every rule (JSON, header, claims, limits, defaults) is the core's; the token client
//! is `bearerkit-client`'s. The addon is private: `index.js` (CommonJS) and `index.mjs` (ESM)
//! are the package's entry points; they turn JSON text into objects and the addon's encoded
//! errors into `Error` instances with `.code` (see [`errors`]).

mod args;
pub mod bench;
pub mod client;
pub mod errors;
pub mod external;
pub mod keys;
pub mod sign;
pub mod verify;

/// The crate's version, which is the npm package's.
#[napi_derive::napi]
#[must_use]
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
