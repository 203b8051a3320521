//! The Python package `bearerkit` (`bearerkit._bearerkit`, built by maturin as an abi3 wheel).
//!
//! A thin layer: Python values in, the Rust crates' calls, Python values and exceptions out.
//! Every rule (JSON, header, claims, limits, defaults) is the core's; the token client is
//! `bearerkit-client`'s. The GIL is released around signing, verification and network waits.

// A std crate (pyo3, tokio): `std::` paths are the natural ones here.
#![allow(clippy::std_instead_of_core)]

mod bench;
mod client;
mod errors;
mod json;
mod keys;
mod sign;
mod verify;

use pyo3::prelude::*;

/// The extension module. Its names are re-exported by `bearerkit/__init__.py`.
#[pymodule]
fn _bearerkit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(m)?;
    keys::register(m)?;
    sign::register(m)?;
    verify::register(m)?;
    client::register(m)?;
    bench::register(m)?;
    Ok(())
}
