//! Verify the example token of the Thales D1 guide ("Get an OAuth 2.0 access token") with the
//! guide's example key, as a D1-like server would,
//! at the time it was valid, and show the strict refusals after it expired.
//!
//! `cargo run -p bearerkit --example verify_d1_guide_token`
use bearerkit::{Validation, VerifyingKey, verify};

const KEY: &str = "-----BEGIN EC PRIVATE KEY----- \nMHcCAQEEILlIXMnH1if8EuWykPmWw/LyXZuoNVCzMp3Yhbj9/sEUoAoGCCqGSM49 \nAwEHoUQDQgAE6swczLIRn/lPxQPpdUb2pHjCr0YeC02lkG7vMmqCNpalwIQSl+TR \nfZVDwCKJmajRgK3+n5SyAgCp4oH8qNluwQ==\n-----END EC PRIVATE KEY-----";
const TOKEN: &str = "eyJhbGciOiJFUzI1NiIsImtpZCI6InlvdXJfdGVuYW50X2tleV9pZCJ9.eyJpYXQiOjE2MzYwMzMxODYsImlzcyI6InlvdXJfaXNzdWVyX2lkIiwiYXVkIjoieW91cl9hdWRpZW5jZSIsImV4cCI6MTYzNjAzMzM2Niwic3ViIjoib3VyX3VzZXJfZm9yX2F1ZGl0In0.lgVzN8k9IGcv1s-FZACpEyVxXcS9LAh4ahY3DO5Fg6MRl-Twa_wVAfw_Oe0XiH1Am-RFfafgDrepNi3Jz05Gvg";

fn main() -> Result<(), bearerkit::Error> {
    let key = VerifyingKey::from_pem(KEY)?;
    let policy = Validation::new(1_636_033_200).audience("your_audience").kid("your_tenant_key_id");
    let mut scratch = [0u8; 1024];
    let verified = verify(TOKEN, &key, &policy, &mut scratch)?;
    println!("accepted: {}", verified.claims().as_json());
    let later = policy.at(1_636_033_366 + 60);
    let err = verify(TOKEN, &key, &later, &mut scratch).err();
    println!("an hour later: {:?}", err.map(bearerkit::Error::code));
    Ok(())
}
