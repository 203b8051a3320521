//! Shared fixtures for the benchmarks (see `benches/RESULTS.md`).

/// The key every benchmark uses (the seed `002` example key).
pub const SEED_PEM: &str = "-----BEGIN EC PRIVATE KEY----- \nMHcCAQEEILlIXMnH1if8EuWykPmWw/LyXZuoNVCzMp3Yhbj9/sEUoAoGCCqGSM49 \nAwEHoUQDQgAE6swczLIRn/lPxQPpdUb2pHjCr0YeC02lkG7vMmqCNpalwIQSl+TR \nfZVDwCKJmajRgK3+n5SyAgCp4oH8qNluwQ==\n-----END EC PRIVATE KEY-----";

/// `now` for every benchmark.
pub const NOW: u64 = 1_700_000_000;
