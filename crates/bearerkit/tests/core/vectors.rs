//! The shared vectors in tests/vectors/ (run by every runtime).
