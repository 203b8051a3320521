//! Print an RS256 or PS256 client assertion signed with a PEM RSA private key (used by
//! `tests/python/test_rsa_interop.py`).
//!
//! `cargo run -p bearerkit-rsa --example rsa_sign -- KEY.pem RS256|PS256 [AUDIENCE]`

use std::process::ExitCode;

use bearerkit::Assertion;
use bearerkit_rsa::{RsaAlgorithm, RsaSigningKey};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(path), Some(alg)) = (args.first(), args.get(1)) else {
        eprintln!("usage: rsa_sign KEY.pem RS256|PS256 [AUDIENCE]");
        return ExitCode::from(2);
    };
    let aud = args.get(2).map_or("https://idp.example/token", String::as_str);
    let Some(alg) = RsaAlgorithm::from_name(alg) else {
        eprintln!("unsupported alg {alg}: expected RS256 or PS256");
        return ExitCode::from(2);
    };
    let pem = match std::fs::read_to_string(path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let key = match RsaSigningKey::from_pem(&pem) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("{}: {e}", e.code());
            return ExitCode::FAILURE;
        }
    };
    let kid = key.public_key().thumbprint();
    let now = bearerkit::now_unix();
    let token = Assertion::new()
        .issuer("client-1")
        .subject("client-1")
        .audience(aud)
        .issued_at(now)
        .expires_in(300)
        .jwt_id("rsa-interop")
        .key_id(&kid)
        .sign_with_to_string(&key.signer(alg));
    match token {
        Ok(t) => {
            println!("{t}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", e.code());
            ExitCode::FAILURE
        }
    }
}
