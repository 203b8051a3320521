//! `GET /resource`: a protected resource (RFC 6750 bearer tokens).
//!
//! The answers follow RFC 6750 §3 and §3.1:
//!
//! - no credentials (no `Authorization` header, or one with another scheme, such as Basic):
//!   401 with `WWW-Authenticate: Bearer realm="bearerkit"` and **no** error code;
//! - a malformed request (a `Bearer` header without a token or with one that is not a
//!   `b64token`, a header that is not visible ASCII, two `Authorization` headers): 400
//!   `invalid_request`;
//! - a token this server did not issue, or that has expired: 401 `invalid_token`.

use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(serde::Serialize)]
struct ResourceBody<'a> {
    message: &'static str,
    subject: &'a str,
    /// Left out when empty.
    #[serde(skip_serializing_if = "str::is_empty")]
    scope: &'a str,
    expires_in: u64,
}

/// What the `Authorization` header holds.
enum Credentials<'a> {
    /// No header, or another scheme than Bearer.
    None,
    /// `Bearer <b64token>`.
    Bearer(&'a str),
    /// A header that cannot be a bearer credential: why.
    Malformed(&'static str),
}

fn credentials(headers: &HeaderMap) -> Credentials<'_> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Credentials::None;
    };
    if values.next().is_some() {
        return Credentials::Malformed("more than one Authorization header");
    }
    let Ok(value) = value.to_str() else {
        return Credentials::Malformed("the Authorization header is not visible ASCII");
    };
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        // RFC 6750 §3.1: an unsupported authentication method counts as no credentials.
        return Credentials::None;
    }
    // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
    let token = rest.trim_start_matches(' ');
    if token.is_empty() {
        return Credentials::Malformed("the Bearer credentials hold no token");
    }
    if !is_b64token(token) {
        return Credentials::Malformed("the bearer token is not a b64token");
    }
    Credentials::Bearer(token)
}

/// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/'))
}

pub(crate) async fn get(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = match credentials(&headers) {
        Credentials::None => {
            let body = serde_json::json!({ "message": "a bearer token is required" });
            return challenge(StatusCode::UNAUTHORIZED, "Bearer realm=\"bearerkit\"", body);
        }
        Credentials::Malformed(description) => {
            let body = serde_json::json!({ "error": "invalid_request", "error_description": description });
            let value = format!(
                "Bearer realm=\"bearerkit\", error=\"invalid_request\", error_description=\"{description}\""
            );
            return challenge(StatusCode::BAD_REQUEST, &value, body);
        }
        Credentials::Bearer(token) => token,
    };
    match state.lookup_token(token) {
        Some((subject, scope, expires_in)) => {
            let body = ResourceBody {
                message: "hello from bearerkit-server",
                subject: &subject,
                scope: &scope,
                expires_in,
            };
            (StatusCode::OK, axum::Json(body)).into_response()
        }
        None => {
            let description = "the access token is unknown or expired";
            let body = serde_json::json!({ "error": "invalid_token", "error_description": description });
            let value = format!(
                "Bearer realm=\"bearerkit\", error=\"invalid_token\", error_description=\"{description}\""
            );
            challenge(StatusCode::UNAUTHORIZED, &value, body)
        }
    }
}

/// `status` with a `WWW-Authenticate` challenge (`value`, fixed text: never request data)
/// and a JSON body.
fn challenge(status: StatusCode, value: &str, body: serde_json::Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(values: &[&str]) -> &'static str {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
        }
        match credentials(&headers) {
            Credentials::None => "none",
            Credentials::Bearer(_) => "bearer",
            Credentials::Malformed(_) => "malformed",
        }
    }

    #[test]
    fn rfc6750_credentials() {
        assert_eq!(classify(&[]), "none");
        assert_eq!(classify(&["Basic Zm9vOmJhcg=="]), "none");
        assert_eq!(classify(&["Negotiate"]), "none");
        assert_eq!(classify(&["Bearer abc-._~+/XYZ09=="]), "bearer");
        assert_eq!(classify(&["bearer  abc"]), "bearer");
        assert_eq!(classify(&["Bearer"]), "malformed");
        assert_eq!(classify(&["Bearer "]), "malformed");
        assert_eq!(classify(&["Bearer a b"]), "malformed");
        assert_eq!(classify(&["Bearer a\"b"]), "malformed");
        assert_eq!(classify(&["Bearer ==="]), "malformed");
        assert_eq!(classify(&["Bearer a=b"]), "malformed");
        assert_eq!(classify(&["Bearer a", "Bearer b"]), "malformed");
    }
}
