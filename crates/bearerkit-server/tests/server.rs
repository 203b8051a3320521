//! End-to-end tests of bearerkit-server over loopback HTTP (reqwest against `spawn` on
//! 127.0.0.1:0), plus `tower::ServiceExt::oneshot` tests of `app`. One test binary built
//! from submodules.

// Helpers outside `#[test]` functions (fixtures, request builders) unwrap too: a failure
// there is a test failure. `clippy.toml`'s `allow-unwrap-in-tests` covers only `#[test]` fns.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "server/common.rs"]
mod common;

#[path = "server/config.rs"]
mod config;
#[path = "server/d1.rs"]
mod d1;
#[path = "server/faults.rs"]
mod faults;
#[path = "server/keycloak.rs"]
mod keycloak;
#[path = "server/limits.rs"]
mod limits;
#[path = "server/oneshot.rs"]
mod oneshot;
#[path = "server/outbound.rs"]
mod outbound;
#[path = "server/resource.rs"]
mod resource;
#[path = "server/rsa.rs"]
mod rsa;
#[path = "server/tls.rs"]
mod tls;
