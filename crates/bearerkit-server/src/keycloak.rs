//! Keycloak style: `POST /auth/realms/{realm}/protocol/openid-connect/token`.
//!
//! A failed client authentication answers `invalid_client` with 401 +
//! `WWW-Authenticate: Basic` only when the client used HTTP Basic (RFC 6749 §5.2 makes the
//! 401 a MUST for the `Authorization` header only); with `client_secret` or
//! `client_assertion` in the body it answers 400 without a challenge, as Worldline documents
//! documents. See `OAuthError`'s documentation.

use crate::logfmt::Untrusted;
use crate::params::{self, BasicCredentials, Params};
use crate::secret::secret_matches;
use crate::state::{ClientKey, RealmClientEntry, RealmEntry, ReplayError, replay_until};
use crate::{AppState, OAuthError};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use bearerkit::profile::client_assertion;

/// The 200 body of the Worldline token endpoint.
#[derive(serde::Serialize)]
struct KeycloakResponse<'a> {
    access_token: &'a str,
    expires_in: u64,
    refresh_expires_in: u64,
    token_type: &'static str,
    #[serde(rename = "not-before-policy")]
    not_before_policy: u64,
    /// Left out when empty (a client with no configured scopes).
    #[serde(skip_serializing_if = "str::is_empty")]
    scope: &'a str,
}

const BAD_CREDENTIALS: &str = "Invalid client or Invalid client credentials";

/// `invalid_client` carrying the core's stable code.
fn rejected(e: bearerkit::Error) -> OAuthError {
    OAuthError::client(format!("assertion rejected: {}", e.code()))
}

/// The token endpoint URL of a realm.
pub(crate) fn token_endpoint(base_url: &str, realm: &str) -> String {
    format!("{base_url}/auth/realms/{realm}/protocol/openid-connect/token")
}

/// The issuer URL of a realm.
pub(crate) fn issuer(base_url: &str, realm: &str) -> String {
    format!("{base_url}/auth/realms/{realm}")
}

/// The realm's discovery document (`GET /auth/realms/{realm}/.well-known/openid-configuration`,
/// OpenID Connect Discovery 1.0 §4, RFC 8414 §3): its `issuer` is exactly the URL the
/// document is fetched under, without the `/.well-known/…` suffix (RFC 8414 §3.3). 404 for
/// an unknown realm. Not a token request: not counted, takes no fault.
pub(crate) async fn discovery(
    State(state): State<AppState>,
    realm: Result<Path<String>, PathRejection>,
) -> Result<Response, OAuthError> {
    let Path(realm_name) = realm.map_err(|_| OAuthError::request("bad realm in path"))?;
    let inner = &state.inner;
    if !inner.realms.contains_key(&realm_name) {
        return Err(OAuthError::NotFound("Realm does not exist".to_owned()));
    }
    let body = serde_json::json!({
        "issuer": issuer(&inner.base_url, &realm_name),
        "token_endpoint": token_endpoint(&inner.base_url, &realm_name),
        "grant_types_supported": [bearerkit::protocol::GRANT_TYPE_CLIENT_CREDENTIALS],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["ES256"],
    });
    Ok(axum::Json(body).into_response())
}

pub(crate) async fn token(
    State(state): State<AppState>,
    realm: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OAuthError> {
    let Path(realm_name) = realm.map_err(|_| OAuthError::request("bad realm in path"))?;
    let inner = &state.inner;
    let Some(realm) = inner.realms.get(&realm_name) else {
        return Err(OAuthError::NotFound("Realm does not exist".to_owned()));
    };
    let basic = params::basic_credentials(&headers)?;
    let params = params::read(&headers, body, params::form_or_json(inner.json_bodies))?;
    let grant_type =
        params.get("grant_type").ok_or_else(|| OAuthError::request("Missing form parameter: grant_type"))?;
    if grant_type != bearerkit::protocol::GRANT_TYPE_CLIENT_CREDENTIALS {
        return Err(OAuthError::UnsupportedGrantType("Unsupported grant_type".to_owned()));
    }
    let (client_id, client) = authenticate(&state, &realm_name, realm, basic.as_ref(), &params)?;
    if !client.client_credentials {
        return Err(OAuthError::UnauthorizedClient(
            "Client not enabled to retrieve service account".to_owned(),
        ));
    }
    let scope = params::grant_scope(params.get("scope"), &client.scopes)?;
    let access_token = state.issue_token(client_id, &scope, realm.token_lifetime)?;
    tracing::info!(
        endpoint = "keycloak",
        realm = %Untrusted(&realm_name),
        client_id = %Untrusted(client_id),
        "token issued"
    );
    Ok(crate::token_response(&KeycloakResponse {
        access_token: &access_token,
        expires_in: realm.token_lifetime,
        refresh_expires_in: 0,
        token_type: "Bearer",
        not_before_policy: 0,
        scope: &scope,
    }))
}

/// Authenticate the client by exactly one method: HTTP Basic, `client_secret`, or
/// `client_assertion` (RFC 6749 §2.3: never more than one).
fn authenticate<'r>(
    state: &AppState,
    realm_name: &str,
    realm: &'r RealmEntry,
    basic: Option<&BasicCredentials>,
    params: &Params,
) -> Result<(&'r str, &'r RealmClientEntry), OAuthError> {
    let assertion = params.get("client_assertion");
    let assertion_type = params.get("client_assertion_type");
    let secret = params.get("client_secret");
    let uses_assertion = assertion.is_some() || assertion_type.is_some();
    let methods = usize::from(basic.is_some()) + usize::from(uses_assertion) + usize::from(secret.is_some());
    if methods > 1 {
        return Err(OAuthError::request("more than one client authentication method"));
    }
    let form_client_id = params.get("client_id");
    if let Some(creds) = basic {
        let found =
            crate::outbound::authenticate(creds, &realm.clients, |c: &RealmClientEntry| c.secret.as_ref());
        let Some((id, client)) = found else {
            tracing::info!(
                endpoint = "keycloak",
                realm = %Untrusted(realm_name),
                client_id = %Untrusted(&creds.client_id),
                "client authentication failed"
            );
            return Err(OAuthError::client_basic(BAD_CREDENTIALS));
        };
        if form_client_id.is_some_and(|f| f != id) {
            return Err(OAuthError::request("client_id does not match the authenticated client"));
        }
        return Ok((id, client));
    }
    if uses_assertion {
        if assertion_type != Some(client_assertion::ASSERTION_TYPE) {
            return Err(OAuthError::client("Parameter client_assertion_type is missing or invalid"));
        }
        let assertion =
            assertion.ok_or_else(|| OAuthError::client("Parameter client_assertion is missing"))?;
        return verify_assertion(state, realm_name, realm, assertion, form_client_id);
    }
    if let Some(secret) = secret {
        let id = form_client_id.ok_or_else(|| OAuthError::client(BAD_CREDENTIALS))?;
        let entry = realm.clients.get_key_value(id);
        if secret_matches(secret.as_bytes(), entry.and_then(|(_, c)| c.secret.as_ref()))
            && let Some((id, client)) = entry
        {
            return Ok((id.as_str(), client));
        }
        tracing::info!(
            endpoint = "keycloak",
            realm = %Untrusted(realm_name),
            client_id = %Untrusted(id),
            "client authentication failed"
        );
        return Err(OAuthError::client(BAD_CREDENTIALS));
    }
    Err(OAuthError::client("client authentication required: client_secret or client_assertion"))
}

/// `private_key_jwt` (RFC 7523 §2.2): `iss` = `sub` = client id, `aud` the token endpoint
/// or the realm issuer alone (only the issuer, as a string, with `issuer_only_audience`), `kid` = certificate SHA-1 fingerprint, single-use `jti`.
fn verify_assertion<'r>(
    state: &AppState,
    realm_name: &str,
    realm: &'r RealmEntry,
    assertion: &str,
    form_client_id: Option<&str>,
) -> Result<(&'r str, &'r RealmClientEntry), OAuthError> {
    let inner = &state.inner;
    let now = bearerkit::now_unix();
    let peeked = crate::d1::peek(assertion).map_err(rejected)?;
    let iss = peeked.iss.ok_or_else(|| rejected(bearerkit::Error::MissingClaim))?;
    if form_client_id.is_some_and(|f| f != iss) {
        return Err(OAuthError::client("client_id does not match the assertion's iss"));
    }
    let Some((client_id, client)) = realm.clients.get_key_value(&iss) else {
        tracing::info!(
            endpoint = "keycloak",
            realm = %Untrusted(realm_name),
            client_id = %Untrusted(&iss),
            "unknown client"
        );
        return Err(OAuthError::client("assertion rejected: issuer_mismatch (unknown client)"));
    };
    let Some((fingerprint, key)) = &client.certificate else {
        return Err(OAuthError::client("client has no certificate for client_assertion"));
    };
    // The key and the client's registration decide the algorithm: the header's `alg` only
    // picks among the algorithms registered for this client (an RS256 assertion for an EC
    // client, `none`, HS256, ... are refused here, before any signature work).
    let alg = peeked.alg.as_deref().and_then(|a| client.algorithms.iter().find(|c| **c == a));
    let Some(alg) = alg else {
        tracing::info!(
            endpoint = "keycloak",
            realm = %Untrusted(realm_name),
            client_id = %Untrusted(client_id),
            alg = %Untrusted(peeked.alg.as_deref().unwrap_or("")),
            error = bearerkit::Error::UnsupportedAlgorithm.code(),
            "assertion rejected"
        );
        return Err(rejected(bearerkit::Error::UnsupportedAlgorithm));
    };
    let endpoint = token_endpoint(&inner.base_url, realm_name);
    let realm_issuer = issuer(&inner.base_url, realm_name);
    let audiences = [endpoint.as_str(), realm_issuer.as_str()];
    let policy = client_assertion::validation(client_id, &endpoint, now);
    // The profile refuses several audiences already (`sole_audience`).
    let policy = if realm.issuer_only_audience {
        policy.audience(&realm_issuer).audience_as_string(true)
    } else {
        policy.audiences(&audiences)
    };
    let policy = policy
        .require_kid(true)
        .kid(fingerprint)
        .max_lifetime(realm.assertion_max_lifetime)
        .max_expiry_ahead(realm.assertion_max_lifetime)
        .leeway(inner.leeway);
    let mut scratch = vec![0u8; assertion.len().saturating_add(16)];
    let verified = match key {
        ClientKey::Ec(key) => bearerkit::verify(assertion, key.as_ref(), &policy, &mut scratch),
        ClientKey::Rsa(key) => match bearerkit_rsa::RsaAlgorithm::from_name(alg) {
            Some(rsa) => bearerkit::verify(assertion, &key.verifier(rsa), &policy, &mut scratch),
            None => Err(bearerkit::Error::UnsupportedAlgorithm),
        },
    };
    let verified = verified.map_err(|e| {
        tracing::info!(
            endpoint = "keycloak",
            realm = %Untrusted(realm_name),
            client_id = %Untrusted(client_id),
            error = e.code(),
            "assertion rejected"
        );
        rejected(e)
    })?;
    let claims = verified.claims();
    let exp = claims.exp().ok_or_else(|| rejected(bearerkit::Error::MissingClaim))?;
    let jti = claims.jti().ok_or_else(|| rejected(bearerkit::Error::ClaimType))?;
    let key = format!("kc\u{0}{realm_name}\u{0}{client_id}\u{0}{}", jti.to_string_unescaped());
    state.remember_jti(key, replay_until(exp, inner.leeway), now).map_err(|e| match e {
        ReplayError::Replayed => OAuthError::client("assertion rejected: jti_replayed"),
        ReplayError::Full => OAuthError::client("assertion rejected: replay cache full, retry later"),
    })?;
    Ok((client_id.as_str(), client))
}
