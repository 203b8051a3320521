//! `bearerkit serve`, and the server the demo starts.

use crate::cli::ServeArgs;
use crate::failure::Failure;
use crate::serve_flags::Flags;
use bearerkit::SigningKey;
use bearerkit_server::{BasicClient, D1Env, D1Issuer, Realm, RealmClient, RunningServer, ServerConfig};
use serde_json::json;
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

fn server_failure(e: impl std::fmt::Display) -> Failure {
    Failure::failed("server_error", e.to_string())
}

pub(crate) fn run(a: &ServeArgs, json_out: bool) -> Result<(), Failure> {
    // Usage errors among the flags first, before any file is read.
    let flags = Flags::check(a)?;
    let config = match &a.config {
        Some(path) => {
            ServerConfig::from_file(path).map_err(|e| Failure::failed("bad_config", e.to_string()))?
        }
        None => ServerConfig::default(),
    };
    let mut config = flags.apply(config, a.config.as_deref())?;
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
    config.validate().map_err(|e| Failure::failed("bad_config", e.to_string()))?;
    // Logs (never secrets) to stderr; RUST_LOG overrides the level.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::failed("runtime", e.to_string()))?;
    rt.block_on(async {
        let server = bearerkit_server::spawn(config).await.map_err(server_failure)?;
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
        tokio::signal::ctrl_c().await.map_err(|e| Failure::failed("signal", e.to_string()))?;
        server.shutdown().await;
        Ok(())
    })
}

/// The demo's server: one client of each kind, on a free loopback port.
pub(crate) async fn start_demo_server(
    d1_key: &SigningKey,
    wl_cert_pem: &str,
    outbound_secret: &str,
) -> Result<RunningServer, Failure> {
    let d1_public = d1_key.verifying_key().to_spki_pem_string();
    let config = ServerConfig::default()
        .with_d1_issuer(D1Issuer::new(crate::demo::D1_ISSUER, D1Env::Prd).key(crate::demo::D1_KID, d1_public))
        .with_outbound_client(BasicClient::new(crate::demo::OUTBOUND_CLIENT, outbound_secret, ["issuer-api"]))
        .with_realm(Realm::new(crate::demo::REALM).client(
            RealmClient::new(crate::demo::WL_CLIENT).certificate(wl_cert_pem).scopes(["VOP", "WERO"]),
        ));
    bearerkit_server::spawn(config).await.map_err(server_failure)
}
