//! Retries: the policy, backoff with full jitter, `Retry-After`, and the deadline of a
//! whole fetch.

use crate::Error;
use crate::error::ErrorKind;
use crate::random::{jitter, random_u64};
use core::time::Duration;
use std::time::Instant;

/// Default deadline of a whole fetch, attempts and sleeps included
/// ([`RetryPolicy::max_elapsed`]): 30 s. Room for the default 3 attempts of
/// [`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT) each and their backoff, and small against a
/// token's life (the D1's last 15 minutes, refreshed a minute ahead).
pub const DEFAULT_MAX_ELAPSED: Duration = Duration::from_secs(30);

/// Retries: exponential backoff with full jitter for transport errors, timeouts, 429 and
/// 5xx, honouring `Retry-After`; never for a 4xx OAuth error, a permanent TLS failure
/// ([`ErrorKind::Tls`]) or a configuration error.
///
/// A 429 that cannot be waited out (its `Retry-After` ends past the deadline, or no
/// attempts are left) comes back as [`ErrorKind::RateLimited`] (code `rate_limited`),
/// which says the wait the server asked for and, when the deadline was the reason, the
/// time that was left.
///
/// # The time bound
/// [`max_elapsed`](Self::max_elapsed) is a deadline for the whole fetch, counted from the
/// start of the first attempt: every attempt gets `min(request timeout, time left)` (see
/// [`TokenClientBuilder::timeout`](crate::TokenClientBuilder::timeout)), and no backoff or
/// `Retry-After` sleep reaches past the deadline (the fetch gives up instead). So one fetch
/// takes at most about `max_elapsed` whatever `max_attempts` and the request timeout are,
/// and makes at most `max_attempts` requests. With the defaults (3 attempts,
/// [`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT) 5 s each, [`DEFAULT_MAX_ELAPSED`] 30 s) an
/// attempt that hangs is cut after 5 s and retried, and a fetch against an endpoint that
/// never answers ends after about 15 s.
/// When the deadline cuts an attempt short the error is
/// [`ErrorKind::Timeout`](crate::ErrorKind::Timeout); otherwise the fetch returns the last
/// attempt's error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Most HTTP attempts per fetch (1 = no retries). Default 3.
    pub max_attempts: u32,
    /// First backoff ceiling; doubled each attempt. Default 100 ms.
    pub base_delay: Duration,
    /// Largest backoff ceiling. Default 2 s.
    pub max_delay: Duration,
    /// Deadline for the whole fetch, attempts and sleeps included (see
    /// [the time bound](Self#the-time-bound)): an attempt still running then is cut short
    /// with a timeout, and a sleep that would end after it is not started (a longer
    /// `Retry-After` ends the retries). Default [`DEFAULT_MAX_ELAPSED`], 30 s.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            max_elapsed: DEFAULT_MAX_ELAPSED,
        }
    }
}

impl RetryPolicy {
    /// No retries.
    #[must_use]
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Full jitter (AWS architecture blog): uniform in `[0, min(max_delay, base·2^(n−1))]`
    /// after attempt `n` (1-based).
    #[must_use]
    pub fn backoff(&self, attempt: u32, random: u64) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1).min(20)).unwrap_or(u32::MAX);
        let ceiling = self.base_delay.saturating_mul(factor).min(self.max_delay);
        jitter(ceiling, random)
    }

    /// Call `try_once` until it succeeds, fails for good (an error that is not
    /// [retryable](Error::is_retryable)), or the policy gives up: at most `max_attempts`
    /// calls within the `max_elapsed` deadline ([the time bound](Self#the-time-bound)),
    /// sleeping the error's `Retry-After` or else the [`backoff`](Self::backoff) in
    /// between. Returns the output and when its attempt started; an error carries the
    /// number of attempts made.
    pub(crate) async fn run<T, F, Fut>(&self, mut try_once: F) -> Result<(T, Instant), Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        // `None`: a budget too large to add to the clock, that is no deadline.
        let deadline = Instant::now().checked_add(self.max_elapsed);
        let mut attempt = 1u32;
        loop {
            let sent = Instant::now();
            let result = match deadline {
                // The transport's own timeout still applies: this is min(timeout, time left).
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(sent);
                    tokio::time::timeout(left, try_once())
                        .await
                        .unwrap_or_else(|_| Err(Error::new(ErrorKind::Timeout)))
                }
                None => try_once().await,
            };
            match result {
                Ok(r) => return Ok((r, sent)),
                Err(e) if e.is_retryable() && attempt < self.max_attempts => {
                    let delay = e.retry_after().unwrap_or_else(|| self.backoff(attempt, random_u64()));
                    // Sleeping until (or past) the deadline would leave no time to try again.
                    let now = Instant::now();
                    if let Some(deadline) = deadline
                        && now.checked_add(delay).is_none_or(|end| end >= deadline)
                    {
                        let e = match e.retry_after() {
                            // A 429's wait did not fit: say so, with what was left.
                            Some(_) => e.with_time_left(deadline.saturating_duration_since(now)),
                            None => e,
                        };
                        return Err(e.with_attempts(attempt));
                    }
                    tracing::debug!(
                        target: crate::LOG_TARGET,
                        code = e.code(),
                        status = e.status(),
                        attempt,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        "token request failed; retrying"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(e) => return Err(e.with_attempts(attempt)),
            }
        }
    }
}

/// `Retry-After` (RFC 9110 §10.2.3): delta-seconds or an HTTP date (IMF-fixdate, or the
/// obsolete RFC 850 and asctime forms recipients must accept, read by `httpdate`), as the
/// time left from `now` (seconds since the epoch). The response parser keeps it on the
/// error; [`RetryPolicy::run`] sleeps it instead of the backoff.
pub(crate) fn retry_after(headers: &http::HeaderMap, now: u64) -> Option<Duration> {
    let v = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded_full_jitter() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, 0), Duration::ZERO);
        assert!(p.backoff(1, u64::MAX) <= Duration::from_millis(100));
        assert!(p.backoff(3, u64::MAX) <= Duration::from_millis(400));
        assert!(p.backoff(40, u64::MAX) <= Duration::from_secs(2));
        let max = Duration::from_millis(400).as_nanos();
        assert_eq!(p.backoff(3, u64::try_from(max).unwrap()), Duration::from_millis(400));
        // Ceilings too large for nanoseconds in a u64 do not overflow.
        let huge = RetryPolicy { base_delay: Duration::MAX, max_delay: Duration::MAX, ..p };
        assert_eq!(huge.backoff(1, u64::MAX), Duration::ZERO);
        assert_eq!(huge.backoff(9, 7), Duration::from_nanos(7));
    }

    #[test]
    fn retry_after_forms() {
        let after = |value: &str, now: u64| {
            let mut headers = http::HeaderMap::new();
            headers.insert(http::header::RETRY_AFTER, http::HeaderValue::from_str(value).unwrap());
            retry_after(&headers, now)
        };
        assert_eq!(after("120", 0), Some(Duration::from_secs(120)));
        assert_eq!(after(" 7 ", 0), Some(Duration::from_secs(7)));
        // The three HTTP date forms of RFC 9110 §5.6.7, all the same instant.
        for date in
            ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"]
        {
            assert_eq!(after(date, 784_111_770), Some(Duration::from_secs(7)), "{date}");
            // A date in the past is no wait at all.
            assert_eq!(after(date, 784_111_800), Some(Duration::ZERO), "{date}");
        }
        assert_eq!(after("soon", 0), None);
        assert_eq!(after("Sun, 06 Nov 1994 08:49:37 CET", 0), None);
        assert_eq!(after("-1", 0), None);
    }
}
