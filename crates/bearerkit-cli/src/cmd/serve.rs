//! `bearerkit serve`: the local authorization server, configured by `--config`, by flags,
//! or both.
//!
//! The flags are checked against each other first ([`ServeArgs::check`], usage errors),
//! then the `--config` file is read, then the flags' files (secrets, keys, certificates;
//! exit 1 with `io_error`, `bad_pem`, `wrong_curve`, ...) into a [`ConfigAdditions`], which
//! [`ServerConfig::merge`] adds to the file's configuration (`bad_config` for what the file
//! already has). Client secrets and the TLS private key are read into a buffer zeroed on
//! drop and then held as `Secret`s; a `--d1-key` file may be a private key, of which only
//! the public half (SPKI PEM) is kept.
//!
//! Ctrl-C (SIGINT) and SIGTERM (what CI runners and container engines send) both stop it
//! gracefully: the listener closes, the requests in flight are answered, and it exits 0.

use crate::cli::ServeArgs;
use crate::failure::{Code, Failure};
use crate::keyfile;
use bearerkit_server::{
    BasicClient, ConfigAdditions, ConfigError, D1IssuerAdditions, D1Key, RealmAdditions, RealmClient,
    ServerConfig, TlsConfig,
};
use serde_json::json;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::Path;

/// The configuration `serve` runs: the `--config` file (or the defaults) with what the flags
/// add and override, validated.
///
/// # Errors
/// Usage errors among the flags (exit 2) first, before any file is read; then the file's
/// and the flags' files' errors, and `bad_config` for a configuration `validate` refuses
/// (an unspecified `bind` without `--listen-any` / `allow_unspecified_bind`, say).
fn config(a: &ServeArgs) -> Result<ServerConfig, Failure> {
    a.check()?;
    let file = match &a.config {
        Some(path) => {
            ServerConfig::from_file(path).map_err(|e| Failure::new(Code::BadConfig, e.to_string()))?
        }
        None => ServerConfig::default(),
    };
    let mut config = file.merge(additions(a)?).map_err(|e| merge_failure(&e, a.config.as_deref()))?;
    if a.tls_cert.is_some()
        && let Some(tls) = &config.tls
    {
        tls.server_config().map_err(|e| {
            Failure::new(Code::BadConfig, format!("--tls-cert / --tls-key / --client-ca: {e}"))
        })?;
    }
    // One rule for unspecified addresses, the server's (`ServerConfig::validate`): 0.0.0.0
    // or [::], from the file or --bind, only with --listen-any / allow_unspecified_bind.
    let ip = a.bind.unwrap_or(config.bind.ip());
    let port = a.port.unwrap_or(config.bind.port());
    config = config.with_bind(SocketAddr::new(ip, port));
    if a.listen_any {
        config = config.with_unspecified_bind_allowed(true);
    }
    if let Some(secs) = a.token_lifetime {
        config = config.with_token_lifetime(secs);
    }
    if a.test_endpoints {
        config = config.with_test_endpoints(true);
    }
    if let Some(secs) = a.header_read_timeout {
        config = config.with_header_read_timeout(secs);
    }
    if let Some(secs) = a.idle_timeout {
        config = config.with_idle_timeout(secs);
    }
    if let Some(max) = a.max_connections {
        config = config.with_max_connections(usize::try_from(max).unwrap_or(usize::MAX));
    }
    config.validate().map_err(|e| {
        let hint = match &e {
            ConfigError::Invalid { field: "bind", .. } => " (or pass --listen-any)",
            ConfigError::Invalid { field: "test_endpoints", .. } => {
                " (--test-endpoints is served on a loopback --bind only: 127.0.0.1 or ::1)"
            }
            _ => "",
        };
        Failure::new(Code::BadConfig, format!("{e}{hint}"))
    })?;
    Ok(config)
}

pub(crate) fn run(a: &ServeArgs, json_out: bool) -> Result<(), Failure> {
    let config = config(a)?;
    // Logs (never secrets) to stderr; RUST_LOG overrides the level.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Code::Runtime, e.to_string()))?;
    rt.block_on(async {
        // The signal handlers are in place before the banner: a SIGTERM sent as soon as the
        // banner is read stops the server gracefully instead of killing it.
        let mut stop = StopSignals::new().map_err(|e| Failure::new(Code::Signal, e.to_string()))?;
        let server = bearerkit_server::spawn(config)
            .await
            .map_err(|e| Failure::new(Code::ServerError, e.to_string()))?;
        let url = server.base_url();
        let banner = if json_out {
            json!({"ok": true, "listening": url}).to_string()
        } else {
            format!(
                "bearerkit server listening on {url}\n  D1 inbound:        POST {}\n  D1 outbound-style: POST {}\n  \
                 Keycloak-style:    POST {url}/auth/realms/{{realm}}/protocol/openid-connect/token\n  \
                 protected:         GET  {}\nCtrl-C or SIGTERM to stop (requests in flight are answered first).",
                server.d1_token_url(),
                server.outbound_token_url(),
                server.resource_url()
            )
        };
        // A closed stdout (the reader went away) must not stop the server.
        let mut out = std::io::stdout();
        let _ = writeln!(out, "{banner}").and_then(|()| out.flush());
        let signal = stop.recv().await.map_err(|e| Failure::new(Code::Signal, e.to_string()))?;
        // On stderr, like the server's log lines; a closed stderr must not stop the drain.
        let _ = writeln!(std::io::stderr(), "bearerkit serve: {signal}: stopping, answering the requests in flight");
        server.shutdown().await;
        let _ = writeln!(std::io::stderr(), "bearerkit serve: stopped");
        Ok(())
    })
}

/// Ctrl-C (SIGINT) and, on Unix, SIGTERM.
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    /// Install the handlers (inside the runtime).
    fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Wait for the first stop signal; its name.
    async fn recv(&mut self) -> std::io::Result<&'static str> {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => Ok("SIGINT"),
                _ = self.terminate.recv() => Ok("SIGTERM"),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await.map(|()| "Ctrl-C")
        }
    }
}

/// The entry of `list` that `is`, created by `new` (at the end) when there is none.
fn entry<T>(list: &mut Vec<T>, is: impl Fn(&T) -> bool, new: impl FnOnce() -> T) -> &mut T {
    let i = match list.iter().position(is) {
        Some(i) => i,
        None => {
            list.push(new());
            list.len() - 1
        }
    };
    &mut list[i]
}

/// Append the scopes of `more` not in `scopes` yet.
fn extend_unique(scopes: &mut Vec<String>, more: &[String]) {
    for s in more {
        if !scopes.contains(s) {
            scopes.push(s.clone());
        }
    }
}

/// What the flags (checked by [`ServeArgs::check`]) add to the configuration, their files
/// read.
///
/// # Errors
/// `io_error` for a file that cannot be read; the core's code (`bad_pem`, `bad_jwk`,
/// `wrong_curve`, ...) for a key or certificate it refuses; `bad_config` for an empty
/// secret. Each message names the flag (and the file).
fn additions(a: &ServeArgs) -> Result<ConfigAdditions, Failure> {
    let mut add = ConfigAdditions::default();
    for k in &a.d1_keys {
        let context = format!("--d1-key {}", k.given);
        let key = keyfile::verifying_key(&k.file).map_err(|e| e.context(&context, &k.file))?;
        let issuer = entry(
            &mut add.d1_issuers,
            |i| i.issuer_id == k.issuer,
            || D1IssuerAdditions::new(&k.issuer, k.env),
        );
        issuer.keys.push(D1Key { kid: k.kid.clone(), public_key: key.to_spki_pem_string() });
    }
    for s in &a.d1_scopes {
        if let Some(issuer) = add.d1_issuers.iter_mut().find(|i| i.issuer_id == s.issuer) {
            issuer.scope = Some(s.scopes.join(" "));
        }
    }
    for c in &a.outbound_clients {
        let context = format!("--outbound-client {}", c.id);
        let secret = keyfile::secret(&c.file).map_err(|e| e.context(&context, &c.file))?;
        let mut scopes = Vec::new();
        for s in a.outbound_scopes.iter().filter(|s| s.id == c.id) {
            extend_unique(&mut scopes, &s.scopes);
        }
        add.outbound_clients.push(BasicClient::new(&c.id, secret, scopes));
    }
    for (list, by_cert) in [(&a.realm_clients, false), (&a.realm_cert_clients, true)] {
        for c in list {
            let realm = entry(&mut add.realms, |r| r.name == c.realm, || RealmAdditions::new(&c.realm));
            let client = entry(&mut realm.clients, |r| r.client_id == c.id, || RealmClient::new(&c.id));
            if by_cert {
                let context = format!("--realm-cert-client {}:{}", c.realm, c.id);
                let cert = keyfile::certificate(&c.file).and_then(|cert| cert.checked_pem());
                client.certificate = Some(cert.map_err(|e| e.context(&context, &c.file))?);
            } else {
                let context = format!("--realm-client {}:{}", c.realm, c.id);
                client.secret = Some(keyfile::secret(&c.file).map_err(|e| e.context(&context, &c.file))?);
            }
        }
    }
    for s in &a.realm_scopes {
        let client = add
            .realms
            .iter_mut()
            .find(|r| r.name == s.realm)
            .and_then(|r| r.clients.iter_mut().find(|c| c.client_id == s.id));
        if let Some(client) = client {
            extend_unique(&mut client.scopes, &s.scopes);
        }
    }
    for l in &a.realm_token_lifetimes {
        if let Some(realm) = add.realms.iter_mut().find(|r| r.name == l.realm) {
            realm.token_lifetime_secs = Some(l.secs);
        }
    }
    for l in &a.realm_assertion_max_lifetimes {
        if let Some(realm) = add.realms.iter_mut().find(|r| r.name == l.realm) {
            realm.assertion_max_lifetime_secs = Some(l.secs);
        }
    }
    for name in &a.realm_issuer_only_audience {
        if let Some(realm) = add.realms.iter_mut().find(|r| &r.name == name) {
            realm.issuer_only_audience = true;
        }
    }
    if let (Some(cert), Some(key)) = (&a.tls_cert, &a.tls_key) {
        let read = |flag: &str, file: &Path| keyfile::read_text(file).map_err(|e| e.context(flag, file));
        let chain = read("--tls-cert", cert)?;
        let key = keyfile::secret(key).map_err(|e| e.context("--tls-key", key))?;
        let mut tls = TlsConfig::new(chain, key);
        if let Some(ca) = &a.client_ca {
            tls = tls.require_client_certificates(read("--client-ca", ca)?);
        }
        add.tls = Some(tls);
    }
    Ok(add)
}

/// A refusal of [`ServerConfig::merge`] as `bad_config`, naming the flag that added what the
/// configuration file already has (the error names the entry).
fn merge_failure(e: &ConfigError, file: Option<&Path>) -> Failure {
    let flag = match e {
        ConfigError::Duplicate { what: "d1 key id", .. }
        | ConfigError::Invalid { field: "d1_issuers.env", .. } => "--d1-key",
        ConfigError::Invalid { field: "d1_issuers.scope", .. } => "--d1-scope",
        ConfigError::Duplicate { what: "outbound client", .. } => "--outbound-client",
        ConfigError::Duplicate { what: "realm client", .. } => "--realm-client / --realm-cert-client",
        ConfigError::Invalid { field: "realms.token_lifetime_secs", .. } => "--realm-token-lifetime",
        ConfigError::Invalid { field: "realms.assertion_max_lifetime_secs", .. } => {
            "--realm-assertion-max-lifetime"
        }
        ConfigError::Invalid { field: "tls", .. } => "--tls-cert / --tls-key",
        _ => "the flags",
    };
    let file = file.map_or_else(String::new, |p| format!(" {}", p.display()));
    Failure::new(
        Code::BadConfig,
        format!("{flag}: {e} (flags add to the configuration file{file}, never override it)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> ServeArgs {
        use crate::cli::{Cli, Command};
        use clap::Parser as _;
        let cli = Cli::try_parse_from(["bearerkit", "serve"].iter().chain(args)).unwrap();
        let Command::Serve(args) = cli.command else { panic!("{cli:?}") };
        args
    }

    /// The allowed case of the bind rule, checked without binding anything: every
    /// interface with --listen-any, IPv4 or IPv6, validates (and `spawn` would log a
    /// warning); without it, or with --test-endpoints, it is refused.
    #[test]
    fn listen_any_allows_an_unspecified_bind() {
        for ip in ["0.0.0.0", "::"] {
            let c = config(&parse(&["--bind", ip, "--listen-any", "--port", "8080"])).unwrap();
            assert!(c.allow_unspecified_bind && c.bind.ip().is_unspecified(), "{c:?}");
            c.validate().unwrap();
            let e = config(&parse(&["--bind", ip])).unwrap_err();
            assert_eq!(e.code(), "usage");
            assert!(format!("{e:?}").contains("--listen-any"), "{e:?}");
            let e = config(&parse(&["--bind", ip, "--listen-any", "--test-endpoints"])).unwrap_err();
            assert_eq!(e.code(), "usage");
            assert!(format!("{e:?}").contains("--test-endpoints"), "{e:?}");
        }
        // The test endpoints only on a loopback bind, whatever the address.
        let e = config(&parse(&["--bind", "192.0.2.10", "--test-endpoints"])).unwrap_err();
        assert_eq!(e.code(), "bad_config");
        assert!(format!("{e:?}").contains("loopback"), "{e:?}");
        config(&parse(&["--bind", "127.0.0.1", "--test-endpoints"])).unwrap();
        // The default and loopback need nothing.
        let c = config(&parse(&[])).unwrap();
        assert!(!c.allow_unspecified_bind && c.bind.ip().is_loopback());
        // The limits flags override the defaults.
        let c =
            config(&parse(&["--header-read-timeout", "3", "--idle-timeout", "7", "--max-connections", "9"]))
                .unwrap();
        assert_eq!((c.header_read_timeout_secs, c.idle_timeout_secs, c.max_connections), (3, 7, 9));
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
        args.check().unwrap();
        let additions = additions(args).unwrap();
        let config = ServerConfig::default().merge(additions.clone()).unwrap();
        config.validate().unwrap();
        assert_eq!(config.outbound_clients[0].secret.expose(), "hunter2-from-file");
        let client = &config.realms[0].clients[0];
        assert_eq!(client.secret.as_ref().map(bearerkit_server::Secret::expose), Some("hunter2-from-file"));
        assert_eq!(client.scopes, ["VOP", "WERO"]);
        for text in
            [format!("{cli:?}"), format!("{additions:?}"), format!("{config:?}"), format!("{config:#?}")]
        {
            assert!(!text.contains("hunter2"), "{text}");
        }
    }
}
