//! `GET /resource`: a protected resource (RFC 6750 bearer tokens).

use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(serde::Serialize)]
struct ResourceBody<'a> {
    message: &'static str,
    subject: &'a str,
    scope: &'a str,
    expires_in: u64,
}

pub(crate) async fn get(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        // RFC 6750 §3.1: no error code when the request carries no credentials.
        return unauthorized("Bearer realm=\"bearerkit\"", "missing bearer token");
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    let found = token.and_then(|t| state.lookup_token(t));
    match found {
        Some((subject, scope, expires_in)) => {
            let body = ResourceBody {
                message: "hello from bearerkit-server",
                subject: &subject,
                scope: &scope,
                expires_in,
            };
            (StatusCode::OK, axum::Json(body)).into_response()
        }
        None => unauthorized(
            "Bearer realm=\"bearerkit\", error=\"invalid_token\", error_description=\"the access token is unknown or expired\"",
            "the access token is unknown or expired",
        ),
    }
}

fn unauthorized(challenge: &'static str, description: &'static str) -> Response {
    let body = serde_json::json!({ "error": "invalid_token", "error_description": description });
    let mut response = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}
