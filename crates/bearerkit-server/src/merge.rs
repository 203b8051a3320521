//! Adding to a configuration without overriding it: [`ServerConfig::merge`], what
//! `bearerkit serve`'s flags do to the configuration read from `--config`.

use crate::config::{BasicClient, D1Env, D1Issuer, D1Key, Realm, RealmClient, ServerConfig};
use crate::{ConfigError, TlsConfig};

/// What [`ServerConfig::merge`] adds to a configuration: D1 issuers or their keys, outbound
/// clients, realms or their clients, and TLS.
///
/// Unlike in a [`ServerConfig`], an issuer's scope and a realm's lifetimes are optional
/// here: "not given" (the configuration's, or the default, applies) differs from "given".
///
/// ```
/// use bearerkit_server::{ConfigAdditions, D1Env, D1IssuerAdditions, RealmAdditions, RealmClient, ServerConfig};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let key = bearerkit::SigningKey::from_bytes(&[7u8; 32])?.verifying_key().to_spki_pem_string();
/// let file = ServerConfig::from_toml_str("[[realms]]\nname = \"r\"\n[[realms.clients]]\nclient_id = \"a\"\nsecret = \"s\"\n")?;
/// let config = file.merge(
///     ConfigAdditions::default()
///         .d1_issuer(D1IssuerAdditions::new("MGW_ID", D1Env::Prd).key("k1", key))
///         .realm(RealmAdditions::new("r").client(RealmClient::new("b").secret("t"))),
/// )?;
/// config.validate()?;
/// assert_eq!(config.realms[0].clients.len(), 2);
/// // A client the realm has already: refused.
/// let again = config.merge(ConfigAdditions::default().realm(RealmAdditions::new("r").client(RealmClient::new("a").secret("u"))));
/// assert_eq!(again.unwrap_err().to_string(), "duplicate realm client: \"r/a\"");
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
pub struct ConfigAdditions {
    /// D1 issuers, or keys for issuers the configuration has.
    pub d1_issuers: Vec<D1IssuerAdditions>,
    /// Outbound (HTTP Basic) clients.
    pub outbound_clients: Vec<BasicClient>,
    /// Keycloak-style realms, or clients for realms the configuration has.
    pub realms: Vec<RealmAdditions>,
    /// HTTPS, for a configuration without `[tls]`.
    pub tls: Option<TlsConfig>,
}

impl ConfigAdditions {
    /// Add a D1 issuer, or keys for one.
    #[must_use]
    pub fn d1_issuer(mut self, issuer: D1IssuerAdditions) -> Self {
        self.d1_issuers.push(issuer);
        self
    }

    /// Add an outbound client.
    #[must_use]
    pub fn outbound_client(mut self, client: BasicClient) -> Self {
        self.outbound_clients.push(client);
        self
    }

    /// Add a realm, or clients for one.
    #[must_use]
    pub fn realm(mut self, realm: RealmAdditions) -> Self {
        self.realms.push(realm);
        self
    }

    /// Serve HTTPS.
    #[must_use]
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }
}

/// A D1 issuer to add, or keys for an issuer the configuration has (same `issuer_id`).
#[derive(Clone, Debug)]
pub struct D1IssuerAdditions {
    /// The issuer id.
    pub issuer_id: String,
    /// Its environment: must be the configuration's for an issuer it has.
    pub env: D1Env,
    /// The granted scope, for a new issuer only (default [`DEFAULT_D1_SCOPE`](crate::DEFAULT_D1_SCOPE)).
    pub scope: Option<String>,
    /// Keys to add, each with a `kid` new to the issuer.
    pub keys: Vec<D1Key>,
}

impl D1IssuerAdditions {
    /// No keys and no scope yet.
    #[must_use]
    pub fn new(issuer_id: impl Into<String>, env: D1Env) -> Self {
        Self { issuer_id: issuer_id.into(), env, scope: None, keys: Vec::new() }
    }

    /// Add a public key: a `PUBLIC KEY` PEM (SPKI) or a JWK (JSON text).
    #[must_use]
    pub fn key(mut self, kid: impl Into<String>, public_key: impl Into<String>) -> Self {
        self.keys.push(D1Key { kid: kid.into(), public_key: public_key.into() });
        self
    }

    /// Set the granted scope (space separated), for a new issuer.
    #[must_use]
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }
}

/// A realm to add, or clients for a realm the configuration has (same name).
#[derive(Clone, Debug)]
pub struct RealmAdditions {
    /// The realm name.
    pub name: String,
    /// Lifetime of issued tokens, for a new realm only (default 300 s).
    pub token_lifetime_secs: Option<u64>,
    /// Longest accepted client assertion, for a new realm only (default 3600 s).
    pub assertion_max_lifetime_secs: Option<u64>,
    /// Turn the realm's `issuer_only_audience` on (a new realm's or the configuration's:
    /// it only narrows the accepted `aud`); `false` leaves it as it is.
    pub issuer_only_audience: bool,
    /// Clients to add, each with a `client_id` new to the realm.
    pub clients: Vec<RealmClient>,
}

impl RealmAdditions {
    /// No clients and no lifetimes yet.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            token_lifetime_secs: None,
            assertion_max_lifetime_secs: None,
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

    /// Set the lifetime of issued tokens, for a new realm.
    #[must_use]
    pub fn token_lifetime(mut self, secs: u64) -> Self {
        self.token_lifetime_secs = Some(secs);
        self
    }

    /// Set the longest accepted client-assertion lifetime, for a new realm.
    #[must_use]
    pub fn assertion_max_lifetime(mut self, secs: u64) -> Self {
        self.assertion_max_lifetime_secs = Some(secs);
        self
    }

    /// Turn the realm's `issuer_only_audience` on (see [`Realm`]).
    #[must_use]
    pub fn issuer_only_audience(mut self, on: bool) -> Self {
        self.issuer_only_audience = on;
        self
    }
}

impl ServerConfig {
    /// This configuration with `additions` added, nothing it has overridden or repeated.
    ///
    /// - A D1 issuer it has (same `issuer_id`, same environment) gets the additions' keys;
    ///   a new one is added, with its scope if given.
    /// - A realm it has (same name) gets the additions' clients; a new one is added, with
    ///   its lifetimes if given. `issuer_only_audience`, when set, turns the realm's switch on.
    /// - Outbound clients are added, and TLS if the configuration has none.
    ///
    /// The additions are added in order, each checked against the configuration as it
    /// grows (so an addition given twice is refused too). The result is not
    /// [validated](Self::validate): keys and certificates are parsed by `validate`.
    ///
    /// # Errors
    /// [`ConfigError::Duplicate`] for a `kid` of an issuer (`d1 key id`, `ISSUER/KID`), an
    /// outbound client (`outbound client`) or a realm client (`realm client`, `REALM/ID`)
    /// already there; [`ConfigError::Invalid`] for an issuer the configuration has with
    /// another environment (`d1_issuers.env`), a scope (`d1_issuers.scope`) or lifetime
    /// (`realms.token_lifetime_secs`, `realms.assertion_max_lifetime_secs`) for an issuer or
    /// realm it has (set those where it has them), and TLS when it has `[tls]` (`tls`).
    pub fn merge(mut self, additions: ConfigAdditions) -> Result<Self, ConfigError> {
        for add in additions.d1_issuers {
            let issuer = match self.d1_issuers.iter().position(|i| i.issuer_id == add.issuer_id) {
                Some(i) => {
                    let issuer = &mut self.d1_issuers[i];
                    if issuer.env != add.env {
                        return Err(invalid(
                            "d1_issuers.env",
                            format!(
                                "issuer {:?} is {} in the configuration, not {}",
                                add.issuer_id,
                                issuer.env.audience(),
                                add.env.audience()
                            ),
                        ));
                    }
                    if add.scope.is_some() {
                        return Err(invalid(
                            "d1_issuers.scope",
                            format!(
                                "issuer {:?} is already in the configuration: set its scope there",
                                add.issuer_id
                            ),
                        ));
                    }
                    issuer
                }
                None => {
                    let mut issuer = D1Issuer::new(add.issuer_id, add.env);
                    if let Some(scope) = add.scope {
                        issuer = issuer.scope(scope);
                    }
                    let i = self.d1_issuers.len();
                    self.d1_issuers.push(issuer);
                    &mut self.d1_issuers[i]
                }
            };
            for key in add.keys {
                if issuer.keys.iter().any(|k| k.kid == key.kid) {
                    return Err(duplicate("d1 key id", format!("{}/{}", issuer.issuer_id, key.kid)));
                }
                issuer.keys.push(key);
            }
        }
        for client in additions.outbound_clients {
            if self.outbound_clients.iter().any(|c| c.client_id == client.client_id) {
                return Err(duplicate("outbound client", client.client_id));
            }
            self.outbound_clients.push(client);
        }
        for add in additions.realms {
            let realm = match self.realms.iter().position(|r| r.name == add.name) {
                Some(i) => {
                    for (field, set) in [
                        ("realms.token_lifetime_secs", add.token_lifetime_secs),
                        ("realms.assertion_max_lifetime_secs", add.assertion_max_lifetime_secs),
                    ] {
                        if set.is_some() {
                            return Err(invalid(
                                field,
                                format!(
                                    "realm {:?} is already in the configuration: set its lifetimes there",
                                    add.name
                                ),
                            ));
                        }
                    }
                    &mut self.realms[i]
                }
                None => {
                    let mut realm = Realm::new(add.name);
                    if let Some(secs) = add.token_lifetime_secs {
                        realm = realm.token_lifetime(secs);
                    }
                    if let Some(secs) = add.assertion_max_lifetime_secs {
                        realm = realm.assertion_max_lifetime(secs);
                    }
                    let i = self.realms.len();
                    self.realms.push(realm);
                    &mut self.realms[i]
                }
            };
            realm.issuer_only_audience |= add.issuer_only_audience;
            for client in add.clients {
                if realm.clients.iter().any(|c| c.client_id == client.client_id) {
                    return Err(duplicate("realm client", format!("{}/{}", realm.name, client.client_id)));
                }
                realm.clients.push(client);
            }
        }
        if let Some(tls) = additions.tls {
            if self.tls.is_some() {
                return Err(invalid("tls", "[tls] is already in the configuration".to_owned()));
            }
            self.tls = Some(tls);
        }
        Ok(self)
    }
}

fn invalid(field: &'static str, reason: String) -> ConfigError {
    ConfigError::Invalid { field, reason }
}

fn duplicate(what: &'static str, name: String) -> ConfigError {
    ConfigError::Duplicate { what, name }
}
