//! Values from requests reach the logs escaped: a forged log line sent as a `client_id` or
//! an `iss` stays inside its field. Its own test binary, as `logging.rs`: the test installs
//! a process-wide `tracing` subscriber.

// Helpers outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The shared fixtures; this binary uses only some of them.
#[allow(dead_code)]
#[path = "server/common.rs"]
mod common;

#[path = "server/log_injection.rs"]
mod log_injection;
