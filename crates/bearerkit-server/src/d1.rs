//! Thales D1 inbound: `POST /authz/v1/oauth2/token`, the JWT-bearer grant.

use crate::logfmt::Untrusted;
use crate::params::{self, BodyEncoding};
use crate::state::{ReplayError, replay_until};
use crate::{AppState, OAuthError};
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::HeaderMap;
use axum::response::Response;
use bearerkit::profile::d1;

/// The 200 body, member order as in D1's documentation.
#[derive(serde::Serialize)]
struct D1Response<'a> {
    access_token: &'a str,
    expires_in: u64,
    /// Left out when empty (an issuer configured with `scope = ""`).
    #[serde(skip_serializing_if = "str::is_empty")]
    scope: &'a str,
    token_type: &'static str,
}

/// `invalid_grant` carrying the core's stable code.
pub(crate) fn rejected(e: bearerkit::Error) -> OAuthError {
    OAuthError::InvalidGrant(format!("assertion rejected: {}", e.code()))
}

/// `iss` and `kid` read from an assertion WITHOUT verifying it: used only to pick the key.
pub(crate) struct Unverified {
    pub(crate) iss: Option<String>,
    pub(crate) kid: Option<String>,
    /// The header `alg`, when it is a string.
    pub(crate) alg: Option<String>,
}

/// Decode an assertion without verifying it (format and JSON rules still apply).
pub(crate) fn peek(assertion: &str) -> Result<Unverified, bearerkit::Error> {
    let mut scratch = vec![0u8; assertion.len().saturating_add(16)];
    let token = bearerkit::dangerous::decode_unverified(assertion, &mut scratch)?;
    let kid = match (token.header().kid(), token.header().get("kid")) {
        (Some(kid), _) => Some(kid.to_string_unescaped()),
        (None, Some(_)) => return Err(bearerkit::Error::BadHeader),
        (None, None) => None,
    };
    let iss = match (token.claims().iss(), token.claims().get("iss")) {
        (Some(iss), _) => Some(iss.to_string_unescaped()),
        (None, Some(_)) => return Err(bearerkit::Error::ClaimType),
        (None, None) => None,
    };
    let alg = token.header().alg().map(|a| a.to_string_unescaped());
    Ok(Unverified { iss, kid, alg })
}

pub(crate) async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OAuthError> {
    let params = params::read(&headers, body, &[BodyEncoding::Form, BodyEncoding::Json])?;
    let grant_type = params.get("grant_type").ok_or_else(|| OAuthError::request("missing grant_type"))?;
    if grant_type != d1::GRANT_TYPE {
        return Err(OAuthError::UnsupportedGrantType(format!("grant_type must be {}", d1::GRANT_TYPE)));
    }
    let assertion = params.get("assertion").ok_or_else(|| OAuthError::request("missing assertion"))?;
    let inner = &state.inner;
    let now = bearerkit::now_unix();

    let peeked = peek(assertion).map_err(rejected)?;
    let kid = peeked.kid.ok_or_else(|| rejected(bearerkit::Error::MissingKeyId))?;
    let iss = peeked.iss.ok_or_else(|| rejected(bearerkit::Error::MissingClaim))?;
    let Some(issuer) = inner.d1.get(&iss) else {
        tracing::info!(endpoint = "d1", issuer = %Untrusted(&iss), "unknown issuer");
        return Err(OAuthError::InvalidGrant(
            "assertion rejected: issuer_mismatch (unknown issuer)".to_owned(),
        ));
    };
    let Some(key) = issuer.keys.get(&kid) else {
        tracing::info!(endpoint = "d1", issuer = %Untrusted(&iss), kid = %Untrusted(&kid), "unknown kid");
        return Err(rejected(bearerkit::Error::KeyIdMismatch));
    };

    let policy = d1::validation(&iss, issuer.env.profile(), &kid, now).leeway(inner.leeway);
    let mut scratch = vec![0u8; assertion.len().saturating_add(16)];
    let verified = bearerkit::verify(assertion, key.as_ref(), &policy, &mut scratch).map_err(|e| {
        tracing::info!(
            endpoint = "d1",
            issuer = %Untrusted(&iss),
            kid = %Untrusted(&kid),
            error = e.code(),
            "assertion rejected"
        );
        rejected(e)
    })?;
    // The profile also holds `exp` to at most now + 15 minutes, whatever `iat` says.
    let claims = verified.claims();
    let exp = claims.exp().ok_or_else(|| rejected(bearerkit::Error::MissingClaim))?;
    match (claims.jti(), claims.get("jti")) {
        (Some(jti), _) => {
            let key = format!("d1\u{0}{iss}\u{0}{}", jti.to_string_unescaped());
            state.remember_jti(key, replay_until(exp, inner.leeway), now).map_err(replay_error)?;
        }
        (None, Some(_)) => return Err(rejected(bearerkit::Error::ClaimType)),
        (None, None) => {}
    }

    let access_token = state.issue_token(&iss, &issuer.scope, inner.token_lifetime)?;
    tracing::info!(endpoint = "d1", issuer = %Untrusted(&iss), kid = %Untrusted(&kid), "token issued");
    Ok(crate::token_response(&D1Response {
        access_token: &access_token,
        expires_in: inner.token_lifetime,
        scope: &issuer.scope,
        token_type: "Bearer",
    }))
}

fn replay_error(e: ReplayError) -> OAuthError {
    match e {
        ReplayError::Replayed => OAuthError::InvalidGrant("assertion rejected: jti_replayed".to_owned()),
        ReplayError::Full => {
            OAuthError::InvalidGrant("assertion rejected: replay cache full, retry later".to_owned())
        }
    }
}
