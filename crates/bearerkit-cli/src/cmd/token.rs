//! `bearerkit token`: a token from a real token endpoint, through `bearerkit-client`
//! (retries, typed errors, mTLS) in its blocking form.

use crate::cli::{Flow, TokenArgs};
use crate::failure::{Code, Failure};
use crate::keyfile;
use bearerkit::profile;
use bearerkit_client::{ClientAuth, D1Grant, PrivateKeyJwt, Secret, TokenClient};
use serde_json::json;

fn need<'a>(v: Option<&'a str>, what: &str, flow: &str) -> Result<&'a str, Failure> {
    v.ok_or_else(|| Failure::usage(format!("the {flow} flow needs {what}")))
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|e| Failure::new(Code::IoError, format!("cannot read {}: {e}", path.display())))
}

fn key_path<'a>(a: &'a TokenArgs, flow: &str) -> Result<&'a str, Failure> {
    need(a.key.as_deref().and_then(|p| p.to_str()), "--key", flow)
}

/// The header `kid`: `--kid`, or the SHA-1 fingerprint of `--kid-from-cert` once its public
/// key is known to be `key`'s.
fn kid(a: &TokenArgs, key: &keyfile::AnyKey) -> Result<Option<String>, Failure> {
    match &a.kid_from_cert {
        Some(cert) => keyfile::kid_from_certificate(cert, key).map(Some),
        None => Ok(a.kid.clone()),
    }
}

/// The environment variable that holds the client secret when no flag gives it.
const SECRET_ENV: &str = "BEARERKIT_CLIENT_SECRET";

/// The client secret of the client-credentials flow: from --client-secret-file (`-` stdin),
/// --client-secret, or the environment.
fn client_secret(a: &TokenArgs) -> Result<Secret, Failure> {
    if let Some(path) = &a.client_secret_file {
        return keyfile::client_secret(path);
    }
    if let Some(secret) = &a.client_secret {
        return Ok(secret.clone());
    }
    match std::env::var(SECRET_ENV) {
        Ok(secret) if !secret.is_empty() => Ok(Secret::from(secret)),
        Ok(_) | Err(std::env::VarError::NotPresent) => Err(Failure::usage(format!(
            "the client-credentials flow needs a client secret: --client-secret-file FILE (- for \
             stdin) or {SECRET_ENV}"
        ))),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure::usage(format!("{SECRET_ENV} is not valid UTF-8")))
        }
    }
}

/// Said on stderr (as JSON with --json) whenever --client-secret is given.
const SECRET_ON_COMMAND_LINE: &str = "--client-secret puts the client secret on the command line, \
    where other local users can read it (ps, /proc/PID/cmdline) and shell history keeps it; use \
    --client-secret-file FILE (- for stdin) or BEARERKIT_CLIENT_SECRET instead";

pub(crate) fn run(a: &TokenArgs, json_out: bool) -> Result<(), Failure> {
    if a.client_secret.is_some() {
        if json_out {
            eprintln!(
                "{}",
                json!({"warning": {"code": "secret_on_command_line", "message": SECRET_ON_COMMAND_LINE}})
            );
        } else {
            eprintln!("warning: {SECRET_ON_COMMAND_LINE}");
        }
    }
    let flow: bearerkit_client::Flow = match a.flow {
        Flow::D1 => {
            if a.issuer.is_some() || a.discover_issuer || a.assertion_aud.is_some() {
                return Err(Failure::usage(
                    "--issuer, --discover-issuer and --assertion-aud apply to the client-assertion flow",
                ));
            }
            if a.alg.is_some_and(|alg| alg != keyfile::Alg::Es256) {
                return Err(Failure::usage("the d1 flow signs ES256 (Thales D1 accepts only ES256)"));
            }
            let key = match keyfile::any_signing_key(key_path(a, "d1")?.as_ref())? {
                keyfile::AnyKey::Ec(key) => key,
                keyfile::AnyKey::Rsa(_) => {
                    return Err(Failure::usage(
                        "the d1 flow signs ES256 (Thales D1 accepts only ES256): --key must be a P-256 key",
                    ));
                }
            };
            let iss = need(a.iss.as_deref(), "--iss", "d1")?;
            let kid = kid(a, &keyfile::AnyKey::Ec(key.clone()))?;
            let kid = need(kid.as_deref(), "--kid (or --kid-from-cert)", "d1")?;
            let env = match a.aud.as_str() {
                "stg" => profile::d1::Env::Staging,
                "prd" => profile::d1::Env::Production,
                _ => return Err(Failure::usage("--aud must be `stg` or `prd` for the d1 flow")),
            };
            D1Grant::new(iss, env, kid, key).into()
        }
        Flow::ClientCredentials => {
            if a.issuer.is_some() || a.discover_issuer || a.assertion_aud.is_some() {
                return Err(Failure::usage(
                    "--issuer, --discover-issuer and --assertion-aud apply to the client-assertion flow",
                ));
            }
            if a.kid_from_cert.is_some() || a.alg.is_some() {
                return Err(Failure::usage(
                    "--kid-from-cert and --alg apply to the d1 and client-assertion flows (they sign with --key)",
                ));
            }
            let id = need(a.client_id.as_deref(), "--client-id", "client-credentials")?;
            let secret = client_secret(a)?;
            if a.secret_post {
                ClientAuth::secret_post(id, secret).into()
            } else {
                ClientAuth::secret_basic(id, secret).into()
            }
        }
        Flow::ClientAssertion => {
            let key = keyfile::any_signing_key(key_path(a, "client-assertion")?.as_ref())?;
            let id = need(a.client_id.as_deref(), "--client-id", "client-assertion")?;
            let kid = kid(a, &key)?;
            let mut auth = PrivateKeyJwt::with_signer(id, keyfile::assertion_signer(key, a.alg)?);
            if let Some(kid) = kid {
                auth = auth.kid(kid);
            }
            // `aud`: --assertion-aud, else the issuer (--issuer, discovered, or derived from a
            // Keycloak-style --url), else --url (the client's default).
            if let Some(issuer) = &a.issuer {
                auth = auth.issuer(issuer.as_str());
            }
            if a.discover_issuer {
                auth = auth.discover_issuer();
            }
            if let Some(aud) = &a.assertion_aud {
                auth = auth.audience(aud.as_str());
            }
            auth.into()
        }
    };
    let mut builder = TokenClient::builder(a.url.as_str(), flow);
    if let Some(scope) = &a.scope {
        builder = builder.scope(scope.as_str());
    }
    if a.json_body {
        builder = builder.json_body();
    }
    if let Some(id) = &a.correlation_id {
        builder = builder.correlation_id(id.as_str());
    }
    if let (Some(cert), Some(key)) = (&a.cert, &a.cert_key) {
        // The private key of the client certificate, in a buffer zeroed on drop.
        let key = zeroize::Zeroizing::new(read(key)?);
        builder = builder.identity_pem(&read(cert)?, &key);
    }
    for ca in &a.ca {
        builder = builder.root_certificate_pem(&read(ca)?);
    }
    if a.insecure_transport {
        builder = builder.insecure_transport();
    }
    // The client's messages name its builder calls: name the flags instead.
    let cli_words = |m: &str| {
        m.replace("insecure_transport()", "--insecure-transport")
            .replace("set identity_pem", "give --cert and --cert-key")
            .replace("(identity_pem)", "(--cert)")
            .replace(
                "discover_issuer() needs an issuer: set PrivateKeyJwt::issuer",
                "--discover-issuer needs an issuer: give --issuer",
            )
            .replace("use a Keycloak-style token endpoint", "use a Keycloak-style --url")
    };
    let client = builder.build_blocking().map_err(|e| Failure::from(e).map_message(cli_words))?;
    let token = client.token().map_err(|e| Failure::from(e).map_message(cli_words))?;
    let shown = if a.show_token { token.expose().to_owned() } else { token.access_token().preview() };
    let expires_in = token.lifetime().as_secs();
    if json_out {
        let access_token = if a.show_token { token.expose() } else { "[redacted]" };
        println!(
            "{}",
            json!({"ok": true, "expires_in": expires_in, "response": {
                "access_token": access_token,
                "token_type": token.token_type(),
                "expires_in": expires_in,
                "scope": token.scope(),
            }})
        );
    } else {
        println!("access_token: {shown}");
        println!("token_type:   {}", token.token_type());
        println!("expires_in:   {expires_in}");
        println!("scope:        {}", token.scope().unwrap_or("-"));
    }
    Ok(())
}
