//! Server configuration: read from TOML or built in code.

use crate::{ConfigError, Secret, TlsConfig};
use core::net::{IpAddr, Ipv4Addr, SocketAddr};
use serde::Deserialize;
use std::collections::HashSet;

/// Default lifetime of issued D1 and outbound access tokens: 15 minutes.
pub const DEFAULT_TOKEN_LIFETIME_SECS: u64 = 900;
/// Default lifetime of Keycloak access tokens: 5 minutes (Worldline's example).
pub const DEFAULT_REALM_TOKEN_LIFETIME_SECS: u64 = 300;
/// Default maximum lifetime of a Keycloak client assertion: one hour.
pub const DEFAULT_ASSERTION_MAX_LIFETIME_SECS: u64 = 3600;
/// Default clock-skew leeway applied to assertions: 60 seconds.
pub const DEFAULT_LEEWAY_SECS: u64 = 60;
/// Default request timeout: 10 seconds.
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 10;
/// Default capacity of the `jti` replay cache.
pub const DEFAULT_REPLAY_CACHE_CAPACITY: usize = 65_536;
/// Default number of live access tokens kept in memory.
pub const DEFAULT_MAX_LIVE_TOKENS: usize = 100_000;
/// Longest accepted lifetime setting, in seconds: one year (365 days).
///
/// Bounds `token_lifetime_secs`, a realm's `token_lifetime_secs` and
/// `assertion_max_lifetime_secs` (and so the CLI's `--token-lifetime`), so that every expiry
/// the server computes (`Instant::now() + lifetime`, `now + lifetime` in Unix seconds) is
/// representable; a larger value is a [`ConfigError::Invalid`].
pub const MAX_LIFETIME_SECS: u64 = 365 * 24 * 60 * 60;
/// Longest accepted `request_timeout_secs`: one hour.
pub const MAX_REQUEST_TIMEOUT_SECS: u64 = 3600;
/// Longest accepted `leeway_secs`: one hour.
pub const MAX_LEEWAY_SECS: u64 = 3600;
/// Default header-read timeout: 10 seconds.
pub const DEFAULT_HEADER_READ_TIMEOUT_SECS: u64 = 10;
/// Default idle timeout: 5 seconds.
pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 5;
/// Longest accepted `header_read_timeout_secs` and `idle_timeout_secs`: one hour.
pub const MAX_CONNECTION_TIMEOUT_SECS: u64 = 3600;
/// Default cap on open connections: 512.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// Largest accepted `max_connections`: 65 536.
pub const MAX_CONNECTIONS_LIMIT: usize = 65_536;
/// Default D1 scope granted (D1's example).
pub const DEFAULT_D1_SCOPE: &str = "d1-api:account:full d1-api:consumer:read";

/// Everything the server needs: bind address, limits and the registered clients.
///
/// Build it from TOML ([`ServerConfig::from_toml_str`], [`ServerConfig::from_file`]; see
/// `examples/server.toml`) or in code:
///
/// ```
/// use bearerkit_server::{BasicClient, D1Env, D1Issuer, Realm, RealmClient, ServerConfig};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let key = bearerkit::SigningKey::from_bytes(&[7u8; 32])?;
/// let config = ServerConfig::default()
///     .with_d1_issuer(D1Issuer::new("MGW_ID", D1Env::Stg).key("k1", key.verifying_key().to_spki_pem_string()))
///     .with_outbound_client(BasicClient::new("d1", "s3cret", ["payments"]))
///     .with_realm(Realm::new("example-realm").client(RealmClient::new("Worldline-000021").secret("pw").scopes(["VOP", "WERO"])));
/// config.validate()?;
/// # Ok(()) }
/// ```
///
/// [`merge`](ServerConfig::merge) adds entries to one without overriding what it has (what
/// `bearerkit serve`'s flags do to its `--config` file).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address to listen on. Defaults to `127.0.0.1:0` (loopback, a free port).
    ///
    /// An unspecified address (`0.0.0.0`, `[::]`, or `[::ffff:0.0.0.0]`), which listens on
    /// every interface, is refused unless `allow_unspecified_bind` is true; with
    /// `test_endpoints` only a loopback address is allowed (see [`validate`](Self::validate)).
    pub bind: SocketAddr,
    /// Allow an unspecified `bind` address (`0.0.0.0` or `[::]`: every interface, reachable
    /// from other hosts); the server then logs a warning when it starts. Defaults to false.
    /// `bearerkit serve --listen-any` sets it.
    pub allow_unspecified_bind: bool,
    /// The server's external base URL (no trailing slash), used for the Keycloak
    /// audiences. Defaults to `http://{bound address}`.
    pub public_url: Option<String>,
    /// Lifetime of D1 and outbound access tokens in seconds, 1 to [`MAX_LIFETIME_SECS`]
    /// (one year). Defaults to 900.
    pub token_lifetime_secs: u64,
    /// Clock-skew leeway for assertion `exp`/`nbf`/`iat`, in seconds, at most
    /// [`MAX_LEEWAY_SECS`] (one hour). Defaults to 60.
    pub leeway_secs: u64,
    /// Per-request timeout in seconds (answers 408 `invalid_request` when exceeded), 1 to
    /// [`MAX_REQUEST_TIMEOUT_SECS`] (one hour). Defaults to 10.
    pub request_timeout_secs: u64,
    /// Longest wait for a complete request head, in seconds, 1 to
    /// [`MAX_CONNECTION_TIMEOUT_SECS`] (one hour): hyper's header-read timeout, counted from
    /// the accept on a new connection and from the end of the previous response on a
    /// kept-alive one. A connection whose request head is not complete by then (a half-sent
    /// head, or nothing at all) is closed without an answer. It is a deadline, not reset by
    /// each byte received. With [`tls`](Self::tls) it also bounds the TLS handshake (the
    /// first head's timeout then starts when the handshake ends). Defaults to 10.
    pub header_read_timeout_secs: u64,
    /// Longest a connection may stay idle, in seconds, 1 to [`MAX_CONNECTION_TIMEOUT_SECS`]:
    /// a connection with no request being handled on which no byte has been received or
    /// sent for this long is closed (a kept-alive connection between requests, a stalled
    /// partial request head, a client that stopped reading its answer). Defaults to 5.
    pub idle_timeout_secs: u64,
    /// Most connections open at once (TLS handshakes included), 1 to
    /// [`MAX_CONNECTIONS_LIMIT`]. When that many are open the server accepts no more: new
    /// connections wait in the listen backlog until one closes. Defaults to 512.
    pub max_connections: usize,
    /// Serve `POST /_test/faults`, `DELETE /_test/faults` and `GET /_test/stats`. Defaults
    /// to false. Only allowed with a loopback `bind` address (`127.0.0.0/8` or `[::1]`):
    /// never on an unspecified one nor on a specific address of another interface.
    pub test_endpoints: bool,
    /// Also accept `application/json` bodies on the outbound and Keycloak-style endpoints
    /// (the platforms take form bodies there; this is for testing clients' JSON encoding).
    /// Defaults to false. The D1 endpoint always accepts both.
    pub json_bodies: bool,
    /// Serve HTTPS (and require client certificates when `client_ca` is set) instead of
    /// plain HTTP. Defaults to none.
    pub tls: Option<TlsConfig>,
    /// Most `jti` values remembered at once; when full (after purging expired entries)
    /// new assertions carrying a `jti` are refused. Defaults to 65 536.
    pub replay_cache_capacity: usize,
    /// Most live access tokens kept; when full the oldest is forgotten. Defaults to 100 000.
    pub max_live_tokens: usize,
    /// Thales D1 issuers allowed to use `POST /authz/v1/oauth2/token`.
    pub d1_issuers: Vec<D1Issuer>,
    /// Clients of the D1-outbound-style `POST /oauth2/token` (HTTP Basic).
    pub outbound_clients: Vec<BasicClient>,
    /// Keycloak-style realms (`POST /auth/realms/{realm}/protocol/openid-connect/token`).
    pub realms: Vec<Realm>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            allow_unspecified_bind: false,
            public_url: None,
            token_lifetime_secs: DEFAULT_TOKEN_LIFETIME_SECS,
            leeway_secs: DEFAULT_LEEWAY_SECS,
            request_timeout_secs: DEFAULT_REQUEST_TIMEOUT_SECS,
            header_read_timeout_secs: DEFAULT_HEADER_READ_TIMEOUT_SECS,
            idle_timeout_secs: DEFAULT_IDLE_TIMEOUT_SECS,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            test_endpoints: false,
            json_bodies: false,
            tls: None,
            replay_cache_capacity: DEFAULT_REPLAY_CACHE_CAPACITY,
            max_live_tokens: DEFAULT_MAX_LIVE_TOKENS,
            d1_issuers: Vec::new(),
            outbound_clients: Vec::new(),
            realms: Vec::new(),
        }
    }
}

/// D1 environment of an issuer: decides the expected `aud` (`stg` or `prd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum D1Env {
    /// Staging: `aud` = `stg`.
    #[serde(rename = "stg", alias = "staging")]
    Stg,
    /// Production: `aud` = `prd`.
    #[serde(rename = "prd", alias = "production")]
    Prd,
}

impl D1Env {
    /// The core profile's environment.
    #[must_use]
    pub const fn profile(self) -> bearerkit::profile::d1::Env {
        match self {
            Self::Stg => bearerkit::profile::d1::Env::Staging,
            Self::Prd => bearerkit::profile::d1::Env::Production,
        }
    }

    /// The expected `aud`.
    #[must_use]
    pub const fn audience(self) -> &'static str {
        self.profile().audience()
    }
}

/// A D1 issuer (merchant gateway): its id, environment, public keys and granted scope.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct D1Issuer {
    /// The issuer id: the assertion's `iss` and `sub`.
    pub issuer_id: String,
    /// Environment, i.e. the expected `aud`: `"stg"` or `"prd"`.
    pub env: D1Env,
    /// Scope of the issued tokens. Defaults to [`DEFAULT_D1_SCOPE`].
    #[serde(default = "default_d1_scope")]
    pub scope: String,
    /// Onboarded public keys, selected by the assertion's `kid`.
    #[serde(default)]
    pub keys: Vec<D1Key>,
}

fn default_d1_scope() -> String {
    DEFAULT_D1_SCOPE.to_owned()
}

impl D1Issuer {
    /// An issuer with no keys yet and the default scope.
    #[must_use]
    pub fn new(issuer_id: impl Into<String>, env: D1Env) -> Self {
        Self { issuer_id: issuer_id.into(), env, scope: default_d1_scope(), keys: Vec::new() }
    }

    /// Add a public key: `key` is a `PUBLIC KEY` PEM (SPKI) or a JWK (JSON text).
    #[must_use]
    pub fn key(mut self, kid: impl Into<String>, key: impl Into<String>) -> Self {
        self.keys.push(D1Key { kid: kid.into(), public_key: key.into() });
        self
    }

    /// Set the granted scope (space separated).
    #[must_use]
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }
}

/// One onboarded D1 key.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct D1Key {
    /// The `kid` the assertion header must carry.
    pub kid: String,
    /// The public key: a `PUBLIC KEY` PEM (SPKI) or a JWK (text starting with `{`).
    pub public_key: String,
}

/// A client of the D1-outbound-style endpoint, authenticated with HTTP Basic.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicClient {
    /// The client id (user part of HTTP Basic).
    pub client_id: String,
    /// The client secret (password part of HTTP Basic).
    pub secret: Secret,
    /// Scopes the client may request; a request without `scope` gets all of them.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Whether the client may use the `client_credentials` grant; `false` answers
    /// `unauthorized_client` after a successful authentication. Defaults to true.
    #[serde(default = "yes")]
    pub client_credentials: bool,
}

fn yes() -> bool {
    true
}

impl BasicClient {
    /// A client allowed `scopes`.
    #[must_use]
    pub fn new<S: Into<String>>(
        client_id: impl Into<String>,
        secret: impl Into<Secret>,
        scopes: impl IntoIterator<Item = S>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            secret: secret.into(),
            scopes: scopes.into_iter().map(Into::into).collect(),
            client_credentials: true,
        }
    }
}

/// A Keycloak-style realm.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Realm {
    /// The realm name, the `{realm}` path segment (`[A-Za-z0-9._-]+`).
    pub name: String,
    /// Lifetime of issued tokens in seconds, 1 to [`MAX_LIFETIME_SECS`]. Defaults to 300.
    #[serde(default = "default_realm_lifetime")]
    pub token_lifetime_secs: u64,
    /// Longest accepted client-assertion lifetime (`exp − iat`, and `exp − now`), in
    /// seconds, 1 to [`MAX_LIFETIME_SECS`]. Defaults to 3600.
    #[serde(default = "default_assertion_max_lifetime")]
    pub assertion_max_lifetime_secs: u64,
    /// Accept only the realm issuer (`{base}/auth/realms/{realm}`), as a JSON string, as a
    /// client assertion's `aud` (FAPI 2.0): the token endpoint URL is then refused
    /// (`audience_mismatch`), and so is any array, even `["issuer"]` (`audience_not_sole`).
    /// Off by default: the issuer or the token endpoint URL, alone (a string or an array of
    /// one), as Keycloak 26.2 accepts; several audiences are refused either way.
    #[serde(default)]
    pub issuer_only_audience: bool,
    /// The realm's clients.
    #[serde(default)]
    pub clients: Vec<RealmClient>,
}

fn default_realm_lifetime() -> u64 {
    DEFAULT_REALM_TOKEN_LIFETIME_SECS
}

fn default_assertion_max_lifetime() -> u64 {
    DEFAULT_ASSERTION_MAX_LIFETIME_SECS
}

impl Realm {
    /// An empty realm with the default lifetimes.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            token_lifetime_secs: DEFAULT_REALM_TOKEN_LIFETIME_SECS,
            assertion_max_lifetime_secs: DEFAULT_ASSERTION_MAX_LIFETIME_SECS,
            issuer_only_audience: false,
            clients: Vec::new(),
        }
    }

    /// Add a client.
    #[must_use]
    pub fn client(mut self, client: RealmClient) -> Self {
        self.clients.push(client);
        self
    }

    /// Set the lifetime of issued tokens.
    #[must_use]
    pub fn token_lifetime(mut self, secs: u64) -> Self {
        self.token_lifetime_secs = secs;
        self
    }

    /// Set the longest accepted client-assertion lifetime.
    #[must_use]
    pub fn assertion_max_lifetime(mut self, secs: u64) -> Self {
        self.assertion_max_lifetime_secs = secs;
        self
    }

    /// Accept only the realm issuer, as a JSON string, as a client assertion's `aud` (FAPI
    /// 2.0); see the field of the same name.
    #[must_use]
    pub fn issuer_only_audience(mut self, on: bool) -> Self {
        self.issuer_only_audience = on;
        self
    }
}

/// A client of a realm: authenticated by `client_secret` and/or by a `client_assertion`
/// signed with the key of `certificate` (its header `kid` = the certificate's SHA-1
/// fingerprint, upper-case hex).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RealmClient {
    /// The client id (the assertion's `iss` and `sub`).
    pub client_id: String,
    /// Secret for `client_secret_post` / `client_secret_basic`.
    #[serde(default)]
    pub secret: Option<Secret>,
    /// X.509 certificate (PEM) whose key verifies client assertions: P-256 (`ES256`) or
    /// RSA of 2048 to 4096 bits (`RS256`, `PS256`).
    #[serde(default)]
    pub certificate: Option<String>,
    /// The JWS algorithms this client's assertions may use (Keycloak's signature algorithm
    /// for JWT client authentication). Empty (the default) means every algorithm of the
    /// certificate's key type: `ES256` for a P-256 key, `RS256` and `PS256` for an RSA key.
    /// An algorithm of the other key type, `none` or an HMAC algorithm is a configuration
    /// error.
    #[serde(default)]
    pub assertion_algorithms: Vec<String>,
    /// Scopes the client may request; a request without `scope` gets all of them.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Whether the client may use the `client_credentials` grant (Keycloak's "service
    /// accounts enabled"); `false` answers `unauthorized_client`. Defaults to true.
    #[serde(default = "yes")]
    pub client_credentials: bool,
}

impl RealmClient {
    /// A client with no credentials or scopes yet.
    #[must_use]
    pub fn new(client_id: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            secret: None,
            certificate: None,
            assertion_algorithms: Vec::new(),
            scopes: Vec::new(),
            client_credentials: true,
        }
    }

    /// Accept `client_secret`.
    #[must_use]
    pub fn secret(mut self, secret: impl Into<Secret>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// Accept client assertions signed by this certificate's key (PEM).
    #[must_use]
    pub fn certificate(mut self, pem: impl Into<String>) -> Self {
        self.certificate = Some(pem.into());
        self
    }

    /// Set the allowed scopes.
    #[must_use]
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Accept only these JWS algorithms for the client's assertions (see the field).
    #[must_use]
    pub fn assertion_algorithms<S: Into<String>>(mut self, algs: impl IntoIterator<Item = S>) -> Self {
        self.assertion_algorithms = algs.into_iter().map(Into::into).collect();
        self
    }
}

impl ServerConfig {
    /// Parse (and [validate](Self::validate)) a TOML document.
    ///
    /// # Errors
    /// [`ConfigError::Parse`] for bad TOML or unknown or mistyped fields, and the errors of
    /// [`validate`](Self::validate). The parse error says where (line and column) and what
    /// is wrong (naming at most a key), but never quotes a value or a line of the document:
    /// they may hold a secret.
    pub fn from_toml_str(s: &str) -> Result<Self, ConfigError> {
        let config: Self = toml::from_str(s).map_err(|e| parse_error(s, &e))?;
        config.validate()?;
        Ok(config)
    }

    /// Read, parse and validate a TOML file.
    ///
    /// # Errors
    /// [`ConfigError::Io`] when the file cannot be read, and the errors of
    /// [`from_toml_str`](Self::from_toml_str).
    pub fn from_file(path: &std::path::Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Io { path: path.to_path_buf(), source })?;
        Self::from_toml_str(&text)
    }

    /// Set the listen address.
    #[must_use]
    pub fn with_bind(mut self, bind: SocketAddr) -> Self {
        self.bind = bind;
        self
    }

    /// Allow (or not) an unspecified `bind` address (`0.0.0.0`, `[::]`).
    #[must_use]
    pub fn with_unspecified_bind_allowed(mut self, allow: bool) -> Self {
        self.allow_unspecified_bind = allow;
        self
    }

    /// Set the header-read timeout, in seconds.
    #[must_use]
    pub fn with_header_read_timeout(mut self, secs: u64) -> Self {
        self.header_read_timeout_secs = secs;
        self
    }

    /// Set the idle timeout, in seconds.
    #[must_use]
    pub fn with_idle_timeout(mut self, secs: u64) -> Self {
        self.idle_timeout_secs = secs;
        self
    }

    /// Set the cap on open connections.
    #[must_use]
    pub fn with_max_connections(mut self, max: usize) -> Self {
        self.max_connections = max;
        self
    }

    /// Set the D1 / outbound token lifetime.
    #[must_use]
    pub fn with_token_lifetime(mut self, secs: u64) -> Self {
        self.token_lifetime_secs = secs;
        self
    }

    /// Enable or disable the `/_test/*` endpoints.
    #[must_use]
    pub fn with_test_endpoints(mut self, on: bool) -> Self {
        self.test_endpoints = on;
        self
    }

    /// Accept JSON bodies on the outbound and Keycloak-style endpoints too.
    #[must_use]
    pub fn with_json_bodies(mut self, on: bool) -> Self {
        self.json_bodies = on;
        self
    }

    /// Serve HTTPS (mutual TLS when the configuration names client CAs).
    #[must_use]
    pub fn with_tls(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Add a D1 issuer.
    #[must_use]
    pub fn with_d1_issuer(mut self, issuer: D1Issuer) -> Self {
        self.d1_issuers.push(issuer);
        self
    }

    /// Add an outbound (HTTP Basic) client.
    #[must_use]
    pub fn with_outbound_client(mut self, client: BasicClient) -> Self {
        self.outbound_clients.push(client);
        self
    }

    /// Add a Keycloak-style realm.
    #[must_use]
    pub fn with_realm(mut self, realm: Realm) -> Self {
        self.realms.push(realm);
        self
    }

    /// Check the configuration: every key and certificate parses, names are unique and
    /// non-empty, capacities are positive, lifetimes are 1 to [`MAX_LIFETIME_SECS`] (one
    /// year), the request timeout 1 to [`MAX_REQUEST_TIMEOUT_SECS`], the header-read and
    /// idle timeouts 1 to [`MAX_CONNECTION_TIMEOUT_SECS`], `max_connections` 1 to
    /// [`MAX_CONNECTIONS_LIMIT`] and the leeway at most [`MAX_LEEWAY_SECS`].
    ///
    /// The bind rule: an unspecified `bind` address (`0.0.0.0`, `[::]`, `[::ffff:0.0.0.0]`,
    /// all treated alike) listens on every interface, so it is refused (field `bind`)
    /// unless `allow_unspecified_bind` is true. With `test_endpoints` on, `bind` must be a
    /// loopback address (`127.0.0.0/8`, `[::1]`, or an IPv4-mapped `[::ffff:127.x.y.z]`),
    /// otherwise the configuration is refused (field `test_endpoints`): an unspecified
    /// address even when allowed, and a specific address such as `192.0.2.10` alike. The
    /// fault-injection endpoints are never reachable from other hosts.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`], [`ConfigError::Duplicate`], [`ConfigError::InvalidKey`]
    /// or [`ConfigError::InvalidCertificate`].
    pub fn validate(&self) -> Result<(), ConfigError> {
        lifetime("token_lifetime_secs", self.token_lifetime_secs)?;
        positive("request_timeout_secs", self.request_timeout_secs)?;
        at_most("request_timeout_secs", self.request_timeout_secs, MAX_REQUEST_TIMEOUT_SECS, "one hour")?;
        positive("replay_cache_capacity", u64::try_from(self.replay_cache_capacity).unwrap_or(u64::MAX))?;
        positive("max_live_tokens", u64::try_from(self.max_live_tokens).unwrap_or(u64::MAX))?;
        at_most("leeway_secs", self.leeway_secs, MAX_LEEWAY_SECS, "one hour")?;
        positive("header_read_timeout_secs", self.header_read_timeout_secs)?;
        at_most(
            "header_read_timeout_secs",
            self.header_read_timeout_secs,
            MAX_CONNECTION_TIMEOUT_SECS,
            "one hour",
        )?;
        positive("idle_timeout_secs", self.idle_timeout_secs)?;
        at_most("idle_timeout_secs", self.idle_timeout_secs, MAX_CONNECTION_TIMEOUT_SECS, "one hour")?;
        if self.max_connections == 0 || self.max_connections > MAX_CONNECTIONS_LIMIT {
            return Err(invalid(
                "max_connections",
                &format!("must be 1 to {MAX_CONNECTIONS_LIMIT}, got {}", self.max_connections),
            ));
        }
        if is_unspecified(self.bind.ip()) && !self.allow_unspecified_bind {
            return Err(invalid(
                "bind",
                "an unspecified address (0.0.0.0 or [::]) listens on every interface: set \
                 allow_unspecified_bind = true (bearerkit serve --listen-any) to mean it",
            ));
        }
        if self.test_endpoints && !is_loopback(self.bind.ip()) {
            return Err(ConfigError::Invalid {
                field: "test_endpoints",
                reason: format!(
                    "the /_test/* endpoints are served only on a loopback bind address \
                     (127.0.0.0/8 or [::1]), not on {}: bind a loopback address, or turn \
                     test_endpoints off",
                    self.bind.ip()
                ),
            });
        }
        if let Some(url) = &self.public_url
            && (!(url.starts_with("http://") || url.starts_with("https://")) || url.ends_with('/'))
        {
            return Err(invalid("public_url", "must start with http:// or https:// and not end with /"));
        }
        if let Some(tls) = &self.tls {
            tls.server_config()?;
        }
        let mut issuers = HashSet::new();
        for issuer in &self.d1_issuers {
            non_empty("d1_issuers.issuer_id", &issuer.issuer_id)?;
            unique(&mut issuers, "d1 issuer", &issuer.issuer_id)?;
            let mut kids = HashSet::new();
            for key in &issuer.keys {
                non_empty("d1_issuers.keys.kid", &key.kid)?;
                unique(&mut kids, "d1 key id", &format!("{}/{}", issuer.issuer_id, key.kid))?;
                parse_public_key(&key.public_key).map_err(|source| ConfigError::InvalidKey {
                    issuer_id: issuer.issuer_id.clone(),
                    kid: key.kid.clone(),
                    source,
                })?;
            }
        }
        let mut clients = HashSet::new();
        for client in &self.outbound_clients {
            non_empty("outbound_clients.client_id", &client.client_id)?;
            unique(&mut clients, "outbound client", &client.client_id)?;
            check_scopes("outbound_clients.scopes", &client.scopes)?;
        }
        let mut realms = HashSet::new();
        for realm in &self.realms {
            let name_ok = !realm.name.is_empty()
                && realm.name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
            if !name_ok {
                return Err(invalid("realms.name", "must match [A-Za-z0-9._-]+"));
            }
            unique(&mut realms, "realm", &realm.name)?;
            lifetime("realms.token_lifetime_secs", realm.token_lifetime_secs)?;
            lifetime("realms.assertion_max_lifetime_secs", realm.assertion_max_lifetime_secs)?;
            let mut ids = HashSet::new();
            for client in &realm.clients {
                non_empty("realms.clients.client_id", &client.client_id)?;
                unique(&mut ids, "realm client", &format!("{}/{}", realm.name, client.client_id))?;
                check_scopes("realms.clients.scopes", &client.scopes)?;
                if client.secret.is_none() && client.certificate.is_none() {
                    return Err(invalid(
                        "realms.clients",
                        "each client needs a secret, a certificate or both",
                    ));
                }
                if let Some(pem) = &client.certificate {
                    let parsed =
                        parse_certificate(pem).map_err(|reason| ConfigError::InvalidCertificate {
                            realm: realm.name.clone(),
                            client_id: client.client_id.clone(),
                            reason,
                        })?;
                    let supported = parsed.key.algorithms();
                    if let Some(alg) =
                        client.assertion_algorithms.iter().find(|a| !supported.contains(&a.as_str()))
                    {
                        return Err(ConfigError::Invalid {
                            field: "realms.clients.assertion_algorithms",
                            reason: format!(
                                "{:?} for client {}: the certificate's key ({}) signs only {}",
                                alg,
                                client.client_id,
                                parsed.key.kind(),
                                supported.join(", ")
                            ),
                        });
                    }
                } else if !client.assertion_algorithms.is_empty() {
                    return Err(invalid(
                        "realms.clients.assertion_algorithms",
                        "needs a certificate (the algorithms apply to client assertions)",
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A [`ConfigError::Parse`] from a `toml` error, without any text of the document.
///
/// `toml::de::Error`'s `Display` quotes the offending source line (a mistyped
/// `secrt = "..."` or an unterminated `secret = "...` would print the secret), so only the
/// position, computed from the span, and a [`redacted_message`] are kept.
fn parse_error(input: &str, e: &toml::de::Error) -> ConfigError {
    let message = redacted_message(e.message(), e.span().and_then(|span| input.get(span)));
    ConfigError::Parse(match e.span() {
        Some(span) => {
            let (line, column) = line_column(input, span.start);
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    })
}

/// The 1-based line and column (in characters) of byte offset `at` of `input`.
fn line_column(input: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(input.len());
    while !input.is_char_boundary(at) {
        at -= 1;
    }
    let before = &input[..at];
    let line_start = before.rfind('\n').map_or(0, |nl| nl + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// Kinds of value as serde's `Unexpected` names them (`invalid type: string "…"`).
const VALUE_KINDS: &[&str] = &[
    "boolean",
    "integer",
    "floating point",
    "character",
    "string",
    "byte array",
    "unit value",
    "Option value",
    "newtype struct",
    "sequence",
    "map",
    "enum",
    "unit variant",
    "newtype variant",
    "tuple variant",
    "struct variant",
];

/// A `toml`/serde error message with any configuration value taken out.
///
/// The messages that quote a value are serde's `invalid type: string "…", expected u64`,
/// `invalid value: integer `…`, expected u64` and `unknown variant `…`, expected one of …`;
/// they keep the kind of value (for the first two) and what was expected. The others
/// (TOML syntax errors, `unknown field `secrt``, `missing field`, `duplicate key`, …) name
/// at most a key and are kept. As a last guard, a message that names no key and still has
/// `offending` (the text at the error's span) in it as a word, say from some other
/// `Deserialize` impl echoing its input, becomes just "invalid value".
fn redacted_message(message: &str, offending: Option<&str>) -> String {
    // The expectation comes last and is the code's (`Visitor::expecting`), so the last
    // ", expected " is the separator even if the value contains that text.
    let expected = message.rfind(", expected ").map_or("", |i| &message[i..]);
    let mut redacted = None;
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let kind = VALUE_KINDS.iter().find(|kind| {
                rest.strip_prefix(**kind)
                    .is_some_and(|after| after.is_empty() || after.starts_with([' ', ',']))
            });
            let what = prefix.trim_end_matches([':', ' ']);
            redacted = Some(match kind {
                Some(kind) => format!("{what}: {kind}{expected}"),
                None => format!("{what}{expected}"),
            });
        }
    }
    if message.starts_with("unknown variant ") {
        // serde's other form, "unknown variant `…`, there are no variants", has no expectation.
        let expected = if message.ends_with(", there are no variants") { "" } else { expected };
        redacted = Some(format!("unknown variant{expected}"));
    }
    let names_key = ["unknown field `", "missing field `", "duplicate field `", "duplicate key"]
        .iter()
        .any(|p| message.starts_with(p));
    let redacted = redacted.unwrap_or_else(|| message.to_owned());
    let value = offending.map_or("", |text| text.trim().trim_matches(['"', '\'']).trim());
    if !names_key && contains_token(&redacted, value) {
        return "invalid value".to_owned();
    }
    redacted
}

/// Whether `needle` (with a letter or digit: not just TOML punctuation such as `=`) occurs
/// in `haystack` not inside a longer word.
fn contains_token(haystack: &str, needle: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    needle.chars().any(char::is_alphanumeric)
        && haystack.match_indices(needle).any(|(i, _)| {
            !word(haystack[..i].chars().next_back()) && !word(haystack[i + needle.len()..].chars().next())
        })
}

/// Whether `ip` is a loopback address: `127.0.0.0/8`, `::1`, or `::ffff:127.0.0.0/104`
/// (an IPv4-mapped `127.x.y.z`, the same loopback address).
pub(crate) fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
    }
}

/// Whether `ip` listens on every interface: `0.0.0.0`, `::`, or `::ffff:0.0.0.0`.
pub(crate) fn is_unspecified(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_unspecified(),
        IpAddr::V6(v6) => v6.is_unspecified() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_unspecified()),
    }
}

fn invalid(field: &'static str, reason: &str) -> ConfigError {
    ConfigError::Invalid { field, reason: reason.to_owned() }
}

fn positive(field: &'static str, v: u64) -> Result<(), ConfigError> {
    if v == 0 { Err(invalid(field, "must be greater than 0")) } else { Ok(()) }
}

fn at_most(field: &'static str, v: u64, max: u64, words: &str) -> Result<(), ConfigError> {
    if v > max {
        Err(invalid(field, &format!("must be at most {max} seconds ({words}), got {v}")))
    } else {
        Ok(())
    }
}

/// A lifetime: 1 to [`MAX_LIFETIME_SECS`].
fn lifetime(field: &'static str, v: u64) -> Result<(), ConfigError> {
    positive(field, v)?;
    at_most(field, v, MAX_LIFETIME_SECS, "one year")
}

fn non_empty(field: &'static str, v: &str) -> Result<(), ConfigError> {
    if v.is_empty() { Err(invalid(field, "must not be empty")) } else { Ok(()) }
}

fn unique(seen: &mut HashSet<String>, what: &'static str, name: &str) -> Result<(), ConfigError> {
    if seen.insert(name.to_owned()) {
        Ok(())
    } else {
        Err(ConfigError::Duplicate { what, name: name.to_owned() })
    }
}

fn check_scopes(field: &'static str, scopes: &[String]) -> Result<(), ConfigError> {
    // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
    let ok = |s: &String| {
        !s.is_empty()
            && s.bytes().all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
    };
    if scopes.iter().all(ok) {
        Ok(())
    } else {
        Err(invalid(
            field,
            "each scope must be a non-empty RFC 6749 scope-token (no spaces, quotes or backslashes)",
        ))
    }
}

/// A public key from a `PUBLIC KEY` PEM or a JWK.
pub(crate) fn parse_public_key(text: &str) -> Result<bearerkit::VerifyingKey, bearerkit::Error> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        bearerkit::VerifyingKey::from_jwk(trimmed)
    } else {
        bearerkit::VerifyingKey::from_pem(text)
    }
}

/// The public key of a realm client's certificate.
pub(crate) enum CertificateKey {
    /// P-256: `ES256`.
    Ec(bearerkit::VerifyingKey),
    /// RSA, 2048 to 4096 bits: `RS256`, `PS256`.
    Rsa(bearerkit_rsa::RsaVerifyingKey),
}

impl CertificateKey {
    /// Every JWS algorithm this key type verifies.
    pub(crate) const fn algorithms(&self) -> &'static [&'static str] {
        match self {
            Self::Ec(_) => &["ES256"],
            Self::Rsa(_) => &["RS256", "PS256"],
        }
    }

    /// `P-256` or `RSA`.
    pub(crate) const fn kind(&self) -> &'static str {
        match self {
            Self::Ec(_) => "P-256",
            Self::Rsa(_) => "RSA",
        }
    }
}

/// A parsed client certificate: its SHA-1 fingerprint (upper-case hex) and key.
pub(crate) struct ParsedCertificate {
    pub(crate) fingerprint: String,
    pub(crate) key: CertificateKey,
}

/// Parse a `CERTIFICATE` PEM (trailing spaces on lines tolerated, as in the Thales D1 guide).
pub(crate) fn parse_certificate(pem: &str) -> Result<ParsedCertificate, String> {
    use x509_cert::der::{DecodePem, Encode};
    let normalized: String = pem.trim().lines().map(|l| format!("{}\n", l.trim())).collect();
    let cert = x509_cert::Certificate::from_pem(normalized.as_bytes())
        .map_err(|e| format!("bad certificate: {e}"))?;
    // The fingerprint is taken over the certificate's own DER bytes, as decoded by the core.
    let mut scratch = vec![0u8; pem.len().saturating_mul(2).max(64)];
    let prints = bearerkit::CertificateThumbprints::from_pem(pem, &mut scratch)
        .map_err(|e| format!("bad certificate: {e} ({})", e.code()))?;
    let spki = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|e| format!("bad certificate key: {e}"))?;
    let key = match bearerkit::VerifyingKey::from_spki_der(&spki) {
        Ok(key) => CertificateKey::Ec(key),
        Err(ec) => match bearerkit_rsa::RsaVerifyingKey::from_spki_der(&spki) {
            Ok(key) => CertificateKey::Rsa(key),
            Err(bearerkit_rsa::Error::UnsupportedKeyType) => {
                return Err(format!("certificate key is neither P-256 nor RSA: {ec} ({})", ec.code()));
            }
            Err(e) => return Err(format!("certificate key: {e} ({})", e.code())),
        },
    };
    Ok(ParsedCertificate { fingerprint: prints.sha1_hex().as_str().to_owned(), key })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_lines_and_characters() {
        let input = "a = 1\nké = \"x\"\n";
        assert_eq!(line_column(input, 0), (1, 1));
        assert_eq!(line_column(input, 6), (2, 1));
        // "ké = " is 6 bytes but 5 characters.
        assert_eq!(line_column(input, 7 + 5), (2, 6));
        // Inside a character, and past the end.
        assert_eq!(line_column(input, 8), (2, 2));
        assert_eq!(line_column(input, 1000), (3, 1));
    }

    #[test]
    fn messages_lose_the_value() {
        let cases = [
            (
                "invalid type: string \"s3cret\", expected u64",
                "\"s3cret\"",
                "invalid type: string, expected u64",
            ),
            ("invalid value: integer `-7`, expected u64", "-7", "invalid value: integer, expected u64"),
            ("invalid type: something s3cret, expected u64", "x", "invalid type, expected u64"),
            ("unknown variant `s3cret`, expected `stg`", "\"s3cret\"", "unknown variant, expected `stg`"),
            ("unknown variant `s3cret`, there are no variants", "\"s3cret\"", "unknown variant"),
            // The value looks like the separator; with no real expectation after it.
            (
                "unknown variant `a, expected s3cret`, there are no variants",
                "\"a, expected s3cret\"",
                "unknown variant",
            ),
            // Some Deserialize impl echoing its input.
            ("bad URL s3cret://x", "'s3cret://x'", "invalid value"),
            // Keys are kept, and so are syntax errors.
            ("unknown field `secrt`, expected `secret`", "secrt", "unknown field `secrt`, expected `secret`"),
            ("missing field `client_id`", "[[realms.clients]]", "missing field `client_id`"),
            ("extra `=`", "=", "extra `=`"),
            (
                "unexpected key or value, expected newline, `#`",
                "x",
                "unexpected key or value, expected newline, `#`",
            ),
        ];
        for (message, offending, expected) in cases {
            assert_eq!(redacted_message(message, Some(offending)), expected, "{message}");
            // serde's shapes are recognised without the span too.
            if !message.starts_with("bad URL") {
                assert!(!redacted_message(message, None).contains("s3cret"), "{message}");
            }
        }
    }
}
