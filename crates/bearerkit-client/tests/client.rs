//! bearerkit-client against bearerkit-server over loopback (127.0.0.1 only, no HTTP mocks).
//! One test binary built from submodules.

// Fixtures outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs, clippy::std_instead_of_core)]

#[path = "client/common.rs"]
mod common;

#[cfg(feature = "blocking")]
#[path = "client/blocking.rs"]
mod blocking;
/// Without the feature the blocking tests are not built: say so in the test output
/// (as "ignored") rather than pass silently.
#[cfg(not(feature = "blocking"))]
#[test]
#[ignore = "the blocking API tests need `--features blocking`: run `cargo test -p bearerkit-client --all-features`"]
fn blocking_api_tests_need_the_blocking_feature() {}
#[path = "client/answers.rs"]
mod answers;
#[path = "client/audience.rs"]
mod audience;
#[path = "client/cache.rs"]
mod cache;
#[path = "client/faults.rs"]
mod faults;
#[path = "client/flows.rs"]
mod flows;
#[path = "client/mtls.rs"]
mod mtls;
#[path = "client/proxy.rs"]
mod proxy;
#[path = "client/redaction.rs"]
mod redaction;
#[path = "client/rsa.rs"]
mod rsa;
#[path = "client/transport_security.rs"]
mod transport_security;
