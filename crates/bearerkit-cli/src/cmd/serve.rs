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

use crate::cli::ServeArgs;
use crate::failure::{Code, Failure};
use crate::keyfile;
use bearerkit_server::{
    BasicClient, ConfigAdditions, ConfigError, D1IssuerAdditions, D1Key, RealmAdditions, RealmClient,
    ServerConfig, TlsConfig,
};
use serde_json::json;
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;

pub(crate) fn run(a: &ServeArgs, json_out: bool) -> Result<(), Failure> {
    // Usage errors among the flags first, before any file is read.
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
    let ip = a.bind.unwrap_or(match config.bind.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        other => other,
    });
    let port = a.port.unwrap_or(config.bind.port());
    config = config.with_bind(SocketAddr::new(ip, port));
    if let Some(secs) = a.token_lifetime {
        config = config.with_token_lifetime(secs);
    }
    if a.test_endpoints {
        config = config.with_test_endpoints(true);
    }
    config.validate().map_err(|e| Failure::new(Code::BadConfig, e.to_string()))?;
    // Logs (never secrets) to stderr; RUST_LOG overrides the level.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Code::Runtime, e.to_string()))?;
    rt.block_on(async {
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
                 protected:         GET  {}\nCtrl-C to stop.",
                server.d1_token_url(),
                server.outbound_token_url(),
                server.resource_url()
            )
        };
        // A closed stdout (the reader went away) must not stop the server.
        let mut out = std::io::stdout();
        let _ = writeln!(out, "{banner}").and_then(|()| out.flush());
        tokio::signal::ctrl_c().await.map_err(|e| Failure::new(Code::Signal, e.to_string()))?;
        server.shutdown().await;
        Ok(())
    })
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
