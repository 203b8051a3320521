//! `bearerkit sign`: a JWT assertion, ES256 with a P-256 key or RS256/PS256 with an RSA key
//! (the d1 and client-assertion profiles, or exactly the claims given).

use crate::cli::{Profile, SignArgs};
use crate::failure::Failure;
use crate::keyfile;
use bearerkit::{Assertion, profile};
use serde_json::json;

pub(crate) fn run(a: &SignArgs, json_out: bool) -> Result<(), Failure> {
    let key = keyfile::any_signing_key(&a.key)?;
    if a.profile == Profile::D1 && matches!(key, keyfile::AnyKey::Rsa(_)) {
        return Err(Failure::usage(
            "the d1 profile signs ES256 (Thales D1 accepts only ES256): --key must be a P-256 key",
        ));
    }
    let kid = match &a.kid_from_cert {
        Some(cert) => Some(keyfile::kid_from_certificate(cert, &key)?),
        None => a.kid.clone(),
    };
    let signer = keyfile::assertion_signer(key, a.alg)?;
    let now = a.now.unwrap_or_else(bearerkit::now_unix);
    let random_jti;
    let mut jti = a.jti.as_deref();
    let iss = a.iss.as_deref();
    let mut sub = a.sub.as_deref();
    let mut typ = a.typ.as_deref();
    let mut auds: Vec<&str> = a.aud.iter().map(String::as_str).collect();
    let derived_aud;
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
                    "the client-assertion profile needs --iss (the client id) and one --aud (the issuer or the token endpoint)",
                ));
            }
            // A Keycloak-style token URL becomes its realm's issuer (as `bearerkit token` sends).
            if !a.aud_exact
                && let Some(issuer) = bearerkit_client::keycloak_issuer(auds[0])
            {
                derived_aud = issuer;
                auds = vec![derived_aud.as_str()];
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
    let token = assertion.sign_with_to_string(&signer)?;
    if json_out {
        println!("{}", json!({"ok": true, "token": token}));
    } else {
        println!("{token}");
    }
    Ok(())
}
