//! D1-outbound style: `POST /oauth2/token` with HTTP Basic client credentials.

use crate::logfmt::Untrusted;
use crate::params::{self, BasicCredentials};
use crate::secret::secret_matches;
use crate::state::BasicClientEntry;
use crate::{AppState, OAuthError};
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::HeaderMap;
use axum::response::Response;
use std::collections::HashMap;

/// The 200 body of the D1 outbound token endpoint: `expires_in` is a string, plus `expires_at` (RFC 3339).
#[derive(serde::Serialize)]
struct OutboundResponse<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: String,
    /// Left out when empty (a client with no configured scopes).
    #[serde(skip_serializing_if = "str::is_empty")]
    scope: &'a str,
    expires_at: String,
}

/// Find the client whose secret matches, trying the credentials as sent and, per RFC 6749
/// §2.3.1, form-urlencoded. Constant time in the secret.
pub(crate) fn authenticate<'a, T>(
    creds: &BasicCredentials,
    clients: &'a HashMap<String, T>,
    secret_of: impl Fn(&T) -> Option<&crate::Secret>,
) -> Option<(&'a str, &'a T)> {
    let lookup = |id: &str, secret: &[u8]| {
        let entry = clients.get_key_value(id);
        let ok = secret_matches(secret, entry.and_then(|(_, c)| secret_of(c)));
        if ok { entry.map(|(k, v)| (k.as_str(), v)) } else { None }
    };
    if let Some(found) = lookup(&creds.client_id, &creds.secret) {
        return Some(found);
    }
    let secret = core::str::from_utf8(&creds.secret).ok()?;
    let (id, secret_decoded) = (params::form_decode(&creds.client_id), params::form_decode(secret));
    if id == creds.client_id && secret_decoded == secret {
        return None;
    }
    lookup(&id, secret_decoded.as_bytes())
}

pub(crate) async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OAuthError> {
    let creds = params::basic_credentials(&headers)?;
    let params = params::read(&headers, body, params::form_or_json(state.inner.json_bodies))?;
    let inner = &state.inner;
    let Some(creds) = creds else {
        return Err(OAuthError::client_basic("client authentication required (HTTP Basic)"));
    };
    let Some((client_id, client)) =
        authenticate(&creds, &inner.outbound, |c: &BasicClientEntry| Some(&c.secret))
    else {
        tracing::info!(
            endpoint = "outbound",
            client_id = %Untrusted(&creds.client_id),
            "client authentication failed"
        );
        return Err(OAuthError::client_basic("invalid client credentials"));
    };
    let grant_type = params.get("grant_type").ok_or_else(|| OAuthError::request("missing grant_type"))?;
    if grant_type != bearerkit::protocol::GRANT_TYPE_CLIENT_CREDENTIALS {
        return Err(OAuthError::UnsupportedGrantType("grant_type must be client_credentials".to_owned()));
    }
    if !client.client_credentials {
        return Err(OAuthError::UnauthorizedClient("client may not use client_credentials".to_owned()));
    }
    let scope = params::grant_scope(params.get("scope"), &client.scopes)?;
    let lifetime = inner.token_lifetime;
    let access_token = state.issue_token(client_id, &scope, lifetime)?;
    tracing::info!(endpoint = "outbound", client_id = %Untrusted(client_id), "token issued");
    Ok(crate::token_response(&OutboundResponse {
        access_token: &access_token,
        token_type: "Bearer",
        expires_in: lifetime.to_string(),
        scope: &scope,
        expires_at: rfc3339(bearerkit::now_unix().saturating_add(lifetime)),
    }))
}

/// `secs` after the Unix epoch as an RFC 3339 UTC timestamp to the second, as D1's outbound documentation
/// writes `expires_at` (`2026-11-23T20:03:05Z`). A time past the year 9999 (a clock that
/// far off; lifetimes are at most a year) is written as the last second of 9999.
fn rfc3339(secs: u64) -> String {
    let at = std::time::UNIX_EPOCH + core::time::Duration::from_secs(secs.min(bearerkit::MAX_DATE));
    humantime::format_rfc3339_seconds(at).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_dates() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(super::rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(super::rfc3339(1_795_464_185), "2026-11-23T20:03:05Z");
        assert_eq!(super::rfc3339(4_102_444_799), "2099-12-31T23:59:59Z");
        assert_eq!(super::rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        // humantime cannot write year 10000 (its Display fails); clamped, not a panic.
        assert_eq!(super::rfc3339(253_402_300_800), "9999-12-31T23:59:59Z");
        assert_eq!(super::rfc3339(u64::MAX), "9999-12-31T23:59:59Z");
    }
}
