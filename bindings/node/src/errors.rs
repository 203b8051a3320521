//! Errors from the Rust crates to JavaScript.
//!
//! The addon throws (or rejects with) a plain napi `Error` whose message carries, separated
//! by U+001F, the error's family (the class `index.js` makes of it), its stable code (the
//! crates' `code()`), the crates' own message and, for the token client, a JSON object of
//! extra fields (`error`, `description`, `uri`, `status`, `attempts`, `retryAfter`).
//! `index.js` decodes it; the encoding is private to the package. Messages never contain key
//! material, assertions or tokens: they are the crates' own `Display` texts, which never do.

use napi::{Error, Status};

/// Where an error of the core happened: the same code can belong to different families
/// (`date_out_of_range` is a verification refusal, or a date no verifier could accept when
/// signing).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Ctx {
    /// Key or certificate import.
    Key,
    /// Signing.
    Sign,
    /// Verification or decoding.
    Verify,
}

/// Codes that mean "this key could not be used", wherever they happen (except in
/// verification, where a token's content can never be a key problem).
const KEY_CODES: &[&str] = &[
    "bad_pem",
    "bad_der",
    "bad_jwk",
    "unsupported_key_type",
    "wrong_curve",
    "invalid_point",
    "invalid_scalar",
    "key_mismatch",
    "key_usage",
];

/// The error family (a class name of `index.js`) of a core code.
fn family_of(code: &str, ctx: Ctx) -> &'static str {
    if KEY_CODES.contains(&code) && ctx != Ctx::Verify || ctx == Ctx::Key {
        return "InvalidKey";
    }
    if code == "invalid_policy" {
        return "InvalidPolicy";
    }
    if ctx == Ctx::Sign {
        return "SigningError";
    }
    match code {
        "expired" => "ExpiredToken",
        "not_yet_valid" | "issued_in_future" => "NotYetValid",
        "issuer_mismatch"
        | "subject_mismatch"
        | "audience_mismatch"
        | "unexpected_audience"
        | "audience_not_sole"
        | "kid_mismatch"
        | "missing_kid"
        | "lifetime_too_long" => "ClaimMismatch",
        _ => "InvalidToken",
    }
}

/// The encoded error: `family`, `code`, `message` and optional extra fields (JSON).
pub(crate) fn encoded(family: &str, code: &str, message: &str, extra: Option<&str>) -> Error {
    let mut text = format!("{family}\u{1f}{code}\u{1f}{message}");
    if let Some(extra) = extra {
        text.push('\u{1f}');
        text.push_str(extra);
    }
    Error::new(Status::GenericFailure, text)
}

/// An argument the API refuses (`invalid_argument`).
pub(crate) fn argument(message: impl AsRef<str>) -> Error {
    encoded("InvalidArgument", "invalid_argument", message.as_ref(), None)
}

/// The core's error, in its family for `ctx`.
pub(crate) fn core(e: bearerkit::Error, ctx: Ctx) -> Error {
    encoded(family_of(e.code(), ctx), e.code(), &e.to_string(), None)
}

/// An RSA key error (`bearerkit-rsa`): always `InvalidKey`.
pub(crate) fn rsa(e: bearerkit_rsa::Error) -> Error {
    encoded("InvalidKey", e.code(), &e.to_string(), None)
}

/// A JSON string literal of `s` (for the extra fields).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_opt(s: Option<&str>) -> String {
    s.map_or_else(|| "null".to_owned(), json_string)
}

/// The token client's error, with `attempts` and, by kind, `error`, `description`, `uri`,
/// `status` and `retryAfter`.
pub(crate) fn client(e: &bearerkit_client::Error) -> Error {
    use bearerkit_client::ErrorKind;
    let message = e.to_string();
    let attempts = e.attempts();
    match e.kind() {
        ErrorKind::Assertion(core_error) => {
            let ctx = if KEY_CODES.contains(&core_error.code()) { Ctx::Key } else { Ctx::Sign };
            core(*core_error, ctx)
        }
        ErrorKind::RsaKey(rsa_error) => rsa(*rsa_error),
        ErrorKind::OAuth(oauth) => {
            let extra = format!(
                "{{\"error\":{},\"description\":{},\"uri\":{},\"status\":{},\"attempts\":{attempts}}}",
                json_string(oauth.error.as_str()),
                json_opt(oauth.description.as_deref()),
                json_opt(oauth.uri.as_deref()),
                oauth.status
            );
            encoded("OAuthError", e.code(), &message, Some(&extra))
        }
        ErrorKind::RateLimited { retry_after, .. } => {
            let retry = retry_after.map_or_else(|| "null".to_owned(), |d| d.as_secs_f64().to_string());
            let extra = format!("{{\"retryAfter\":{retry},\"status\":429,\"attempts\":{attempts}}}");
            encoded("RateLimited", e.code(), &message, Some(&extra))
        }
        ErrorKind::Config { .. } => encoded("ConfigError", e.code(), &message, None),
        _ => {
            let status = match e.kind() {
                ErrorKind::UnexpectedResponse { status, .. } | ErrorKind::ResponseTooLarge { status, .. } => {
                    status.to_string()
                }
                _ => "null".to_owned(),
            };
            let extra = format!("{{\"status\":{status},\"attempts\":{attempts}}}");
            encoded("TransportError", e.code(), &message, Some(&extra))
        }
    }
}

/// A JavaScript number as a date or a count of seconds: a non-negative integer. Numbers from
/// 2^53 up are integers too (if not exactly the ones written in the source); from 2^64 up they
/// saturate to `u64::MAX`, so the core's own rules (dates after 9999, a leeway over 3600, ...)
/// decide about them, as for any other large value.
pub(crate) fn seconds(v: f64, name: &str) -> napi::Result<u64> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 {
        // Non-negative and integral: `as` converts exactly, saturating from 2^64 up.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(v as u64)
    } else {
        Err(argument(format!("{name} must be a non-negative integer number of seconds")))
    }
}

/// An optional [`seconds`].
pub(crate) fn opt_seconds(v: Option<f64>, name: &str) -> napi::Result<Option<u64>> {
    v.map(|v| seconds(v, name)).transpose()
}
