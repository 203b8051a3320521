//! `bearerkit verify`: strict verification with the core's defaults, ES256 with a P-256 key
//! or RS256/PS256 with an RSA key; the claims when accepted, the core's code when not.

use crate::cli::VerifyArgs;
use crate::failure::Failure;
use crate::keyfile;
use bearerkit::Validation;
use serde_json::{Value, json};

pub(crate) fn run(a: &VerifyArgs, json_out: bool) -> Result<(), Failure> {
    if a.key.as_ref().is_some_and(|k| k.as_os_str() == "-") && a.token.expose() == "-" {
        return Err(Failure::usage(
            "--key - and the token - both read stdin: give one of them as a file or argument",
        ));
    }
    let key = match (&a.key, &a.cert) {
        (Some(path), _) => keyfile::any_verifying_key(path)?,
        (None, Some(cert)) => keyfile::certificate(cert)?.public_key()?,
        (None, None) => return Err(Failure::usage("give --key or --cert")),
    };
    let supported = key.algorithms();
    if let Some(alg) = a.alg.iter().find(|alg| !supported.contains(alg)) {
        let names: Vec<&str> = supported.iter().map(|a| a.name()).collect();
        return Err(Failure::usage(format!(
            "--alg {}: the key verifies only {}",
            alg.name(),
            names.join(", ")
        )));
    }
    let allowed: &[keyfile::Alg] = if a.alg.is_empty() { supported } else { &a.alg };
    let token = keyfile::token(a.token.expose())?;
    let typ: Vec<&str> = if a.typ.is_empty() {
        bearerkit::DEFAULT_TYP.to_vec()
    } else {
        a.typ.iter().map(String::as_str).collect()
    };
    let require: Vec<&str> = a.require.iter().map(String::as_str).collect();
    let auds: Vec<&str> = a.aud.iter().map(String::as_str).collect();
    let mut policy = Validation::new(a.now.unwrap_or_else(bearerkit::now_unix))
        .leeway(a.leeway)
        .typ(&typ)
        .required(&require)
        .max_bytes(a.max_bytes)
        .require_kid(a.require_kid);
    if let Some(v) = a.iss.as_deref() {
        policy = policy.issuer(v);
    }
    match auds.as_slice() {
        [] if a.any_audience => policy = policy.any_audience(),
        [] => {}
        [one] => policy = policy.audience(one),
        many => policy = policy.audiences(many),
    }
    if let Some(v) = a.sub.as_deref() {
        policy = policy.subject(v);
    }
    if let Some(v) = a.kid.as_deref() {
        policy = policy.kid(v);
    }
    if let Some(v) = a.max_lifetime {
        policy = policy.max_lifetime(v);
    }
    if let Some(v) = a.max_expiry_ahead {
        policy = policy.max_expiry_ahead(v);
    }
    let mut scratch = vec![0u8; token.len() + 16];
    let verified = match &key {
        keyfile::AnyPublicKey::Ec(key) => bearerkit::verify(&token, key, &policy, &mut scratch)?,
        keyfile::AnyPublicKey::Rsa(key) => {
            // The header's `alg` only chooses among the allowed RSA algorithms; the core then
            // checks that it equals the chosen verifier's.
            let named = header_alg(&token)?;
            let alg = allowed
                .iter()
                .find(|a| Some(a.name()) == named.as_deref())
                .and_then(|a| a.rsa())
                .ok_or(bearerkit::Error::UnsupportedAlgorithm)?;
            bearerkit::verify(&token, &key.verifier(alg), &policy, &mut scratch)?
        }
    };
    let header: Value = serde_json::from_str(verified.header().as_json()).unwrap_or(Value::Null);
    let claims: Value = serde_json::from_str(verified.claims().as_json()).unwrap_or(Value::Null);
    if json_out {
        println!("{}", json!({"ok": true, "valid": true, "header": header, "claims": claims}));
    } else {
        eprintln!("valid: signature and claims accepted");
        println!("{}", serde_json::to_string_pretty(&claims).unwrap_or_default());
    }
    Ok(())
}

/// The header's `alg` (decoded without verification, under the core's format rules), to
/// pick the RSA verifier among the allowed ones.
fn header_alg(token: &str) -> Result<Option<String>, Failure> {
    let mut scratch = vec![0u8; token.len() + 16];
    let t = bearerkit::dangerous::decode_unverified(token, &mut scratch)?;
    Ok(t.header().alg().map(|a| a.to_string_unescaped()))
}
