//! Prepared verifying key: being written.
