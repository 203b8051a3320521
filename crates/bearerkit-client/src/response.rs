//! Token responses (RFC 6749 §5.1) and error responses (§5.2), parsed with no I/O.

use crate::error::{ErrorCode, ErrorKind, MAX_EXCERPT_CHARS, OAuthError};
use crate::retry::retry_after;
use crate::{AccessToken, Error};
use core::time::Duration;
use serde_json::Value;

/// A successful token response, tolerant of the platforms' quirks (D1 outbound's string
/// `expires_in`, Keycloak's extra members).
///
/// Built by [`parse_response`] (and so by [`TokenClient`](crate::TokenClient)); the
/// answer's other members are kept as sent, secrets excepted ([`members`](Self::members)).
#[derive(Clone, Debug)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: AccessToken,
    /// `token_type` as sent (`Bearer` when absent; only Bearer, any case, is accepted).
    pub token_type: String,
    /// Lifetime from `expires_in` (a number or a numeric string) or, without it, from
    /// `expires_at` (RFC 3339 or seconds since the epoch) minus now, at most
    /// [`MAX_TOKEN_LIFETIME`]; `None` when neither is present (a `null` counts as absent).
    pub expires_in: Option<Duration>,
    /// `scope`, when sent.
    pub scope: Option<String>,
    /// Every member but the secret ones, in the order received.
    members: Vec<(String, Value)>,
}

/// Members of a token response that [`TokenResponse::members`] leaves out: credentials.
pub(crate) const SECRET_MEMBERS: [&str; 3] = ["access_token", "refresh_token", "id_token"];

impl TokenResponse {
    /// A response with these values and no other members (for the unit tests).
    #[cfg(test)]
    pub(crate) fn new(access_token: AccessToken, expires_in: Option<Duration>) -> Self {
        Self { access_token, token_type: "Bearer".to_owned(), expires_in, scope: None, members: Vec::new() }
    }

    /// The members of the JSON answer as received, in order and with their JSON types as
    /// sent (`"expires_in": "900"` is a string, `900` a number; numbers keep their
    /// digits), **except the secrets**: `access_token`, `refresh_token` and `id_token` are
    /// left out, and any member of those names nested deeper reads `"[redacted]"`. So
    /// `token_type`, `expires_in`, `expires_at`, `scope`, `refresh_expires_in`,
    /// `not-before-policy` and any other member are all there, including the ones the
    /// client does not use.
    ///
    /// ```
    /// use bearerkit_client::parse_response;
    /// let answer = http::Response::builder().status(200).body(
    ///     br#"{"access_token":"t0k","expires_in":"900","refresh_expires_in":0,"not-before-policy":0}"#.to_vec(),
    /// )?;
    /// let response = parse_response(&answer, 0)?;
    /// let names: Vec<&str> = response.members().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["expires_in", "refresh_expires_in", "not-before-policy"]);
    /// assert!(response.member("expires_in").is_some_and(serde_json::Value::is_string));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn members(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.members.iter().map(|(name, value)| (name.as_str(), value))
    }

    /// The member `name` as received (see [`members`](Self::members)); `None` when absent
    /// or secret.
    #[must_use]
    pub fn member(&self, name: &str) -> Option<&Value> {
        self.members.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// The non-secret members of `obj`, in order, nested secrets redacted.
fn public_members(obj: &serde_json::Map<String, Value>) -> Vec<(String, Value)> {
    obj.iter()
        .filter(|(name, _)| !SECRET_MEMBERS.contains(&name.as_str()))
        .map(|(name, value)| {
            let mut value = value.clone();
            redact(&mut value);
            (name.clone(), value)
        })
        .collect()
}

/// Parse an answer of the token endpoint at `now` (seconds since the epoch, for
/// `expires_at`).
///
/// # Errors
/// [`ErrorKind::RateLimited`] for a 429, [`ErrorKind::OAuth`] for an RFC 6749 §5.2 error
/// body (any other status than 2xx), [`ErrorKind::UnexpectedResponse`] for anything else
/// that is not a token response (with the status, `Content-Type`, a redirect's `Location`
/// and a bounded, redacted excerpt of the body). The error carries the `Retry-After` delay
/// when the response had one.
pub fn parse_response(response: &http::Response<Vec<u8>>, now: u64) -> Result<TokenResponse, Error> {
    let status = response.status().as_u16();
    let body = response.body();
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let retry_after = retry_after(response.headers(), now);
    let unexpected = || unexpected(response, json.as_ref());
    let oauth = || match &json {
        Some(Value::Object(obj)) => match obj.get("error") {
            Some(Value::String(error)) => {
                let text = |k: &str| obj.get(k).and_then(Value::as_str).map(bounded);
                Some(OAuthError {
                    error: ErrorCode::from(bounded(error).as_str()),
                    description: text("error_description"),
                    uri: text("error_uri"),
                    status,
                })
            }
            _ => None,
        },
        _ => None,
    };
    if status == 429 {
        let oauth = oauth();
        let excerpt = if oauth.is_some() { String::new() } else { excerpt(body, json.as_ref()) };
        let kind = ErrorKind::RateLimited {
            retry_after,
            time_left: None,
            oauth,
            content_type: content_type(response.headers()),
            excerpt,
        };
        return Err(Error::new(kind).with_retry_after(retry_after));
    }
    if !response.status().is_success() {
        return Err(match oauth() {
            Some(oauth) => Error::new(ErrorKind::OAuth(oauth)),
            None => unexpected(),
        }
        .with_retry_after(retry_after));
    }
    let Some(Value::Object(obj)) = &json else {
        return Err(unexpected());
    };
    let access_token = match obj.get("access_token") {
        Some(Value::String(t)) if !t.is_empty() => AccessToken::new(t.clone()),
        _ => return Err(unexpected()),
    };
    let token_type = match obj.get("token_type") {
        None | Some(Value::Null) => "Bearer".to_owned(),
        Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") => t.clone(),
        Some(_) => return Err(unexpected()),
    };
    // `null` is taken as absent: the documented default applies.
    let present = |name: &str| obj.get(name).filter(|v| !v.is_null());
    let expires_in = match present("expires_in") {
        Some(v) => Some(seconds(v).ok_or_else(unexpected)?),
        None => match present("expires_at") {
            Some(v) => Some(until(instant(v).ok_or_else(unexpected)?, now)),
            None => None,
        },
    };
    let scope = obj.get("scope").and_then(Value::as_str).map(str::to_owned);
    Ok(TokenResponse { access_token, token_type, expires_in, scope, members: public_members(obj) })
}

/// The longest token lifetime kept: 10 years (of 365 days). A larger `expires_in`, or an
/// `expires_at` further ahead, is taken as this; so is a larger
/// [`default_expires_in`](crate::TokenClientBuilder::default_expires_in). Expiry and refresh
/// times then always fit the clock.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(MAX_LIFETIME_SECS);

const MAX_LIFETIME_SECS: u64 = 10 * 365 * 24 * 60 * 60;

/// A non-negative number of seconds, at most [`MAX_TOKEN_LIFETIME`]: a JSON number
/// (fractions floored, negative numbers as zero) or such a number as a string.
fn seconds(v: &Value) -> Option<Duration> {
    let secs = match v {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().filter(|f| f.is_finite()).map(float_secs)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<u64>().ok().or_else(|| s.parse::<f64>().ok().filter(|f| f.is_finite()).map(float_secs))
        }
        _ => None,
    }?;
    Some(Duration::from_secs(secs.min(MAX_LIFETIME_SECS)))
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // clamped to 0..=10 years first
fn float_secs(f: f64) -> u64 {
    #[allow(clippy::cast_precision_loss)] // 315 360 000 is exact in an f64
    let max = MAX_LIFETIME_SECS as f64;
    f.clamp(0.0, max) as u64
}

/// `expires_at`: an RFC 3339 timestamp or seconds since the epoch.
fn instant(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => parse_rfc3339(s.trim()).or_else(|| s.trim().parse().ok()),
        _ => None,
    }
}

/// The lifetime left at `now` of a token expiring at `at` (seconds since the epoch): zero
/// once past, at most [`MAX_TOKEN_LIFETIME`].
fn until(at: u64, now: u64) -> Duration {
    Duration::from_secs(at.saturating_sub(now).min(MAX_LIFETIME_SECS))
}

/// Seconds since the epoch of an RFC 3339 timestamp, `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`
/// (`T` may be `t` or a space, `Z` may be `z`; fractions are dropped), from 1970 to 9999;
/// `None` for anything else, a timestamp without its offset included.
///
/// The date and time are read by `humantime`; only the offset is taken off here, as
/// `humantime` reads UTC alone.
///
/// ```
/// use bearerkit_client::parse_rfc3339;
/// assert_eq!(parse_rfc3339("2023-11-14T22:13:20Z"), Some(1_700_000_000));
/// assert_eq!(parse_rfc3339("2023-11-14T23:13:20.5+01:00"), Some(1_700_000_000));
/// assert_eq!(parse_rfc3339("2023-11-14T22:13:20"), None);
/// ```
#[must_use]
pub fn parse_rfc3339(s: &str) -> Option<u64> {
    let (utc, offset) = split_offset(s)?;
    // `T`, `t` or (by RFC 3339 §5.6's note) a space between date and time.
    let mut utc = utc.to_owned();
    if utc.get(10..11) == Some("t") {
        utc.replace_range(10..11, "T");
    }
    // A `.` starts at least one digit (`humantime` takes an empty fraction).
    if utc.get(19..20) == Some(".") && !utc.as_bytes().get(20).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    utc.push('Z');
    let at = humantime::parse_rfc3339_weak(&utc).ok()?;
    let secs = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    secs.checked_add_signed(-offset)
}

/// The date-time and its offset east of UTC in seconds: `Z`/`z` is 0, `±HH:MM` as given.
fn split_offset(s: &str) -> Option<(&str, i64)> {
    if let Some(utc) = s.strip_suffix(['Z', 'z']) {
        return Some((utc, 0));
    }
    let (utc, offset) = s.split_at_checked(s.len().checked_sub(6)?)?;
    let (sign, hh_mm) = offset.split_at_checked(1)?;
    let (hh, mm) = hh_mm.split_once(':')?;
    let two_digits = |v: &str| {
        (v.len() == 2 && v.bytes().all(|b| b.is_ascii_digit())).then(|| v.parse::<i64>().ok()).flatten()
    };
    let (hh, mm) = (two_digits(hh)?, two_digits(mm)?);
    if hh > 23 || mm > 59 {
        return None;
    }
    let secs = hh * 3600 + mm * 60;
    match sign {
        "+" => Some((utc, secs)),
        "-" => Some((utc, -secs)),
        _ => None,
    }
}

/// At most 512 characters of a server-provided string.
fn bounded(s: &str) -> String {
    s.chars().take(512).collect()
}

pub(crate) fn unexpected(response: &http::Response<Vec<u8>>, json: Option<&Value>) -> Error {
    let status = response.status();
    let location = if status.is_redirection() {
        response
            .headers()
            .get(http::header::LOCATION)
            .map(|v| shown_location(&String::from_utf8_lossy(v.as_bytes())))
    } else {
        None
    };
    Error::new(ErrorKind::UnexpectedResponse {
        status: status.as_u16(),
        content_type: content_type(response.headers()),
        location,
        excerpt: excerpt(response.body(), json),
    })
}

/// The `Content-Type` header for an error: control characters replaced, at most 128
/// characters.
pub(crate) fn content_type(headers: &http::HeaderMap) -> Option<String> {
    let v = headers.get(http::header::CONTENT_TYPE)?;
    let text = String::from_utf8_lossy(v.as_bytes());
    Some(text.trim().chars().map(|c| if c.is_control() { ' ' } else { c }).take(128).collect())
}

/// A `Location` for an error message: user info as `[redacted]@`, the query as
/// `?[redacted]`, no fragment, path segments that look like tokens (32 or more
/// base64url/JWT characters) as `[redacted]`, control characters replaced, at most 512
/// characters.
fn shown_location(location: &str) -> String {
    let location = location.trim();
    let location = location.split('#').next().unwrap_or_default();
    let (rest, query) = match location.split_once('?') {
        Some((rest, _)) => (rest, true),
        None => (location, false),
    };
    // `scheme://authority` (absolute) or nothing (a relative reference), then the path.
    let (origin, path) = match rest.split_once("://") {
        Some((scheme, after)) => {
            let (authority, path) = after.find('/').map_or((after, ""), |i| after.split_at(i));
            let authority = match authority.rsplit_once('@') {
                Some((_, host)) => format!("[redacted]@{host}"),
                None => authority.to_owned(),
            };
            (format!("{scheme}://{authority}"), path)
        }
        None => (String::new(), rest),
    };
    let token_like =
        |s: &str| s.len() >= 32 && s.chars().all(|c| c.is_ascii_alphanumeric() || "._~+=-".contains(c));
    let path: Vec<&str> =
        path.split('/').map(|seg| if token_like(seg) { "[redacted]" } else { seg }).collect();
    let mut out = origin + &path.join("/");
    if query {
        out.push_str("?[redacted]");
    }
    out.chars().map(|c| if c.is_control() { ' ' } else { c }).take(512).collect()
}

/// Members whose values are never shown.
const SENSITIVE: &[&str] =
    &["access_token", "refresh_token", "id_token", "client_secret", "assertion", "client_assertion"];

/// The start of a body for an error message: JSON with sensitive members redacted, or
/// text with control characters replaced and long token-like runs redacted.
fn excerpt(body: &[u8], json: Option<&Value>) -> String {
    let text = match json {
        Some(v) => {
            let mut v = v.clone();
            redact(&mut v);
            v.to_string()
        }
        None => {
            let text = String::from_utf8_lossy(body.get(..4096).unwrap_or(body));
            redact_runs(&text)
        }
    };
    let mut out: String =
        text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(MAX_EXCERPT_CHARS).collect();
    if text.chars().count() > MAX_EXCERPT_CHARS {
        out.push('…');
    }
    out
}

fn redact(v: &mut Value) {
    match v {
        Value::Object(obj) => {
            for (k, v) in obj.iter_mut() {
                if SENSITIVE.contains(&k.as_str()) {
                    *v = Value::String("[redacted]".to_owned());
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// Replace runs of 32 or more base64url/JWT characters (`[A-Za-z0-9._~+/=-]`) by `[redacted]`.
fn redact_runs(text: &str) -> String {
    let token_char = |c: char| c.is_ascii_alphanumeric() || "._~+/=-".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 32 {
            out.push_str("[redacted]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if token_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> http::Response<Vec<u8>> {
        http::Response::builder().status(status).body(body.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn expires_in_forms() {
        let secs = |body: &str| parse_response(&resp(200, body), 1000).unwrap().expires_in;
        assert_eq!(secs(r#"{"access_token":"t","expires_in":900}"#), Some(Duration::from_secs(900)));
        assert_eq!(secs(r#"{"access_token":"t","expires_in":"900"}"#), Some(Duration::from_secs(900)));
        assert_eq!(secs(r#"{"access_token":"t","expires_in":899.7}"#), Some(Duration::from_secs(899)));
        assert_eq!(secs(r#"{"access_token":"t","expires_at":1600}"#), Some(Duration::from_secs(600)));
        assert_eq!(
            secs(r#"{"access_token":"t","expires_at":"1970-01-01T00:26:40Z"}"#),
            Some(Duration::from_secs(600))
        );
        assert_eq!(secs(r#"{"access_token":"t","token_type":"bEaReR","x":[1]}"#), None);
        assert!(parse_response(&resp(200, r#"{"access_token":"t","expires_in":"soon"}"#), 0).is_err());
        assert!(parse_response(&resp(200, r#"{"access_token":"t","token_type":"mac"}"#), 0).is_err());
    }

    /// Ten years: the longest lifetime kept, written out independently of `MAX_TOKEN_LIFETIME`.
    const TEN_YEARS: Duration = Duration::from_secs(10 * 365 * 24 * 60 * 60);

    #[test]
    fn the_cap_is_ten_years() {
        assert_eq!(MAX_TOKEN_LIFETIME, TEN_YEARS);
    }

    #[test]
    fn huge_lifetimes_are_clamped_to_ten_years() {
        let secs = |body: &str, now: u64| parse_response(&resp(200, body), now).unwrap().expires_in;
        for body in [
            r#"{"access_token":"t","expires_in":18446744073709551615}"#,
            r#"{"access_token":"t","expires_in":"18446744073709551615"}"#,
            r#"{"access_token":"t","expires_in":" 18446744073709551615 "}"#,
            r#"{"access_token":"t","expires_in":1e300}"#,
            r#"{"access_token":"t","expires_in":"1e300"}"#,
            r#"{"access_token":"t","expires_in":315360001}"#,
            r#"{"access_token":"t","expires_in":99999999999999999999999}"#,
            r#"{"access_token":"t","expires_at":18446744073709551615}"#,
            r#"{"access_token":"t","expires_at":"18446744073709551615"}"#,
            r#"{"access_token":"t","expires_at":"9999-12-31T23:59:59Z"}"#,
        ] {
            assert_eq!(secs(body, 1000), Some(TEN_YEARS), "{body}");
        }
        // Just under the cap is kept as sent.
        assert_eq!(
            secs(r#"{"access_token":"t","expires_in":315359999}"#, 0),
            Some(Duration::from_secs(315_359_999))
        );
        // An `expires_at` in the past is a lifetime of zero, however far back.
        for body in [
            r#"{"access_token":"t","expires_at":0}"#,
            r#"{"access_token":"t","expires_at":"1970-01-01T00:00:00Z"}"#,
            r#"{"access_token":"t","expires_at":"2001-09-09T01:46:39Z"}"#,
        ] {
            assert_eq!(secs(body, 1_700_000_000), Some(Duration::ZERO), "{body}");
        }
        // A negative `expires_in` is zero; non-finite numbers are refused.
        for body in [r#"{"access_token":"t","expires_in":-1}"#, r#"{"access_token":"t","expires_in":"-5"}"#] {
            assert_eq!(secs(body, 0), Some(Duration::ZERO), "{body}");
        }
        for body in [
            r#"{"access_token":"t","expires_in":"NaN"}"#,
            r#"{"access_token":"t","expires_in":"inf"}"#,
            r#"{"access_token":"t","expires_at":-1}"#,
        ] {
            assert!(parse_response(&resp(200, body), 0).is_err(), "{body}");
        }
    }

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("2023-11-14T23:13:20.123+01:00"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(parse_rfc3339("2023-11-14 22:13:20"), None);
        assert_eq!(parse_rfc3339("2023-13-14T22:13:20Z"), None);
        // Separators and zone letters in either case, fractions of any length, any offset.
        assert_eq!(parse_rfc3339("2023-11-14t22:13:20z"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("2023-11-14 22:13:20Z"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20.123456789Z"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20+00:00"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20-00:00"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("2023-11-14T12:43:20-09:30"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("2023-11-15T07:13:20+09:00"), Some(1_700_000_000));
        // A leap second is read as the second before.
        assert_eq!(parse_rfc3339("2016-12-31T23:59:60Z"), Some(1_483_228_799));
        // The README's example and the year range.
        assert_eq!(parse_rfc3339("2026-11-23T20:03:05Z"), Some(1_795_464_185));
        assert_eq!(parse_rfc3339("9999-12-31T23:59:59Z"), Some(253_402_300_799));
        // Before the epoch, or out of range, or malformed: none.
        for bad in [
            "1970-01-01T00:30:00+01:00",
            "1969-12-31T23:59:59Z",
            "2023-02-29T00:00:00Z",
            "2023-11-14T24:00:00Z",
            "2023-11-14T22:60:00Z",
            "2023-11-14T22:13:20+24:00",
            "2023-11-14T22:13:20+01:60",
            "2023-11-14T22:13:20+0100",
            "2023-11-14T22:13:20 +01:00",
            "2023-11-14T22:13:20.Z",
            "2023-11-14T22:13:20.12aZ",
            "2023-11-14X22:13:20Z",
            "2023-11-14",
            "Z",
            "",
            "+01:00",
            "2023-11-14T22:13:20Zé",
            "é023-11-14T22:13:20+01:00",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn errors() {
        let e = parse_response(
            &resp(
                400,
                r#"{"error":"invalid_scope","error_description":"Invalid scopes: IDEAL","error_uri":"u"}"#,
            ),
            0,
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_scope");
        assert_eq!(e.oauth().unwrap().description.as_deref(), Some("Invalid scopes: IDEAL"));
        assert!(!e.is_retryable());
        let e = parse_response(&resp(502, "<html>bad gateway</html>"), 0).unwrap_err();
        assert_eq!(e.code(), "unexpected_response");
        assert!(e.is_retryable());
        let token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl";
        let e = parse_response(&resp(200, &format!(r#"{{"access_token":"{token}","token_type":"mac"}}"#)), 0)
            .unwrap_err();
        assert!(!format!("{e} {e:?}").contains(token));
        let e = parse_response(&resp(500, &format!("oops {token} oops")), 0).unwrap_err();
        assert!(!format!("{e} {e:?}").contains(token), "{e}");
        let mut r = resp(429, "{}");
        r.headers_mut().insert(
            http::header::RETRY_AFTER,
            http::HeaderValue::from_static("Thu, 01 Jan 1970 00:00:10 GMT"),
        );
        assert_eq!(parse_response(&r, 4).unwrap_err().retry_after(), Some(Duration::from_secs(6)));
    }

    #[test]
    fn null_lifetimes_are_absent() {
        let secs = |body: &str| parse_response(&resp(200, body), 1000).unwrap().expires_in;
        assert_eq!(secs(r#"{"access_token":"t","expires_in":null}"#), None);
        assert_eq!(secs(r#"{"access_token":"t","expires_in":null,"expires_at":null}"#), None);
        // A null `expires_in` leaves `expires_at` to decide.
        assert_eq!(
            secs(r#"{"access_token":"t","expires_in":null,"expires_at":1600}"#),
            Some(Duration::from_secs(600))
        );
    }

    #[test]
    fn members_keep_order_and_types_but_never_secrets() {
        let body = r#"{"refresh_token":"r-secret","b":1,"access_token":"a-secret","a":"900","id_token":"i-secret","c":[{"refresh_token":"n-secret"}],"d":null,"e":2.50}"#;
        let r = parse_response(&resp(200, body), 0).unwrap();
        let members: Vec<String> = r.members().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            members,
            ["b=1", r#"a="900""#, r#"c=[{"refresh_token":"[redacted]"}]"#, "d=null", "e=2.50"]
        );
        assert_eq!(r.member("a"), Some(&Value::String("900".into())));
        assert_eq!((r.member("access_token"), r.member("nope")), (None, None));
        assert!(!format!("{r:?}").contains("secret"), "{r:?}");
    }

    #[test]
    fn unexpected_answers_carry_content_type_location_and_excerpt() {
        let with = |status: u16, headers: &[(&str, &str)], body: &str| {
            let mut b = http::Response::builder().status(status);
            for (k, v) in headers {
                b = b.header(*k, *v);
            }
            parse_response(&b.body(body.as_bytes().to_vec()).unwrap(), 0).unwrap_err()
        };
        let e = with(200, &[("content-type", "text/html")], "<html>oops</html>");
        assert_eq!(
            e.to_string(),
            r#"unexpected response: HTTP 200, content-type text/html, body "<html>oops</html>""#
        );
        let e = with(307, &[], "");
        assert_eq!(e.to_string(), "unexpected response: HTTP 307, no content-type, no Location, empty body");
        let e = with(302, &[("location", "/v2/token")], "");
        assert_eq!(e.location(), Some("/v2/token"));
        // A Location only for redirects.
        let e = with(500, &[("location", "/x")], "");
        assert_eq!((e.location(), e.status()), (None, Some(500)));
        for (location, shown) in [
            ("https://a.example/t", "https://a.example/t"),
            ("https://u:p@a.example:8443/t?code=c#f", "https://[redacted]@a.example:8443/t?[redacted]"),
            ("/cb/eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln/x", "/cb/[redacted]/x"),
            ("?only=query", "?[redacted]"),
            ("https://a.example", "https://a.example"),
        ] {
            assert_eq!(shown_location(location), shown, "{location}");
        }
        assert_eq!(shown_location(&"/a".repeat(400)).chars().count(), 512);
    }

    #[test]
    fn a_429_is_rate_limited_with_its_wait() {
        let mut r = resp(429, r#"{"error":"slow_down","error_description":"later"}"#);
        r.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from_static("3600"));
        let e = parse_response(&r, 0).unwrap_err();
        assert_eq!(
            (e.code(), e.status(), e.retry_after()),
            ("rate_limited", Some(429), Some(Duration::from_secs(3600)))
        );
        assert!(e.is_retryable());
        assert_eq!(e.oauth().unwrap().error, ErrorCode::Extension("slow_down".into()));
        assert_eq!(
            e.to_string(),
            "rate limited: HTTP 429 slow_down: later; the server asked to wait 3600 s (Retry-After)"
        );
        let e = e.with_time_left(Duration::from_millis(29_500)).with_attempts(2);
        assert_eq!(
            e.to_string(),
            "rate limited: HTTP 429 slow_down: later; the server asked to wait 3600 s (Retry-After), more than \
             the 29.5 s left of the retry budget (RetryPolicy::max_elapsed), so it was not waited for (after 2 \
             attempts)"
        );
        let e = parse_response(&resp(429, ""), 0).unwrap_err();
        assert_eq!(e.to_string(), "rate limited: HTTP 429, no content-type, empty body; no Retry-After");
    }
}
