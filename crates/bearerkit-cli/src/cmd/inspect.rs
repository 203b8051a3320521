//! `bearerkit inspect`: a token decoded WITHOUT verification, and said so.

use crate::cli::InspectArgs;
use crate::failure::Failure;
use crate::keyfile;
use serde_json::{Value, json};

pub(crate) fn run(a: &InspectArgs, json_out: bool) -> Result<(), Failure> {
    let token = keyfile::token(a.token.expose())?;
    let mut scratch = vec![0u8; token.len() + 16];
    let t = bearerkit::dangerous::decode_unverified(&token, &mut scratch)?;
    let header: Value = serde_json::from_str(t.header().as_json()).unwrap_or(Value::Null);
    let claims: Value = serde_json::from_str(t.claims().as_json()).unwrap_or(Value::Null);
    if json_out {
        println!(
            "{}",
            json!({"ok": true, "verified": false, "header": header, "claims": claims,
                   "signature_bytes": t.signature_len()})
        );
    } else {
        println!("UNVERIFIED: decoded only; the signature and claims were NOT checked.");
        println!("header: {}", serde_json::to_string_pretty(&header).unwrap_or_default());
        println!("claims: {}", serde_json::to_string_pretty(&claims).unwrap_or_default());
        for name in ["iat", "nbf", "exp"] {
            if let Some(secs) = claims.get(name).and_then(Value::as_u64) {
                println!("{name}: {secs} ({})", rfc3339(secs));
            }
        }
        println!("signature: {} bytes", t.signature_len());
    }
    Ok(())
}

/// Last second RFC 3339 can write: 9999-12-31T23:59:59Z.
const LAST_RFC3339_SECOND: u64 = 253_402_300_799;

/// Seconds since the epoch as an RFC 3339 UTC date to the second (`2021-11-04T13:42:46Z`);
/// past the year 9999 (a claim can hold any number), `after 9999-12-31T23:59:59Z`.
fn rfc3339(secs: u64) -> String {
    let date = |secs| {
        let at = std::time::UNIX_EPOCH + core::time::Duration::from_secs(secs);
        humantime::format_rfc3339_seconds(at).to_string()
    };
    if secs > LAST_RFC3339_SECOND { format!("after {}", date(LAST_RFC3339_SECOND)) } else { date(secs) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_dates() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_636_033_366), "2021-11-04T13:42:46Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(super::rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        // humantime cannot write year 10000 (its Display fails): no panic.
        assert_eq!(super::rfc3339(253_402_300_800), "after 9999-12-31T23:59:59Z");
        assert_eq!(super::rfc3339(u64::MAX), "after 9999-12-31T23:59:59Z");
    }
}
