//! Thales D1 inbound (`docs/thales-d1-inbound.md`): sign the JWT-bearer assertion an issuer backend
//! sends to `POST {base}/oauth2/token`, and print the form body.
//!
//! `cargo run -p bearerkit --example d1_assertion --features std`
use bearerkit::{SigningKey, profile::d1};

/// The Thales D1 guide's example key, as printed (trailing spaces included).
const KEY: &str = "-----BEGIN EC PRIVATE KEY----- \nMHcCAQEEILlIXMnH1if8EuWykPmWw/LyXZuoNVCzMp3Yhbj9/sEUoAoGCCqGSM49 \nAwEHoUQDQgAE6swczLIRn/lPxQPpdUb2pHjCr0YeC02lkG7vMmqCNpalwIQSl+TR \nfZVDwCKJmajRgK3+n5SyAgCp4oH8qNluwQ==\n-----END EC PRIVATE KEY-----";

fn main() -> Result<(), bearerkit::Error> {
    let key = SigningKey::from_pem(KEY)?;
    let now = bearerkit::now_unix();
    let mut buf = [0u8; 1024];
    let assertion =
        d1::assertion("MGW_ID", d1::Env::Staging, "your_tenant_key_id", now).sign(&key, &mut buf)?;
    println!("POST {}/oauth2/token", d1::Env::Staging.base_url());
    println!("Content-Type: application/x-www-form-urlencoded");
    println!();
    println!("grant_type={}&assertion={assertion}", d1::GRANT_TYPE.replace(':', "%3A"));

    // What D1 checks on its side, with the public key provisioned at onboarding.
    let policy = d1::validation("MGW_ID", d1::Env::Staging, "your_tenant_key_id", now);
    let mut scratch = [0u8; 1024];
    let verified = bearerkit::verify(assertion, &key.verifying_key(), &policy, &mut scratch)?;
    eprintln!("verified claims: {}", verified.claims().as_json());
    Ok(())
}
