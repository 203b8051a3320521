//! The token cache: refresh ahead of expiry (margin plus jitter), single flight, and
//! serving a still-valid token while refreshes fail.

use crate::Error;
use crate::random::{self, random_u64};
use crate::response::{MAX_TOKEN_LIFETIME, TokenResponse};
use crate::token::Token;
use core::fmt;
use core::time::Duration;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// Default refresh margin: refresh when less than 60 s of the token's life remains.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Default refresh jitter: up to 10 s more, so many processes do not refresh at once.
pub const DEFAULT_REFRESH_JITTER: Duration = Duration::from_secs(10);
/// Lifetime assumed when a response has neither `expires_in` nor `expires_at`: 5 minutes.
pub const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(300);
/// After a failed refresh while the old token is still valid, wait this long before
/// trying again (callers get the old token meanwhile).
pub const DEFAULT_REFRESH_RETRY_INTERVAL: Duration = Duration::from_secs(5);

/// Cache timing, set by the [`TokenClientBuilder`](crate::TokenClientBuilder)'s `refresh_*`
/// and `default_expires_in` methods.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CachePolicy {
    pub(crate) margin: Duration,
    pub(crate) jitter: Duration,
    pub(crate) default_expires_in: Duration,
    pub(crate) retry_interval: Duration,
}

impl Default for CachePolicy {
    fn default() -> Self {
        Self {
            margin: DEFAULT_REFRESH_MARGIN,
            jitter: DEFAULT_REFRESH_JITTER,
            default_expires_in: DEFAULT_EXPIRES_IN,
            retry_interval: DEFAULT_REFRESH_RETRY_INTERVAL,
        }
    }
}

#[derive(Default)]
struct CacheState {
    token: Option<Token>,
    refresh_at: Option<Instant>,
    /// After a failed refresh with a still-valid token: no new attempt before this.
    next_attempt: Option<Instant>,
    /// Bumped after every completed fetch (success or failure).
    generation: u64,
    last_error: Option<Error>,
}

/// One token, shared by every clone of a client: when to refresh it, the single-flight
/// lock, and the last fetch's error.
pub(crate) struct TokenCache {
    policy: CachePolicy,
    state: Mutex<CacheState>,
    refresh: tokio::sync::Mutex<()>,
}

/// `at + d`, or as late as the clock allows: `at` plus [`MAX_TOKEN_LIFETIME`] (or `at`
/// itself) when `at + d` does not fit. Never panics.
fn later(at: Instant, d: Duration) -> Instant {
    at.checked_add(d).or_else(|| at.checked_add(d.min(MAX_TOKEN_LIFETIME))).unwrap_or(at)
}

impl TokenCache {
    /// An empty cache.
    pub(crate) fn new(policy: CachePolicy) -> Self {
        Self { policy, state: Mutex::new(CacheState::default()), refresh: tokio::sync::Mutex::new(()) }
    }

    fn lock(&self) -> MutexGuard<'_, CacheState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached token if it is fresh (not yet due for refresh): a lock and a clone.
    pub(crate) fn cached(&self) -> Option<Token> {
        let state = self.lock();
        match (&state.token, state.refresh_at) {
            (Some(t), Some(at)) if Instant::now() < at => Some(t.clone()),
            _ => None,
        }
    }

    /// A valid token: the cached one while fresh, else the one `fetch` gets (a response
    /// and when its request was sent), which is then cached. `fetch` runs for one caller
    /// at a time however many wait (single flight); callers that waited share its outcome,
    /// even a token that expired at once.
    /// A failed refresh while the cached token is still valid returns that token; see
    /// [`TokenClient::token`](crate::TokenClient::token).
    ///
    /// # Errors
    /// `fetch`'s error when no valid token is cached.
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<Token, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(TokenResponse, Instant), Error>>,
    {
        let now = Instant::now();
        let (generation, stale) = {
            let state = self.lock();
            let valid = state.token.as_ref().filter(|t| t.valid_at(now));
            if let (Some(t), Some(at)) = (valid, state.refresh_at)
                && (now < at || state.next_attempt.is_some_and(|n| now < n))
            {
                return Ok(t.clone());
            }
            (state.generation, valid.cloned())
        };
        // Due for refresh. With a still-valid token, whoever gets the refresh lock
        // refreshes and everyone else keeps using the old token; without one, wait.
        let _guard = match stale {
            Some(old) => match self.refresh.try_lock() {
                Ok(guard) => guard,
                Err(_) => return Ok(old),
            },
            None => self.refresh.lock().await,
        };
        {
            let state = self.lock();
            let now = Instant::now();
            let valid = state.token.as_ref().filter(|t| t.valid_at(now));
            if state.generation != generation {
                // A fetch completed while we waited: share its outcome. A success is shared
                // as it is, even a token already expired (a zero or negative lifetime):
                // each waiter fetching again in turn would hammer the endpoint.
                match (&state.last_error, &state.token, valid) {
                    (None, Some(t), _) | (Some(_), _, Some(t)) => return Ok(t.clone()),
                    (Some(e), _, None) => return Err(e.clone()),
                    // Invalidated since: fetch.
                    (None, None, _) => {}
                }
            } else if let (Some(t), Some(at)) = (valid, state.refresh_at)
                && now < at
            {
                return Ok(t.clone());
            }
        }
        let result = fetch().await;
        let mut state = self.lock();
        state.generation = state.generation.wrapping_add(1);
        match result {
            Ok((response, sent)) => {
                let token = self.store(&mut state, response, sent);
                Ok(token)
            }
            Err(e) => {
                state.last_error = Some(e.clone());
                let now = Instant::now();
                match state.token.as_ref().filter(|t| t.valid_at(now)).cloned() {
                    Some(old) => {
                        tracing::warn!(
                            target: crate::LOG_TARGET,
                            code = e.code(),
                            attempts = e.attempts(),
                            remaining_ms = u64::try_from(old.remaining().as_millis()).unwrap_or(u64::MAX),
                            "token refresh failed; serving the cached token while it is valid"
                        );
                        state.next_attempt = Some(later(now, self.policy.retry_interval));
                        Ok(old)
                    }
                    None => {
                        tracing::warn!(
                            target: crate::LOG_TARGET,
                            code = e.code(),
                            attempts = e.attempts(),
                            "token request failed"
                        );
                        Err(e)
                    }
                }
            }
        }
    }

    /// Cache a fresh response; returns the token.
    fn store(&self, state: &mut CacheState, response: TokenResponse, sent: Instant) -> Token {
        let policy = &self.policy;
        // Capped (the parser caps what servers send; this caps the configured default), so
        // the sums below fit the clock.
        let lifetime = response.expires_in.unwrap_or(policy.default_expires_in).min(MAX_TOKEN_LIFETIME);
        let jitter = random::jitter(policy.jitter, random_u64());
        // Refresh `margin + jitter` before expiry, but never in the first half of a short life.
        let ahead = policy.margin.saturating_add(jitter).min(lifetime / 2);
        let refresh_in = lifetime.saturating_sub(ahead);
        let token = Token::new(response, lifetime, later(sent, lifetime));
        state.token = Some(token.clone());
        state.refresh_at = Some(later(sent, refresh_in));
        state.next_attempt = None;
        state.last_error = None;
        tracing::debug!(
            target: crate::LOG_TARGET,
            lifetime_s = lifetime.as_secs(),
            refresh_in_s = refresh_in.as_secs(),
            "token cached"
        );
        token
    }

    /// Forget the cached token: the next [`get`](Self::get) fetches a new one.
    pub(crate) fn invalidate(&self) {
        let mut state = self.lock();
        state.token = None;
        state.refresh_at = None;
        state.next_attempt = None;
    }

    /// The error of the last fetch, if it failed (cleared by a success).
    pub(crate) fn last_error(&self) -> Option<Error> {
        self.lock().last_error.clone()
    }

    /// The `cache` (the policy), `token` and `last_error` fields of the client's `Debug`.
    pub(crate) fn debug_fields(&self, d: &mut fmt::DebugStruct<'_, '_>) {
        let state = self.lock();
        d.field("cache", &self.policy).field("token", &state.token).field("last_error", &state.last_error);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AccessToken;
    use crate::response::parse_response;

    #[test]
    fn later_never_overflows() {
        let now = Instant::now();
        assert_eq!(later(now, Duration::from_secs(5)), now + Duration::from_secs(5));
        assert_eq!(later(now, Duration::MAX), now + MAX_TOKEN_LIFETIME);
    }

    #[test]
    fn missing_lifetime_uses_the_default_and_short_lives_refresh_at_half() {
        let cache = TokenCache::new(CachePolicy {
            default_expires_in: Duration::from_secs(120),
            jitter: Duration::ZERO,
            ..CachePolicy::default()
        });
        let response = |expires_in| TokenResponse::new(AccessToken::new("t".into()), expires_in);
        let sent = Instant::now();
        let mut state = cache.lock();
        let t = cache.store(&mut state, response(None), sent);
        assert_eq!(t.lifetime(), Duration::from_secs(120));
        assert_eq!(state.refresh_at, Some(sent + Duration::from_secs(60)));
        let t = cache.store(&mut state, response(Some(Duration::from_secs(900))), sent);
        assert_eq!(t.expires_at(), sent + Duration::from_secs(900));
        assert_eq!(state.refresh_at, Some(sent + Duration::from_secs(840)));
    }

    #[test]
    fn a_response_without_expires_in_gets_the_configured_default() {
        // The whole path a real answer takes: parse the canned response, then cache it.
        let cache = TokenCache::new(CachePolicy {
            default_expires_in: Duration::from_secs(42),
            ..CachePolicy::default()
        });
        let answer = http::Response::builder()
            .status(200)
            .body(br#"{"access_token":"tok","token_type":"bearer","unknown":{"x":1}}"#.to_vec())
            .unwrap();
        let parsed = parse_response(&answer, bearerkit::now_unix()).unwrap();
        assert_eq!(parsed.expires_in, None);
        let sent = Instant::now();
        let token = cache.store(&mut cache.lock(), parsed, sent);
        assert_eq!(token.lifetime(), Duration::from_secs(42));
        assert_eq!(token.expires_at(), sent + Duration::from_secs(42));
        assert!(cache.cached().unwrap().same_as(&token));
    }

    #[test]
    fn huge_lifetimes_are_cached_without_overflow() {
        // The whole path: a canned answer through the parser, then the cache; no panic on
        // `Instant + Duration`, and the lifetime is capped.
        let ten_years = Duration::from_secs(10 * 365 * 24 * 60 * 60);
        let cache = TokenCache::new(CachePolicy::default());
        let now = bearerkit::now_unix();
        for (body, lifetime) in [
            (r#"{"access_token":"x","expires_in":18446744073709551615}"#.to_owned(), ten_years),
            (r#"{"access_token":"x","expires_in":"18446744073709551615"}"#.to_owned(), ten_years),
            (r#"{"access_token":"x","expires_in":1e300}"#.to_owned(), ten_years),
            (r#"{"access_token":"x","expires_at":18446744073709551615}"#.to_owned(), ten_years),
            (r#"{"access_token":"x","expires_at":"9999-12-31T23:59:59Z"}"#.to_owned(), ten_years),
            (r#"{"access_token":"x","expires_at":"1970-01-01T00:00:01Z"}"#.to_owned(), Duration::ZERO),
            (format!(r#"{{"access_token":"x","expires_at":{}}}"#, now - 1), Duration::ZERO),
        ] {
            let answer = http::Response::builder().status(200).body(body.clone().into_bytes()).unwrap();
            let parsed = parse_response(&answer, now).unwrap();
            let sent = Instant::now();
            let mut state = cache.lock();
            let token = cache.store(&mut state, parsed, sent);
            assert_eq!(token.lifetime(), lifetime, "{body}");
            assert_eq!(token.expires_at(), sent + lifetime, "{body}");
            let refresh_at = state.refresh_at.unwrap();
            assert!(refresh_at >= sent && refresh_at <= token.expires_at(), "{body}");
            assert_eq!(token.is_expired(), lifetime.is_zero(), "{body}");
        }
        // A default lifetime, margin and jitter too large to add to the clock do not panic
        // either.
        let cache = TokenCache::new(CachePolicy {
            default_expires_in: Duration::MAX,
            margin: Duration::MAX,
            jitter: Duration::MAX,
            retry_interval: Duration::MAX,
        });
        let response = TokenResponse::new(AccessToken::new("t".into()), None);
        let sent = Instant::now();
        let token = cache.store(&mut cache.lock(), response, sent);
        assert_eq!(token.lifetime(), ten_years);
        assert_eq!(cache.lock().refresh_at, Some(sent + ten_years / 2));
    }
}
