//! What each subcommand does. Every command is a thin layer over the core crate.

use crate::cli::{
    Cli, Command, InspectArgs, KeyFormat, KeygenArgs, Profile, PubkeyArgs, PublicFormat, SignArgs,
    ThumbprintArgs, VerifyArgs,
};
use crate::failure::Failure;
use crate::keyfile;
use bearerkit::{Assertion, SigningKey, Validation, profile};
use serde_json::{Value, json};
use std::io::Write as _;

pub(crate) fn run(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Keygen(a) => keygen(a, cli.json),
        Command::Pubkey(a) => pubkey(a, cli.json),
        Command::Sign(a) => sign(a, cli.json),
        Command::Verify(a) => verify(a, cli.json),
        Command::Inspect(a) => inspect(a, cli.json),
        Command::Thumbprint(a) => thumbprint(a, cli.json),
        Command::Token(a) => crate::token::run(a, cli.json),
        Command::Serve(a) => crate::serve::run(a, cli.json),
        Command::Demo(a) => crate::demo::run(a, cli.json),
    }
}

fn now_or(given: Option<u64>) -> u64 {
    given.unwrap_or_else(bearerkit::now_unix)
}

fn token_arg(token: &str) -> Result<String, Failure> {
    if token == "-" {
        Ok(keyfile::read_text(std::path::Path::new("-"))?.trim().to_string())
    } else {
        Ok(token.to_string())
    }
}

fn keygen(a: &KeygenArgs, json_out: bool) -> Result<(), Failure> {
    let key = SigningKey::generate(&mut rand::rng());
    let text = match a.format {
        KeyFormat::Sec1 => key.to_sec1_pem_string(),
        KeyFormat::Pkcs8 => key.to_pkcs8_pem_string(),
        KeyFormat::Jwk => {
            let mut s = key.to_jwk_string();
            s.push('\n');
            s
        }
    };
    let thumbprint = key.verifying_key().thumbprint().to_string();
    match &a.out {
        Some(path) => {
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true);
            if a.force {
                opts.create(true).truncate(true);
            } else {
                opts.create_new(true);
            }
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts
                .open(path)
                .map_err(|e| Failure::failed("io_error", format!("cannot create {}: {e}", path.display())))?;
            f.write_all(text.as_bytes())
                .map_err(|e| Failure::failed("io_error", format!("cannot write {}: {e}", path.display())))?;
            if json_out {
                println!(
                    "{}",
                    json!({"ok": true, "out": path.display().to_string(), "thumbprint": thumbprint})
                );
            } else {
                eprintln!("wrote {} (JWK thumbprint {thumbprint})", path.display());
            }
        }
        None if json_out => {
            println!("{}", json!({"ok": true, "key": text.as_str(), "thumbprint": thumbprint}));
        }
        None => print!("{}", text.as_str()),
    }
    Ok(())
}

fn pubkey(a: &PubkeyArgs, json_out: bool) -> Result<(), Failure> {
    let vk = keyfile::verifying_key(&a.key)?;
    let text = match a.format {
        PublicFormat::Spki => vk.to_spki_pem_string(),
        PublicFormat::Jwk => vk.to_jwk_string() + "\n",
    };
    if json_out {
        println!("{}", json!({"ok": true, "key": text, "thumbprint": vk.thumbprint().to_string()}));
    } else {
        print!("{text}");
    }
    Ok(())
}

fn sign(a: &SignArgs, json_out: bool) -> Result<(), Failure> {
    let key = keyfile::signing_key(&a.key)?;
    let kid = match &a.kid_from_cert {
        Some(cert) => Some(keyfile::kid_from_certificate(cert, &key)?),
        None => a.kid.clone(),
    };
    let now = now_or(a.now);
    let random_jti;
    let mut jti = a.jti.as_deref();
    let iss = a.iss.as_deref();
    let mut sub = a.sub.as_deref();
    let mut typ = a.typ.as_deref();
    let auds: Vec<&str> = a.aud.iter().map(String::as_str).collect();
    match a.profile {
        Profile::D1 => {
            if iss.is_none() || kid.is_none() {
                return Err(Failure::usage(
                    "the d1 profile needs --iss (the issuer id) and --kid (or --kid-from-cert)",
                ));
            }
            if !matches!(auds.as_slice(), ["stg"] | ["prd"]) {
                return Err(Failure::usage("the d1 profile needs exactly one --aud, `stg` or `prd`"));
            }
            if a.exp_in > profile::d1::MAX_LIFETIME {
                return Err(Failure::usage("the d1 profile allows --exp-in up to 900 seconds"));
            }
            sub = sub.or(iss);
            typ = typ.or(Some("JWT"));
        }
        Profile::ClientAssertion => {
            if iss.is_none() || auds.len() != 1 {
                return Err(Failure::usage(
                    "the client-assertion profile needs --iss (the client id) and one --aud (the token endpoint)",
                ));
            }
            sub = sub.or(iss);
            if jti.is_none() {
                random_jti = format!("{:032x}", rand::random::<u128>());
                jti = Some(&random_jti);
            }
        }
        Profile::None => {}
    }
    let mut assertion = Assertion::new().issued_at(now).expires_in(a.exp_in);
    if let Some(v) = iss {
        assertion = assertion.issuer(v);
    }
    if let Some(v) = sub {
        assertion = assertion.subject(v);
    }
    match auds.as_slice() {
        [] => {}
        [one] => assertion = assertion.audience(one),
        many => assertion = assertion.audiences(many),
    }
    if let Some(v) = jti {
        assertion = assertion.jwt_id(v);
    }
    if let Some(v) = kid.as_deref() {
        assertion = assertion.key_id(v);
    }
    if let Some(v) = typ {
        assertion = assertion.typ(v);
    }
    if let Some(c) = a.claims.as_deref() {
        assertion = assertion.claims_json(c);
    }
    let token = assertion.sign_to_string(&key)?;
    if json_out {
        println!("{}", json!({"ok": true, "token": token}));
    } else {
        println!("{token}");
    }
    Ok(())
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn verify(a: &VerifyArgs, json_out: bool) -> Result<(), Failure> {
    let key = keyfile::verifying_key(&a.key)?;
    let token = token_arg(a.token.expose())?;
    let typ: Vec<&str> = if a.typ.is_empty() {
        bearerkit::DEFAULT_TYP.to_vec()
    } else {
        a.typ.iter().map(String::as_str).collect()
    };
    let require: Vec<&str> = a.require.iter().map(String::as_str).collect();
    let auds: Vec<&str> = a.aud.iter().map(String::as_str).collect();
    let mut policy = Validation::new(now_or(a.now))
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
    let verified = bearerkit::verify(&token, &key, &policy, &mut scratch)?;
    let header = parse_json(verified.header().as_json());
    let claims = parse_json(verified.claims().as_json());
    if json_out {
        println!("{}", json!({"ok": true, "valid": true, "header": header, "claims": claims}));
    } else {
        eprintln!("valid: signature and claims accepted");
        println!("{}", serde_json::to_string_pretty(&claims).unwrap_or_default());
    }
    Ok(())
}

fn inspect(a: &InspectArgs, json_out: bool) -> Result<(), Failure> {
    let token = token_arg(a.token.expose())?;
    let mut scratch = vec![0u8; token.len() + 16];
    let t = bearerkit::dangerous::decode_unverified(&token, &mut scratch)?;
    let header = parse_json(t.header().as_json());
    let claims = parse_json(t.claims().as_json());
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
pub(crate) fn rfc3339(secs: u64) -> String {
    let date = |secs| {
        let at = std::time::UNIX_EPOCH + core::time::Duration::from_secs(secs);
        humantime::format_rfc3339_seconds(at).to_string()
    };
    if secs > LAST_RFC3339_SECOND { format!("after {}", date(LAST_RFC3339_SECOND)) } else { date(secs) }
}

fn thumbprint(a: &ThumbprintArgs, json_out: bool) -> Result<(), Failure> {
    if a.key.is_some() && (a.sha1_hex || a.x5t || a.x5t_s256) {
        return Err(Failure::usage("--sha1-hex, --x5t and --x5t-s256 apply to --cert, not --key"));
    }
    let (kind, value) = match (&a.key, &a.cert) {
        (Some(key), _) => ("jwk_thumbprint", keyfile::verifying_key(key)?.thumbprint().to_string()),
        (None, Some(cert)) if a.jwk => {
            ("jwk_thumbprint", keyfile::certificate(cert)?.public_key()?.thumbprint().to_string())
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
