//! `bearerkit demo`: the local authorization server in-process on a free loopback port,
//! and every platform flow against it, with a readable transcript. Exits 0 only if every step
//! behaved as expected.
//!
//! The token cache step uses `bearerkit-client`; the other token requests go through the
//! raw fetcher below ([`send`]), because the transcript shows and checks what the server
//! sent and exactly what was posted: each response's body as it came (`expires_in` a number
//! or a string, `expires_at`, `refresh_expires_in`, `not-before-policy`), the assertion with
//! its fixed `jti`, and the same `client_assertion` posted twice (the replay step).
//! `bearerkit-client` parses a response into its `TokenResponse` (those members gone, the
//! lifetime a `Duration`) and signs a fresh assertion for every request.

use crate::cli::DemoArgs;
use crate::failure::{Code, Failure};
use bearerkit::{CertificateThumbprints, SigningKey, profile};
use bearerkit_server::{BasicClient, D1Env, D1Issuer, Realm, RealmClient, RunningServer, ServerConfig};
use serde_json::{Value, json};
use std::time::Duration;

const D1_ISSUER: &str = "MGW_DEMO_0001";
const D1_KID: &str = "demo-key-1";
const OUTBOUND_CLIENT: &str = "d1-outbound-client";
const REALM: &str = "openbanking";
const WL_CLIENT: &str = "Worldline-000021";

/// One line of the transcript: a step that passed or failed.
struct Transcript {
    json: bool,
    steps: Vec<Value>,
    failed: usize,
}

impl Transcript {
    fn say(&self, text: &str) {
        if !self.json {
            println!("{text}");
        }
    }

    fn step(&mut self, name: &str, ok: bool, detail: Value) {
        if !ok {
            self.failed += 1;
        }
        if !self.json {
            println!("  [{}] {name}", if ok { "ok" } else { "FAILED" });
        }
        self.steps.push(json!({"step": name, "ok": ok, "detail": detail}));
    }
}

fn decode(token: &str) -> Value {
    let mut scratch = vec![0u8; token.len()];
    match bearerkit::dangerous::decode_unverified(token, &mut scratch) {
        Ok(t) => json!({
            "header": serde_json::from_str::<Value>(t.header().as_json()).unwrap_or(Value::Null),
            "claims": serde_json::from_str::<Value>(t.claims().as_json()).unwrap_or(Value::Null),
        }),
        Err(e) => json!({"error": e.code()}),
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default().replace('\n', "\n      ")
}

pub(crate) fn run(_a: &DemoArgs, json_out: bool) -> Result<(), Failure> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::new(Code::Runtime, e.to_string()))?;
    rt.block_on(demo(json_out))
}

/// The demo's keys and secrets, fresh for each run.
struct Keys {
    d1: SigningKey,
    wl: SigningKey,
    wl_cert_pem: String,
    wl_fingerprint: String,
    outbound_secret: String,
}

fn make_keys() -> Result<Keys, Failure> {
    let d1 = SigningKey::generate(&mut rand::rng());
    // The Worldline client's certificate: a self-signed P-256 certificate made with rcgen,
    // whose key bearerkit then signs with.
    let kp = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .map_err(|e| Failure::new(Code::BadCertificate, e.to_string()))?;
    let params = rcgen::CertificateParams::new(vec!["worldline-client.demo".to_string()])
        .map_err(|e| Failure::new(Code::BadCertificate, e.to_string()))?;
    let cert = params.self_signed(&kp).map_err(|e| Failure::new(Code::BadCertificate, e.to_string()))?;
    let wl = SigningKey::from_pem(&kp.serialize_pem())?;
    let wl_cert_pem = cert.pem();
    let fp = CertificateThumbprints::from_der(cert.der())?;
    Ok(Keys {
        d1,
        wl,
        wl_cert_pem,
        wl_fingerprint: fp.sha1_hex().to_string(),
        outbound_secret: format!("{:032x}", rand::random::<u128>()),
    })
}

/// The demo's server: one client of each kind, on a free loopback port.
async fn start_server(keys: &Keys) -> Result<RunningServer, Failure> {
    let d1_public = keys.d1.verifying_key().to_spki_pem_string();
    let config = ServerConfig::default()
        .with_d1_issuer(D1Issuer::new(D1_ISSUER, D1Env::Prd).key(D1_KID, d1_public))
        .with_outbound_client(BasicClient::new(
            OUTBOUND_CLIENT,
            keys.outbound_secret.as_str(),
            ["issuer-api"],
        ))
        .with_realm(Realm::new(REALM).client(
            RealmClient::new(WL_CLIENT).certificate(keys.wl_cert_pem.as_str()).scopes(["VOP", "WERO"]),
        ));
    bearerkit_server::spawn(config).await.map_err(|e| Failure::new(Code::ServerError, e.to_string()))
}

async fn demo(json_out: bool) -> Result<(), Failure> {
    let mut t = Transcript { json: json_out, steps: Vec::new(), failed: 0 };
    let keys = make_keys()?;
    let server = start_server(&keys).await?;
    let base = server.base_url();
    t.say(&format!("bearerkit demo: local authorization server on {base} (127.0.0.1 only)\n"));
    let client = http_client()?;
    let now = bearerkit::now_unix();

    // ---- 1. Thales D1 inbound: JWT-bearer grant -------------------------------------
    let d1_url = format!("{base}/authz/v1/oauth2/token");
    t.say(&format!("1. Thales D1 inbound: POST {d1_url}"));
    let d1_request = |jti: String, json_body: bool| -> Result<(String, Request<'_>), Failure> {
        let assertion = profile::d1::assertion(D1_ISSUER, profile::d1::Env::Production, D1_KID, now)
            .jwt_id(&jti)
            .sign_to_string(&keys.d1)?;
        let form =
            vec![("grant_type", profile::d1::GRANT_TYPE.to_string()), ("assertion", assertion.clone())];
        Ok((
            assertion,
            Request { url: &d1_url, form, json_body, basic: None, correlation_id: Some("demo-corr-0001") },
        ))
    };
    let (assertion, req) = d1_request("demo-jti-1".into(), false)?;
    t.say(&format!("   assertion (decoded, ES256, kid {D1_KID}):\n      {}", pretty(&decode(&assertion))));
    match send(&client, &req).await {
        Ok(resp) => {
            let ok = resp.status == 200 && resp.body["expires_in"].as_u64() == Some(900);
            t.say(&format!("   response: {}", pretty(&resp.body)));
            t.step("D1 token issued (form body), expires_in is the number 900", ok, resp.body.clone());
        }
        Err(e) => t.step("D1 token issued (form body)", false, json!({"error": e})),
    }

    // The same flow with a JSON body (the D1 inbound API allows both).
    let (_, req) = d1_request("demo-jti-2".into(), true)?;
    let r = send(&client, &req).await;
    t.step(
        "D1 token issued (JSON body)",
        r.as_ref().is_ok_and(|r| r.status == 200),
        json!({"ok": r.is_ok()}),
    );

    // ---- 2. The token cache (bearerkit-client) ---------------------------------------
    t.say("\n2. Token reuse: D1 tokens live 15 minutes; a second call is served from the cache");
    let cached = bearerkit_client::TokenClient::builder(
        d1_url.as_str(),
        bearerkit_client::D1Grant::new(D1_ISSUER, profile::d1::Env::Production, D1_KID, keys.d1.clone()),
    )
    .correlation_id("demo-corr-0002")
    .build()?;
    let first = cached.token().await;
    let before = server.request_count();
    let second = cached.token().await;
    let after = server.request_count();
    t.say(&format!("   token-endpoint requests before: {before}, after: {after}"));
    let reused = matches!((&first, &second), (Ok(a), Ok(b)) if a.same_as(b));
    t.step(
        "second call reused the cached token (no new request)",
        reused && before == after,
        json!({"requests": after}),
    );

    // Use it on the protected resource.
    if let Ok(token) = &second {
        let resp = client.get(format!("{base}/resource")).bearer_auth(token.expose()).send().await;
        let status = resp.map(|r| r.status().as_u16()).unwrap_or(0);
        t.step("GET /resource with the access token → 200", status == 200, json!({"status": status}));
    }
    let resp = client.get(format!("{base}/resource")).bearer_auth("not-a-token").send().await;
    let status = resp.map(|r| r.status().as_u16()).unwrap_or(0);
    t.step("GET /resource with an unknown token → 401", status == 401, json!({"status": status}));

    // ---- 3. D1 outbound: HTTP Basic client credentials ---------------------------------
    let out_url = format!("{base}/oauth2/token");
    t.say(&format!("\n3. Thales D1 outbound: D1 calls the issuer's POST {out_url} with HTTP Basic"));
    let req = Request {
        url: &out_url,
        form: vec![("grant_type", "client_credentials".into()), ("scope", "issuer-api".into())],
        json_body: false,
        basic: Some((OUTBOUND_CLIENT, &keys.outbound_secret)),
        correlation_id: None,
    };
    match send(&client, &req).await {
        Ok(resp) => {
            t.say(&format!("   response: {}", pretty(&resp.body)));
            // the D1 outbound API: `expires_in` is a string, exactly the configured lifetime.
            let lifetime = bearerkit_server::DEFAULT_TOKEN_LIFETIME_SECS.to_string();
            let ok = resp.status == 200
                && resp.body["expires_in"].as_str() == Some(lifetime.as_str())
                && resp.body["expires_at"].is_string();
            t.step(
                &format!("token issued; expires_in is the string \"{lifetime}\" and expires_at is set"),
                ok,
                resp.body.clone(),
            );
        }
        Err(e) => t.step("outbound token issued", false, json!({"error": e})),
    }
    let req = Request { basic: Some((OUTBOUND_CLIENT, "wrong-secret")), ..req };
    let r = send(&client, &req).await;
    t.step(
        "wrong client secret → invalid_client",
        r.as_ref().is_err_and(|e| e == "invalid_client"),
        json!({"error": r.err()}),
    );

    // ---- 4. Worldline / Keycloak: client_assertion ------------------------------------
    let kc_url = format!("{base}/auth/realms/{REALM}/protocol/openid-connect/token");
    t.say(&format!("\n4. Worldline Open Banking: POST {kc_url}"));
    t.say(&format!("   client certificate SHA-1 fingerprint (the kid): {}", keys.wl_fingerprint));
    let jti = format!("{:032x}", rand::random::<u128>());
    let ca = profile::client_assertion::assertion(WL_CLIENT, &kc_url, &jti, now)
        .key_id(&keys.wl_fingerprint)
        .sign_to_string(&keys.wl)?;
    t.say(&format!("   client_assertion (decoded):\n      {}", pretty(&decode(&ca))));
    let req = Request {
        url: &kc_url,
        form: vec![
            ("grant_type", "client_credentials".into()),
            ("scope", "VOP WERO".into()),
            ("client_assertion_type", profile::client_assertion::ASSERTION_TYPE.into()),
            ("client_assertion", ca),
        ],
        json_body: false,
        basic: None,
        correlation_id: None,
    };
    match send(&client, &req).await {
        Ok(resp) => {
            t.say(&format!("   response: {}", pretty(&resp.body)));
            let ok = resp.body.get("not-before-policy").is_some()
                && resp.body["scope"].as_str() == Some("VOP WERO");
            t.step("token issued with refresh_expires_in and not-before-policy", ok, resp.body.clone());
        }
        Err(e) => t.step("Worldline token issued", false, json!({"error": e})),
    }
    let r = send(&client, &req).await;
    t.step(
        "the same client_assertion again (replayed jti) → invalid_client",
        r.as_ref().is_err_and(|e| e == "invalid_client"),
        json!({"error": r.err()}),
    );

    // ---- 5. A refused request ---------------------------------------------------------
    t.say("\n5. A refused request: a D1 assertion that expired an hour ago");
    let old =
        profile::d1::assertion(D1_ISSUER, profile::d1::Env::Production, D1_KID, now.saturating_sub(3600))
            .sign_to_string(&keys.d1)?;
    let req = Request {
        url: &d1_url,
        form: vec![("grant_type", profile::d1::GRANT_TYPE.into()), ("assertion", old)],
        json_body: false,
        basic: None,
        correlation_id: None,
    };
    let r = send(&client, &req).await;
    let refused = r.as_ref().is_err_and(|e| e == "invalid_grant");
    if let Err(e) = &r {
        t.say(&format!("   refused: {e}"));
    }
    t.step("expired assertion → 400 invalid_grant", refused, json!({"error": r.err()}));

    server.shutdown().await;
    let total = t.steps.len();
    let passed = total - t.failed;
    if json_out {
        println!("{}", json!({"ok": t.failed == 0, "steps": t.steps, "passed": passed, "failed": t.failed}));
    } else {
        println!("\ndemo: {passed} passed, {} failed", t.failed);
    }
    if t.failed == 0 {
        Ok(())
    } else {
        Err(Failure::new(
            Code::DemoFailed,
            format!("{} of {total} demo steps did not behave as expected", t.failed),
        ))
    }
}

/// One request to a token endpoint.
struct Request<'a> {
    url: &'a str,
    form: Vec<(&'a str, String)>,
    json_body: bool,
    basic: Option<(&'a str, &'a str)>,
    correlation_id: Option<&'a str>,
}

/// A token response as the server sent it: the HTTP status and the whole body, the
/// access token replaced by `[redacted]`.
struct Issued {
    status: u16,
    body: Value,
}

/// The demo's HTTP client: its server is plain HTTP on 127.0.0.1, so no TLS options.
fn http_client() -> Result<reqwest::Client, Failure> {
    bearerkit_client::install_crypto_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("bearerkit/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Failure::new(Code::Transport, format!("HTTP client: {e}")))
}

/// Send `req` once (no retries, no cache): a 2xx JSON object with a string `access_token`
/// is a token response; anything else is refused with a code for the transcript: the RFC
/// 6749 `error` the server sent, `unexpected_response`, or `transport`.
async fn send(client: &reqwest::Client, req: &Request<'_>) -> Result<Issued, String> {
    let unexpected = || Code::UnexpectedResponse.as_str().to_owned();
    let mut r = client.post(req.url);
    if let Some((id, secret)) = req.basic {
        r = r.basic_auth(id, Some(secret));
    }
    if let Some(c) = req.correlation_id {
        r = r.header("x-correlation-id", c);
    }
    r = if req.json_body {
        let map: serde_json::Map<String, Value> =
            req.form.iter().map(|(k, v)| ((*k).to_owned(), Value::String(v.clone()))).collect();
        r.json(&map)
    } else {
        r.form(&req.form)
    };
    let transport = |_| Code::Transport.as_str().to_owned();
    let resp = r.send().await.map_err(transport)?;
    let status = resp.status().as_u16();
    let body = resp.text().await.map_err(transport)?;
    let json: Option<Value> = serde_json::from_str(&body).ok();
    if !(200..300).contains(&status) {
        let error = json.as_ref().and_then(|j| j.get("error")).and_then(Value::as_str);
        return Err(error.map_or_else(unexpected, str::to_owned));
    }
    match json {
        Some(Value::Object(mut obj)) if matches!(obj.get("access_token"), Some(Value::String(_))) => {
            obj.insert("access_token".into(), Value::String("[redacted]".into()));
            Ok(Issued { status, body: Value::Object(obj) })
        }
        _ => Err(unexpected()),
    }
}
