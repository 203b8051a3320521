//! Verify an RS256 or PS256 token with a PEM RSA public key or certificate (used by
//! `tests/python/test_rsa_interop.py`). Exit 0 and print the claims when it verifies, exit 1
//! and print the error code otherwise.
//!
//! `cargo run -p bearerkit-rsa --example rsa_verify -- PUBLIC.pem RS256|PS256 TOKEN [AUDIENCE]`

use std::process::ExitCode;

use bearerkit::Validation;
use bearerkit_rsa::{RsaAlgorithm, RsaVerifyingKey};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(path), Some(alg), Some(token)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("usage: rsa_verify PUBLIC.pem RS256|PS256 TOKEN [AUDIENCE]");
        return ExitCode::from(2);
    };
    let aud = args.get(3).map_or("https://idp.example/token", String::as_str);
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
    let key = if pem.contains("BEGIN CERTIFICATE") {
        RsaVerifyingKey::from_certificate_pem(&pem)
    } else {
        RsaVerifyingKey::from_pem(&pem)
    };
    let key = match key {
        Ok(k) => k,
        Err(e) => {
            eprintln!("{}: {e}", e.code());
            return ExitCode::FAILURE;
        }
    };
    let policy = Validation::new(bearerkit::now_unix()).audience(aud);
    let mut scratch = vec![0u8; 8192];
    match bearerkit::verify(token.trim(), &key.verifier(alg), &policy, &mut scratch) {
        Ok(v) => {
            println!("{}", v.claims().as_json());
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("{}", e.code());
            ExitCode::FAILURE
        }
    }
}
