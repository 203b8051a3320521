//! `bearerkit token`: one request to a real token endpoint.

use crate::cli::{Flow, TokenArgs};
use crate::failure::Failure;
use crate::fetch::{self, Request, Tls};
use crate::keyfile;
use bearerkit::profile;
use serde_json::json;

fn need<'a>(v: Option<&'a str>, what: &str, flow: &str) -> Result<&'a str, Failure> {
    v.ok_or_else(|| Failure::usage(format!("the {flow} flow needs {what}")))
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|e| Failure::failed("io_error", format!("cannot read {}: {e}", path.display())))
}

pub(crate) fn run(a: &TokenArgs, json_out: bool) -> Result<(), Failure> {
    let mut tls = Tls::default();
    if let (Some(cert), Some(key)) = (&a.cert, &a.cert_key) {
        let mut pem = read(cert)?;
        pem.push(b'\n');
        pem.extend(read(key)?);
        tls.identity_pem = Some(pem);
    }
    for ca in &a.ca {
        tls.roots_pem.push(read(ca)?);
    }
    let now = bearerkit::now_unix();
    let jti = format!("{:032x}", rand::random::<u128>());
    let assertion;
    let mut form: Vec<(&str, String)> = Vec::new();
    let mut basic = None;
    match a.flow {
        Flow::D1 => {
            let key = keyfile::signing_key(
                need(a.key.as_deref().and_then(|p| p.to_str()), "--key", "d1")?.as_ref(),
            )?;
            let iss = need(a.iss.as_deref(), "--iss", "d1")?;
            let kid = need(a.kid.as_deref(), "--kid", "d1")?;
            let env = match a.aud.as_str() {
                "stg" => profile::d1::Env::Staging,
                "prd" => profile::d1::Env::Production,
                _ => return Err(Failure::usage("--aud must be `stg` or `prd` for the d1 flow")),
            };
            assertion = profile::d1::assertion(iss, env, kid, now).jwt_id(&jti).sign_to_string(&key)?;
            form.push(("grant_type", profile::d1::GRANT_TYPE.to_string()));
            form.push(("assertion", assertion));
        }
        Flow::ClientCredentials => {
            let id = need(a.client_id.as_deref(), "--client-id", "client-credentials")?;
            let secret = need(a.client_secret.as_deref(), "--client-secret", "client-credentials")?;
            form.push(("grant_type", "client_credentials".to_string()));
            if a.secret_post {
                form.push(("client_id", id.to_string()));
                form.push(("client_secret", secret.to_string()));
            } else {
                basic = Some((id, secret));
            }
        }
        Flow::ClientAssertion => {
            let key = keyfile::signing_key(
                need(a.key.as_deref().and_then(|p| p.to_str()), "--key", "client-assertion")?.as_ref(),
            )?;
            let id = need(a.client_id.as_deref(), "--client-id", "client-assertion")?;
            let mut builder = profile::client_assertion::assertion(id, &a.url, &jti, now);
            if let Some(kid) = a.kid.as_deref() {
                builder = builder.key_id(kid);
            }
            form.push(("grant_type", "client_credentials".to_string()));
            form.push(("client_assertion_type", profile::client_assertion::ASSERTION_TYPE.to_string()));
            form.push(("client_assertion", builder.sign_to_string(&key)?));
        }
    }
    if let Some(scope) = &a.scope {
        form.push(("scope", scope.clone()));
    }
    let req = Request {
        url: &a.url,
        form,
        json_body: a.json_body,
        basic,
        correlation_id: a.correlation_id.as_deref(),
    };
    let client = fetch::http_client(&tls)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::failed("runtime", e.to_string()))?;
    let resp = rt.block_on(fetch::send(&client, &req))?;
    let shown =
        if a.show_token { resp.access_token.secret().to_string() } else { resp.access_token.preview() };
    if json_out {
        let mut body = resp.redacted.clone();
        if a.show_token {
            body["access_token"] = json!(resp.access_token.secret());
        }
        println!(
            "{}",
            json!({"ok": true, "status": resp.status, "expires_in": resp.expires_in, "response": body})
        );
    } else {
        println!("access_token: {shown}");
        println!("token_type:   {}", resp.token_type.as_deref().unwrap_or("-"));
        println!("expires_in:   {}", resp.expires_in.map_or("-".to_string(), |s| s.to_string()));
        println!("scope:        {}", resp.scope.as_deref().unwrap_or("-"));
    }
    Ok(())
}
