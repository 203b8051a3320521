//! `bearerkit demo`: the local authorization server in-process on a free loopback port,
//! and every platform flow against it, with a readable transcript. Exits 0 only if every step
//! behaved as expected.
//!
//! Every token request goes through `bearerkit-client`, as an application's would: the
//! cached client for the token reuse step, and one-shot calls ([`one_shot`]:
//! `fetch_uncached`, no retries) for the others, which send the exact assertion the
//! transcript shows (`Flow::jwt_bearer_assertion`, `ClientAuth::client_assertion`; the
//! replay step sends the same `client_assertion` twice). The transcript shows each answer's
//! members as the server sent them (`TokenResponse::members`: `expires_in` a number or a
//! string, `expires_at`, `refresh_expires_in`, `not-before-policy`), the access token as
//! `[redacted]`. Like the client, the demo never takes a proxy from the environment: its
//! server is on 127.0.0.1, and its credentials stay on this machine.

use crate::cli::DemoArgs;
use crate::failure::{Code, Failure};
use bearerkit::{CertificateThumbprints, SigningKey, profile};
use bearerkit_client::{
    BodyEncoding, ClientAuth, CorrelationId, Flow, RetryPolicy, TokenClient, TokenResponse,
};
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
    let now = bearerkit::now_unix();

    // ---- 1. Thales D1 inbound: JWT-bearer grant -------------------------------------
    let d1_url = format!("{base}/authz/v1/oauth2/token");
    t.say(&format!("1. Thales D1 inbound: POST {d1_url}"));
    // The assertion is signed here, with a fixed `jti`, so the transcript shows exactly
    // what is posted.
    let d1_client = |jti: &str, encoding: BodyEncoding| -> Result<(String, TokenClient), Failure> {
        let assertion = profile::d1::assertion(D1_ISSUER, profile::d1::Env::Production, D1_KID, now)
            .jwt_id(jti)
            .sign_to_string(&keys.d1)?;
        let client = one_shot(&d1_url, Flow::jwt_bearer_assertion(assertion.as_str()), None, |b| {
            b.body_encoding(encoding).correlation_id("demo-corr-0001")
        })?;
        Ok((assertion, client))
    };
    let (assertion, client) = d1_client("demo-jti-1", BodyEncoding::Form)?;
    t.say(&format!("   assertion (decoded, ES256, kid {D1_KID}):\n      {}", pretty(&decode(&assertion))));
    match client.fetch_uncached().await {
        Ok(resp) => {
            let body = shown(&resp);
            let ok = resp.member("expires_in").and_then(Value::as_u64) == Some(900);
            t.say(&format!("   response: {}", pretty(&body)));
            t.step("D1 token issued (form body), expires_in is the number 900", ok, body);
        }
        Err(e) => t.step("D1 token issued (form body)", false, json!({"error": e.code()})),
    }

    // The same flow with a JSON body (the D1 inbound API allows both).
    let (_, client) = d1_client("demo-jti-2", BodyEncoding::Json)?;
    let r = client.fetch_uncached().await;
    t.step("D1 token issued (JSON body)", r.is_ok(), json!({"ok": r.is_ok()}));

    // ---- 2. The token cache ------------------------------------------------------------
    t.say("\n2. Token reuse: D1 tokens live 15 minutes; a second call is served from the cache");
    let cached = TokenClient::builder(
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
    let resource = resource_client()?;
    let resource_url = format!("{base}/resource");
    if let Ok(token) = &second {
        let status = match token.authorization() {
            Ok(authorization) => get_status(&resource, &resource_url, authorization).await,
            Err(_) => 0,
        };
        t.step("GET /resource with the access token → 200", status == 200, json!({"status": status}));
    }
    let unknown = reqwest::header::HeaderValue::from_static("Bearer not-a-token");
    let status = get_status(&resource, &resource_url, unknown).await;
    t.step("GET /resource with an unknown token → 401", status == 401, json!({"status": status}));

    // ---- 3. D1 outbound: HTTP Basic client credentials ---------------------------------
    let out_url = format!("{base}/oauth2/token");
    t.say(&format!("\n3. Thales D1 outbound: D1 calls the issuer's POST {out_url} with HTTP Basic"));
    let basic = |secret: &str| {
        one_shot(&out_url, ClientAuth::secret_basic(OUTBOUND_CLIENT, secret), Some("issuer-api"), |b| b)
    };
    match basic(&keys.outbound_secret)?.fetch_uncached().await {
        Ok(resp) => {
            let body = shown(&resp);
            t.say(&format!("   response: {}", pretty(&body)));
            // the D1 outbound API: `expires_in` is a string, exactly the configured lifetime.
            let lifetime = bearerkit_server::DEFAULT_TOKEN_LIFETIME_SECS.to_string();
            let ok = resp.member("expires_in").and_then(Value::as_str) == Some(lifetime.as_str())
                && resp.member("expires_at").is_some_and(Value::is_string);
            t.step(
                &format!("token issued; expires_in is the string \"{lifetime}\" and expires_at is set"),
                ok,
                body,
            );
        }
        Err(e) => t.step("outbound token issued", false, json!({"error": e.code()})),
    }
    let r = basic("wrong-secret")?.fetch_uncached().await;
    let code = refusal(&r);
    t.step("wrong client secret → invalid_client", code == Some("invalid_client"), json!({"error": code}));

    // ---- 4. Worldline / Keycloak: client_assertion ------------------------------------
    let kc_url = format!("{base}/auth/realms/{REALM}/protocol/openid-connect/token");
    t.say(&format!("\n4. Worldline Open Banking: POST {kc_url}"));
    t.say(&format!("   client certificate SHA-1 fingerprint (the kid): {}", keys.wl_fingerprint));
    let jti = format!("{:032x}", rand::random::<u128>());
    let ca = profile::client_assertion::assertion(WL_CLIENT, &kc_url, &jti, now)
        .key_id(&keys.wl_fingerprint)
        .sign_to_string(&keys.wl)?;
    t.say(&format!("   client_assertion (decoded):\n      {}", pretty(&decode(&ca))));
    // One client, one given assertion: its second call posts the same `client_assertion`.
    let client = one_shot(&kc_url, ClientAuth::client_assertion(WL_CLIENT, ca), Some("VOP WERO"), |b| b)?;
    match client.fetch_uncached().await {
        Ok(resp) => {
            let body = shown(&resp);
            t.say(&format!("   response: {}", pretty(&body)));
            let ok = resp.member("refresh_expires_in").is_some()
                && resp.member("not-before-policy").is_some()
                && resp.member("scope").and_then(Value::as_str) == Some("VOP WERO");
            t.step("token issued with refresh_expires_in and not-before-policy", ok, body);
        }
        Err(e) => t.step("Worldline token issued", false, json!({"error": e.code()})),
    }
    let r = client.fetch_uncached().await;
    let code = refusal(&r);
    t.step(
        "the same client_assertion again (replayed jti) → invalid_client",
        code == Some("invalid_client"),
        json!({"error": code}),
    );

    // ---- 5. A refused request ---------------------------------------------------------
    t.say("\n5. A refused request: a D1 assertion that expired an hour ago");
    let old =
        profile::d1::assertion(D1_ISSUER, profile::d1::Env::Production, D1_KID, now.saturating_sub(3600))
            .sign_to_string(&keys.d1)?;
    let r = one_shot(&d1_url, Flow::jwt_bearer_assertion(old), None, |b| b)?.fetch_uncached().await;
    let code = refusal(&r);
    if let Some(code) = code {
        t.say(&format!("   refused: {code}"));
    }
    t.step("expired assertion → 400 invalid_grant", code == Some("invalid_grant"), json!({"error": code}));

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

/// A `bearerkit-client` for one-shot calls ([`TokenClient::fetch_uncached`]) of `flow` to
/// `url`: no retries (each call is exactly one request), no correlation id unless
/// `configure` sets one, `scope` when given. The client takes no proxy from the
/// environment, and allows plain `http://` because the demo's server is on loopback.
fn one_shot(
    url: &str,
    flow: impl Into<Flow>,
    scope: Option<&str>,
    configure: impl FnOnce(bearerkit_client::TokenClientBuilder) -> bearerkit_client::TokenClientBuilder,
) -> Result<TokenClient, Failure> {
    let mut b = TokenClient::builder(url, flow).retry(RetryPolicy::none()).correlation(CorrelationId::Omit);
    if let Some(scope) = scope {
        b = b.scope(scope);
    }
    Ok(configure(b).build()?)
}

/// A token response as the transcript shows it: `"access_token": "[redacted]"`, then every
/// other member as the server sent it, in order (the client keeps none of the secrets).
fn shown(resp: &TokenResponse) -> Value {
    let mut body = serde_json::Map::new();
    body.insert("access_token".into(), Value::String("[redacted]".into()));
    body.extend(resp.members().map(|(name, value)| (name.to_owned(), value.clone())));
    Value::Object(body)
}

/// The code of a refused request, for the transcript: the RFC 6749 `error` the server sent
/// (`invalid_client`, `invalid_grant`, ...), or the client's code for any other failure
/// (`transport`, `unexpected_response`, ...); `None` when a token was issued.
fn refusal(r: &Result<TokenResponse, bearerkit_client::Error>) -> Option<&str> {
    match r {
        Ok(_) => None,
        Err(e) => Some(e.oauth().map_or_else(|| e.code(), |o| o.error.as_str())),
    }
}

/// The HTTP client of the two `GET /resource` steps (the client crate makes token requests
/// only): plain HTTP to 127.0.0.1, explicitly no proxy (none from the environment), no
/// redirects.
fn resource_client() -> Result<reqwest::Client, Failure> {
    bearerkit_client::install_crypto_provider();
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("bearerkit/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Failure::new(Code::Transport, format!("HTTP client: {e}")))
}

/// The status of `GET url` with this `Authorization` header; 0 when the request failed.
async fn get_status(client: &reqwest::Client, url: &str, authorization: reqwest::header::HeaderValue) -> u16 {
    let resp = client.get(url).header(reqwest::header::AUTHORIZATION, authorization).send().await;
    resp.map(|r| r.status().as_u16()).unwrap_or(0)
}
