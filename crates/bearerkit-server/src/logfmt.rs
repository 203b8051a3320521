//! Values from requests as they may be logged (or echoed in an error description).

use core::fmt::{self, Write as _};

/// Longest part of an untrusted value written out, in characters.
const MAX_CHARS: usize = 128;

/// A value taken from a request (an assertion's `iss` or `kid`, an HTTP Basic or form
/// `client_id`, a parameter name, …), formatted for a log field or an error description:
/// always in double quotes, with quotes, backslashes, control characters (`\n`, `\r`,
/// escape, …) and other unprintable characters escaped as Rust does (`\n`, `\u{1b}`), and
/// cut after 128 characters (`…` and the full length in bytes follow).
///
/// So nothing a client sends can start a new log line or forge another field, whatever
/// the `tracing` subscriber: the escaping is done before the value reaches it.
pub(crate) struct Untrusted<'a>(pub(crate) &'a str);

impl fmt::Display for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        for (i, c) in self.0.chars().enumerate() {
            if i == MAX_CHARS {
                write!(f, "\"…({} bytes)", self.0.len())?;
                return Ok(());
            }
            for escaped in c.escape_debug() {
                f.write_char(escaped)?;
            }
        }
        f.write_char('"')
    }
}

#[cfg(test)]
mod tests {
    use super::Untrusted;

    #[test]
    fn control_characters_quotes_and_length() {
        let forged =
            "x\n2026-01-01T00:00:00Z  INFO bearerkit_server::d1: token issued\r\u{1b}[31m\"\\\u{2028}";
        let text = Untrusted(forged).to_string();
        assert_eq!(
            text,
            r#""x\n2026-01-01T00:00:00Z  INFO bearerkit_server::d1: token issued\r\u{1b}[31m\"\\\u{2028}""#
        );
        assert!(!text.chars().any(char::is_control), "{text}");
        assert_eq!(Untrusted("MGW_ID").to_string(), "\"MGW_ID\"");
        assert_eq!(Untrusted("é").to_string(), "\"é\"");
        let long = "a".repeat(1000);
        assert_eq!(Untrusted(&long).to_string(), format!("\"{}\"…(1000 bytes)", "a".repeat(128)));
    }
}
