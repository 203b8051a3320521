//! A raw token-endpoint caller for the `bearerkit demo` transcript: one request per call,
//! no cache, no retries, and the whole response body kept (access token redacted) so the
//! demo can show every member the server sent. `bearerkit token` and the demo's cache step
//! use the real client, `bearerkit-client`.

use crate::failure::Failure;
use serde_json::Value;
use std::time::Duration;

/// A parsed token response (RFC 6749 §5.1), tolerant of the seeds' quirks: `expires_in` as
/// a number or a numeric string, every member kept in `redacted`.
#[derive(Debug)]
pub(crate) struct TokenResponse {
    pub(crate) expires_in: Option<u64>,
    pub(crate) scope: Option<String>,
    /// The whole body with the access token replaced by `[redacted]`.
    pub(crate) redacted: Value,
    /// The HTTP status.
    pub(crate) status: u16,
}

/// One request to a token endpoint.
pub(crate) struct Request<'a> {
    pub(crate) url: &'a str,
    pub(crate) form: Vec<(&'a str, String)>,
    pub(crate) json_body: bool,
    pub(crate) basic: Option<(&'a str, &'a str)>,
    pub(crate) correlation_id: Option<&'a str>,
}

fn install_provider() {
    // Idempotent: a second install returns Err, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The demo's HTTP client: its server is plain HTTP on 127.0.0.1, so no TLS options
/// (`bearerkit token`'s mutual TLS and extra roots go through `bearerkit-client`).
pub(crate) fn http_client() -> Result<reqwest::Client, Failure> {
    install_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("bearerkit/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Failure::failed("transport", format!("HTTP client: {e}")))
}

/// The RFC 6749 §5.2 error codes, as stable `'static` strings.
fn oauth_code(code: &str) -> &'static str {
    match code {
        "invalid_request" => "invalid_request",
        "invalid_client" => "invalid_client",
        "invalid_grant" => "invalid_grant",
        "unauthorized_client" => "unauthorized_client",
        "unsupported_grant_type" => "unsupported_grant_type",
        "invalid_scope" => "invalid_scope",
        _ => "oauth_error",
    }
}

/// Send `req`; a 2xx JSON body with `access_token` is a success, an RFC 6749 error body a
/// typed failure, anything else an `unexpected_response`.
pub(crate) async fn send(client: &reqwest::Client, req: &Request<'_>) -> Result<TokenResponse, Failure> {
    let mut r = client.post(req.url);
    if let Some((id, secret)) = req.basic {
        r = r.basic_auth(id, Some(secret));
    }
    if let Some(c) = req.correlation_id {
        r = r.header("x-correlation-id", c);
    }
    r = if req.json_body {
        let map: serde_json::Map<String, Value> =
            req.form.iter().map(|(k, v)| ((*k).to_string(), Value::String(v.clone()))).collect();
        r.json(&map)
    } else {
        r.form(&req.form)
    };
    let resp = r.send().await.map_err(|e| Failure::failed("transport", format!("{}: {e}", req.url)))?;
    let status = resp.status().as_u16();
    let body =
        resp.text().await.map_err(|e| Failure::failed("transport", format!("reading the body: {e}")))?;
    let json: Option<Value> = serde_json::from_str(&body).ok();
    if !(200..300).contains(&status) {
        if let Some(err) = json.as_ref().and_then(|j| j.get("error")).and_then(Value::as_str) {
            let desc =
                json.as_ref().and_then(|j| j.get("error_description")).and_then(Value::as_str).unwrap_or("");
            return Err(Failure::failed(oauth_code(err), format!("HTTP {status} {err}: {desc}")));
        }
        let excerpt: String = body.chars().take(120).collect();
        return Err(Failure::failed("unexpected_response", format!("HTTP {status}: {excerpt}")));
    }
    let Some(Value::Object(mut obj)) = json else {
        let excerpt: String = body.chars().take(120).collect();
        return Err(Failure::failed("unexpected_response", format!("HTTP {status}, not JSON: {excerpt}")));
    };
    if !matches!(obj.get("access_token"), Some(Value::String(_))) {
        return Err(Failure::failed("unexpected_response", format!("HTTP {status}: no access_token")));
    }
    obj.insert("access_token".into(), Value::String("[redacted]".into()));
    let expires_in = match obj.get("expires_in") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    Ok(TokenResponse {
        expires_in,
        scope: obj.get("scope").and_then(Value::as_str).map(str::to_string),
        redacted: Value::Object(obj),
        status,
    })
}
