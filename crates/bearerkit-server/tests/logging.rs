//! The server's logs hold no secret. Its own test binary: the test installs a process-wide
//! `tracing` subscriber, which must see every event of the server it starts and nothing of
//! other tests (a thread-local one misses events when other tests run beside it, because
//! `tracing` caches each call site's interest process-wide).

// Helpers outside `#[test]` functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The shared fixtures; this binary uses only some of them.
#[allow(dead_code)]
#[path = "server/common.rs"]
mod common;

#[path = "server/logging.rs"]
mod logging;
