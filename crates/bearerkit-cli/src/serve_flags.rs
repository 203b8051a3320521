//! `bearerkit serve`'s configuration flags: D1 issuers, outbound clients, Keycloak realms and
//! TLS from the command line, with or without a TOML file.
//!
//! Three stages, each with its own kind of failure:
//!
//! 1. clap parses each value ([`d1_key`], [`client_file`], [`file`], ...): a malformed one,
//!    a lifetime out of range, or `-` as a file (stdin is not read by `serve`) is a usage
//!    error (exit 2) naming the flag.
//! 2. [`Flags::check`] puts the values together: a client, key or setting given twice, an
//!    issuer given two environments, scopes for a client or lifetimes for a realm no flag
//!    defines are usage errors too.
//! 3. [`Flags::apply`] reads the files (secrets, keys, certificates; exit 1 with `io_error`,
//!    `bad_pem`, `wrong_curve`, ...) and adds everything to the configuration read from
//!    `--config`; a client id or `kid` the file already has, or a scope or lifetime for an
//!    issuer or realm the file has, is `bad_config` (exit 1).
//!
//! The arguments carry file paths, never secrets or keys, and no message quotes a file's
//! content. Client secrets and the TLS private key are read into a buffer zeroed on drop and
//! then held as [`Secret`] (redacted `Debug`, zeroed on drop). A `--d1-key` file may be a
//! private key: its text is read into a buffer zeroed on drop, the core's parsed key zeroes
//! its scalar, and only the public half (SPKI PEM) is kept in the configuration.

use crate::cli::ServeArgs;
use crate::failure::Failure;
use crate::keyfile;
use bearerkit_server::{
    BasicClient, D1Env, D1Issuer, D1Key, MAX_LIFETIME_SECS, Realm, RealmClient, ServerConfig, TlsConfig,
};
use std::path::{Path, PathBuf};

/// Why `-` is refused as a file: `serve` reads no file from stdin (one stdin could not feed
/// several flags, and the secret files never could).
const NO_STDIN: &str = "stdin is not supported for serve flags; give a file";

/// `--d1-key ISSUER:ENV:KID:FILE`.
#[derive(Clone, Debug)]
pub(crate) struct D1KeyArg {
    issuer: String,
    env: D1Env,
    kid: String,
    file: PathBuf,
    /// `ISSUER:ENV:KID` as given (`ENV` spelt as on the command line), for messages.
    given: String,
}

/// `--d1-scope ISSUER:SCOPE[,SCOPE...]`.
#[derive(Clone, Debug)]
pub(crate) struct D1ScopeArg {
    issuer: String,
    scopes: Vec<String>,
}

/// `--outbound-client ID:SECRET_FILE`.
#[derive(Clone, Debug)]
pub(crate) struct ClientFileArg {
    id: String,
    file: PathBuf,
}

/// `--outbound-scopes ID:SCOPE[,SCOPE...]`.
#[derive(Clone, Debug)]
pub(crate) struct ClientScopesArg {
    id: String,
    scopes: Vec<String>,
}

/// `--realm-client REALM:ID:SECRET_FILE` and `--realm-cert-client REALM:ID:CERT_FILE`.
#[derive(Clone, Debug)]
pub(crate) struct RealmFileArg {
    realm: String,
    id: String,
    file: PathBuf,
}

/// `--realm-scopes REALM:ID:SCOPE[,SCOPE...]`.
#[derive(Clone, Debug)]
pub(crate) struct RealmScopesArg {
    realm: String,
    id: String,
    scopes: Vec<String>,
}

/// `--realm-token-lifetime REALM:SECS` and `--realm-assertion-max-lifetime REALM:SECS`.
#[derive(Clone, Debug)]
pub(crate) struct RealmLifetimeArg {
    realm: String,
    secs: u64,
}

/// Split `value` at the first `N - 1` colons (so the last part, a file or a scope list, may
/// hold colons), every part non-empty. `names` are the parts' names, for the message.
fn parts<'a, const N: usize>(value: &'a str, names: [&str; N]) -> Result<[&'a str; N], String> {
    let shape = names.join(":");
    let mut split = value.splitn(N, ':');
    let mut out = [""; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = match split.next() {
            None => return Err(format!("expected {shape} ({name} is missing)")),
            Some("") => return Err(format!("expected {shape} ({name} is empty)")),
            Some(part) => part,
        };
    }
    Ok(out)
}

/// A list of scopes: scope-tokens (RFC 6749 §3.3) separated by commas or spaces.
fn scopes(list: &str) -> Result<Vec<String>, String> {
    let token_ok =
        |s: &str| s.bytes().all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b));
    let mut out: Vec<String> = Vec::new();
    for token in list.split([',', ' ']).filter(|t| !t.is_empty()) {
        if !token_ok(token) {
            return Err(
                "each scope must be an RFC 6749 scope-token (printable ASCII, no quotes or backslashes)"
                    .into(),
            );
        }
        if !out.iter().any(|s| s == token) {
            out.push(token.to_owned());
        }
    }
    if out.is_empty() {
        return Err("expected at least one scope (SCOPE[,SCOPE...])".into());
    }
    Ok(out)
}

/// The FILE part of a value: any path but `-`.
fn file_part(file: &str) -> Result<PathBuf, String> {
    if file == "-" { Err(NO_STDIN.into()) } else { Ok(file.into()) }
}

/// clap value parser of the flags that are a file alone (`--config`, `--tls-cert`,
/// `--tls-key`, `--client-ca`): any path (UTF-8 or not) but `-`.
pub(crate) fn file() -> impl clap::builder::TypedValueParser<Value = PathBuf> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PathBufValueParser::new()
        .try_map(|path: PathBuf| if path.as_os_str() == "-" { Err(NO_STDIN) } else { Ok(path) })
}

/// A realm name, the `{realm}` path segment: `[A-Za-z0-9._-]+`.
fn realm_name(name: &str) -> Result<String, String> {
    if name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')) {
        Ok(name.to_owned())
    } else {
        Err("REALM must match [A-Za-z0-9._-]+".into())
    }
}

/// clap value parser of `--d1-key`.
pub(crate) fn d1_key(value: &str) -> Result<D1KeyArg, String> {
    let [issuer, env_given, kid, file] = parts(value, ["ISSUER", "ENV", "KID", "FILE"])?;
    let env = match env_given {
        "stg" | "staging" => D1Env::Stg,
        "prd" | "production" => D1Env::Prd,
        _ => return Err("expected ISSUER:ENV:KID:FILE (ENV must be stg or prd)".into()),
    };
    let given = value[..issuer.len() + 1 + env_given.len() + 1 + kid.len()].to_owned();
    Ok(D1KeyArg { issuer: issuer.to_owned(), env, kid: kid.to_owned(), file: file_part(file)?, given })
}

/// clap value parser of `--d1-scope`.
pub(crate) fn d1_scope(value: &str) -> Result<D1ScopeArg, String> {
    let [issuer, list] = parts(value, ["ISSUER", "SCOPE[,SCOPE...]"])?;
    Ok(D1ScopeArg { issuer: issuer.to_owned(), scopes: scopes(list)? })
}

/// clap value parser of `--outbound-client`.
pub(crate) fn client_file(value: &str) -> Result<ClientFileArg, String> {
    let [id, file] = parts(value, ["ID", "SECRET_FILE"])?;
    Ok(ClientFileArg { id: id.to_owned(), file: file_part(file)? })
}

/// clap value parser of `--outbound-scopes`.
pub(crate) fn client_scopes(value: &str) -> Result<ClientScopesArg, String> {
    let [id, list] = parts(value, ["ID", "SCOPE[,SCOPE...]"])?;
    Ok(ClientScopesArg { id: id.to_owned(), scopes: scopes(list)? })
}

/// clap value parser of `--realm-client`.
pub(crate) fn realm_secret_file(value: &str) -> Result<RealmFileArg, String> {
    let [realm, id, file] = parts(value, ["REALM", "ID", "SECRET_FILE"])?;
    Ok(RealmFileArg { realm: realm_name(realm)?, id: id.to_owned(), file: file_part(file)? })
}

/// clap value parser of `--realm-cert-client`.
pub(crate) fn realm_cert_file(value: &str) -> Result<RealmFileArg, String> {
    let [realm, id, file] = parts(value, ["REALM", "ID", "CERT_FILE"])?;
    Ok(RealmFileArg { realm: realm_name(realm)?, id: id.to_owned(), file: file_part(file)? })
}

/// clap value parser of `--realm-scopes`.
pub(crate) fn realm_scopes(value: &str) -> Result<RealmScopesArg, String> {
    let [realm, id, list] = parts(value, ["REALM", "ID", "SCOPE[,SCOPE...]"])?;
    Ok(RealmScopesArg { realm: realm_name(realm)?, id: id.to_owned(), scopes: scopes(list)? })
}

/// clap value parser of `--realm-token-lifetime` and `--realm-assertion-max-lifetime`: SECS
/// within the bounds of the TOML's `token_lifetime_secs` / `assertion_max_lifetime_secs`.
pub(crate) fn realm_lifetime(value: &str) -> Result<RealmLifetimeArg, String> {
    let [realm, secs] = parts(value, ["REALM", "SECS"])?;
    let out_of_range = || format!("SECS must be 1 to {MAX_LIFETIME_SECS} (one year)");
    let secs = match secs.parse::<u64>() {
        Ok(secs @ 1..=MAX_LIFETIME_SECS) => secs,
        Ok(_) => return Err(out_of_range()),
        Err(_) if !secs.is_empty() && secs.bytes().all(|b| b.is_ascii_digit()) => return Err(out_of_range()),
        Err(_) => return Err("expected REALM:SECS (SECS a whole number of seconds)".into()),
    };
    Ok(RealmLifetimeArg { realm: realm_name(realm)?, secs })
}

/// A D1 issuer as the flags give it.
#[derive(Debug)]
struct IssuerFlags {
    id: String,
    env: D1Env,
    keys: Vec<D1KeyArg>,
    scopes: Option<Vec<String>>,
}

#[derive(Debug)]
struct OutboundFlags {
    id: String,
    secret_file: PathBuf,
    scopes: Vec<String>,
}

#[derive(Debug)]
struct RealmClientFlags {
    id: String,
    secret_file: Option<PathBuf>,
    cert_file: Option<PathBuf>,
    scopes: Vec<String>,
}

#[derive(Debug)]
struct RealmFlags {
    name: String,
    clients: Vec<RealmClientFlags>,
    token_lifetime: Option<u64>,
    assertion_max_lifetime: Option<u64>,
}

#[derive(Debug)]
struct TlsFlags {
    cert: PathBuf,
    key: PathBuf,
    client_ca: Option<PathBuf>,
}

/// The configuration flags of one `bearerkit serve`, checked against each other.
#[derive(Debug, Default)]
pub(crate) struct Flags {
    issuers: Vec<IssuerFlags>,
    outbound: Vec<OutboundFlags>,
    realms: Vec<RealmFlags>,
    tls: Option<TlsFlags>,
}

impl Flags {
    /// Put the flags together, without reading any file.
    ///
    /// # Errors
    /// A usage error (exit 2) naming the flag for a key, client, scope or lifetime setting
    /// given twice, an issuer given two environments, scopes for a client or lifetimes for a
    /// realm no flag defines.
    pub(crate) fn check(a: &ServeArgs) -> Result<Self, Failure> {
        let mut flags = Self::default();
        for k in &a.d1_keys {
            let index = match flags.issuers.iter().position(|i| i.id == k.issuer) {
                Some(i) => i,
                None => {
                    flags.issuers.push(IssuerFlags {
                        id: k.issuer.clone(),
                        env: k.env,
                        keys: Vec::new(),
                        scopes: None,
                    });
                    flags.issuers.len() - 1
                }
            };
            let issuer = &mut flags.issuers[index];
            if issuer.env != k.env {
                return Err(Failure::usage(format!(
                    "--d1-key: issuer {:?} is given two environments ({} and {})",
                    k.issuer,
                    issuer.env.audience(),
                    k.env.audience()
                )));
            }
            if issuer.keys.iter().any(|key| key.kid == k.kid) {
                return Err(Failure::usage(format!(
                    "--d1-key: key id {:?} of issuer {:?} is given twice",
                    k.kid, k.issuer
                )));
            }
            issuer.keys.push(k.clone());
        }
        for s in &a.d1_scopes {
            let Some(issuer) = flags.issuers.iter_mut().find(|i| i.id == s.issuer) else {
                return Err(Failure::usage(format!(
                    "--d1-scope: no --d1-key defines issuer {:?} (set a configuration file issuer's \
                     scope in the file)",
                    s.issuer
                )));
            };
            if issuer.scopes.is_some() {
                return Err(Failure::usage(format!("--d1-scope: issuer {:?} is given twice", s.issuer)));
            }
            issuer.scopes = Some(s.scopes.clone());
        }
        for c in &a.outbound_clients {
            if flags.outbound.iter().any(|o| o.id == c.id) {
                return Err(Failure::usage(format!(
                    "--outbound-client: client id {:?} is given twice",
                    c.id
                )));
            }
            flags.outbound.push(OutboundFlags {
                id: c.id.clone(),
                secret_file: c.file.clone(),
                scopes: Vec::new(),
            });
        }
        for s in &a.outbound_scopes {
            let Some(client) = flags.outbound.iter_mut().find(|o| o.id == s.id) else {
                return Err(Failure::usage(format!(
                    "--outbound-scopes: no --outbound-client defines {:?}",
                    s.id
                )));
            };
            extend_unique(&mut client.scopes, &s.scopes);
        }
        for (list, flag, by_cert) in [
            (&a.realm_clients, "--realm-client", false),
            (&a.realm_cert_clients, "--realm-cert-client", true),
        ] {
            for c in list {
                let client = flags.realm_client(&c.realm, &c.id);
                let slot = if by_cert { &mut client.cert_file } else { &mut client.secret_file };
                if slot.is_some() {
                    return Err(Failure::usage(format!(
                        "{flag}: client {:?} of realm {:?} is given twice",
                        c.id, c.realm
                    )));
                }
                *slot = Some(c.file.clone());
            }
        }
        for s in &a.realm_scopes {
            let client = flags
                .realms
                .iter_mut()
                .find(|r| r.name == s.realm)
                .and_then(|r| r.clients.iter_mut().find(|c| c.id == s.id));
            let Some(client) = client else {
                return Err(Failure::usage(format!(
                    "--realm-scopes: no --realm-client or --realm-cert-client defines client {:?} of realm {:?}",
                    s.id, s.realm
                )));
            };
            extend_unique(&mut client.scopes, &s.scopes);
        }
        for (list, flag, assertion) in [
            (&a.realm_token_lifetimes, "--realm-token-lifetime", false),
            (&a.realm_assertion_max_lifetimes, "--realm-assertion-max-lifetime", true),
        ] {
            for l in list {
                let Some(realm) = flags.realms.iter_mut().find(|r| r.name == l.realm) else {
                    return Err(Failure::usage(format!(
                        "{flag}: no --realm-client or --realm-cert-client defines realm {:?} (set a \
                         configuration file realm's lifetimes in the file)",
                        l.realm
                    )));
                };
                let slot =
                    if assertion { &mut realm.assertion_max_lifetime } else { &mut realm.token_lifetime };
                if slot.is_some() {
                    return Err(Failure::usage(format!("{flag}: realm {:?} is given twice", l.realm)));
                }
                *slot = Some(l.secs);
            }
        }
        if let (Some(cert), Some(key)) = (&a.tls_cert, &a.tls_key) {
            flags.tls =
                Some(TlsFlags { cert: cert.clone(), key: key.clone(), client_ca: a.client_ca.clone() });
        }
        Ok(flags)
    }

    /// The client `id` of realm `realm`, both created on first mention.
    fn realm_client(&mut self, realm: &str, id: &str) -> &mut RealmClientFlags {
        let r = match self.realms.iter().position(|r| r.name == realm) {
            Some(i) => i,
            None => {
                self.realms.push(RealmFlags {
                    name: realm.to_owned(),
                    clients: Vec::new(),
                    token_lifetime: None,
                    assertion_max_lifetime: None,
                });
                self.realms.len() - 1
            }
        };
        let clients = &mut self.realms[r].clients;
        let c = match clients.iter().position(|c| c.id == id) {
            Some(i) => i,
            None => {
                clients.push(RealmClientFlags {
                    id: id.to_owned(),
                    secret_file: None,
                    cert_file: None,
                    scopes: Vec::new(),
                });
                clients.len() - 1
            }
        };
        &mut clients[c]
    }

    /// Read the flags' files and add what they define to `config` (read from `source`, if
    /// any).
    ///
    /// # Errors
    /// `io_error` for a file that cannot be read; the core's code (`bad_pem`, `bad_jwk`,
    /// `wrong_curve`, ...) for a key or certificate it refuses; `bad_config` for an empty
    /// secret, unusable TLS files, a client id, `kid` or `[tls]` the file already has, or a
    /// scope or lifetime for an issuer or realm of the file.
    pub(crate) fn apply(
        &self,
        mut config: ServerConfig,
        source: Option<&Path>,
    ) -> Result<ServerConfig, Failure> {
        let in_file = |what: String| {
            let file = source.map_or_else(String::new, |p| format!(" ({})", p.display()));
            Failure::failed("bad_config", format!("{what} is already in the configuration file{file}"))
        };
        for flags in &self.issuers {
            let mut keys = Vec::with_capacity(flags.keys.len());
            for k in &flags.keys {
                let context = format!("--d1-key {}", k.given);
                let key = keyfile::verifying_key(&k.file).map_err(|e| e.context(&context, &k.file))?;
                keys.push((&k.kid, key.to_spki_pem_string()));
            }
            match config.d1_issuers.iter_mut().find(|i| i.issuer_id == flags.id) {
                Some(issuer) => {
                    if issuer.env != flags.env {
                        return Err(Failure::failed(
                            "bad_config",
                            format!(
                                "--d1-key: issuer {:?} is {} in the configuration file, not {}",
                                flags.id,
                                issuer.env.audience(),
                                flags.env.audience()
                            ),
                        ));
                    }
                    if flags.scopes.is_some() {
                        return Err(in_file(format!("--d1-scope: issuer {:?}", flags.id)));
                    }
                    for (kid, pem) in keys {
                        if issuer.keys.iter().any(|k| k.kid == *kid) {
                            return Err(in_file(format!(
                                "--d1-key: key id {kid:?} of issuer {:?}",
                                flags.id
                            )));
                        }
                        issuer.keys.push(D1Key { kid: kid.clone(), public_key: pem });
                    }
                }
                None => {
                    let mut issuer = D1Issuer::new(&flags.id, flags.env);
                    for (kid, pem) in keys {
                        issuer = issuer.key(kid, pem);
                    }
                    if let Some(scopes) = &flags.scopes {
                        issuer = issuer.scope(scopes.join(" "));
                    }
                    config = config.with_d1_issuer(issuer);
                }
            }
        }
        for flags in &self.outbound {
            if config.outbound_clients.iter().any(|c| c.client_id == flags.id) {
                return Err(in_file(format!("--outbound-client: client id {:?}", flags.id)));
            }
            let context = format!("--outbound-client {}", flags.id);
            let secret =
                keyfile::secret(&flags.secret_file).map_err(|e| e.context(&context, &flags.secret_file))?;
            config = config.with_outbound_client(BasicClient::new(&flags.id, secret, &flags.scopes));
        }
        for realm_flags in &self.realms {
            let index = match config.realms.iter().position(|r| r.name == realm_flags.name) {
                Some(i) => {
                    for (flag, set) in [
                        ("--realm-token-lifetime", realm_flags.token_lifetime),
                        ("--realm-assertion-max-lifetime", realm_flags.assertion_max_lifetime),
                    ] {
                        if set.is_some() {
                            return Err(in_file(format!("{flag}: realm {:?}", realm_flags.name)));
                        }
                    }
                    i
                }
                None => {
                    let mut realm = Realm::new(&realm_flags.name);
                    if let Some(secs) = realm_flags.token_lifetime {
                        realm = realm.token_lifetime(secs);
                    }
                    if let Some(secs) = realm_flags.assertion_max_lifetime {
                        realm = realm.assertion_max_lifetime(secs);
                    }
                    config = config.with_realm(realm);
                    config.realms.len() - 1
                }
            };
            for flags in &realm_flags.clients {
                let realm = &mut config.realms[index];
                if realm.clients.iter().any(|c| c.client_id == flags.id) {
                    return Err(in_file(format!(
                        "--realm-client / --realm-cert-client: client {:?} of realm {:?}",
                        flags.id, realm.name
                    )));
                }
                let mut client = RealmClient::new(&flags.id).scopes(&flags.scopes);
                if let Some(file) = &flags.secret_file {
                    let context = format!("--realm-client {}:{}", realm.name, flags.id);
                    client = client.secret(keyfile::secret(file).map_err(|e| e.context(&context, file))?);
                }
                if let Some(file) = &flags.cert_file {
                    let context = format!("--realm-cert-client {}:{}", realm.name, flags.id);
                    let cert = keyfile::certificate(file).and_then(|c| c.checked_pem());
                    client = client.certificate(cert.map_err(|e| e.context(&context, file))?);
                }
                realm.clients.push(client);
            }
        }
        if let Some(tls) = &self.tls {
            if config.tls.is_some() {
                return Err(in_file("--tls-cert / --tls-key: [tls]".to_owned()));
            }
            let read = |flag: &str, file: &Path| keyfile::read_text(file).map_err(|e| e.context(flag, file));
            let chain = read("--tls-cert", &tls.cert)?;
            let key = keyfile::secret(&tls.key).map_err(|e| e.context("--tls-key", &tls.key))?;
            let mut tls_config = TlsConfig::new(chain, key);
            if let Some(ca) = &tls.client_ca {
                tls_config = tls_config.require_client_certificates(read("--client-ca", ca)?);
            }
            tls_config.server_config().map_err(|e| {
                Failure::failed("bad_config", format!("--tls-cert / --tls-key / --client-ca: {e}"))
            })?;
            config = config.with_tls(tls_config);
        }
        Ok(config)
    }
}

/// Append the scopes of `more` not in `scopes` yet.
fn extend_unique(scopes: &mut Vec<String>, more: &[String]) {
    for s in more {
        if !scopes.contains(s) {
            scopes.push(s.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_part_may_hold_colons() {
        let k = d1_key("MGW_ID:prd:k1:/tmp/a:b.pem").unwrap();
        assert_eq!((k.issuer.as_str(), k.env, k.kid.as_str()), ("MGW_ID", D1Env::Prd, "k1"));
        assert_eq!(k.file, PathBuf::from("/tmp/a:b.pem"));
        // Messages show ISSUER:ENV:KID as given, the environment spelt as on the command line.
        assert_eq!(k.given, "MGW_ID:prd:k1");
        assert_eq!(d1_key("MGW_ID:staging:k:2:f.pem").unwrap().given, "MGW_ID:staging:k");
        let c = client_file("out:C:\\secrets\\out.txt").unwrap();
        assert_eq!((c.id.as_str(), c.file.to_str()), ("out", Some("C:\\secrets\\out.txt")));
        let r = realm_cert_file("openbanking:Worldline-000021:./certs:2025/wl.pem").unwrap();
        assert_eq!(r.file, PathBuf::from("./certs:2025/wl.pem"));
        // D1 scopes hold colons too.
        let s = d1_scope("MGW_ID:d1-api:account:full,d1-api:consumer:read").unwrap();
        assert_eq!(s.scopes, ["d1-api:account:full", "d1-api:consumer:read"]);
        let s = realm_scopes("r:c:VOP WERO,VOP").unwrap();
        assert_eq!(s.scopes, ["VOP", "WERO"]);
    }

    #[test]
    fn secrets_from_files_are_trimmed_and_never_in_debug() {
        use crate::cli::{Cli, Command};
        use clap::Parser as _;
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join("secret.txt");
        std::fs::write(&file, "hunter2-from-file\r\n\n").unwrap();
        let file = file.to_str().unwrap();
        let cli = Cli::try_parse_from([
            "bearerkit",
            "serve",
            "--outbound-client",
            &format!("out:{file}"),
            "--realm-client",
            &format!("r:c:{file}"),
            "--realm-scopes",
            "r:c:VOP,WERO",
        ])
        .unwrap();
        let Command::Serve(args) = &cli.command else { panic!("{cli:?}") };
        let flags = Flags::check(args).unwrap();
        let config = flags.apply(ServerConfig::default(), None).unwrap();
        config.validate().unwrap();
        assert_eq!(config.outbound_clients[0].secret.expose(), "hunter2-from-file");
        let client = &config.realms[0].clients[0];
        assert_eq!(client.secret.as_ref().map(bearerkit_server::Secret::expose), Some("hunter2-from-file"));
        assert_eq!(client.scopes, ["VOP", "WERO"]);
        for text in [format!("{cli:?}"), format!("{flags:?}"), format!("{config:?}"), format!("{config:#?}")]
        {
            assert!(!text.contains("hunter2"), "{text}");
        }
    }

    #[test]
    fn malformed_values_say_what_is_expected() {
        type Parse = fn(&str) -> Result<(), String>;
        let cases: [(Parse, &str, &str); 20] = [
            (|v| d1_key(v).map(drop), "MGW:stg:k1", "FILE is missing"),
            (|v| d1_key(v).map(drop), "MGW:dev:k1:f.pem", "ENV must be stg or prd"),
            (|v| d1_key(v).map(drop), ":stg:k1:f.pem", "ISSUER is empty"),
            (|v| d1_key(v).map(drop), "MGW:stg::f.pem", "KID is empty"),
            (|v| d1_scope(v).map(drop), "MGW", "SCOPE[,SCOPE...] is missing"),
            (|v| d1_scope(v).map(drop), "MGW:, ,", "at least one scope"),
            (|v| client_file(v).map(drop), "out", "SECRET_FILE is missing"),
            (|v| client_scopes(v).map(drop), "out:a\"b", "scope-token"),
            (|v| realm_secret_file(v).map(drop), "bad/realm:id:f", "REALM must match"),
            (|v| realm_cert_file(v).map(drop), "r:id", "CERT_FILE is missing"),
            (|v| realm_scopes(v).map(drop), "r::VOP", "ID is empty"),
            (|v| realm_scopes(v).map(drop), "r:id:a\\b", "scope-token"),
            (|v| realm_lifetime(v).map(drop), "r", "SECS is missing"),
            (|v| realm_lifetime(v).map(drop), "r:0", "SECS must be 1 to 31536000"),
            (|v| realm_lifetime(v).map(drop), "r:31536001", "SECS must be 1 to 31536000"),
            (|v| realm_lifetime(v).map(drop), "r:184467440737095516160", "SECS must be 1 to 31536000"),
            (|v| realm_lifetime(v).map(drop), "r:-5", "a whole number of seconds"),
            (|v| realm_lifetime(v).map(drop), "bad/realm:60", "REALM must match"),
            // `-` is a file name nowhere in serve: stdin is refused.
            (|v| d1_key(v).map(drop), "MGW:stg:k1:-", NO_STDIN),
            (|v| realm_cert_file(v).map(drop), "r:id:-", NO_STDIN),
        ];
        for (parse, value, expected) in cases {
            let e = parse(value).unwrap_err();
            assert!(e.contains(expected), "{value}: {e}");
        }
        let l = realm_lifetime("r:31536000").unwrap();
        assert_eq!((l.realm.as_str(), l.secs), ("r", MAX_LIFETIME_SECS));
        // A path that merely ends in `-` is a file.
        assert_eq!(client_file("out:./-").unwrap().file, PathBuf::from("./-"));
    }
}
