//! Shared server state: registries built once at startup, issued tokens, the `jti` cache.

use crate::config::{CertificateKey, ServerConfig, parse_certificate, parse_public_key};
use crate::{ConfigError, FaultInjector, OAuthError, Secret};
use base64ct::{Base64UrlUnpadded, Encoding};
use bearerkit::PreparedVerifyingKey;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// The state every handler shares: cheap to clone (one `Arc`).
///
/// Build it with [`AppState::new`] and hand it to [`crate::app`], or let [`crate::spawn`]
/// do both.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

impl core::fmt::Debug for AppState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AppState")
            .field("base_url", &self.inner.base_url)
            .field("d1_issuers", &self.inner.d1.len())
            .field("outbound_clients", &self.inner.outbound.len())
            .field("realms", &self.inner.realms.len())
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub(crate) base_url: String,
    pub(crate) token_lifetime: u64,
    pub(crate) leeway: u64,
    pub(crate) test_endpoints: bool,
    pub(crate) json_bodies: bool,
    pub(crate) request_timeout_secs: u64,
    pub(crate) d1: HashMap<String, D1IssuerEntry>,
    pub(crate) outbound: HashMap<String, BasicClientEntry>,
    pub(crate) realms: HashMap<String, RealmEntry>,
    pub(crate) tokens: Mutex<TokenStore>,
    pub(crate) replay: Mutex<ReplayCache>,
    pub(crate) faults: FaultInjector,
}

pub(crate) struct D1IssuerEntry {
    pub(crate) env: crate::D1Env,
    pub(crate) scope: String,
    pub(crate) keys: HashMap<String, Arc<PreparedVerifyingKey>>,
}

pub(crate) struct BasicClientEntry {
    pub(crate) secret: Secret,
    pub(crate) scopes: Vec<String>,
    pub(crate) client_credentials: bool,
}

pub(crate) struct RealmEntry {
    pub(crate) token_lifetime: u64,
    pub(crate) assertion_max_lifetime: u64,
    /// `aud` must be the realm issuer as a JSON string (FAPI 2.0).
    pub(crate) issuer_only_audience: bool,
    pub(crate) clients: HashMap<String, RealmClientEntry>,
}

/// A realm client's assertion key.
#[derive(Clone)]
pub(crate) enum ClientKey {
    /// P-256, prepared (per-key tables): `ES256`.
    Ec(Arc<PreparedVerifyingKey>),
    /// RSA: `RS256`, `PS256`.
    Rsa(Arc<bearerkit_rsa::RsaVerifyingKey>),
}

pub(crate) struct RealmClientEntry {
    pub(crate) secret: Option<Secret>,
    /// SHA-1 fingerprint (upper-case hex) and key of the certificate.
    pub(crate) certificate: Option<(String, ClientKey)>,
    /// The JWS algorithms accepted for the client's assertions (never empty when there is
    /// a certificate).
    pub(crate) algorithms: Vec<&'static str>,
    pub(crate) scopes: Vec<String>,
    pub(crate) client_credentials: bool,
}

impl AppState {
    /// Build the state from a configuration: every key and certificate is parsed and
    /// prepared (per-key precomputed tables) here, once. `base_url` is the server's
    /// external URL without a trailing slash (e.g. `http://127.0.0.1:8080`): the Keycloak
    /// endpoints accept client assertions whose `aud` is
    /// `{base_url}/auth/realms/{realm}/protocol/openid-connect/token` or
    /// `{base_url}/auth/realms/{realm}`. `config.public_url`, when set, wins over it.
    ///
    /// # Errors
    /// The errors of [`ServerConfig::validate`].
    pub fn new(config: &ServerConfig, base_url: &str) -> Result<Self, ConfigError> {
        config.validate()?;
        let mut d1 = HashMap::new();
        for issuer in &config.d1_issuers {
            let mut keys = HashMap::new();
            for key in &issuer.keys {
                let vk = parse_public_key(&key.public_key).map_err(|source| ConfigError::InvalidKey {
                    issuer_id: issuer.issuer_id.clone(),
                    kid: key.kid.clone(),
                    source,
                })?;
                keys.insert(key.kid.clone(), Arc::new(PreparedVerifyingKey::new(&vk)));
            }
            d1.insert(
                issuer.issuer_id.clone(),
                D1IssuerEntry { env: issuer.env, scope: issuer.scope.clone(), keys },
            );
        }
        let outbound = config
            .outbound_clients
            .iter()
            .map(|c| {
                let entry = BasicClientEntry {
                    secret: c.secret.clone(),
                    scopes: c.scopes.clone(),
                    client_credentials: c.client_credentials,
                };
                (c.client_id.clone(), entry)
            })
            .collect();
        let mut realms = HashMap::new();
        for realm in &config.realms {
            let mut clients = HashMap::new();
            for client in &realm.clients {
                let (certificate, algorithms) = match &client.certificate {
                    None => (None, Vec::new()),
                    Some(pem) => {
                        let parsed =
                            parse_certificate(pem).map_err(|reason| ConfigError::InvalidCertificate {
                                realm: realm.name.clone(),
                                client_id: client.client_id.clone(),
                                reason,
                            })?;
                        // `validate` checked the names against the key type.
                        let algorithms: Vec<&'static str> = parsed
                            .key
                            .algorithms()
                            .iter()
                            .copied()
                            .filter(|a| {
                                client.assertion_algorithms.is_empty()
                                    || client.assertion_algorithms.iter().any(|c| c == a)
                            })
                            .collect();
                        let key = match parsed.key {
                            CertificateKey::Ec(key) => {
                                ClientKey::Ec(Arc::new(PreparedVerifyingKey::new(&key)))
                            }
                            CertificateKey::Rsa(key) => ClientKey::Rsa(Arc::new(key)),
                        };
                        (Some((parsed.fingerprint, key)), algorithms)
                    }
                };
                let entry = RealmClientEntry {
                    secret: client.secret.clone(),
                    certificate,
                    algorithms,
                    scopes: client.scopes.clone(),
                    client_credentials: client.client_credentials,
                };
                clients.insert(client.client_id.clone(), entry);
            }
            let entry = RealmEntry {
                token_lifetime: realm.token_lifetime_secs,
                assertion_max_lifetime: realm.assertion_max_lifetime_secs,
                issuer_only_audience: realm.issuer_only_audience,
                clients,
            };
            realms.insert(realm.name.clone(), entry);
        }
        let base_url = config.public_url.clone().unwrap_or_else(|| base_url.trim_end_matches('/').to_owned());
        Ok(Self {
            inner: Arc::new(Inner {
                base_url,
                token_lifetime: config.token_lifetime_secs,
                leeway: config.leeway_secs,
                test_endpoints: config.test_endpoints,
                json_bodies: config.json_bodies,
                request_timeout_secs: config.request_timeout_secs,
                d1,
                outbound,
                realms,
                tokens: Mutex::new(TokenStore::new(config.max_live_tokens)),
                replay: Mutex::new(ReplayCache::new(config.replay_cache_capacity)),
                faults: FaultInjector::default(),
            }),
        })
    }

    /// The fault injector and request counter of this state.
    #[must_use]
    pub fn faults(&self) -> FaultInjector {
        self.inner.faults.clone()
    }

    /// The external base URL the Keycloak audiences are built from.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Number of live (unexpired) access tokens held.
    #[must_use]
    pub fn live_tokens(&self) -> usize {
        let now = Instant::now();
        lock(&self.inner.tokens).map.values().filter(|t| t.expires > now).count()
    }

    /// Issue a fresh random access token valid for `lifetime` seconds.
    pub(crate) fn issue_token(
        &self,
        subject: &str,
        scope: &str,
        lifetime: u64,
    ) -> Result<String, OAuthError> {
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw).map_err(|e| {
            tracing::error!(error = %e, "random generator failed");
            OAuthError::ServerError("random generator unavailable".to_owned())
        })?;
        // `lifetime` is at most `MAX_LIFETIME_SECS` (validated), so this cannot fail; it is
        // checked anyway rather than trusted.
        let expires =
            Instant::now().checked_add(core::time::Duration::from_secs(lifetime)).ok_or_else(|| {
                tracing::error!(lifetime, "token lifetime out of range");
                OAuthError::ServerError("token lifetime out of range".to_owned())
            })?;
        let token = Base64UrlUnpadded::encode_string(&raw);
        let issued = Issued { expires, subject: subject.to_owned(), scope: scope.to_owned() };
        lock(&self.inner.tokens).insert(digest(&token), issued);
        Ok(token)
    }

    /// The live token's subject, scope and remaining seconds.
    pub(crate) fn lookup_token(&self, token: &str) -> Option<(String, String, u64)> {
        let now = Instant::now();
        let store = lock(&self.inner.tokens);
        let t = store.map.get(&digest(token))?;
        if t.expires <= now {
            return None;
        }
        Some((t.subject.clone(), t.scope.clone(), t.expires.duration_since(now).as_secs()))
    }

    /// Remember a `jti` until `expires_at` (Unix seconds: see [`replay_until`]); `Err` when it was already seen
    /// (and is still remembered) or the cache is full.
    pub(crate) fn remember_jti(&self, key: String, expires_at: u64, now: u64) -> Result<(), ReplayError> {
        lock(&self.inner.replay).insert(key, expires_at, now)
    }
}

/// Until when (Unix seconds, exclusive) the `jti` of an accepted assertion is remembered:
/// `floor(exp) + leeway + 2`, i.e. at least `ceil(exp) + leeway + 1`.
///
/// The core accepts an assertion while `now < exp + leeway` with `exp` exact (a fractional
/// NumericDate such as `N.5` is not rounded), so the last whole second in which it can be
/// accepted is `ceil(exp) + leeway − 1`; `exp_floor` is the claim rounded down
/// ([`bearerkit::Claims::exp`]). The entry outlives that second by at least one more, so a
/// replay is refused for as long as the assertion itself would be accepted.
pub(crate) fn replay_until(exp_floor: u64, leeway: u64) -> u64 {
    exp_floor.saturating_add(leeway).saturating_add(2)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Tokens are stored by their SHA-256 digest, so the server's memory holds no usable token.
fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

pub(crate) struct Issued {
    expires: Instant,
    subject: String,
    scope: String,
}

/// Issued tokens by digest, bounded: expired entries are purged as new ones arrive and,
/// when still full, the oldest live token is forgotten.
pub(crate) struct TokenStore {
    map: HashMap<[u8; 32], Issued>,
    order: VecDeque<([u8; 32], Instant)>,
    cap: usize,
}

impl TokenStore {
    fn new(cap: usize) -> Self {
        Self { map: HashMap::new(), order: VecDeque::new(), cap: cap.max(1) }
    }

    fn insert(&mut self, key: [u8; 32], issued: Issued) {
        let now = Instant::now();
        while let Some((k, exp)) = self.order.front() {
            if *exp <= now || self.map.len() >= self.cap {
                let k = *k;
                self.order.pop_front();
                self.map.remove(&k);
            } else {
                break;
            }
        }
        self.order.push_back((key, issued.expires));
        self.map.insert(key, issued);
    }
}

/// Why a `jti` was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ReplayError {
    /// Seen before and not yet expired.
    Replayed,
    /// The cache is full of unexpired entries.
    Full,
}

/// `jti` values seen, each kept until its assertion expires; bounded.
pub(crate) struct ReplayCache {
    map: HashMap<String, u64>,
    cap: usize,
}

impl ReplayCache {
    fn new(cap: usize) -> Self {
        Self { map: HashMap::new(), cap: cap.max(1) }
    }

    fn insert(&mut self, key: String, expires_at: u64, now: u64) -> Result<(), ReplayError> {
        if self.map.get(&key).is_some_and(|exp| *exp > now) {
            return Err(ReplayError::Replayed);
        }
        if self.map.len() >= self.cap {
            self.map.retain(|_, exp| *exp > now);
            if self.map.len() >= self.cap {
                return Err(ReplayError::Full);
            }
        }
        self.map.insert(key, expires_at);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_cache_bounds_and_expiry() {
        let mut c = ReplayCache::new(2);
        assert_eq!(c.insert("a".into(), 100, 10), Ok(()));
        assert_eq!(c.insert("a".into(), 100, 11), Err(ReplayError::Replayed));
        assert_eq!(c.insert("b".into(), 50, 11), Ok(()));
        assert_eq!(c.insert("c".into(), 100, 12), Err(ReplayError::Full));
        // b expires at 50: purged, room for c.
        assert_eq!(c.insert("c".into(), 100, 60), Ok(()));
        // a expired at 100: may be used again after that.
        assert_eq!(c.insert("a".into(), 300, 100), Ok(()));
    }

    /// An assertion with `exp = N.5` (leeway L) is accepted by the core up to second N + L:
    /// its `jti` must still be remembered then, and after.
    #[test]
    fn replay_entries_outlive_a_fractional_exp() {
        let (n, leeway) = (1_000u64, 60u64);
        let until = replay_until(n, leeway);
        assert!(until > n + leeway, "forgotten in the last second the core accepts");
        let mut c = ReplayCache::new(4);
        assert_eq!(c.insert("j".into(), until, n), Ok(()));
        for now in n..=n + leeway + 1 {
            assert_eq!(c.insert("j".into(), until, now), Err(ReplayError::Replayed), "now = {now}");
        }
        assert_eq!(replay_until(u64::MAX, leeway), u64::MAX);
    }

    #[test]
    fn token_store_is_bounded() {
        let mut s = TokenStore::new(2);
        let later = Instant::now() + core::time::Duration::from_secs(60);
        for i in 0u8..5 {
            s.insert([i; 32], Issued { expires: later, subject: String::new(), scope: String::new() });
        }
        assert!(s.map.len() <= 2);
        assert!(s.map.contains_key(&[4u8; 32]));
    }
}
