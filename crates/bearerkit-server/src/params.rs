//! Token request parameters from a form or JSON body, and HTTP Basic credentials.

use crate::OAuthError;
use crate::logfmt::Untrusted;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use base64ct::{Base64, Base64Unpadded, Base64Url, Base64UrlUnpadded, Encoding};
use std::collections::HashSet;

/// Most parameters a token request may carry: a body with more is refused with
/// `invalid_request` (400) as soon as the parser reaches the first one over.
///
/// The token requests use at most seven; the cap bounds the parser's work on a hostile body
/// (a 64 KiB form holds some 13 000 names), which is linear anyway: each name is checked
/// against the names seen so far in a hash set.
pub const MAX_PARAMS: usize = 64;

/// Body encodings a token endpoint may accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyEncoding {
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `application/json`.
    Json,
}

/// The accepted encodings of the outbound and Keycloak endpoints: form, and JSON too when
/// the server is configured with `json_bodies`.
pub(crate) fn form_or_json(json_bodies: bool) -> &'static [BodyEncoding] {
    if json_bodies { &[BodyEncoding::Form, BodyEncoding::Json] } else { &[BodyEncoding::Form] }
}

/// Request parameters: each name at most once, at most [`MAX_PARAMS`] of them; empty
/// values count as absent (RFC 6749 §3.1).
#[derive(Default)]
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
    names: HashSet<String>,
}

/// Names only: values may be secrets or assertions.
impl core::fmt::Debug for Params {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_set().entries(self.pairs.iter().map(|(k, _)| k)).finish()
    }
}

impl Params {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }

    /// Add a parameter: one hash-set look-up, whatever the number already there.
    fn push(&mut self, name: String, value: String) -> Result<(), OAuthError> {
        #[cfg(test)]
        tests::NAMES_CHECKED.with(|n| n.set(n.get() + 1));
        if self.pairs.len() >= MAX_PARAMS {
            return Err(OAuthError::request(format!("too many parameters (at most {MAX_PARAMS})")));
        }
        if !self.names.insert(name.clone()) {
            // RFC 6749 §3.2: parameters MUST NOT be included more than once.
            return Err(OAuthError::request(format!("parameter {} repeated", Untrusted(&name))));
        }
        self.pairs.push((name, value));
        Ok(())
    }
}

/// Read the body of a token request, accepting the given encodings.
///
/// Wrong or missing `Content-Type` → `invalid_request` (400), so that OAuth clients get a
/// JSON error body they can parse; an oversized body → 413.
pub(crate) fn read(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    accepted: &[BodyEncoding],
) -> Result<Params, OAuthError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            OAuthError::PayloadTooLarge
        } else {
            OAuthError::request("could not read the request body")
        }
    })?;
    let encoding = content_type(headers).filter(|e| accepted.contains(e)).ok_or_else(|| {
        let names: Vec<&str> = accepted
            .iter()
            .map(|e| match e {
                BodyEncoding::Form => "application/x-www-form-urlencoded",
                BodyEncoding::Json => "application/json",
            })
            .collect();
        OAuthError::request(format!("content type must be {}", names.join(" or ")))
    })?;
    match encoding {
        BodyEncoding::Form => parse_form(&body),
        BodyEncoding::Json => parse_json(&body),
    }
}

/// The encoding named by the request's one `Content-Type` (parameters ignored, case
/// insensitive); `None` when absent, repeated or another type.
pub(crate) fn content_type(headers: &HeaderMap) -> Option<BodyEncoding> {
    let mut values = headers.get_all(header::CONTENT_TYPE).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    let value = value.to_str().ok()?;
    let mime = value.split(';').next().unwrap_or_default().trim();
    if mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Some(BodyEncoding::Form)
    } else if mime.eq_ignore_ascii_case("application/json") {
        Some(BodyEncoding::Json)
    } else {
        None
    }
}

fn parse_form(body: &[u8]) -> Result<Params, OAuthError> {
    if core::str::from_utf8(body).is_err() {
        return Err(OAuthError::request("form body is not UTF-8"));
    }
    let mut params = Params::default();
    for (k, v) in form_urlencoded::parse(body) {
        params.push(k.into_owned(), v.into_owned())?;
    }
    Ok(params)
}

fn parse_json(body: &[u8]) -> Result<Params, OAuthError> {
    use serde::de::{Deserializer, MapAccess, Visitor};

    /// Stops at the first refused member (the rest of the body is not parsed), leaving the
    /// refusal in `.0`.
    struct ParamsVisitor<'r>(&'r mut Option<OAuthError>);
    impl<'de> Visitor<'de> for ParamsVisitor<'_> {
        type Value = Params;
        fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str("a JSON object of string parameters")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            use serde::de::Error as _;
            let mut params = Params::default();
            while let Some(key) = map.next_key::<String>()? {
                let value: serde_json::Value = map.next_value()?;
                let refusal = match value {
                    serde_json::Value::String(value) => params.push(key, value).err(),
                    _ => Some(OAuthError::request(format!("parameter {} must be a string", Untrusted(&key)))),
                };
                if let Some(refusal) = refusal {
                    *self.0 = Some(refusal);
                    return Err(A::Error::custom("refused"));
                }
            }
            Ok(params)
        }
    }

    let mut refusal = None;
    let mut de = serde_json::Deserializer::from_slice(body);
    let parsed = (&mut de).deserialize_map(ParamsVisitor(&mut refusal));
    if let Some(refusal) = refusal {
        return Err(refusal);
    }
    let params = parsed.map_err(|_| OAuthError::request("body is not a JSON object"))?;
    de.end().map_err(|_| OAuthError::request("trailing data after the JSON object"))?;
    Ok(params)
}

/// For the `fuzzing` feature (`crate::fuzzing`): [`parse_form`] or [`parse_json`] as [`read`]
/// calls them, and [`read`] itself, returning the parameters in order.
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_parse(body: &[u8], encoding: BodyEncoding) -> Result<Vec<(String, String)>, OAuthError> {
    match encoding {
        BodyEncoding::Form => parse_form(body),
        BodyEncoding::Json => parse_json(body),
    }
    .map(|p| p.pairs)
}

/// For the `fuzzing` feature: [`read`] with these headers and body, returning the parameters.
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_read(
    headers: &HeaderMap,
    body: &[u8],
    json_bodies: bool,
) -> Result<Vec<(String, String)>, OAuthError> {
    read(headers, Ok(Bytes::copy_from_slice(body)), form_or_json(json_bodies)).map(|p| p.pairs)
}

/// Credentials from `Authorization: Basic ...` (RFC 7617; RFC 6749 §2.3.1).
pub(crate) struct BasicCredentials {
    pub(crate) client_id: String,
    pub(crate) secret: Vec<u8>,
}

impl core::fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("client_id", &self.client_id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// `Ok(None)` without an `Authorization: Basic` header; `Err` for a malformed one.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Result<Option<BasicCredentials>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || OAuthError::client_basic("malformed Basic credentials");
    let value = value.to_str().map_err(|_| bad())?;
    let (scheme, rest) = value.split_once(' ').ok_or_else(bad)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let encoded = rest.trim();
    // Standard base64 per RFC 7617; the D1 outbound spec says "base64URL", so accept both.
    let decoded = Base64::decode_vec(encoded)
        .or_else(|_| Base64Unpadded::decode_vec(encoded))
        .or_else(|_| Base64Url::decode_vec(encoded))
        .or_else(|_| Base64UrlUnpadded::decode_vec(encoded))
        .map_err(|_| bad())?;
    let colon = decoded.iter().position(|b| *b == b':').ok_or_else(bad)?;
    let (id, secret) = decoded.split_at(colon);
    let client_id = core::str::from_utf8(id).map_err(|_| bad())?.to_owned();
    let secret = secret.get(1..).unwrap_or_default().to_vec();
    Ok(Some(BasicCredentials { client_id, secret }))
}

/// `application/x-www-form-urlencoded` decoding of one value (RFC 6749 §2.3.1 encodes
/// the Basic user and password this way before base64).
pub(crate) fn form_decode(s: &str) -> String {
    form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Check requested scopes against the allowed ones; `None` requests them all.
pub(crate) fn grant_scope(requested: Option<&str>, allowed: &[String]) -> Result<String, OAuthError> {
    let Some(requested) = requested else {
        return Ok(allowed.join(" "));
    };
    let mut granted: Vec<&str> = Vec::new();
    let mut refused: Vec<&str> = Vec::new();
    for s in requested.split(' ').filter(|s| !s.is_empty()) {
        if allowed.iter().any(|a| a == s) {
            if !granted.contains(&s) {
                granted.push(s);
            }
        } else if !refused.contains(&s) {
            refused.push(s);
        }
    }
    if !refused.is_empty() {
        return Err(OAuthError::InvalidScope(format!("Invalid scopes: {}", refused.join(" "))));
    }
    Ok(granted.join(" "))
}

/// The `x-correlation-id` rule, `^[A-Za-z0-9_-]{1,64}$` (the core's, defined once).
pub(crate) fn valid_correlation_id(v: &[u8]) -> bool {
    bearerkit::protocol::is_valid_correlation_id(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::cell::Cell;

    std::thread_local! {
        /// Parameter names checked by [`Params::push`] on this thread: the parser's work.
        pub(super) static NAMES_CHECKED: Cell<usize> = const { Cell::new(0) };
    }

    /// Run `f`, returning its result and the names it checked.
    fn counted<T>(f: impl FnOnce() -> T) -> (T, usize) {
        NAMES_CHECKED.with(|n| n.set(0));
        let out = f();
        (out, NAMES_CHECKED.with(Cell::get))
    }

    /// A 64 KiB form body of distinct names (some 13 000 of them), and one of a single
    /// name repeated: the parser stops at the cap or the first repeat, having checked at
    /// most `MAX_PARAMS + 1` names, where the old pairwise check did some 85 million
    /// comparisons before any authentication.
    #[test]
    fn hostile_bodies_are_refused_after_a_bounded_number_of_checks() {
        let mut distinct = String::new();
        let mut i = 0u32;
        while distinct.len() < crate::MAX_BODY_BYTES - 16 {
            distinct.push_str(&format!("{i:x}&"));
            i += 1;
        }
        assert!(i > 12_000, "{i} names");
        let (result, checked) = counted(|| parse_form(distinct.as_bytes()));
        let e = result.err().unwrap();
        assert_eq!(e.description(), "too many parameters (at most 64)");
        assert_eq!(checked, MAX_PARAMS + 1);

        let repeated = "a=1&".repeat(crate::MAX_BODY_BYTES / 4);
        let (result, checked) = counted(|| parse_form(repeated.as_bytes()));
        assert_eq!(result.err().unwrap().description(), "parameter \"a\" repeated");
        assert_eq!(checked, 2);

        // The same in JSON.
        let members: Vec<String> = (0..i).map(|i| format!("\"p{i}\":\"\"")).collect();
        let json = format!("{{{}}}", members.join(","));
        let (result, checked) = counted(|| parse_json(json.as_bytes()));
        assert_eq!(result.err().unwrap().description(), "too many parameters (at most 64)");
        assert_eq!(checked, MAX_PARAMS + 1);
        let json = format!("{{{}}}", vec!["\"a\":\"1\""; 5000].join(","));
        let (result, checked) = counted(|| parse_json(json.as_bytes()));
        assert_eq!(result.err().unwrap().description(), "parameter \"a\" repeated");
        assert_eq!(checked, 2);

        // Exactly the cap is accepted; the work is one check per name.
        let body: Vec<String> = (0..MAX_PARAMS).map(|i| format!("p{i}=v")).collect();
        let (result, checked) = counted(|| parse_form(body.join("&").as_bytes()));
        assert_eq!(result.unwrap().pairs.len(), MAX_PARAMS);
        assert_eq!(checked, MAX_PARAMS);
    }

    #[test]
    fn refusals_name_the_parameter_escaped() {
        let e = parse_form(b"a%0Ab=1&a%0Ab=2").err().unwrap();
        assert_eq!(e.description(), "parameter \"a\\nb\" repeated");
        let e = parse_json(br#"{"x\ny":1}"#).err().unwrap();
        assert_eq!(e.description(), "parameter \"x\\ny\" must be a string");
    }

    #[test]
    fn json_params() {
        let p = parse_json(br#"{"grant_type":"x","assertion":"y"}"#).unwrap();
        assert_eq!(p.get("grant_type"), Some("x"));
        assert!(parse_json(br#"{"a":"1","a":"2"}"#).is_err());
        assert!(parse_json(br#"{"a":1}"#).is_err());
        assert!(parse_json(br#"["a"]"#).is_err());
        assert!(parse_json(br#"{"a":"1"} x"#).is_err());
        assert!(parse_json(b"").is_err());
    }

    #[test]
    fn form_params() {
        let p = parse_form(b"grant_type=client_credentials&scope=a+b&empty=").unwrap();
        assert_eq!(p.get("scope"), Some("a b"));
        assert_eq!(p.get("empty"), None);
        assert!(parse_form(b"a=1&a=2").is_err());
    }

    #[test]
    fn scopes() {
        let allowed = vec!["VOP".to_owned(), "WERO".to_owned()];
        assert_eq!(grant_scope(None, &allowed).unwrap(), "VOP WERO");
        assert_eq!(grant_scope(Some("WERO"), &allowed).unwrap(), "WERO");
        let err = grant_scope(Some("VOP IDEAL"), &allowed).unwrap_err();
        assert_eq!(err.description(), "Invalid scopes: IDEAL");
    }

    #[test]
    fn correlation() {
        assert!(valid_correlation_id(b"abc-DEF_123"));
        assert!(!valid_correlation_id(b""));
        assert!(!valid_correlation_id(b"a b"));
        assert!(!valid_correlation_id(&[b'a'; 65]));
        assert!(valid_correlation_id(&[b'a'; 64]));
    }

    #[test]
    fn form_decoding() {
        assert_eq!(form_decode("a%3Ab+c"), "a:b c");
    }
}
