//! `bearerkit thumbprint`: the RFC 7638 thumbprint of a key (P-256 or RSA), or a
//! certificate's SHA-1 / `x5t` / `x5t#S256` fingerprints or key thumbprint.

use crate::cli::ThumbprintArgs;
use crate::failure::Failure;
use crate::keyfile;
use serde_json::json;

pub(crate) fn run(a: &ThumbprintArgs, json_out: bool) -> Result<(), Failure> {
    if a.key.is_some() && (a.sha1_hex || a.x5t || a.x5t_s256) {
        return Err(Failure::usage("--sha1-hex, --x5t and --x5t-s256 apply to --cert, not --key"));
    }
    let (kind, value) = match (&a.key, &a.cert) {
        (Some(key), _) => ("jwk_thumbprint", keyfile::any_verifying_key(key)?.thumbprint()),
        (None, Some(cert)) if a.jwk => {
            ("jwk_thumbprint", keyfile::certificate(cert)?.public_key()?.thumbprint())
        }
        (None, Some(cert)) => {
            let t = keyfile::certificate(cert)?.thumbprints()?;
            if a.x5t {
                ("x5t", t.x5t().to_string())
            } else if a.x5t_s256 {
                ("x5t#S256", t.x5t_s256().to_string())
            } else {
                ("sha1_hex", t.sha1_hex().to_string())
            }
        }
        (None, None) => return Err(Failure::usage("give --key or --cert")),
    };
    if json_out {
        println!("{}", json!({"ok": true, "kind": kind, "value": value}));
    } else {
        println!("{value}");
    }
    Ok(())
}
