//! Integration tests of the core crate: one binary built from the submodules in `core/`.
// Tests: unwrap/panic are the assertion style; helpers are `pub` for the submodules; std is fine.
#![allow(
    missing_docs,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::panic,
    clippy::cast_possible_truncation,
    clippy::std_instead_of_core
)]

#[path = "core/common.rs"]
mod common;
#[path = "core/errors.rs"]
mod errors;
#[path = "core/keys.rs"]
mod keys;
#[path = "core/props.rs"]
mod props;
#[path = "core/seam.rs"]
mod seam;
#[path = "core/gen.rs"]
mod shapes;
#[path = "core/signing.rs"]
mod signing;
#[path = "core/vectors.rs"]
mod vectors;
#[path = "core/wycheproof.rs"]
mod wycheproof;
