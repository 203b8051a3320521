//! Randomness, all from the OS generator: unpredictable ids (`jti`s, correlation ids) and
//! jitter (refresh ahead of expiry, retry backoff).

use crate::Error;
use crate::error::ErrorKind;
use core::time::Duration;

#[cfg(test)]
thread_local! {
    /// Tests: make the OS generator fail on this thread (see [`FailingRandom`]).
    static FAIL_RANDOM: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

/// Fill `buf` from the OS generator.
fn fill_random(buf: &mut [u8]) -> Result<(), getrandom::Error> {
    #[cfg(test)]
    if FAIL_RANDOM.with(core::cell::Cell::get) {
        return Err(getrandom::Error::UNSUPPORTED);
    }
    getrandom::fill(buf)
}

/// A random `u64` for jitter (never an id); zero if the OS generator fails, which only
/// makes the refresh and backoff jitter less spread.
pub(crate) fn random_u64() -> u64 {
    let mut b = [0u8; 8];
    let _ = fill_random(&mut b);
    u64::from_le_bytes(b)
}

/// 32 random hex digits (128 bits): `jti`s and correlation ids.
///
/// # Errors
/// [`ErrorKind::Rng`] when the OS generator fails: an id made otherwise (from the clock, a
/// counter) would be predictable, so no request is built.
pub(crate) fn random_id() -> Result<String, Error> {
    let mut b = [0u8; 16];
    fill_random(&mut b).map_err(|e| Error::new(ErrorKind::Rng { message: e.to_string() }).with_source(e))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// A jitter in `[0, ceiling]`, to the nanosecond, drawn from `random` (a
/// [`random_u64`]); a ceiling of more than `u64::MAX` nanoseconds (584 years) counts as
/// that. Never panics.
pub(crate) fn jitter(ceiling: Duration, random: u64) -> Duration {
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(random % nanos.saturating_add(1))
}

/// Tests: the OS generator fails on this thread while the guard lives.
#[cfg(test)]
pub(crate) struct FailingRandom;

#[cfg(test)]
impl FailingRandom {
    pub(crate) fn start() -> Self {
        FAIL_RANDOM.with(|f| f.set(true));
        Self
    }
}

#[cfg(test)]
impl Drop for FailingRandom {
    fn drop(&mut self) {
        FAIL_RANDOM.with(|f| f.set(false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_hex() {
        let (a, b) = (random_id().unwrap(), random_id().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(crate::valid_correlation_id(&a));
    }
}
