//! `bearerkit serve`'s arguments: D1 issuers, outbound clients, Keycloak realms and TLS from
//! the command line, with or without a TOML file.
//!
//! Two stages here, both usage errors (exit 2) naming the flag, before any file is read:
//!
//! 1. clap parses each value ([`d1_key`], [`client_file`], [`file`], ...): a malformed one,
//!    a lifetime out of range, or `-` as a file (stdin is not read by `serve`).
//! 2. [`ServeArgs::check`] puts the values together: a client, key or setting given twice, an
//!    issuer given two environments, scopes for a client or lifetimes for a realm no flag
//!    defines.
//!
//! `cmd::serve` then reads the files and adds what the flags define to the configuration
//! ([`bearerkit_server::ServerConfig::merge`]). The arguments carry file paths, never secrets
//! or keys.

use crate::failure::Failure;
use bearerkit_server::{D1Env, MAX_LIFETIME_SECS};
use clap::Args;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

pub(super) const AFTER_HELP: &str = "\
Flags and --config: the client and key flags add to the file. A D1 issuer or realm the file
already has gets the flags' keys or clients; a client id, a kid (of the same issuer) or [tls]
that the file already has is refused (exit 1, bad_config), and so are --d1-scope and the realm
lifetime flags for an issuer or realm the file has (set those in the file). Within the flags, a
key, client or setting given twice, or scopes or lifetimes for a client or realm no flag
defines, is a usage error (exit 2).

Secrets are never taken on the command line (they would show in `ps`): --outbound-client,
--realm-client and --tls-key name files, read once at start. Every FILE is a file: `-` is
refused (exit 2), stdin is not read.

Example, without a file:
  bearerkit serve --port 8080 \\
    --d1-key MGW_ID:prd:k1:d1-public.pem \\
    --outbound-client d1-outbound:outbound-secret.txt --outbound-scopes d1-outbound:issuer-api:cards \\
    --realm-cert-client example-realm:Worldline-000021:wl-cert.pem \\
    --realm-scopes example-realm:Worldline-000021:VOP,WERO

Limits (defaults; the flags override the file's keys): request heads must arrive complete
within --header-read-timeout (10 s, `header_read_timeout_secs`); a connection with no request
in flight and no byte moving for --idle-timeout (5 s, `idle_timeout_secs`) is closed; at most
--max-connections (512, `max_connections`) are open at once, more wait to be accepted; request
bodies are at most 64 KiB and 64 parameters; a request not answered in `request_timeout_secs`
(10 s) gets 408.

Binding every interface (--bind 0.0.0.0 or ::, or such a `bind` in the file) needs --listen-any
(`allow_unspecified_bind = true`), logs a warning, and is refused with --test-endpoints (the
fault endpoints are never reachable from other hosts).

Stopping: Ctrl-C (SIGINT) or SIGTERM stops accepting connections, lets the requests in flight
finish (at most `request_timeout_secs` + 1 s) and exits 0.

Exit codes: 0 stopped by Ctrl-C or SIGTERM; 1 bad file, key or configuration (the stable code is printed); 2 usage.";

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Configuration file (TOML); see crates/bearerkit-server/examples/server.toml.
    #[arg(long, value_name = "FILE", value_parser = file())]
    pub(crate) config: Option<PathBuf>,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long)]
    pub(crate) port: Option<u16>,
    /// Address to bind (default 127.0.0.1). 0.0.0.0 or :: (every interface) needs
    /// --listen-any.
    #[arg(long)]
    pub(crate) bind: Option<std::net::IpAddr>,
    /// Allow binding every interface (--bind 0.0.0.0 or ::, or such a `bind` in the file), as
    /// `allow_unspecified_bind = true`: the server is then reachable from other hosts (a
    /// warning is logged). Refused with --test-endpoints.
    #[arg(long)]
    pub(crate) listen_any: bool,
    /// Lifetime of issued D1 and outbound access tokens, seconds, 1 to 31536000 (one year;
    /// overrides the file). A realm's tokens: --realm-token-lifetime.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=bearerkit_server::MAX_LIFETIME_SECS))]
    pub(crate) token_lifetime: Option<u64>,
    /// Serve the fault-injection endpoints `/_test/faults` and `/_test/stats` (tests only;
    /// never with --listen-any).
    #[arg(long)]
    pub(crate) test_endpoints: bool,
    /// Longest wait for a complete request head, seconds, 1 to 3600 (default 10; as
    /// `header_read_timeout_secs`, overriding the file).
    ///
    /// Counted from the accept, and on a kept-alive connection from the end of the previous
    /// response; a half-sent head is closed after it. Example: --header-read-timeout 5
    #[arg(
        long,
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(1..=bearerkit_server::MAX_CONNECTION_TIMEOUT_SECS),
        help_heading = "Connection limits"
    )]
    pub(crate) header_read_timeout: Option<u64>,
    /// Close a connection idle this long, seconds, 1 to 3600 (default 5; as
    /// `idle_timeout_secs`, overriding the file).
    ///
    /// Idle: no request in flight and no byte read or written. Example: --idle-timeout 30
    #[arg(
        long,
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(1..=bearerkit_server::MAX_CONNECTION_TIMEOUT_SECS),
        help_heading = "Connection limits"
    )]
    pub(crate) idle_timeout: Option<u64>,
    /// Most connections open at once, 1 to 65536 (default 512; as `max_connections`,
    /// overriding the file).
    ///
    /// More wait in the listen backlog until one closes. Example: --max-connections 64
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u64).range(1..=MAX_CONNECTIONS),
        help_heading = "Connection limits"
    )]
    pub(crate) max_connections: Option<u64>,

    /// A D1 inbound issuer's key: ISSUER:ENV:KID:FILE (repeatable).
    ///
    /// ENV is `stg` or `prd` (the `aud` the assertions carry), KID the header `kid` they carry,
    /// FILE a public key (SPKI PEM or JWK) or a private key (SEC1 or PKCS#8 PEM, or a JWK; only
    /// its public half is kept). Repeat with the same ISSUER (and ENV) to add keys to it; the
    /// FILE part, last, may contain ':'. Example: --d1-key MGW_ID:prd:k1:d1-public.pem
    #[arg(
        long = "d1-key",
        value_name = "ISSUER:ENV:KID:FILE",
        value_parser = d1_key,
        help_heading = "Clients and keys (add to --config)"
    )]
    pub(crate) d1_keys: Vec<D1KeyArg>,
    /// Scope granted to a --d1-key issuer: ISSUER:SCOPE[,SCOPE...] (default `d1-api:account:full
    /// d1-api:consumer:read`).
    ///
    /// Once per issuer. Scopes are separated by commas or spaces and may contain ':'. Example:
    /// --d1-scope MGW_ID:d1-api:account:full,d1-api:consumer:read
    #[arg(
        long = "d1-scope",
        value_name = "ISSUER:SCOPE[,SCOPE...]",
        value_parser = d1_scope,
        help_heading = "Clients and keys (add to --config)"
    )]
    pub(crate) d1_scopes: Vec<D1ScopeArg>,
    /// A D1-outbound-style client (HTTP Basic): ID:SECRET_FILE (repeatable).
    ///
    /// The secret is the file's text without its trailing line break; secrets are never taken
    /// on the command line. Example: --outbound-client d1-outbound:outbound-secret.txt
    #[arg(
        long = "outbound-client",
        value_name = "ID:SECRET_FILE",
        value_parser = client_file,
        help_heading = "Clients and keys (add to --config)"
    )]
    pub(crate) outbound_clients: Vec<ClientFileArg>,
    /// Scopes an --outbound-client may request: ID:SCOPE[,SCOPE...] (repeatable; adds).
    ///
    /// Separated by commas or spaces; a request without `scope` gets them all. Example:
    /// --outbound-scopes d1-outbound:issuer-api:cards,issuer-api:tokens
    #[arg(
        long = "outbound-scopes",
        value_name = "ID:SCOPE[,SCOPE...]",
        value_parser = client_scopes,
        help_heading = "Clients and keys (add to --config)"
    )]
    pub(crate) outbound_scopes: Vec<ClientScopesArg>,
    /// A Keycloak-style realm client authenticated by secret: REALM:ID:SECRET_FILE.
    ///
    /// Repeatable; the realm is created on first mention. The secret is the file's text without
    /// its trailing line break. The same REALM:ID may also get a --realm-cert-client (then both
    /// ways authenticate it). Example: --realm-client example-realm:Worldline-000021:wl-secret.txt
    #[arg(
        long = "realm-client",
        value_name = "REALM:ID:SECRET_FILE",
        value_parser = realm_secret_file,
        help_heading = "Clients and keys (add to --config)"
    )]
    pub(crate) realm_clients: Vec<RealmFileArg>,
    /// A Keycloak-style realm client authenticated by client_assertion: REALM:ID:CERT_FILE.
    ///
    /// Repeatable; the realm is created on first mention. CERT_FILE is an X.509 certificate
    /// (PEM or DER) with a P-256 key (ES256 assertions) or an RSA key of 2048 to 4096 bits
    /// (RS256 and PS256; restrict with `assertion_algorithms` in --config); assertions must
    /// carry its SHA-1 fingerprint as `kid` (what
    /// `bearerkit token --kid-from-cert` sends). Example:
    /// --realm-cert-client example-realm:Worldline-000021:wl-cert.pem
    #[arg(
        long = "realm-cert-client",
        value_name = "REALM:ID:CERT_FILE",
        value_parser = realm_cert_file,
        help_heading = "Clients and keys (add to --config)"
    )]
    pub(crate) realm_cert_clients: Vec<RealmFileArg>,
    /// Scopes a realm client may request: REALM:ID:SCOPE[,SCOPE...] (repeatable; adds).
    ///
    /// For a client of --realm-client or --realm-cert-client; separated by commas or spaces.
    /// Example: --realm-scopes example-realm:Worldline-000021:VOP,WERO
    #[arg(
        long = "realm-scopes",
        value_name = "REALM:ID:SCOPE[,SCOPE...]",
        value_parser = realm_scopes,
        help_heading = "Clients and keys (add to --config)"
    )]
    pub(crate) realm_scopes: Vec<RealmScopesArg>,
    /// Lifetime of the access tokens a realm issues: REALM:SECS, 1 to 31536000 (default 300).
    ///
    /// Once per realm, for a realm of --realm-client or --realm-cert-client; for a realm the
    /// --config file has, set `token_lifetime_secs` there (the flag is refused, bad_config).
    /// Example: --realm-token-lifetime example-realm:120
    #[arg(
        long = "realm-token-lifetime",
        value_name = "REALM:SECS",
        value_parser = realm_lifetime,
        help_heading = "Clients and keys (add to --config)"
    )]
    pub(crate) realm_token_lifetimes: Vec<RealmLifetimeArg>,
    /// Longest client assertion a realm accepts (`exp` − `iat`, and `exp` − now): REALM:SECS,
    /// 1 to 31536000 (default 3600).
    ///
    /// Once per realm, for a realm of --realm-client or --realm-cert-client; for a realm the
    /// --config file has, set `assertion_max_lifetime_secs` there (the flag is refused,
    /// bad_config). Example: --realm-assertion-max-lifetime example-realm:300
    #[arg(
        long = "realm-assertion-max-lifetime",
        value_name = "REALM:SECS",
        value_parser = realm_lifetime,
        help_heading = "Clients and keys (add to --config)"
    )]
    pub(crate) realm_assertion_max_lifetimes: Vec<RealmLifetimeArg>,
    /// Accept only the realm issuer, as a JSON string, as a client assertion's `aud` (FAPI
    /// 2.0), as `issuer_only_audience = true`: the token endpoint URL and any array are refused.
    ///
    /// Once per realm, for a realm of --realm-client or --realm-cert-client (for a realm the
    /// --config file has, it turns the file's switch on). Without it a realm accepts the issuer
    /// or the token endpoint URL alone. Example: --realm-issuer-only-audience example-realm
    #[arg(
        long = "realm-issuer-only-audience",
        value_name = "REALM",
        value_parser = realm_name,
        help_heading = "Clients and keys (add to --config)"
    )]
    pub(crate) realm_issuer_only_audience: Vec<String>,

    /// Serve HTTPS with this certificate chain (PEM, leaf first), as `[tls] certificate_chain`.
    ///
    /// Needs --tls-key. The leaf must be CA-issued for the address clients connect to. Example:
    /// --tls-cert server-chain.pem --tls-key server-key.pem
    #[arg(
        long,
        value_name = "FILE",
        value_parser = file(),
        requires = "tls_key",
        help_heading = "TLS"
    )]
    pub(crate) tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM: PKCS#8, SEC1 or PKCS#1), as `[tls] private_key`.
    #[arg(
        long,
        value_name = "FILE",
        value_parser = file(),
        requires = "tls_cert",
        help_heading = "TLS"
    )]
    pub(crate) tls_key: Option<PathBuf>,
    /// Require client certificates issued by these CAs (PEM): mutual TLS, as `[tls] client_ca`.
    ///
    /// Needs --tls-cert and --tls-key. Example: --client-ca client-ca.pem
    #[arg(
        long,
        value_name = "FILE",
        value_parser = file(),
        requires = "tls_cert",
        help_heading = "TLS"
    )]
    pub(crate) client_ca: Option<PathBuf>,
}

impl ServeArgs {
    /// The flags checked against each other, without reading any file.
    ///
    /// # Errors
    /// A usage error (exit 2) naming the flag for a key, client, scope or lifetime setting
    /// given twice, an issuer given two environments, scopes for a client or lifetimes for a
    /// realm no flag defines.
    pub(crate) fn check(&self) -> Result<(), Failure> {
        if let Some(ip) = self.bind
            && ip.to_canonical().is_unspecified()
            && !self.listen_any
        {
            return Err(Failure::usage(format!(
                "--bind {ip} listens on every interface (reachable from other hosts): add --listen-any to \
                 mean it"
            )));
        }
        if self.listen_any && self.test_endpoints {
            return Err(Failure::usage(
                "--listen-any with --test-endpoints: the fault endpoints are never served on every \
                 interface",
            ));
        }
        let mut envs: HashMap<&str, D1Env> = HashMap::new();
        let mut kids = HashSet::new();
        for k in &self.d1_keys {
            let env = *envs.entry(&k.issuer).or_insert(k.env);
            if env != k.env {
                return Err(Failure::usage(format!(
                    "--d1-key: issuer {:?} is given two environments ({} and {})",
                    k.issuer,
                    env.audience(),
                    k.env.audience()
                )));
            }
            if !kids.insert((&k.issuer, &k.kid)) {
                return Err(Failure::usage(format!(
                    "--d1-key: key id {:?} of issuer {:?} is given twice",
                    k.kid, k.issuer
                )));
            }
        }
        let mut scoped = HashSet::new();
        for s in &self.d1_scopes {
            if !envs.contains_key(s.issuer.as_str()) {
                return Err(Failure::usage(format!(
                    "--d1-scope: no --d1-key defines issuer {:?} (set a configuration file issuer's \
                     scope in the file)",
                    s.issuer
                )));
            }
            if !scoped.insert(&s.issuer) {
                return Err(Failure::usage(format!("--d1-scope: issuer {:?} is given twice", s.issuer)));
            }
        }
        let mut outbound = HashSet::new();
        for c in &self.outbound_clients {
            if !outbound.insert(&c.id) {
                return Err(Failure::usage(format!(
                    "--outbound-client: client id {:?} is given twice",
                    c.id
                )));
            }
        }
        if let Some(s) = self.outbound_scopes.iter().find(|s| !outbound.contains(&s.id)) {
            return Err(Failure::usage(format!(
                "--outbound-scopes: no --outbound-client defines {:?}",
                s.id
            )));
        }
        let mut realm_clients = HashSet::new();
        for (list, flag) in
            [(&self.realm_clients, "--realm-client"), (&self.realm_cert_clients, "--realm-cert-client")]
        {
            let mut seen = HashSet::new();
            for c in list {
                if !seen.insert((&c.realm, &c.id)) {
                    return Err(Failure::usage(format!(
                        "{flag}: client {:?} of realm {:?} is given twice",
                        c.id, c.realm
                    )));
                }
                realm_clients.insert((&c.realm, &c.id));
            }
        }
        if let Some(s) = self.realm_scopes.iter().find(|s| !realm_clients.contains(&(&s.realm, &s.id))) {
            return Err(Failure::usage(format!(
                "--realm-scopes: no --realm-client or --realm-cert-client defines client {:?} of realm {:?}",
                s.id, s.realm
            )));
        }
        let realms: HashSet<&String> = realm_clients.iter().map(|(realm, _)| *realm).collect();
        for (list, flag) in [
            (&self.realm_token_lifetimes, "--realm-token-lifetime"),
            (&self.realm_assertion_max_lifetimes, "--realm-assertion-max-lifetime"),
        ] {
            let mut seen = HashSet::new();
            for l in list {
                if !realms.contains(&l.realm) {
                    return Err(Failure::usage(format!(
                        "{flag}: no --realm-client or --realm-cert-client defines realm {:?} (set a \
                         configuration file realm's lifetimes in the file)",
                        l.realm
                    )));
                }
                if !seen.insert(&l.realm) {
                    return Err(Failure::usage(format!("{flag}: realm {:?} is given twice", l.realm)));
                }
            }
        }
        let mut seen = HashSet::new();
        for realm in &self.realm_issuer_only_audience {
            if !realms.contains(realm) {
                return Err(Failure::usage(format!(
                    "--realm-issuer-only-audience: no --realm-client or --realm-cert-client defines realm \
                     {realm:?}"
                )));
            }
            if !seen.insert(realm) {
                return Err(Failure::usage(format!(
                    "--realm-issuer-only-audience: realm {realm:?} is given twice"
                )));
            }
        }
        Ok(())
    }
}

/// `--max-connections`' upper bound: the server's `MAX_CONNECTIONS_LIMIT`.
const MAX_CONNECTIONS: u64 = 65_536;
const _: () = assert!(bearerkit_server::MAX_CONNECTIONS_LIMIT as u64 == MAX_CONNECTIONS);

/// Why `-` is refused as a file: `serve` reads no file from stdin (one stdin could not feed
/// several flags, and the secret files never could).
const NO_STDIN: &str = "stdin is not supported for serve flags; give a file";

/// `--d1-key ISSUER:ENV:KID:FILE`.
#[derive(Clone, Debug)]
pub(crate) struct D1KeyArg {
    pub(crate) issuer: String,
    pub(crate) env: D1Env,
    pub(crate) kid: String,
    pub(crate) file: PathBuf,
    /// `ISSUER:ENV:KID` as given (`ENV` spelt as on the command line), for messages.
    pub(crate) given: String,
}

/// `--d1-scope ISSUER:SCOPE[,SCOPE...]`.
#[derive(Clone, Debug)]
pub(crate) struct D1ScopeArg {
    pub(crate) issuer: String,
    pub(crate) scopes: Vec<String>,
}

/// `--outbound-client ID:SECRET_FILE`.
#[derive(Clone, Debug)]
pub(crate) struct ClientFileArg {
    pub(crate) id: String,
    pub(crate) file: PathBuf,
}

/// `--outbound-scopes ID:SCOPE[,SCOPE...]`.
#[derive(Clone, Debug)]
pub(crate) struct ClientScopesArg {
    pub(crate) id: String,
    pub(crate) scopes: Vec<String>,
}

/// `--realm-client REALM:ID:SECRET_FILE` and `--realm-cert-client REALM:ID:CERT_FILE`.
#[derive(Clone, Debug)]
pub(crate) struct RealmFileArg {
    pub(crate) realm: String,
    pub(crate) id: String,
    pub(crate) file: PathBuf,
}

/// `--realm-scopes REALM:ID:SCOPE[,SCOPE...]`.
#[derive(Clone, Debug)]
pub(crate) struct RealmScopesArg {
    pub(crate) realm: String,
    pub(crate) id: String,
    pub(crate) scopes: Vec<String>,
}

/// `--realm-token-lifetime REALM:SECS` and `--realm-assertion-max-lifetime REALM:SECS`.
#[derive(Clone, Debug)]
pub(crate) struct RealmLifetimeArg {
    pub(crate) realm: String,
    pub(crate) secs: u64,
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
